/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_PAGE_STORE_H
#define PW_PAGE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/snapshot.h"

/*
 * The pages of a frame the interactive session keeps: 16 bytes a page
 * rather than a struct snapshot_page's 48, and frames that share what a
 * refresh did not touch.
 *
 * - A page is a cell: its address and PFN, its node, and the index of its
 *   shape, the rest of its fields (flags, counters, order, swap type) in a
 *   table that all frames of a session share. A dense target has a few
 *   shapes; the table only grows, and a frame is made with a new one when
 *   it has grown well past what a frame can use (page_store_merge()).
 * - Its mapping is not kept: it is the one of the frame's mappings that
 *   holds the address (a page outside every mapping is never kept).
 * - Cells come in chunks of at most PAGE_STORE_CHUNK, which frames share
 *   by reference: a refresh copies the chunks it read again and those
 *   whose pages left their mapping, not the millions of pages it did not
 *   read. The session's collector makes frames, its UI reads them: chunks
 *   and tables are freed by whichever drops the last reference, and are
 *   never written once published (a table only adds shapes past those a
 *   published frame uses, in blocks that never move).
 */
#define PAGE_STORE_CHUNK	4096

struct page_cell {
	/* address >> 12 << 20 | shape: sorted by address */
	uint64_t key;
	/* PFN (its low 48 bits) << 16 | node */
	uint64_t pfn_node;
};

struct page_chunk;
struct page_shapes;

struct page_store {
	struct page_chunk **chunk;
	size_t *start;		/* index of each chunk's first page */
	size_t nr_chunks;
	size_t nr_pages;
	struct page_shapes *shapes;
	/* borrowed: the frame's, for each page's mapping index */
	const struct maps_entry *mappings;
	size_t nr_mappings;
};

/* A walk of a store in address order (page_store_next()) */
struct page_store_iter {
	const struct page_store *st;
	size_t chunk, at, index, mapping;
};

/* A forward-only lookup by address (page_store_seek()) */
struct page_store_cursor {
	size_t chunk, at;
};

void page_store_free(struct page_store *st);

/* Index of the first page at or after VADDR (nr_pages if none) */
size_t page_store_index(const struct page_store *st, uint64_t vaddr);
uint64_t page_store_vaddr(const struct page_store *st, size_t index);
/* Page INDEX (< nr_pages) into *PAGE, its mapping from st->mappings */
void page_store_get(const struct page_store *st, size_t index,
		    struct snapshot_page *page);

void page_store_iter_init(struct page_store_iter *it,
			  const struct page_store *st, size_t index);
/* The next page into *PAGE; false past the last */
bool page_store_next(struct page_store_iter *it, struct snapshot_page *page);

/*
 * The next page into *PAGE, and how many pages after it, up to MAX in all,
 * are alike (all fields but address and PFN the same: the same shape and
 * node) and lie below the next multiple of SPAN bytes from BASE: they are
 * skipped. 0 past the last page.
 */
size_t page_store_next_alike(struct page_store_iter *it,
			     struct snapshot_page *page, uint64_t base,
			     uint64_t span, size_t max);

/*
 * The page at VADDR into *PAGE (its mapping not set), for a VADDR at or
 * after the last one asked with CUR (zeroed first); false when none
 */
bool page_store_seek(const struct page_store *st,
		     struct page_store_cursor *cur, uint64_t vaddr,
		     struct snapshot_page *page);

/* Where a slice of PAGES pages from START ends; UINT64_MAX: the end */
uint64_t page_store_slice_end(const struct page_store *st, uint64_t start,
			      size_t pages);

/*
 * Did PART, read afresh over RANGES[0..NR) (sorted, disjoint), find what
 * FRAME (its pages ST) holds there: the same mappings, and the same pages
 * as read (tracking's results aside)? Then nothing needs merging.
 */
bool page_store_part_unchanged(const struct page_store *st,
			       const struct snapshot *frame,
			       const struct snapshot *part,
			       const struct snapshot_range *ranges, size_t nr);

/*
 * MERGED: MODEL's pages outside RANGES[0..NR) (sorted, disjoint) that lie
 * in one of PART's mappings, as last observed, and PART's pages (read over
 * RANGES, afresh), MERGED's mappings PART's (borrowed). MODEL may be NULL
 * (the first frame: RANGES then cover PART). PART's changes then name
 * MERGED's pages. Chunks are shared with MODEL where their cells come out
 * the same. PART's pages, when a spool maps them, are given back behind
 * the walk. 0, -ENOMEM, -ERANGE for a page at no page's address, or
 * -E2BIG when PART alone has more shapes than a table holds (PART is then
 * unchanged).
 */
int page_store_merge(const struct page_store *model, struct snapshot *part,
		     const struct snapshot_range *ranges, size_t nr,
		     struct page_store *merged);

/*
 * SNAP's pages, all of them, in its order (its changes name them as they
 * are; a spool's pages are not given back: its caller reads them again);
 * MODEL: the frame before, to share with, or NULL
 */
int page_store_from_snapshot(const struct page_store *model,
			     const struct snapshot *snap, struct page_store *st);

/* DST: the same pages as SRC, its chunks and table shared */
int page_store_share(struct page_store *dst, const struct page_store *src);

/* snapshot_summarize() of FRAME, whose pages ST holds */
int page_store_summarize(const struct page_store *st,
			 const struct snapshot *frame,
			 bool (*keep)(const struct snapshot_page *, const void *),
			 const void *arg, struct snapshot_summary **summaries,
			 size_t *nr);

/* Shapes ST's table holds (tests: how much pages share) */
size_t page_store_nr_shapes(const struct page_store *st);
/* Pages of B in chunks that A holds too (what a frame did not copy) */
size_t page_store_pages_shared(const struct page_store *a,
			       const struct page_store *b);
/* Bytes of ST's cells and chunk headers, shared ones included */
size_t page_store_bytes(const struct page_store *st);

#endif
