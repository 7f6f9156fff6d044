// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a snapshot's pages: pagemap, the module, kpageflags/kpagecount
 * and the node of each PFN, in batches, by one reader or, for a large
 * target, by one reader thread per CPU over equal shares of its pages.
 *
 * With PAGEMAP_SCAN (6.7+) the populated regions are listed first; their
 * count sizes the page array exactly and splits it among the readers, each
 * filling its own window of it. Without it (6.1) one reader walks every
 * page of every mapping.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pagemap.h"
#include "scan.h"

#define SCAN_REGIONS		256
/* Read through holes of up to this many pages between populated runs */
#define SCAN_MERGE_GAP		64
/* A reader thread pays for itself from about this many pages on */
#define SCAN_PAGES_PER_THREAD	(64 * 1024)
#define SCAN_MAX_THREADS	16

/* Build a page from its pagemap entry and, when bound, the module's record. */
static void merge_page(const struct snapshot_ctx *ctx, bool prot_none,
		       uint64_t raw, const struct kmod_page *rec,
		       struct snapshot_page *page)
{
	struct pagemap_entry pm;

	pagemap_decode(raw, &pm);
	page->flags = 0;
	page->node = PAGEWATCH_NODE_NONE;
	page->pfn = 0;
	page->refcount = page->mapcount = page->pincount = 0;
	page->order = page->swap_type = 0;
	if (pm.soft_dirty)
		page->flags |= SNAPSHOT_BIT(SNAPSHOT_PAGE_SOFT_DIRTY);
	if (pm.exclusive)
		page->flags |= SNAPSHOT_BIT(SNAPSHOT_PAGE_EXCLUSIVE);
	if (pm.uffd_wp)
		page->flags |= SNAPSHOT_BIT(SNAPSHOT_PAGE_UFFD_WP);
	if (pm.guard)
		page->flags |= SNAPSHOT_BIT(SNAPSHOT_PAGE_GUARD);

	if (rec) {
		page->flags |= rec->flags & (SNAPSHOT_BIT(32) - 1);
		page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_KMOD) |
			       SNAPSHOT_BIT(SNAPSHOT_KNOWN_MAPCOUNT) |
			       SNAPSHOT_BIT(SNAPSHOT_KNOWN_THP);
		page->pfn = rec->pfn;
		page->refcount = rec->refcount;
		page->mapcount = rec->mapcount;
		page->pincount = rec->pincount;
		page->order = rec->order;
		page->swap_type = rec->swap_type;
		if (rec->flags & (SNAPSHOT_BIT(PAGEWATCH_PAGE_PRESENT) |
				  SNAPSHOT_BIT(PAGEWATCH_PAGE_MIGRATION)))
			page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_PFN);
		if (rec->node != PAGEWATCH_NODE_NONE) {
			page->node = rec->node;
			page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_NODE);
		}
		return;
	}

	if (prot_none)
		page->flags |= SNAPSHOT_BIT(PAGEWATCH_PAGE_VMA_PROTNONE);
	if (pm.present) {
		page->flags |= SNAPSHOT_BIT(PAGEWATCH_PAGE_PRESENT);
		page->flags |= SNAPSHOT_BIT(pm.file ? PAGEWATCH_PAGE_FILE :
					    PAGEWATCH_PAGE_ANON);
		/* pagemap zeroes PFNs for readers without CAP_SYS_ADMIN (4.2) */
		if (ctx->cap_sys_admin && pm.pfn) {
			page->pfn = pm.pfn;
			page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_PFN);
		}
	} else if (pm.swapped) {
		/* without the module a migration entry reads as swapped */
		page->flags |= SNAPSHOT_BIT(PAGEWATCH_PAGE_SWAP);
		page->pfn = pm.pfn;
		page->swap_type = (uint8_t)pm.swap_type;
	}
}

static bool page_has_state(const struct snapshot_page *page)
{
	return page->flags & (SNAPSHOT_BIT(PAGEWATCH_PAGE_PRESENT) |
			      SNAPSHOT_BIT(PAGEWATCH_PAGE_SWAP) |
			      SNAPSHOT_BIT(PAGEWATCH_PAGE_MIGRATION));
}


/* A populated run of mapping MAPPING that PAGEMAP_SCAN found */
struct scan_region {
	uint64_t start;
	uint64_t end;
	size_t mapping;
};

