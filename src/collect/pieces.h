/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_PIECES_H
#define PW_PIECES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/snapshot.h"

/*
 * The pieces of address space a collection reads, in address order: each
 * of the snapshot's mappings within the snapshot's range and, when RANGES
 * are given (the session's refreshes; sorted and disjoint), within each
 * of those.
 */
struct pieces {
	const struct snapshot *snap;
	const struct snapshot_range *ranges;	/* NULL: whole mappings */
	size_t nr_ranges;
	size_t mapping;		/* where the next call looks */
	size_t range;
};

void pieces_init(struct pieces *it, const struct snapshot *snap,
		 const struct snapshot_range *ranges, size_t nr_ranges);

/* The next piece that is not empty: false after the last. */
bool pieces_next(struct pieces *it, size_t *mapping, uint64_t *start,
		 uint64_t *end);

/* Pages in every piece */
uint64_t pieces_count_pages(const struct snapshot *snap,
			    const struct snapshot_range *ranges,
			    size_t nr_ranges);

#endif
