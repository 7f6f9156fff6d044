// SPDX-License-Identifier: GPL-2.0
/* The per-page model: the snapshot, its pages and their index. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "model/snapshot.h"

static const char *const source_names[SNAPSHOT_SRC_NR] = {
	[SNAPSHOT_SRC_PAGEMAP] = "pagemap",
	[SNAPSHOT_SRC_PAGEMAP_SCAN] = "pagemap_scan",
	[SNAPSHOT_SRC_PFN] = "pfn",
	[SNAPSHOT_SRC_KPAGEFLAGS] = "kpageflags",
	[SNAPSHOT_SRC_KPAGECOUNT] = "kpagecount",
	[SNAPSHOT_SRC_SYSFS_NODE] = "sysfs_node",
	[SNAPSHOT_SRC_KMOD] = "kmod",
	[SNAPSHOT_SRC_KMOD_KPAGE] = "kmod_kpage",
	[SNAPSHOT_SRC_KMOD_SEEK] = "kmod_seek",
	[SNAPSHOT_SRC_KMOD_DEVICE] = "kmod_device",
	[SNAPSHOT_SRC_LIBNUMA] = "libnuma",
	[SNAPSHOT_SRC_LIBPROC2] = "libproc2",
	[SNAPSHOT_SRC_MOVE_PAGES] = "move_pages",
	[SNAPSHOT_SRC_KMOD_COUNT] = "kmod_count",
};

const char *snapshot_source_name(unsigned int src)
{
	return src < SNAPSHOT_SRC_NR ? source_names[src] : NULL;
}

/* The first of SNAP's pages [LO, HI) at or after VADDR (HI if none) */
static size_t lower_bound(const struct snapshot *snap, size_t lo, size_t hi,
			  uint64_t vaddr)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (snap->pages[mid].vaddr < vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t snapshot_page_index(const struct snapshot *snap, uint64_t vaddr)
{
	return lower_bound(snap, 0, snap->nr_pages, vaddr);
}

size_t snapshot_page_seek(const struct snapshot *snap, size_t from,
			  uint64_t vaddr)
{
	size_t lo = from, hi, step = 1;

	/* the next few by hand: a dense walk finds its page there */
	for (int i = 0; i < 8; i++, lo++)
		if (lo >= snap->nr_pages || snap->pages[lo].vaddr >= vaddr)
			return lo;
	/* then strides that double, and a binary search in the last one */
	hi = lo;
	while (hi < snap->nr_pages && snap->pages[hi].vaddr < vaddr) {
		lo = hi + 1;
		hi += step;
		step *= 2;
	}
	if (hi > snap->nr_pages)
		hi = snap->nr_pages;
	return lower_bound(snap, lo, hi, vaddr);
}

void snapshot_madvise(const void *start, const void *end, int advice)
{
	uintptr_t mask = ~((uintptr_t)sysconf(_SC_PAGESIZE) - 1);
	uintptr_t from = (uintptr_t)start & mask, to = (uintptr_t)end & mask;

	if (to > from)
		madvise((void *)from, to - from, advice);
}

void snapshot_pages_release(const struct snapshot *snap, size_t from,
			    size_t to)
{
	/*
	 * A shared file mapping: MADV_DONTNEED drops the pages from this
	 * process only, the spool (page cache or disk) still holds them.
	 * From the page that holds FROM (release() of [A, B) then [B, C)
	 * leaves no page behind), up to the page that holds TO, which stays.
	 */
	if (snap->pages_mapped && to > from)
		snapshot_madvise(snap->pages + from, snap->pages + to,
				 MADV_DONTNEED);
}

void snapshot_pages_prefault(const struct snapshot *snap, size_t from,
			     size_t to)
{
	/* where it fails (before 5.14), the pages fault one at a time */
	if (snap->pages_mapped && to > from)
		snapshot_madvise(snap->pages + from, snap->pages + to,
				 MADV_POPULATE_WRITE);
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
	if (snap->pages_mapped) {
		munmap(snap->pages, snap->pages_mapped);
		close(snap->spool_fd);
	}
	else
		free(snap->pages);
	free(snap->changes);
	snapshot_summary_free(snap->summaries, snap->nr_summaries);
	memset(snap, 0, sizeof(*snap));
}

void snapshot_summary_free(struct snapshot_summary *summaries, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		free(summaries[i].node_pages);
	free(summaries);
}