/*
 * One reader: the buffers every batch reuses, and the pages it fills: its
 * window of the snapshot's page array (a thread), the array itself (the
 * only reader), or one batch (a summary, which keeps no pages).
 */
struct scan {
	struct snapshot_ctx *ctx;
	struct snapshot *snap;
	bool summary_only;
	bool kpage;		/* kpageflags for THP and friends */
	bool kpage_counts;	/* and kpagecount for mapcount */
	bool sysfs_node;
	bool kmod_only;		/* summary with the module: no pagemap reads */
	uint64_t *raw;		/* PAGEMAP_BATCH pagemap entries */
	struct kmod_page *recs;	/* PAGEMAP_BATCH records, with the module */
	struct pagewatch_page *kbuf;	/* the module's raw records */
	uint64_t *pfns;		/* PAGEMAP_BATCH PFNs to look up... */
	uint32_t *slots;	/* ...and the page of each in the batch */
	uint64_t *kflags;	/* KPAGE_BATCH kpageflags words */
	uint64_t *kcounts;	/* KPAGE_BATCH kpagecount words */

	struct snapshot_page *pages;
	size_t nr_pages;
	size_t cap_pages;
	bool owned;		/* pages is malloc'd by this reader: it may grow */
	bool exact;		/* cap_pages was counted, not guessed */
	size_t nr_read;		/* summary_only: pages folded into summaries */
	struct snapshot_summary *summaries;	/* summary_only */
	size_t nr_summaries;

	const struct snapshot_range *ranges;	/* NULL: the whole of each */
	size_t nr_ranges;
	const struct scan_region *regions;	/* a reader thread's share */
	size_t nr_regions;
	atomic_int *failed;	/* set by the first reader that fails */
	int err;
	pthread_t thread;
};

static void scan_free(struct scan *s)
{
	free(s->raw);
	free(s->recs);
	free(s->kbuf);
	free(s->pfns);
	free(s->slots);
	free(s->kflags);
	free(s->kcounts);
	if (s->summary_only || s->owned)
		free(s->pages);
	s->pages = NULL;
	snapshot_summary_free(s->summaries, s->nr_summaries);
	s->summaries = NULL;
	s->nr_summaries = 0;
}

static int scan_init(struct scan *s, struct snapshot_ctx *ctx,
		     struct snapshot *snap)
{
	memset(s, 0, sizeof(*s));
	s->ctx = ctx;
	s->snap = snap;
	s->summary_only = ctx->opts.summary_only;
	s->kpage = !ctx->kmod_ok && ctx->kpage_ok;
	/* no summary count and no filter needs mapcount */
	s->kpage_counts = s->kpage && !s->summary_only;
	s->sysfs_node = snapshot_has(snap, SNAPSHOT_SRC_SYSFS_NODE);
	/*
	 * The module's record holds every fact a summary counts; pagemap only
	 * adds soft-dirty, exclusive, uffd-wp and guard, which none counts.
	 */
	s->kmod_only = s->summary_only && ctx->kmod_ok;

	s->raw = malloc(PAGEMAP_BATCH * sizeof(*s->raw));
	if (!s->raw)
		return -ENOMEM;
	if (ctx->kmod_ok) {
		s->recs = malloc(PAGEMAP_BATCH * sizeof(*s->recs));
		s->kbuf = malloc(KMOD_BATCH * sizeof(*s->kbuf));
		if (!s->recs || !s->kbuf)
			return -ENOMEM;
	}
	if (s->kpage) {
		s->pfns = malloc(PAGEMAP_BATCH * sizeof(*s->pfns));
		s->slots = malloc(PAGEMAP_BATCH * sizeof(*s->slots));
		s->kflags = malloc(KPAGE_BATCH * sizeof(*s->kflags));
		if (!s->pfns || !s->slots || !s->kflags)
			return -ENOMEM;
		if (s->kpage_counts) {
			s->kcounts = malloc(KPAGE_BATCH * sizeof(*s->kcounts));
			if (!s->kcounts)
				return -ENOMEM;
		}
	}
	if (s->summary_only) {
		s->pages = malloc(PAGEMAP_BATCH * sizeof(*s->pages));
		s->cap_pages = PAGEMAP_BATCH;
		s->summaries = calloc(snap->nr_mappings ? snap->nr_mappings : 1,
				      sizeof(*s->summaries));
		if (!s->pages || !s->summaries)
			return -ENOMEM;
	}
	return 0;
}

