// SPDX-License-Identifier: GPL-2.0
/* The per-page model: one snapshot merges every source that is available. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "filter.h"
#include "pagemap.h"
#include "snapshot.h"

#define SCAN_REGIONS	256

static const char *const source_names[SNAPSHOT_SRC_NR] = {
	[SNAPSHOT_SRC_PAGEMAP] = "pagemap",
	[SNAPSHOT_SRC_PAGEMAP_SCAN] = "pagemap_scan",
	[SNAPSHOT_SRC_PFN] = "pfn",
	[SNAPSHOT_SRC_KPAGEFLAGS] = "kpageflags",
	[SNAPSHOT_SRC_KPAGECOUNT] = "kpagecount",
	[SNAPSHOT_SRC_SYSFS_NODE] = "sysfs_node",
	[SNAPSHOT_SRC_KMOD] = "kmod",
	[SNAPSHOT_SRC_KMOD_KPAGE] = "kmod_kpage",
	[SNAPSHOT_SRC_LIBNUMA] = "libnuma",
	[SNAPSHOT_SRC_LIBPROC2] = "libproc2",
};

static const char *const count_names[SNAPSHOT_COUNT_NR] = {
	[SNAPSHOT_COUNT_RESIDENT] = "resident",
	[SNAPSHOT_COUNT_SWAPPED] = "swapped",
	[SNAPSHOT_COUNT_THP] = "thp",
	[SNAPSHOT_COUNT_PINNED] = "pinned",
	[SNAPSHOT_COUNT_PROTNONE] = "protnone",
	[SNAPSHOT_COUNT_MIGRATED] = "migrated",
	[SNAPSHOT_COUNT_DIVERGED] = "diverged",
};

const char *snapshot_source_name(unsigned int src)
{
	return src < SNAPSHOT_SRC_NR ? source_names[src] : NULL;
}

const char *snapshot_count_name(unsigned int count)
{
	return count < SNAPSHOT_COUNT_NR ? count_names[count] : NULL;
}

int snapshot_ctx_open(struct snapshot_ctx *ctx, const struct snapshot_opts *opts)
{
	struct pagemap_region region;
	uint64_t walk_end;
	int err;

	memset(ctx, 0, sizeof(*ctx));
	ctx->opts = *opts;
	ctx->kpage.flags_fd = ctx->kpage.count_fd = -1;
	ctx->kmod.pages_fd = ctx->kmod.kpage_fd = -1;

	ctx->pagemap_fd = pagemap_open(opts->pid);
	if (ctx->pagemap_fd < 0)
		return ctx->pagemap_fd;
	/* PAGEMAP_SCAN came with 6.7; older kernels say ENOTTY or EINVAL */
	ctx->scan_ok = pagemap_scan(ctx->pagemap_fd, 0, 4096, &region, 1,
				    &walk_end) >= 0;

	/* pagemap hides PFNs, and kpageflags is useless, without it */
	ctx->cap_sys_admin = procs_have_cap_sys_admin();
	if (ctx->cap_sys_admin) {
		ctx->kpage_err = kpage_open(&ctx->kpage);
		ctx->kpage_ok = !ctx->kpage_err;
	} else {
		ctx->kpage_err = -EPERM;
	}
	ctx->topo_ok = !numa_topo_load(&ctx->topo, "/sys");

	if (opts->no_kmod) {
		ctx->kmod_err = -ECANCELED;
		return 0;
	}
	if (!procs_same_pid_ns()) {
		ctx->kmod_err = -EXDEV;
		return 0;
	}
	err = kmod_open(&ctx->kmod, opts->kmod_dir);
	if (err == -EPROTO)
		goto err_close;
	if (!err) {
		err = kmod_bind(&ctx->kmod, opts->pid);
		if (err == -ESRCH)
			goto err_close;
	}
	ctx->kmod_err = err;
	ctx->kmod_ok = !err;
	if (err)
		kmod_close(&ctx->kmod);
	return 0;

err_close:
	snapshot_ctx_close(ctx);
	return err;
}

void snapshot_ctx_close(struct snapshot_ctx *ctx)
{
	if (ctx->pagemap_fd >= 0)
		close(ctx->pagemap_fd);
	ctx->pagemap_fd = -1;
	kpage_close(&ctx->kpage);
	kmod_close(&ctx->kmod);
	if (ctx->topo_ok)
		numa_topo_free(&ctx->topo);
	ctx->topo_ok = false;
}

