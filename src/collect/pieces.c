// SPDX-License-Identifier: GPL-2.0
/* The mappings x ranges a collection reads: one iterator for every loop. */
#include "config.h"

#include "collect/pieces.h"

void pieces_init(struct pieces *it, const struct snapshot *snap,
		 const struct snapshot_range *ranges, size_t nr_ranges)
{
	it->snap = snap;
	it->ranges = ranges;
	it->nr_ranges = nr_ranges;
	it->mapping = 0;
	it->range = 0;
}

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* The mapping at the iterator, within the snapshot's range: [*LO, *HI) */
static void mapping_bounds(const struct pieces *it, uint64_t *lo, uint64_t *hi)
{
	const struct snapshot *snap = it->snap;
	const struct maps_entry *map = &snap->mappings[it->mapping];

	*lo = map->start;
	*hi = map->end;
	if (snap->range_end) {
		*lo = max_u64(*lo, snap->range_start);
		*hi = min_u64(*hi, snap->range_end);
	}
}

/*
 * Mappings and ranges are both sorted and disjoint: one walk of the two
 * lists, whichever ends first steps on, so that the session's thousands
 * of journal ranges cost their number plus the mappings', not the product.
 */
bool pieces_next(struct pieces *it, size_t *mapping, uint64_t *start,
		 uint64_t *end)
{
	const struct snapshot_range *r;
	uint64_t lo, hi;

	while (it->mapping < it->snap->nr_mappings) {
		mapping_bounds(it, &lo, &hi);
		if (lo >= hi) {
			it->mapping++;
			continue;
		}
		*mapping = it->mapping;
		if (!it->ranges) {
			it->mapping++;
			*start = lo;
			*end = hi;
			return true;
		}
		if (it->range >= it->nr_ranges)
			return false;
		r = &it->ranges[it->range];
		if (r->end <= lo) {
			it->range++;
			continue;
		}
		if (r->start >= hi) {
			it->mapping++;
			continue;
		}
		*start = max_u64(lo, r->start);
		*end = min_u64(hi, r->end);
		if (r->end <= hi)
			it->range++;
		else
			it->mapping++;
		return true;
	}
	return false;
}

uint64_t pieces_count_pages(const struct snapshot *snap,
			    const struct snapshot_range *ranges,
			    size_t nr_ranges)
{
	struct pieces it;
	uint64_t start, end, pages = 0;
	size_t mapping;

	pieces_init(&it, snap, ranges, nr_ranges);
	while (pieces_next(&it, &mapping, &start, &end))
		pages += (end - start) / 4096;
	return pages;
}
