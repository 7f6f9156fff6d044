// SPDX-License-Identifier: GPL-2.0
/* Per-mapping counts of a snapshot's pages (--summary, the mappings pane). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/snapshot_summary.h"

static const char *const count_names[SNAPSHOT_COUNT_NR] = {
	[SNAPSHOT_COUNT_RESIDENT] = "resident",
	[SNAPSHOT_COUNT_SWAPPED] = "swapped",
	[SNAPSHOT_COUNT_THP] = "thp",
	[SNAPSHOT_COUNT_PINNED] = "pinned",
	[SNAPSHOT_COUNT_PROTNONE] = "protnone",
	[SNAPSHOT_COUNT_MIGRATED] = "migrated",
	[SNAPSHOT_COUNT_DIVERGED] = "diverged",
	[SNAPSHOT_COUNT_REPLACED] = "replaced",
	[SNAPSHOT_COUNT_HUGETLB] = "hugetlb",
};

const char *snapshot_count_name(unsigned int count)
{
	return count < SNAPSHOT_COUNT_NR ? count_names[count] : NULL;
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
	[SNAPSHOT_COUNT_REPLACED] = SNAPSHOT_PAGE_REPLACED,
	[SNAPSHOT_COUNT_HUGETLB] = PAGEWATCH_PAGE_HUGETLB,
};

bool snapshot_page_counts(const struct snapshot_page *page, unsigned int c)
{
	return c < SNAPSHOT_COUNT_NR && snapshot_page_test(page, count_bits[c]);
}

void snapshot_summary_known(const struct snapshot *snap, bool *known)
{
	bool kmod = snapshot_has(snap, SNAPSHOT_SRC_KMOD);

	known[SNAPSHOT_COUNT_RESIDENT] = true;
	known[SNAPSHOT_COUNT_SWAPPED] = true;
	known[SNAPSHOT_COUNT_THP] = kmod ||
				    snapshot_has(snap, SNAPSHOT_SRC_KPAGEFLAGS);
	/* the module's flag, or kpageflags' HUGE bit */
	known[SNAPSHOT_COUNT_HUGETLB] = known[SNAPSHOT_COUNT_THP];
	known[SNAPSHOT_COUNT_PINNED] = kmod;
	known[SNAPSHOT_COUNT_PROTNONE] = kmod;
	known[SNAPSHOT_COUNT_MIGRATED] = snap->tracked &&
					 snapshot_has(snap, SNAPSHOT_SRC_PFN);
	known[SNAPSHOT_COUNT_REPLACED] = known[SNAPSHOT_COUNT_MIGRATED];
	known[SNAPSHOT_COUNT_DIVERGED] = snap->tracked &&
					 snapshot_has(snap, SNAPSHOT_SRC_KMOD_KPAGE);
}

static int summary_nodes(const struct snapshot *snap)
{
	return snap->nr_nodes > 0 ? snap->nr_nodes : 1;
}

/*
 * The summary of MAPPING: the last of ALL[0..*N) while counts come in
 * address order, else a new one. NULL when out of memory.
 */
static struct snapshot_summary *summary_of(const struct snapshot *snap,
					   struct snapshot_summary *all,
					   size_t *n, size_t mapping)
{
	struct snapshot_summary *sum = *n ? &all[*n - 1] : NULL;
	int nodes = summary_nodes(snap);

	if (sum && sum->mapping == mapping)
		return sum;
	sum = &all[*n];
	memset(sum, 0, sizeof(*sum));
	sum->mapping = mapping;
	snapshot_summary_known(snap, sum->known);
	sum->node_pages = calloc(2 * (size_t)nodes, sizeof(uint64_t));
	if (!sum->node_pages)
		return NULL;
	sum->node_hugetlb = sum->node_pages + nodes;
	(*n)++;
	return sum;
}

bool snapshot_summary_counts_fit(const struct snapshot *snap)
{
	return summary_nodes(snap) <= PAGEWATCH_COUNT_NODES;
}

int snapshot_summary_add_counts(const struct snapshot *snap,
				struct snapshot_summary *all, size_t *n,
				size_t mapping,
				const struct pagewatch_count *counts,
				uint64_t *pages_read)
{
	uint64_t pages = (counts->end - counts->start) / 4096;
	int nodes = summary_nodes(snap);
	struct snapshot_summary *sum;

	/* the pages a reader hands on: those with state, or all of them */
	*pages_read = snap->all ? pages : counts->with_state;
	if (!*pages_read)
		return 0;
	sum = summary_of(snap, all, n, mapping);
	if (!sum)
		return -ENOMEM;
	/* the snapshot's own bits (migrated...) count nothing untracked */
	for (unsigned int c = 0; c < SNAPSHOT_COUNT_NR; c++)
		if (count_bits[c] < 64)
			sum->count[c] += counts->flag[count_bits[c]];
	for (int node = 0; node < nodes && node < PAGEWATCH_COUNT_NODES;
	     node++) {
		sum->node_pages[node] += counts->node_present[node];
		sum->node_hugetlb[node] += counts->node_hugetlb[node];
	}
	return 0;
}

int snapshot_summary_add_alike(const struct snapshot *snap,
			       struct snapshot_summary *all, size_t *n,
			       const struct snapshot_page *page, uint64_t count)
{
	int nodes = summary_nodes(snap);
	struct snapshot_summary *sum;

	/* pages come sorted by address: a new mapping starts a new line */
	sum = summary_of(snap, all, n, page->mapping);
	if (!sum)
		return -ENOMEM;
	/* the session summarizes a million pages a second: no branches */
	for (unsigned int c = 0; c < SNAPSHOT_COUNT_NR; c++)
		sum->count[c] += ((page->flags >> count_bits[c]) & 1) * count;
	if (snapshot_page_test(page, PAGEWATCH_PAGE_PRESENT) &&
	    snapshot_page_known(page, SNAPSHOT_KNOWN_NODE) &&
	    page->node < nodes) {
		sum->node_pages[page->node] += count;
		sum->node_hugetlb[page->node] +=
			snapshot_page_test(page, PAGEWATCH_PAGE_HUGETLB) * count;
	}
	return 0;
}

int snapshot_summary_add(const struct snapshot *snap,
			 struct snapshot_summary *all, size_t *n,
			 const struct snapshot_page *page)
{
	return snapshot_summary_add_alike(snap, all, n, page, 1);
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
		if (snapshot_summary_add(snap, all, &n, page)) {
			snapshot_summary_free(all, n);
			return -ENOMEM;
		}
	}
	*summaries = all;
	*nr = n;
	return 0;
}