/*
 * Piece R of mapping INDEX that the snapshot covers: the mapping within
 * the snapshot's range and, for snapshot_take_ranges(), within range R.
 * False when that is empty.
 */
static bool piece_bounds(const struct scan *s, size_t index, size_t r,
			 uint64_t *start, uint64_t *end)
{
	const struct snapshot *snap = s->snap;
	const struct maps_entry *map = &snap->mappings[index];

	*start = map->start;
	*end = map->end;
	if (snap->range_end) {
		*start = *start > snap->range_start ? *start : snap->range_start;
		*end = *end < snap->range_end ? *end : snap->range_end;
	}
	if (s->ranges) {
		*start = *start > s->ranges[r].start ? *start : s->ranges[r].start;
		*end = *end < s->ranges[r].end ? *end : s->ranges[r].end;
	}
	return *start < *end;
}

static size_t nr_pieces(const struct scan *s)
{
	return s->ranges ? s->nr_ranges : 1;
}

/* Grow an array this reader owns; a thread's window moves out to one. */
static int grow_pages(struct scan *s)
{
	size_t cap = s->cap_pages + (s->exact ? PAGEMAP_BATCH :
				     s->cap_pages / 8 + PAGEMAP_BATCH);
	struct snapshot_page *pages;

	if (s->owned) {
		pages = realloc(s->pages, cap * sizeof(*pages));
		if (!pages)
			return -ENOMEM;
	} else {
		/* the target grew into a neighbour's window: rare */
		pages = malloc(cap * sizeof(*pages));
		if (!pages)
			return -ENOMEM;
		memcpy(pages, s->pages, s->nr_pages * sizeof(*pages));
		s->owned = true;
	}
	s->pages = pages;
	s->cap_pages = cap;
	return 0;
}

/* A slot for one more page of the current batch (not yet counted). */
static struct snapshot_page *next_page(struct scan *s)
{
	if (s->nr_pages == s->cap_pages && grow_pages(s))
		return NULL;
	return &s->pages[s->nr_pages];
}

/* kpageflags and kpagecount of PAGES[0..NR), a window of PFNs at a time */
static int add_kpage_facts(struct scan *s, struct snapshot_page *pages,
			   size_t nr)
{
	struct kpage_run run;
	size_t n = 0, len;
	int err;

	for (size_t i = 0; i < nr; i++) {
		if (!snapshot_page_test(&pages[i], SNAPSHOT_KNOWN_PFN))
			continue;
		s->pfns[n] = pages[i].pfn;
		s->slots[n++] = (uint32_t)i;
	}
	for (size_t i = 0; i < n; i += len) {
		bool counts = false;

		len = kpage_cluster(s->pfns + i, n - i, &run);
		err = kpage_read(&s->ctx->kpage, &run, s->kflags, NULL);
		if (err)
			return err;
		for (size_t j = i; j < i + len && s->kpage_counts && !counts; j++)
			counts = !kpage_mapcount_is_one(
				snapshot_page_test(&pages[s->slots[j]],
						   SNAPSHOT_PAGE_EXCLUSIVE),
				s->kflags[s->pfns[j] - run.start]);
		/* a private anonymous buffer needs no kpagecount at all */
		if (counts) {
			err = kpage_read(&s->ctx->kpage, &run, NULL, s->kcounts);
			if (err)
				return err;
		}
		for (size_t j = i; j < i + len; j++) {
			struct snapshot_page *page = &pages[s->slots[j]];
			uint64_t off = s->pfns[j] - run.start;

			if (counts) {
				page->mapcount = (uint32_t)s->kcounts[off];
				page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_MAPCOUNT);
			} else if (s->kpage_counts) {
				page->mapcount = 1;
				page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_MAPCOUNT);
			}
			page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_THP) |
				       kpage_decode(s->kflags[off]);
		}
	}
	return 0;
}

static void add_sysfs_nodes(const struct snapshot_ctx *ctx,
			    struct snapshot_page *pages, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		struct snapshot_page *page = &pages[i];
		unsigned int node;

		if (!snapshot_page_test(page, SNAPSHOT_KNOWN_PFN) ||
		    !snapshot_page_test(page, PAGEWATCH_PAGE_PRESENT))
			continue;
		node = numa_topo_pfn_node(&ctx->topo, page->pfn);
		if (node == NUMA_TOPO_NODE_NONE)
			continue;
		page->node = (uint16_t)node;
		page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_NODE);
	}
}

