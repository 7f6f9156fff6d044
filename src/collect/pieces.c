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

bool pieces_next(struct pieces *it, size_t *mapping, uint64_t *start,
		 uint64_t *end)
{
	const struct snapshot *snap = it->snap;
	size_t nr = it->ranges ? it->nr_ranges : 1;

	while (it->mapping < snap->nr_mappings) {
		const struct maps_entry *map = &snap->mappings[it->mapping];
		size_t r = it->range;
		uint64_t lo = map->start, hi = map->end;

		*mapping = it->mapping;
		if (++it->range >= nr) {
			it->range = 0;
			it->mapping++;
		}
		if (r >= nr)
			continue;
		if (snap->range_end) {
			lo = max_u64(lo, snap->range_start);
			hi = min_u64(hi, snap->range_end);
		}
		if (it->ranges) {
			lo = max_u64(lo, it->ranges[r].start);
			hi = min_u64(hi, it->ranges[r].end);
		}
		if (lo < hi) {
			*start = lo;
			*end = hi;
			return true;
		}
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
