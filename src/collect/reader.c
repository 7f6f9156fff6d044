// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a range of pages: one pread of pagemap and, when bound, one of
 * the module's records per batch, merged into pages; then kpageflags and
 * kpagecount of their PFNs in windows, and each PFN's node.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "collect/reader.h"
#include "kernel/pagemap.h"

_Static_assert(PAGEMAP_BATCH <= 1 << KPAGE_SORT_SLOT_BITS,
	       "a batch's slots fit beside their PFNs");

/* Read through holes of up to this many pages between populated runs */
#define READER_MERGE_GAP	64
/* Pages per count call: a failed reader is seen between two (1 GiB) */
#define READER_COUNT_PAGES	(1ULL << 18)

/* Build a page from its pagemap entry and, when bound, the module's record. */
static void merge_page(const struct sources *src, bool prot_none,
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
		page->flags |= rec->flags & SNAPSHOT_FLAGS_KMOD;
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
		if (src->cap_sys_admin && pm.pfn) {
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

void reader_free(struct reader *r)
{
	free(r->raw);
	free(r->recs);
	free(r->kbuf);
	free(r->pfns);
	free(r->slots);
	free(r->sort_keys);
	free(r->sort_tmp);
	free(r->kflags);
	free(r->kcounts);
	free(r->addrs);
	free(r->nodes);
	free(r->asked);
	memset(r, 0, sizeof(*r));
}

int reader_init(struct reader *r, const struct sources *src,
		const struct snapshot *snap, const struct keeper *keeper)
{
	bool kmod = sources_kmod_ok(src);

	memset(r, 0, sizeof(*r));
	r->src = src;
	r->snap = snap;
	r->kpage = !kmod && sources_kpage_ok(src);
	r->kpage_counts = r->kpage && keeper->need_mapcount;
	r->sysfs_node = snapshot_has(snap, SNAPSHOT_SRC_SYSFS_NODE);
	r->query_node = snapshot_has(snap, SNAPSHOT_SRC_MOVE_PAGES);
	r->kmod_only = kmod && !keeper->need_pagemap;
	r->kmod_count = r->kmod_only && src->kmod.version.feature_count;

	r->raw = malloc(PAGEMAP_BATCH * sizeof(*r->raw));
	if (!r->raw)
		return -ENOMEM;
	if (r->query_node) {
		r->addrs = malloc(PAGEMAP_BATCH * sizeof(*r->addrs));
		r->nodes = malloc(PAGEMAP_BATCH * sizeof(*r->nodes));
		r->asked = malloc(PAGEMAP_BATCH * sizeof(*r->asked));
		if (!r->addrs || !r->nodes || !r->asked)
			return -ENOMEM;
	}
	if (kmod) {
		r->recs = malloc(PAGEMAP_BATCH * sizeof(*r->recs));
		r->kbuf = malloc(KMOD_BATCH * sizeof(*r->kbuf));
		if (!r->recs || !r->kbuf)
			return -ENOMEM;
	}
	if (r->kpage) {
		r->pfns = malloc(PAGEMAP_BATCH * sizeof(*r->pfns));
		r->slots = malloc(PAGEMAP_BATCH * sizeof(*r->slots));
		r->sort_keys = malloc(PAGEMAP_BATCH * sizeof(*r->sort_keys));
		r->sort_tmp = malloc(PAGEMAP_BATCH * sizeof(*r->sort_tmp));
		r->kflags = malloc(KPAGE_BATCH * sizeof(*r->kflags));
		if (!r->pfns || !r->slots || !r->sort_keys || !r->sort_tmp ||
		    !r->kflags)
			return -ENOMEM;
		if (r->kpage_counts) {
			r->kcounts = malloc(KPAGE_BATCH * sizeof(*r->kcounts));
			if (!r->kcounts)
				return -ENOMEM;
		}
	}
	return 0;
}

/* Does the kpageflags window of R->pfns[I..I+LEN) need kpagecount? */
static bool window_needs_counts(const struct reader *r,
				const struct snapshot_page *pages,
				const struct kpage_run *run, size_t i,
				size_t len)
{
	for (size_t j = i; j < i + len && r->kpage_counts; j++)
		if (!kpage_mapcount_is_one(
			    snapshot_page_test(&pages[r->slots[j]],
					       SNAPSHOT_PAGE_EXCLUSIVE),
			    r->kflags[r->pfns[j] - run->start]))
			return true;
	return false;
}

/* kpageflags and kpagecount of PAGES[0..NR), a window of PFNs at a time */
static int add_kpage_facts(struct reader *r, struct snapshot_page *pages,
			   size_t nr)
{
	const struct kpage *kpage = &r->src->kpage;
	struct kpage_run run;
	size_t n = 0, len;
	bool counts;
	int err;

	for (size_t i = 0; i < nr; i++) {
		if (!snapshot_page_known(&pages[i], SNAPSHOT_KNOWN_PFN))
			continue;
		r->pfns[n] = pages[i].pfn;
		r->slots[n++] = (uint32_t)i;
	}
	/* unsortable PFNs are read in page order, in more windows */
	kpage_sort(r->pfns, r->slots, n, r->sort_keys, r->sort_tmp);
	for (size_t i = 0; i < n; i += len) {
		len = kpage_cluster(r->pfns + i, n - i, &run);
		err = kpage_read(kpage, &run, r->kflags, NULL);
		if (err)
			return err;
		/* a private anonymous buffer needs no kpagecount at all */
		counts = window_needs_counts(r, pages, &run, i, len);
		if (counts) {
			err = kpage_read(kpage, &run, NULL, r->kcounts);
			if (err)
				return err;
		}
		for (size_t j = i; j < i + len; j++) {
			struct snapshot_page *page = &pages[r->slots[j]];
			uint64_t off = r->pfns[j] - run.start;

			if (counts) {
				page->mapcount = (uint32_t)r->kcounts[off];
				page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_MAPCOUNT);
			} else if (r->kpage_counts) {
				page->mapcount = 1;
				page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_MAPCOUNT);
			}
			page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_THP) |
				       kpage_decode(r->kflags[off]);
		}
	}
	return 0;
}