/* The facts the pages [FIRST, end) of the batch still lack; summaries. */
static int finish_batch(struct scan *s, size_t first)
{
	const struct snapshot_opts *opts = &s->ctx->opts;
	struct snapshot_page *pages = s->pages + first;
	size_t nr = s->nr_pages - first;
	int err;

	if (s->kpage) {
		err = add_kpage_facts(s, pages, nr);
		if (err)
			return err;
	}
	if (s->sysfs_node)
		add_sysfs_nodes(s->ctx, pages, nr);
	if (!s->summary_only)
		return 0;
	for (size_t i = 0; i < nr; i++) {
		if (opts->keep && !opts->keep(&pages[i], opts->keep_arg))
			continue;
		err = snapshot_summary_add(s->snap, s->summaries,
					   &s->nr_summaries, &pages[i]);
		if (err)
			return err;
	}
	s->nr_read += nr;
	s->nr_pages = 0;
	return 0;
}

/* Read the pages of [start, end) of mapping INDEX in batches. */
static int read_range(struct scan *s, size_t index, uint64_t start,
		      uint64_t end)
{
	struct snapshot_ctx *ctx = s->ctx;
	bool prot_none = maps_is_prot_none(&s->snap->mappings[index]);
	bool all = s->snap->all;
	uint64_t addr = start;
	int err;

	while (addr < end) {
		size_t want = (end - addr) / 4096, first = s->nr_pages;
		long got, nr_recs = 0;

		/* another reader failed: the snapshot is lost anyway */
		if (s->failed && atomic_load_explicit(s->failed,
						      memory_order_relaxed))
			return -ECANCELED;
		if (want > PAGEMAP_BATCH)
			want = PAGEMAP_BATCH;
		if (s->kmod_only) {
			/* pagemap would add soft-dirty and friends: no count */
			memset(s->raw, 0, want * sizeof(*s->raw));
			got = (long)want;
		} else {
			got = pagemap_read(ctx->pagemap_fd, addr, s->raw, want);
		}
		if (got < 0)
			return (int)got;
		/* inside a mapping, nothing to read means the mm is gone */
		if (got == 0)
			return -ESRCH;
		if (ctx->kmod_ok) {
			nr_recs = kmod_read_pages(&ctx->kmod, addr, s->recs,
						  (size_t)got, s->kbuf);
			if (nr_recs < 0)
				return (int)nr_recs;
			if (nr_recs == 0)
				return -ESRCH;
			if (s->kmod_only)
				got = nr_recs;
		}
		for (long i = 0; i < got; i++) {
			struct snapshot_page *page = next_page(s);

			if (!page)
				return -ENOMEM;
			merge_page(ctx, prot_none, s->raw[i],
					    i < nr_recs ? &s->recs[i] : NULL, page);
			if (!all && !page_has_state(page))
				continue;
			page->vaddr = addr + (uint64_t)i * 4096;
			page->mapping = (uint32_t)index;
			s->nr_pages++;
		}
		err = finish_batch(s, first);
		if (err)
			return err;
		addr += (uint64_t)got * 4096;
	}
	return 0;
}

/* Read REGIONS[0..NR) in order, through small holes between them. */
static int read_regions(struct scan *s, const struct scan_region *regions,
			size_t nr)
{
	size_t i = 0;
	int err;

	while (i < nr) {
		struct scan_region run = regions[i++];

		/* one read through a small hole beats two reads */
		while (i < nr && regions[i].mapping == run.mapping &&
		       regions[i].start - run.end <= SCAN_MERGE_GAP * 4096 &&
		       regions[i].end - run.start <= PAGEMAP_BATCH * 4096ULL)
			run.end = regions[i++].end;
		err = read_range(s, run.mapping, run.start, run.end);
		if (err)
			return err;
	}
	return 0;
}