size_t snapshot_page_index(const struct snapshot *snap, uint64_t vaddr)
{
	size_t lo = 0, hi = snap->nr_pages;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (snap->pages[mid].vaddr < vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int snapshot_add_page(struct snapshot *snap, const struct snapshot_page *page)
{
	if (snap->nr_pages == snap->cap_pages) {
		size_t cap = snap->cap_pages ? 2 * snap->cap_pages : 1024;
		struct snapshot_page *grown;

		grown = realloc(snap->pages, cap * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		snap->pages = grown;
		snap->cap_pages = cap;
	}
	snap->pages[snap->nr_pages++] = *page;
	return 0;
}

void snapshot_free(struct snapshot *snap)
{
	maps_free(snap->mappings, snap->nr_mappings);
	free(snap->pages);
	free(snap->changes);
	snapshot_summary_free(snap->summaries, snap->nr_summaries);
	memset(snap, 0, sizeof(*snap));
}

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

static int summary_add(const struct snapshot *snap,
		       struct snapshot_summary *all, size_t *n,
		       const struct snapshot_page *page);

/*
 * One snapshot_take(): the buffers every batch reuses, so that the only
 * memory that grows with the target is the page array itself (none at all
 * for a summary).
 */
struct scan {
	struct snapshot_ctx *ctx;
	struct snapshot *snap;
	bool summary_only;
	bool kpage;		/* kpageflags for THP and friends */
	bool kpage_counts;	/* and kpagecount for mapcount */
	bool sysfs_node;
	bool kmod_only;		/* summary with the module: no pagemap reads */
	bool exact;		/* cap_pages was counted, not guessed */
	uint64_t *raw;		/* PAGEMAP_BATCH pagemap entries */
	struct kmod_page *recs;	/* PAGEMAP_BATCH records, with the module */
	uint64_t *pfns;		/* PAGEMAP_BATCH PFNs to look up... */
	uint32_t *slots;	/* ...and the page of each in the batch */
	uint64_t *kflags;	/* KPAGE_BATCH kpageflags words */
	uint64_t *kcounts;	/* KPAGE_BATCH kpagecount words */
	struct snapshot_page *batch;	/* summary_only: one batch of pages */
	size_t nr_batch;
	const struct snapshot_range *ranges;	/* NULL: the whole of each */
	size_t nr_ranges;
};

/* Read through holes of up to this many pages between populated runs */
#define SCAN_MERGE_GAP	64

static void scan_free(struct scan *s)
{
	free(s->raw);
	free(s->recs);
	free(s->pfns);
	free(s->slots);
	free(s->kflags);
	free(s->kcounts);
	free(s->batch);
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
		if (!s->recs)
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
		s->batch = malloc(PAGEMAP_BATCH * sizeof(*s->batch));
		snap->summaries = calloc(snap->nr_mappings ? snap->nr_mappings : 1,
					 sizeof(*snap->summaries));
		if (!s->batch || !snap->summaries)
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

static int resize_pages(struct snapshot *snap, size_t cap)
{
	struct snapshot_page *pages;

	pages = realloc(snap->pages, (cap ? cap : 1) * sizeof(*pages));
	if (!pages)
		return -ENOMEM;
	snap->pages = pages;
	snap->cap_pages = cap;
	return 0;
}

/*
 * Size the page array once, before reading: PAGEMAP_SCAN counts the
 * populated pages without reading them (a realloc'd array that doubles
 * would hold up to twice the pages and fault in every copy). Without the
 * ioctl (before 6.7) the resident set is the first guess.
 */
/* Populated pages of [START, END) by PAGEMAP_SCAN, added to *NR. */
static int count_piece(struct scan *s, uint64_t start, uint64_t end,
		       uint64_t *nr)
{
	struct pagemap_region regions[SCAN_REGIONS];
	uint64_t walk_end;
	long got;

	while (start < end) {
		got = pagemap_scan(s->ctx->pagemap_fd, start, end, regions,
				   SCAN_REGIONS, &walk_end);
		if (got < 0)
			return procs_alive(s->snap->pid) ? (int)got : -ESRCH;
		for (long i = 0; i < got; i++)
			*nr += (regions[i].end - regions[i].start) / 4096;
		if (walk_end <= start)
			break;
		start = walk_end;
	}
	return 0;
}

static int size_pages(struct scan *s)
{
	struct snapshot *snap = s->snap;
	uint64_t start, end, nr = 0;
	int err;

	if (s->summary_only)
		return 0;
	for (size_t i = 0; i < snap->nr_mappings; i++) {
		for (size_t r = 0; r < nr_pieces(s); r++) {
			if (!piece_bounds(s, i, r, &start, &end))
				continue;
			if (snap->all) {
				nr += (end - start) / 4096;
				continue;
			}
			if (!s->ctx->scan_ok)
				continue;
			err = count_piece(s, start, end, &nr);
			if (err)
				return err;
		}
	}
	s->exact = snap->all || s->ctx->scan_ok;
	if (!s->exact)
		nr = snap->proc.rss_kib / 4 + 1024;
	return resize_pages(snap, (size_t)nr);
}

/* A slot for one more page of the current batch (not yet counted). */
static struct snapshot_page *next_page(struct scan *s)
{
	struct snapshot *snap = s->snap;
	size_t cap;

	if (s->summary_only)
		return &s->batch[s->nr_batch];
	if (snap->nr_pages == snap->cap_pages) {
		/* counted: the target grew since; guessed: grow by an eighth */
		cap = snap->cap_pages + (s->exact ? PAGEMAP_BATCH :
					 snap->cap_pages / 8 + PAGEMAP_BATCH);
		if (resize_pages(snap, cap))
			return NULL;
	}
	return &snap->pages[snap->nr_pages];
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
	struct snapshot *snap = s->snap;
	struct snapshot_page *pages;
	size_t nr;
	int err;

	if (s->summary_only) {
		pages = s->batch;
		nr = s->nr_batch;
	} else {
		pages = snap->pages + first;
		nr = snap->nr_pages - first;
	}
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
		err = summary_add(snap, snap->summaries, &snap->nr_summaries,
				  &pages[i]);
		if (err)
			return err;
	}
	snap->nr_pages += nr;
	s->nr_batch = 0;
	return 0;
}

/* Read the pages of [start, end) of mapping INDEX in batches. */
static int read_range(struct scan *s, size_t index, uint64_t start,
		      uint64_t end)
{
	struct snapshot_ctx *ctx = s->ctx;
	struct snapshot *snap = s->snap;
	bool prot_none = maps_is_prot_none(&snap->mappings[index]);
	uint64_t addr = start;
	int err;

	while (addr < end) {
		size_t want = (end - addr) / 4096, first = snap->nr_pages;
		long got, nr_recs = 0;

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
						  (size_t)got);
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
			if (!snap->all && !page_has_state(page))
				continue;
			page->vaddr = addr + (uint64_t)i * 4096;
			page->mapping = (uint32_t)index;
			if (s->summary_only)
				s->nr_batch++;
			else
				snap->nr_pages++;
		}
		err = finish_batch(s, first);
		if (err)
			return err;
		addr += (uint64_t)got * 4096;
	}
	return 0;
}

/* Read [START, END) of mapping INDEX, skipping holes with PAGEMAP_SCAN. */
static int read_piece(struct scan *s, size_t index, uint64_t start,
		      uint64_t end)
{
	struct pagemap_region regions[SCAN_REGIONS];
	struct snapshot_ctx *ctx = s->ctx;
	struct snapshot *snap = s->snap;
	uint64_t walk_end, run_start = 0, run_end = 0;
	long nr;
	int err;

	if (snap->all || !ctx->scan_ok)
		return read_range(s, index, start, end);

	while (start < end) {
		nr = pagemap_scan(ctx->pagemap_fd, start, end, regions,
				  SCAN_REGIONS, &walk_end);
		if (nr < 0)
			return procs_alive(snap->pid) ? (int)nr : -ESRCH;
		for (long i = 0; i < nr; i++) {
			/* one read through a small hole beats two reads */
			if (run_end &&
			    regions[i].start - run_end <= SCAN_MERGE_GAP * 4096 &&
			    regions[i].end - run_start <= PAGEMAP_BATCH * 4096ULL) {
				run_end = regions[i].end;
				continue;
			}
			if (run_end) {
				err = read_range(s, index, run_start, run_end);
				if (err)
					return err;
			}
			run_start = regions[i].start;
			run_end = regions[i].end;
		}
		if (walk_end <= start)
			break;
		start = walk_end;
	}
	return run_end ? read_range(s, index, run_start, run_end) : 0;
}

static bool mapping_selected(const struct snapshot_opts *opts,
			     const struct maps_entry *map)
{
	/* pagemap stops at TASK_SIZE: [vsyscall] has no entries to read */
	if (map->start >= (1ULL << 63))
		return false;
	if (opts->range_end &&
	    (map->end <= opts->range_start || map->start >= opts->range_end))
		return false;
	return !opts->vma || filter_vma_match(opts->vma, map->path);
}

static int select_mappings(const struct snapshot_opts *opts,
			   struct snapshot *snap)
{
	struct maps_entry *all;
	size_t nr, kept = 0;
	int err;

	err = maps_read(opts->pid, &all, &nr);
	if (err)
		return err;
	for (size_t i = 0; i < nr; i++) {
		if (mapping_selected(opts, &all[i])) {
			all[kept++] = all[i];
		} else {
			free(all[i].path);
		}
	}
	snap->mappings = all;
	snap->nr_mappings = kept;
	return 0;
}

static void describe(struct snapshot_ctx *ctx, struct snapshot *snap)
{
	struct utsname uts;

	snap->seq = ++ctx->seq;
	snap->pid = ctx->opts.pid;
	snap->range_start = ctx->opts.range_start;
	snap->range_end = ctx->opts.range_end;
	snap->all = ctx->opts.all;
	clock_gettime(CLOCK_REALTIME, &snap->time);
	if (!uname(&uts))
		snprintf(snap->kernel, sizeof(snap->kernel), "%s", uts.release);
	snap->sources = 1U << SNAPSHOT_SRC_PAGEMAP | 1U << SNAPSHOT_SRC_LIBPROC2;
	if (ctx->scan_ok)
		snap->sources |= 1U << SNAPSHOT_SRC_PAGEMAP_SCAN;
	if (ctx->cap_sys_admin || ctx->kmod_ok)
		snap->sources |= 1U << SNAPSHOT_SRC_PFN;
	if (ctx->kmod_ok) {
		snap->sources |= 1U << SNAPSHOT_SRC_KMOD;
		snap->kmod_abi = ctx->kmod.version.abi;
		if (ctx->kmod.kpage_fd >= 0)
			snap->sources |= 1U << SNAPSHOT_SRC_KMOD_KPAGE;
	} else {
		if (ctx->kpage_ok)
			snap->sources |= 1U << SNAPSHOT_SRC_KPAGEFLAGS |
					 1U << SNAPSHOT_SRC_KPAGECOUNT;
		if (ctx->topo_ok && ctx->topo.have_block_map && ctx->cap_sys_admin)
			snap->sources |= 1U << SNAPSHOT_SRC_SYSFS_NODE;
	}
	if (ctx->topo_ok) {
		snap->sources |= 1U << SNAPSHOT_SRC_LIBNUMA;
		snap->nr_nodes = ctx->topo.nr_nodes;
		snap->online = ctx->topo.online;
		snap->nr_online = ctx->topo.nr_online;
	}
}

static int read_mapping(struct scan *s, size_t index)
{
	uint64_t start, end;
	int err;

	for (size_t r = 0; r < nr_pieces(s); r++) {
		if (!piece_bounds(s, index, r, &start, &end))
			continue;
		err = read_piece(s, index, start, end);
		if (err)
			return err;
	}
	return 0;
}

static int take(struct snapshot_ctx *ctx, struct snapshot *snap,
		const struct snapshot_range *ranges, size_t nr_ranges)
{
	struct scan s;
	int err;

	memset(snap, 0, sizeof(*snap));
	memset(&s, 0, sizeof(s));
	describe(ctx, snap);
	err = procs_read(ctx->opts.pid, &snap->proc);
	if (err)
		return err;
	err = select_mappings(&ctx->opts, snap);
	if (err)
		goto err_free;
	/*
	 * A zombie's maps read empty and without error: no read below would
	 * fail, yet the target has exited (its mm is gone).
	 */
	if (!snap->nr_mappings && !procs_alive(snap->pid)) {
		err = -ESRCH;
		goto err_free;
	}
	err = scan_init(&s, ctx, snap);
	if (err)
		goto err_free;
	s.ranges = ranges;
	s.nr_ranges = nr_ranges;
	err = size_pages(&s);
	if (err)
		goto err_free;
	for (size_t i = 0; i < snap->nr_mappings; i++) {
		err = read_mapping(&s, i);
		if (err)
			goto err_free;
	}
	/* a guess that was too large gives its tail back */
	if (!s.summary_only && snap->cap_pages > snap->nr_pages + PAGEMAP_BATCH)
		resize_pages(snap, snap->nr_pages);
	scan_free(&s);
	return 0;

err_free:
	scan_free(&s);
	snapshot_free(snap);
	return err;
}

int snapshot_take(struct snapshot_ctx *ctx, struct snapshot *snap)
{
	return take(ctx, snap, NULL, 0);
}

int snapshot_take_ranges(struct snapshot_ctx *ctx, struct snapshot *snap,
			 const struct snapshot_range *ranges, size_t nr)
{
	return take(ctx, snap, ranges, nr);
}

/* The flag bit each count counts: one table, shared by both below. */
static const unsigned int count_bits[SNAPSHOT_COUNT_NR] = {
	[SNAPSHOT_COUNT_RESIDENT] = PAGEWATCH_PAGE_PRESENT,
	[SNAPSHOT_COUNT_SWAPPED] = PAGEWATCH_PAGE_SWAP,
	[SNAPSHOT_COUNT_THP] = PAGEWATCH_PAGE_THP,
	[SNAPSHOT_COUNT_PINNED] = PAGEWATCH_PAGE_MAYBE_PINNED,
	[SNAPSHOT_COUNT_PROTNONE] = PAGEWATCH_PAGE_PROTNONE,
	[SNAPSHOT_COUNT_MIGRATED] = SNAPSHOT_PAGE_MIGRATED,
	[SNAPSHOT_COUNT_DIVERGED] = SNAPSHOT_PAGE_DIVERGED,
};

bool snapshot_page_counts(const struct snapshot_page *page, unsigned int c)
{
	return c < SNAPSHOT_COUNT_NR && snapshot_page_test(page, count_bits[c]);
}

static void summary_known(const struct snapshot *snap, bool *known)
{
	bool kmod = snapshot_has(snap, SNAPSHOT_SRC_KMOD);

	known[SNAPSHOT_COUNT_RESIDENT] = true;
	known[SNAPSHOT_COUNT_SWAPPED] = true;
	known[SNAPSHOT_COUNT_THP] = kmod ||
				    snapshot_has(snap, SNAPSHOT_SRC_KPAGEFLAGS);
	known[SNAPSHOT_COUNT_PINNED] = kmod;
	known[SNAPSHOT_COUNT_PROTNONE] = kmod;
	known[SNAPSHOT_COUNT_MIGRATED] = snap->tracked &&
					 snapshot_has(snap, SNAPSHOT_SRC_PFN);
	known[SNAPSHOT_COUNT_DIVERGED] = snap->tracked &&
					 snapshot_has(snap, SNAPSHOT_SRC_KMOD_KPAGE);
}

static int summary_add(const struct snapshot *snap,
		       struct snapshot_summary *all, size_t *n,
		       const struct snapshot_page *page)
{
	struct snapshot_summary *sum = *n ? &all[*n - 1] : NULL;
	int nodes = snap->nr_nodes > 0 ? snap->nr_nodes : 1;

	/* pages come sorted by address: a new mapping starts a new line */
	if (!sum || sum->mapping != page->mapping) {
		sum = &all[(*n)++];
		sum->mapping = page->mapping;
		summary_known(snap, sum->known);
		sum->node_pages = calloc((size_t)nodes, sizeof(uint64_t));
		if (!sum->node_pages)
			return -ENOMEM;
	}
	/* the session summarizes a million pages a second: no branches */
	for (unsigned int c = 0; c < SNAPSHOT_COUNT_NR; c++)
		sum->count[c] += (page->flags >> count_bits[c]) & 1;
	if (snapshot_page_test(page, PAGEWATCH_PAGE_PRESENT) &&
	    snapshot_page_test(page, SNAPSHOT_KNOWN_NODE) &&
	    page->node < nodes)
		sum->node_pages[page->node]++;
	return 0;
}

int snapshot_summarize(const struct snapshot *snap,
		       bool (*keep)(const struct snapshot_page *, const void *),
		       const void *arg, struct snapshot_summary **summaries,
		       size_t *nr)
{
	struct snapshot_summary *all;
	size_t n = 0;

	all = calloc(snap->nr_mappings ? snap->nr_mappings : 1, sizeof(*all));
	if (!all)
		return -ENOMEM;
	for (size_t i = 0; i < snap->nr_pages; i++) {
		const struct snapshot_page *page = &snap->pages[i];

		if (keep && !keep(page, arg))
			continue;
		if (summary_add(snap, all, &n, page)) {
			snapshot_summary_free(all, n);
			return -ENOMEM;
		}
	}
	*summaries = all;
	*nr = n;
	return 0;
}

void snapshot_summary_free(struct snapshot_summary *summaries, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		free(summaries[i].node_pages);
	free(summaries);
}
