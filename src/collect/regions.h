/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_REGIONS_H
#define PW_REGIONS_H

#include <stddef.h>
#include <stdint.h>

#include "collect/pieces.h"
#include "collect/sources.h"

/*
 * A populated run [start, end) of mapping MAPPING, found in the PIECE-th
 * piece of its collection (pieces.h): a reader joins runs of one piece
 * only, so that it never reads a page outside the ranges it was given
 */
struct region {
	uint64_t start;
	uint64_t end;
	size_t mapping;
	size_t piece;
};

/* Regions in address order, and the pages they hold */
struct region_list {
	struct region *v;
	size_t nr;
	size_t cap;
	uint64_t pages;
};

/*
 * The populated regions of every piece of SNAP (RANGES as for pieces):
 * by PAGEMAP_SCAN (6.7+) or, before it, by the module's SEEK_DATA and
 * SEEK_HOLE, which step over empty page-table levels. -ESRCH when the
 * target exited. Free LIST->v with free().
 */
int regions_list(const struct sources *src, const struct snapshot *snap,
		 const struct snapshot_range *ranges, size_t nr_ranges,
		 struct region_list *list);

/*
 * Every piece of SNAP (RANGES as for pieces) as one region, populated or
 * not: a refresh's small ranges, which a list would cost as much as
 * reading them. Free LIST->v with free().
 */
int regions_of_pieces(const struct snapshot *snap,
		      const struct snapshot_range *ranges, size_t nr_ranges,
		      struct region_list *list);

/*
 * Cut LIST into N shares of about equal pages (a region may be cut in
 * two): the regions of share K are CUT[FIRST[K]..FIRST[K + 1]), PAGES[K]
 * pages. CUT has room for LIST->nr + N regions, FIRST for N + 1.
 */
void regions_share(const struct region_list *list, unsigned int n,
		   struct region *cut, size_t *first, uint64_t *pages);

#endif