/* Read every page of every piece (no PAGEMAP_SCAN, or --all). */
static int read_everything(struct scan *s)
{
	const struct snapshot *snap = s->snap;
	uint64_t start, end;
	int err;

	for (size_t i = 0; i < snap->nr_mappings; i++) {
		for (size_t r = 0; r < nr_pieces(s); r++) {
			if (!piece_bounds(s, i, r, &start, &end))
				continue;
			err = read_range(s, i, start, end);
			if (err)
				return err;
		}
	}
	return 0;
}

/* The regions list grows by doubling. */
struct region_list {
	struct scan_region *v;
	size_t nr;
	size_t cap;
	uint64_t pages;
};

static int region_add(struct region_list *list, uint64_t start, uint64_t end,
		      size_t mapping)
{
	if (list->nr == list->cap) {
		size_t cap = list->cap ? 2 * list->cap : 256;
		struct scan_region *v = realloc(list->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		list->v = v;
		list->cap = cap;
	}
	list->v[list->nr++] = (struct scan_region){ start, end, mapping };
	list->pages += (end - start) / 4096;
	return 0;
}

/* The populated regions of [START, END) of mapping I, by PAGEMAP_SCAN. */
static int list_piece_scan(struct scan *s, struct region_list *list, size_t i,
			   uint64_t start, uint64_t end)
{
	struct pagemap_region found[SCAN_REGIONS];
	uint64_t walk_end;
	long got;
	int err;

	while (start < end) {
		got = pagemap_scan(s->ctx->pagemap_fd, start, end, found,
				   SCAN_REGIONS, &walk_end);
		if (got < 0)
			return procs_alive(s->snap->pid) ? (int)got : -ESRCH;
		for (long j = 0; j < got; j++) {
			err = region_add(list, found[j].start, found[j].end, i);
			if (err)
				return err;
		}
		if (walk_end <= start)
			break;
		start = walk_end;
	}
	return 0;
}

/*
 * The same from the module: SEEK_DATA to the next page with an entry,
 * SEEK_HOLE to the end of its run, skipping empty page-table levels.
 */
static int list_piece_seek(struct scan *s, struct region_list *list, size_t i,
			   uint64_t start, uint64_t end)
{
	const struct kmod *kmod = &s->ctx->kmod;
	uint64_t data, hole;
	int err;

	while (start < end) {
		err = kmod_seek(kmod, start, true, &data);
		if (err == -ENXIO || (!err && data >= end))
			break;
		if (!err)
			err = kmod_seek(kmod, data, false, &hole);
		if (err)
			return err;
		if (hole > end)
			hole = end;
		err = region_add(list, data, hole, i);
		if (err)
			return err;
		start = hole;
	}
	return 0;
}

/* The populated regions of every piece, in address order. */
static int list_regions(struct scan *s, struct region_list *list)
{
	const struct snapshot *snap = s->snap;
	uint64_t start, end;
	int err;

	for (size_t i = 0; i < snap->nr_mappings; i++) {
		for (size_t r = 0; r < nr_pieces(s); r++) {
			if (!piece_bounds(s, i, r, &start, &end))
				continue;
			err = s->ctx->scan_ok ?
			      list_piece_scan(s, list, i, start, end) :
			      list_piece_seek(s, list, i, start, end);
			if (err)
				return err;
		}
	}
	return 0;
}

static unsigned int scan_threads(const struct snapshot_ctx *ctx, uint64_t pages)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t n = ctx->opts.threads;

	if (!n) {
		n = cpus > 0 ? (uint64_t)cpus : 1;
		if (n > pages / SCAN_PAGES_PER_THREAD)
			n = pages / SCAN_PAGES_PER_THREAD;
	}
	if (n > SCAN_MAX_THREADS)
		n = SCAN_MAX_THREADS;
	return n ? (unsigned int)n : 1;
}

/* Hand the pages (or summaries) of the only reader S to its snapshot. */
static void hand_over(struct scan *s)
{
	struct snapshot *snap = s->snap;
	struct snapshot_page *trimmed;

	if (s->summary_only) {
		snap->summaries = s->summaries;
		snap->nr_summaries = s->nr_summaries;
		snap->nr_pages = s->nr_read;
		s->summaries = NULL;
		s->nr_summaries = 0;
		return;
	}
	/* a guess that was too large gives its tail back */
	if (s->cap_pages > s->nr_pages + PAGEMAP_BATCH) {
		trimmed = realloc(s->pages, (s->nr_pages ? s->nr_pages : 1) *
					    sizeof(*trimmed));
		if (trimmed) {
			s->pages = trimmed;
			s->cap_pages = s->nr_pages;
		}
	}
	snap->pages = s->pages;
	snap->nr_pages = s->nr_pages;
	snap->cap_pages = s->cap_pages;
	s->pages = NULL;
	s->owned = false;
}

