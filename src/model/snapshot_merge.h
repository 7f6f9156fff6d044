/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_SNAPSHOT_MERGE_H
#define PW_SNAPSHOT_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/snapshot.h"

/*
 * MERGED: PART's mappings, changes and pages (PART read RANGES[0..NR),
 * sorted and disjoint, afresh) and MODEL's pages outside RANGES that still
 * lie in one of PART's mappings, as last observed. PART's mappings and
 * changes move to MERGED. MERGED's page array (pages, cap_pages) is
 * reused when it is large enough; everything else in it is overwritten.
 */
int snapshot_merge(const struct snapshot *model, struct snapshot *part,
		  const struct snapshot_range *ranges, size_t nr,
		  struct snapshot *merged);
/* Is VADDR in one of RANGES[0..NR)? *R walks forward with it. */
bool snapshot_in_ranges(const struct snapshot_range *ranges, size_t nr,
			size_t *r, uint64_t vaddr);
/* SNAP's mapping *M holding VADDR, *M walking forward; false in a hole */
bool snapshot_in_mapping(const struct snapshot *snap, size_t *m,
			 uint64_t vaddr);
/* The same mappings: their bounds, and with WHOLE their perms and file */
bool snapshot_same_mappings(const struct snapshot *a, const struct snapshot *b,
			    bool whole);
/* The same page as read (tracking's results aside) */
bool snapshot_same_page(const struct snapshot_page *a,
			const struct snapshot_page *b);
/*
 * Leave CUT[0..NR_CUT) out of PART, read over RANGES[0..NR) (both sorted
 * and disjoint; PART's pages in memory, not a spool): its pages there are
 * dropped and *REST gets RANGES without CUT (the caller frees it), in
 * *NR_REST pieces, so that merging PART over *REST keeps the model's
 * pages in CUT as they were. -ENOMEM, -EINVAL for a spool.
 */
int snapshot_part_cut(struct snapshot *part,
		      const struct snapshot_range *ranges, size_t nr,
		      const struct snapshot_range *cut, size_t nr_cut,
		      struct snapshot_range **rest, size_t *nr_rest);
/* RANGES[0..NR) sorted and joined where they touch or overlap: the new count */
size_t snapshot_ranges_join(struct snapshot_range *ranges, size_t nr);
/* The same, and joined across holes of GAP bytes or fewer */
size_t snapshot_ranges_join_near(struct snapshot_range *ranges, size_t nr,
				 uint64_t gap);

#endif
