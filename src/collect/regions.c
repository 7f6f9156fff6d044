// SPDX-License-Identifier: GPL-2.0
/* Listing a target's populated regions, and sharing them among readers. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "collect/regions.h"
#include "kernel/pagemap.h"
#include "kernel/procs.h"

/* Regions per PAGEMAP_SCAN call */
#define SCAN_REGIONS		256

/* The list grows by doubling. */
static int region_add(struct region_list *list, uint64_t start, uint64_t end,
		      size_t mapping, size_t piece)
{
	if (list->nr == list->cap) {
		size_t cap = list->cap ? 2 * list->cap : 256;
		struct region *v = realloc(list->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		list->v = v;
		list->cap = cap;
	}
	list->v[list->nr++] = (struct region){ start, end, mapping, piece };
	list->pages += (end - start) / 4096;
	return 0;
}

/* The populated regions of [START, END) of mapping I, by PAGEMAP_SCAN. */
static int list_piece_scan(const struct sources *src, pid_t pid,
			   struct region_list *list, size_t i, size_t piece,
			   uint64_t start, uint64_t end)
{
	struct pagemap_region found[SCAN_REGIONS];
	uint64_t walk_end;
	long got;
	int err;

	while (start < end) {
		got = pagemap_scan(src->pagemap_fd, start, end, found,
				   SCAN_REGIONS, &walk_end);
		if (got < 0)
			return procs_alive(pid) ? (int)got : -ESRCH;
		for (long j = 0; j < got; j++) {
			err = region_add(list, found[j].start, found[j].end, i,
					 piece);
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
static int list_piece_seek(const struct sources *src,
			   struct region_list *list, size_t i, size_t piece,
			   uint64_t start, uint64_t end)
{
	uint64_t data, hole;
	int err;

	while (start < end) {
		err = kmod_seek(&src->kmod, start, true, &data);
		if (err == -ENXIO || (!err && data >= end))
			break;
		if (!err)
			err = kmod_seek(&src->kmod, data, false, &hole);
		if (err)
			return err;
		if (hole > end)
			hole = end;
		err = region_add(list, data, hole, i, piece);
		if (err)
			return err;
		start = hole;
	}
	return 0;
}

/*
 * Each piece of SNAP's into LIST: its populated regions, listed from SRC,
 * or the whole piece when SRC is NULL
 */
static int list_pieces(const struct sources *src, const struct snapshot *snap,
		       const struct snapshot_range *ranges, size_t nr_ranges,
		       struct region_list *list)
{
	struct pieces it;
	uint64_t start, end;
	size_t i;
	int err;

	pieces_init(&it, snap, ranges, nr_ranges);
	for (size_t piece = 0; pieces_next(&it, &i, &start, &end); piece++) {
		if (!src)
			err = region_add(list, start, end, i, piece);
		else if (src->scan_ok)
			err = list_piece_scan(src, snap->pid, list, i, piece,
					      start, end);
		else
			err = list_piece_seek(src, list, i, piece, start, end);
		if (err)
			return err;
	}
	return 0;
}

int regions_list(const struct sources *src, const struct snapshot *snap,
		 const struct snapshot_range *ranges, size_t nr_ranges,
		 struct region_list *list)
{
	return list_pieces(src, snap, ranges, nr_ranges, list);
}

int regions_of_pieces(const struct snapshot *snap,
		      const struct snapshot_range *ranges, size_t nr_ranges,
		      struct region_list *list)
{
	return list_pieces(NULL, snap, ranges, nr_ranges, list);
}

void regions_share(const struct region_list *list, unsigned int n,
		   struct region *cut, size_t *first, uint64_t *pages)
{
	uint64_t share = list->pages / n, done = 0;
	unsigned int k = 0;
	size_t nr = 0;

	first[0] = 0;
	memset(pages, 0, n * sizeof(*pages));
	for (size_t i = 0; i < list->nr; i++) {
		struct region r = list->v[i];

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