/* One reader for the whole snapshot; LIST NULL: read every page. */
static int read_alone(struct scan *s, const struct region_list *list)
{
	const struct snapshot *snap = s->snap;
	uint64_t start, end, cap = 0;
	int err;

	if (!s->summary_only) {
		s->exact = true;
		if (list) {
			cap = list->pages;
		} else if (snap->all) {
			for (size_t i = 0; i < snap->nr_mappings; i++)
				for (size_t r = 0; r < nr_pieces(s); r++)
					if (piece_bounds(s, i, r, &start, &end))
						cap += (end - start) / 4096;
		} else {
			/* before 6.7 the resident set is the first guess */
			cap = snap->proc.rss_kib / 4 + 1024;
			s->exact = false;
		}
		s->pages = malloc((cap ? cap : 1) * sizeof(*s->pages));
		if (!s->pages)
			return -ENOMEM;
		s->cap_pages = cap;
		s->owned = true;
	}
	err = list ? read_regions(s, list->v, list->nr) : read_everything(s);
	if (!err)
		hand_over(s);
	return err;
}

/*
 * Cut LIST into N shares of about equal pages (a region may be cut in
 * two): the regions of share K are CUT[FIRST[K]..FIRST[K + 1]), PAGES[K]
 * pages. CUT has room for LIST->nr + N regions.
 */
static void share_regions(const struct region_list *list, unsigned int n,
			  struct scan_region *cut, size_t *first,
			  uint64_t *pages)
{
	uint64_t share = list->pages / n, done = 0;
	unsigned int k = 0;
	size_t nr = 0;

	first[0] = 0;
	memset(pages, 0, n * sizeof(*pages));
	for (size_t i = 0; i < list->nr; i++) {
		struct scan_region r = list->v[i];

		while (k + 1 < n && done + (r.end - r.start) / 4096 >
				    share * (k + 1)) {
			uint64_t take = share * (k + 1) - done;

			if (take) {
				cut[nr] = r;
				cut[nr++].end = r.start + take * 4096;
				r.start += take * 4096;
				pages[k] += take;
				done += take;
			}
			first[++k] = nr;
		}
		cut[nr++] = r;
		pages[k] += (r.end - r.start) / 4096;
		done += (r.end - r.start) / 4096;
	}
	while (k + 1 < n)
		first[++k] = nr;
	first[n] = nr;
}

static void *reader_main(void *arg)
{
	struct scan *s = arg;

	s->err = read_regions(s, s->regions, s->nr_regions);
	if (s->err)
		atomic_store(s->failed, 1);
	return NULL;
}

/* The pages of the N readers W, in order, become the snapshot's. */
static int join_pages(struct scan *w, unsigned int n,
		      struct snapshot_page *shared, uint64_t cap)
{
	struct snapshot *snap = w[0].snap;
	struct snapshot_page *pages = shared;
	bool moved = false;
	size_t total = 0;

	for (unsigned int k = 0; k < n; k++) {
		total += w[k].nr_pages;
		moved |= w[k].owned;
	}
	if (moved) {
		/* a reader outgrew its window: copy every share once */
		pages = malloc((total ? total : 1) * sizeof(*pages));
		if (!pages) {
			free(shared);
			return -ENOMEM;
		}
		cap = total;
	}
	total = 0;
	for (unsigned int k = 0; k < n; k++) {
		memmove(pages + total, w[k].pages,
			w[k].nr_pages * sizeof(*pages));
		total += w[k].nr_pages;
	}
	if (moved)
		free(shared);
	snap->pages = pages;
	snap->nr_pages = total;
	snap->cap_pages = cap;
	return 0;
}