static void add_sysfs_nodes(const struct sources *src,
			    struct snapshot_page *pages, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		struct snapshot_page *page = &pages[i];
		unsigned int node;

		if (!snapshot_page_known(page, SNAPSHOT_KNOWN_PFN) ||
		    !snapshot_page_test(page, PAGEWATCH_PAGE_PRESENT))
			continue;
		node = numa_topo_pfn_node(&src->topo, page->pfn);
		if (node == NUMA_TOPO_NODE_NONE)
			continue;
		page->node = (uint16_t)node;
		page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_NODE);
	}
}

/*
 * Without PFNs, the nodes of the present pages from move_pages(2), one
 * call per batch (numastat's view, page by page). A failed call leaves
 * them unknown.
 */
static void query_nodes(struct reader *r, struct snapshot_page *pages,
			size_t nr)
{
	unsigned long n = 0;

	for (size_t i = 0; i < nr; i++) {
		if (!snapshot_page_test(&pages[i], PAGEWATCH_PAGE_PRESENT) ||
		    snapshot_page_known(&pages[i], SNAPSHOT_KNOWN_NODE))
			continue;
		r->addrs[n] = (void *)(uintptr_t)pages[i].vaddr;
		r->asked[n++] = (uint32_t)i;
	}
	if (!n || numa_pages_nodes(r->src->pid, r->addrs, r->nodes, n))
		return;
	for (unsigned long j = 0; j < n; j++) {
		struct snapshot_page *page = &pages[r->asked[j]];

		if (r->nodes[j] < 0 || r->nodes[j] >= PAGEWATCH_NODE_NONE)
			continue;
		page->node = (uint16_t)r->nodes[j];
		page->flags |= SNAPSHOT_BIT(SNAPSHOT_KNOWN_NODE);
	}
}

static void add_queried_nodes(struct reader *r, struct snapshot_page *pages,
			      size_t nr)
{
	for (size_t i = 0; i < nr; ) {
		size_t next = nr - i > PAGEMAP_BATCH ? i + PAGEMAP_BATCH : nr;

		query_nodes(r, pages + i, next - i);
		i = next;
	}
}

/* The facts PAGES[0..NR) still lack, then they go to the consumer. */
static int hand_batch(struct reader *r, struct snapshot_page *pages,
		      size_t nr, struct page_consumer *c)
{
	int err;

	if (r->kpage) {
		err = add_kpage_facts(r, pages, nr);
		if (err)
			return err;
	}
	if (r->sysfs_node)
		add_sysfs_nodes(r->src, pages, nr);
	if (r->query_node)
		add_queried_nodes(r, pages, nr);
	return c->take(c, pages, nr);
}

/* keep_make_present() of a buffer of CAP entries, FROM of them present */
static void present_from(void *buf, size_t elem, size_t from, size_t want,
			 size_t cap)
{
	keep_make_present(buf, elem, want, cap, &from);
}

/*
 * R's buffers for a batch of WANT entries made present ahead of it: each
 * is written up to WANT (those R has), the module's raw records up to
 * KMOD_BATCH
 */
static void reader_make_present(struct reader *r, size_t want)
{
	size_t from = r->present, to;

	if (want <= from)
		return;
	/* the length keep_make_present() gives each of them */
	to = keep_present_to(from, want, PAGEMAP_BATCH);
	present_from(r->raw, sizeof(*r->raw), from, to, PAGEMAP_BATCH);
	present_from(r->recs, sizeof(*r->recs), from, to, PAGEMAP_BATCH);
	present_from(r->pfns, sizeof(*r->pfns), from, to, PAGEMAP_BATCH);
	present_from(r->slots, sizeof(*r->slots), from, to, PAGEMAP_BATCH);
	present_from(r->sort_keys, sizeof(*r->sort_keys), from, to,
		     PAGEMAP_BATCH);
	present_from(r->sort_tmp, sizeof(*r->sort_tmp), from, to,
		     PAGEMAP_BATCH);
	present_from(r->addrs, sizeof(*r->addrs), from, to, PAGEMAP_BATCH);
	present_from(r->nodes, sizeof(*r->nodes), from, to, PAGEMAP_BATCH);
	present_from(r->asked, sizeof(*r->asked), from, to, PAGEMAP_BATCH);
	present_from(r->kbuf, sizeof(*r->kbuf),
		     from < KMOD_BATCH ? from : KMOD_BATCH,
		     to < KMOD_BATCH ? to : KMOD_BATCH, KMOD_BATCH);
	r->present = to;
}

/*
 * Entries of up to WANT pages from ADDR into R->raw and R->recs: the
 * number read (*NR_RECS of them with a record) or -errno.
 */
static long read_batch(struct reader *r, uint64_t addr, size_t want,
		       long *nr_recs)
{
	const struct sources *src = r->src;
	long got;

	*nr_recs = 0;
	reader_make_present(r, want);
	if (r->kmod_only) {
		/* pagemap would add soft-dirty and friends: no count */
		memset(r->raw, 0, want * sizeof(*r->raw));
		got = (long)want;
	} else {
		got = pagemap_read(src->pagemap_fd, addr, r->raw, want);
	}
	if (got < 0)
		return got;
	/* inside a mapping, nothing to read means the mm is gone */
	if (got == 0)
		return -ESRCH;
	if (!sources_kmod_ok(src))
		return got;
	*nr_recs = kmod_read_pages(&src->kmod, addr, r->recs, (size_t)got,
				   r->kbuf);
	if (*nr_recs < 0)
		return *nr_recs;
	if (*nr_recs == 0)
		return -ESRCH;
	return r->kmod_only ? *nr_recs : got;
}

/*
 * A range counted by the module for a consumer that only counts: one call
 * per READER_COUNT_PAGES, the pages never leave the kernel.
 */
static int count_range(struct reader *r, size_t mapping, uint64_t start,
		       uint64_t end, struct page_consumer *c)
{
	struct pagewatch_count counts;
	int err;

	for (uint64_t addr = start; addr < end; ) {
		uint64_t next = end - addr > READER_COUNT_PAGES * 4096 ?
				addr + READER_COUNT_PAGES * 4096 : end;

		if (r->failed && atomic_load_explicit(r->failed,
						      memory_order_relaxed))
			return -ECANCELED;
		err = kmod_count(&r->src->kmod, addr, next, &counts);
		if (!err)
			err = c->take_counts(c, mapping, &counts);
		if (err)
			return err;
		addr = next;
	}
	return 0;
}

int reader_range(struct reader *r, size_t mapping, uint64_t start,
		 uint64_t end, struct page_consumer *c)
{
	bool prot_none = maps_is_prot_none(&r->snap->mappings[mapping]);
	bool all = r->snap->all;
	uint64_t addr = start;
	int err;

	if (r->kmod_count && c->take_counts)
		return count_range(r, mapping, start, end, c);
	while (addr < end) {
		size_t want = (end - addr) / 4096;
		long got, nr_recs, i = 0;

		/* another reader failed: the snapshot is lost anyway */
		if (r->failed && atomic_load_explicit(r->failed,
						      memory_order_relaxed))
			return -ECANCELED;
		if (want > PAGEMAP_BATCH)
			want = PAGEMAP_BATCH;
		got = read_batch(r, addr, want, &nr_recs);
		if (got < 0)
			return (int)got;
		while (i < got) {
			struct snapshot_page *pages;
			size_t room, kept = 0;

			pages = c->room(c, (size_t)(got - i), &room);
			if (!pages)
				return -ENOMEM;
			for (; i < got && kept < room; i++) {
				struct snapshot_page *page = &pages[kept];

				merge_page(r->src, prot_none, r->raw[i],
					   i < nr_recs ? &r->recs[i] : NULL, page);
				if (!all && !page_has_state(page))
					continue;
				page->vaddr = addr + (uint64_t)i * 4096;
				page->mapping = (uint32_t)mapping;
				kept++;
			}
			err = hand_batch(r, pages, kept, c);
			if (err)
				return err;
		}
		addr += (uint64_t)got * 4096;
	}
	return 0;
}

int reader_regions(struct reader *r, const struct region *regions, size_t nr,
		   struct page_consumer *c)
{
	size_t i = 0;
	int err;

	while (i < nr) {
		struct region run = regions[i++];

		/*
		 * one read through a small hole beats two reads, within one
		 * piece: a hole between two is outside what was asked for
		 */
		while (i < nr && regions[i].piece == run.piece &&
		       regions[i].start - run.end <= READER_MERGE_GAP * 4096 &&
		       regions[i].end - run.start <= PAGEMAP_BATCH * 4096ULL)
			run.end = regions[i++].end;
		err = reader_range(r, run.mapping, run.start, run.end, c);
		if (err)
			return err;
	}
	return 0;
}