/* The summaries of the N readers W, a mapping cut in two added up. */
static int join_summaries(struct scan *w, unsigned int n)
{
	struct snapshot *snap = w[0].snap;
	int nodes = snap->nr_nodes > 0 ? snap->nr_nodes : 1;

	snap->summaries = calloc(snap->nr_mappings ? snap->nr_mappings : 1,
				 sizeof(*snap->summaries));
	if (!snap->summaries)
		return -ENOMEM;
	for (unsigned int k = 0; k < n; k++) {
		for (size_t j = 0; j < w[k].nr_summaries; j++) {
			struct snapshot_summary *sum = &w[k].summaries[j];
			struct snapshot_summary *last = snap->nr_summaries ?
				&snap->summaries[snap->nr_summaries - 1] : NULL;

			if (!last || last->mapping != sum->mapping) {
				snap->summaries[snap->nr_summaries++] = *sum;
				sum->node_pages = NULL;
				continue;
			}
			for (unsigned int c = 0; c < SNAPSHOT_COUNT_NR; c++)
				last->count[c] += sum->count[c];
			for (int node = 0; node < nodes; node++)
				last->node_pages[node] += sum->node_pages[node];
		}
		snap->nr_pages += w[k].nr_read;
	}
	return 0;
}

/* N reader threads, each over its share of the regions of LIST. */
static int read_shared(struct scan *lead, const struct region_list *list,
		       unsigned int n)
{
	size_t first[SCAN_MAX_THREADS + 1];
	uint64_t pages[SCAN_MAX_THREADS], base = 0;
	struct snapshot_page *shared = NULL;
	struct scan_region *cut;
	bool started[SCAN_MAX_THREADS] = { false };
	atomic_int failed = 0;
	struct scan *w;
	int err = 0;

	w = calloc(n, sizeof(*w));
	cut = malloc((list->nr + n) * sizeof(*cut));
	if (!w || !cut) {
		err = -ENOMEM;
		goto out;
	}
	share_regions(list, n, cut, first, pages);
	if (!lead->summary_only) {
		shared = malloc((list->pages ? list->pages : 1) * sizeof(*shared));
		if (!shared) {
			err = -ENOMEM;
			goto out;
		}
	}
	/* the lead's buffers serve the first share */
	w[0] = *lead;
	memset(lead, 0, sizeof(*lead));
	for (unsigned int k = 0; k < n; k++) {
		if (k) {
			err = scan_init(&w[k], w[0].ctx, w[0].snap);
			if (err)
				goto out;
		}
		w[k].failed = &failed;
		w[k].regions = cut + first[k];
		w[k].nr_regions = first[k + 1] - first[k];
		if (!w[k].summary_only) {
			w[k].pages = shared + base;
			w[k].cap_pages = pages[k];
			w[k].exact = true;
		}
		base += pages[k];
	}
	for (unsigned int k = 1; k < n; k++)
		started[k] = !pthread_create(&w[k].thread, NULL, reader_main,
					     &w[k]);
	reader_main(&w[0]);
	for (unsigned int k = 1; k < n; k++) {
		if (started[k])
			pthread_join(w[k].thread, NULL);
		else
			reader_main(&w[k]);	/* no thread: read it here */
	}
	/* the first real failure, not the ECANCELED of those it stopped */
	for (unsigned int k = 0; k < n; k++)
		if (w[k].err && (!err || err == -ECANCELED))
			err = w[k].err;
	if (err)
		goto out;
	if (w[0].summary_only) {
		err = join_summaries(w, n);
	} else {
		err = join_pages(w, n, shared, list->pages);
		shared = NULL;
	}
out:
	for (unsigned int k = 0; w && k < n; k++)
		scan_free(&w[k]);
	free(shared);
	free(cut);
	free(w);
	return err;
}

int scan_snapshot(struct snapshot_ctx *ctx, struct snapshot *snap,
		  const struct snapshot_range *ranges, size_t nr_ranges)
{
	struct region_list list = { 0 };
	bool listed = (ctx->scan_ok || ctx->kmod_seek_ok) && !snap->all;
	struct scan lead;
	unsigned int n = 1;
	int err;

	err = scan_init(&lead, ctx, snap);
	if (err)
		goto out;
	lead.ranges = ranges;
	lead.nr_ranges = nr_ranges;
	if (listed) {
		err = list_regions(&lead, &list);
		if (err)
			goto out;
		n = scan_threads(ctx, list.pages);
	}
	if (n > 1)
		err = read_shared(&lead, &list, n);
	else
		err = read_alone(&lead, listed ? &list : NULL);
out:
	free(list.v);
	scan_free(&lead);
	return err;
}
