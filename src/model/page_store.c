// SPDX-License-Identifier: GPL-2.0
/*
 * A frame's pages, 16 bytes each (page_store.h): reading them back. What
 * makes them (the table of shapes, chunks, merging) is in
 * page_store_merge.c.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/page_store_impl.h"
#include "model/snapshot_merge.h"
#include "model/snapshot_summary.h"

void page_chunk_put(struct page_chunk *c)
{
	if (c && __atomic_sub_fetch(&c->refs, 1, __ATOMIC_ACQ_REL) == 0)
		free(c);
}

void page_shapes_put(struct page_shapes *sh)
{
	if (!sh || __atomic_sub_fetch(&sh->refs, 1, __ATOMIC_ACQ_REL))
		return;
	for (size_t b = 0; b < PAGE_SHAPE_BLOCKS && sh->block[b]; b++)
		free(sh->block[b]);
	free(sh->hash);
	free(sh);
}

void page_store_free(struct page_store *st)
{
	for (size_t c = 0; c < st->nr_chunks; c++)
		page_chunk_put(st->chunk[c]);
	free(st->chunk);
	free(st->start);
	page_shapes_put(st->shapes);
	memset(st, 0, sizeof(*st));
}

size_t page_store_nr_shapes(const struct page_store *st)
{
	return st->shapes ? st->shapes->nr : 0;
}

size_t page_store_pages_shared(const struct page_store *a,
			       const struct page_store *b)
{
	size_t n = 0, i = 0;

	/* both in address order */
	for (size_t j = 0; j < b->nr_chunks; j++) {
		while (i < a->nr_chunks &&
		       page_cell_vaddr(&a->chunk[i]->cell[0]) <
		       page_cell_vaddr(&b->chunk[j]->cell[0]))
			i++;
		if (i < a->nr_chunks && a->chunk[i] == b->chunk[j])
			n += b->chunk[j]->nr;
	}
	return n;
}

size_t page_store_bytes(const struct page_store *st)
{
	size_t n = st->nr_chunks * (sizeof(struct page_chunk) +
				    sizeof(*st->chunk) + sizeof(*st->start));

	return n + st->nr_pages * sizeof(struct page_cell);
}

void page_cell_decode(const struct page_shapes *sh, const struct page_cell *c,
		      struct snapshot_page *page)
{
	const struct page_shape *s = page_shape_at(sh, page_cell_shape(c));

	page->vaddr = page_cell_vaddr(c);
	page->pfn = c->pfn_node >> 16 | (uint64_t)s->pfn_high << 48;
	page->flags = s->flags;
	page->refcount = s->refcount;
	page->mapcount = s->mapcount;
	page->pincount = s->pincount;
	page->mapping = 0;
	page->node = (uint16_t)c->pfn_node;
	page->order = s->order;
	page->swap_type = s->swap_type;
}

/* The chunk that holds page INDEX (< nr_pages) */
static size_t chunk_of_index(const struct page_store *st, size_t index)
{
	size_t lo = 0, hi = st->nr_chunks;

	/* the last chunk that starts at or before INDEX */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (st->start[mid] <= index)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* The first chunk whose last page lies at or after VADDR (nr_chunks if none) */
static size_t chunk_of_vaddr(const struct page_store *st, size_t lo,
			     uint64_t vaddr)
{
	size_t hi = st->nr_chunks;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct page_chunk *c = st->chunk[mid];

		if (page_cell_vaddr(&c->cell[c->nr - 1]) < vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first cell of chunk C at or after VADDR, from AT on */
static size_t cell_lower_bound(const struct page_chunk *c, size_t lo,
			       uint64_t vaddr)
{
	size_t hi = c->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (page_cell_vaddr(&c->cell[mid]) < vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t page_store_index(const struct page_store *st, uint64_t vaddr)
{
	size_t c = chunk_of_vaddr(st, 0, vaddr);

	if (c == st->nr_chunks)
		return st->nr_pages;
	return st->start[c] + cell_lower_bound(st->chunk[c], 0, vaddr);
}

static const struct page_cell *cell_at(const struct page_store *st,
				       size_t index)
{
	size_t c = chunk_of_index(st, index);

	return &st->chunk[c]->cell[index - st->start[c]];
}

uint64_t page_store_vaddr(const struct page_store *st, size_t index)
{
	return page_cell_vaddr(cell_at(st, index));
}

/* The mapping that holds VADDR: the last that starts at or before it */
static size_t mapping_of(const struct page_store *st, uint64_t vaddr)
{
	size_t lo = 0, hi = st->nr_mappings;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (st->mappings[mid].start <= vaddr)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

void page_store_get(const struct page_store *st, size_t index,
		    struct snapshot_page *page)
{
	page_cell_decode(st->shapes, cell_at(st, index), page);
	page->mapping = (uint32_t)mapping_of(st, page->vaddr);
}

void page_store_iter_init(struct page_store_iter *it,
			  const struct page_store *st, size_t index)
{
	memset(it, 0, sizeof(*it));
	it->st = st;
	it->index = index;
	if (index < st->nr_pages) {
		it->chunk = chunk_of_index(st, index);
		it->at = index - st->start[it->chunk];
		it->mapping = mapping_of(st, page_store_vaddr(st, index));
	} else {
		it->chunk = st->nr_chunks;
	}
}

bool page_store_next(struct page_store_iter *it, struct snapshot_page *page)
{
	const struct page_store *st = it->st;
	const struct page_chunk *c;

	if (it->chunk >= st->nr_chunks)
		return false;
	c = st->chunk[it->chunk];
	page_cell_decode(st->shapes, &c->cell[it->at], page);
	while (it->mapping + 1 < st->nr_mappings &&
	       st->mappings[it->mapping + 1].start <= page->vaddr)
		it->mapping++;
	page->mapping = (uint32_t)it->mapping;
	it->index++;
	if (++it->at == c->nr) {
		it->chunk++;
		it->at = 0;
	}
	return true;
}

/* What pages alike share: their shape and node */
static uint64_t alike_key(const struct page_cell *c)
{
	return (c->key & PAGE_SHAPE_MASK) << 16 | (uint16_t)c->pfn_node;
}

size_t page_store_next_alike(struct page_store_iter *it,
			     struct snapshot_page *page, uint64_t base,
			     uint64_t span, size_t max)
{
	const struct page_store *st = it->st;
	const struct page_chunk *c;
	uint64_t key, end;
	size_t n = 1;

	if (!max || it->chunk >= st->nr_chunks)
		return 0;
	key = alike_key(&st->chunk[it->chunk]->cell[it->at]);
	page_store_next(it, page);
	end = page->vaddr < base ? base :
	      base + ((page->vaddr - base) / span + 1) * span;
	while (n < max && it->chunk < st->nr_chunks) {
		c = st->chunk[it->chunk];
		if (page_cell_vaddr(&c->cell[it->at]) >= end ||
		    alike_key(&c->cell[it->at]) != key)
			break;
		n++;
		it->index++;
		if (++it->at == c->nr) {
			it->chunk++;
			it->at = 0;
		}
	}
	return n;
}

bool page_store_seek(const struct page_store *st,
		     struct page_store_cursor *cur, uint64_t vaddr,
		     struct snapshot_page *page)
{
	const struct page_chunk *c;

	if (cur->chunk >= st->nr_chunks)
		return false;
	c = st->chunk[cur->chunk];
	/* a walk in address order mostly finds it in the same chunk */
	if (page_cell_vaddr(&c->cell[c->nr - 1]) < vaddr) {
		cur->chunk = chunk_of_vaddr(st, cur->chunk + 1, vaddr);
		cur->at = 0;
		if (cur->chunk == st->nr_chunks)
			return false;
		c = st->chunk[cur->chunk];
	}
	/* the next few by hand (a dense walk), then a binary search */
	for (int i = 0; i < 4 && cur->at < c->nr &&
	     page_cell_vaddr(&c->cell[cur->at]) < vaddr; i++)
		cur->at++;
	if (cur->at < c->nr && page_cell_vaddr(&c->cell[cur->at]) < vaddr)
		cur->at = cell_lower_bound(c, cur->at, vaddr);
	if (cur->at >= c->nr || page_cell_vaddr(&c->cell[cur->at]) != vaddr)
		return false;
	page_cell_decode(st->shapes, &c->cell[cur->at], page);
	return true;
}

uint64_t page_store_slice_end(const struct page_store *st, uint64_t start,
			      size_t pages)
{
	size_t first = page_store_index(st, start);

	if (pages == 0)
		pages = 1;
	if (st->nr_pages - first <= pages)
		return UINT64_MAX;
	return page_store_vaddr(st, first + pages);
}

bool page_store_part_unchanged(const struct page_store *st,
			       const struct snapshot *frame,
			       const struct snapshot *part,
			       const struct snapshot_range *ranges, size_t nr)
{
	struct page_store_iter it;
	struct snapshot_page page;
	size_t p = 0;

	if (!snapshot_same_mappings(frame, part, true))
		return false;
	for (size_t r = 0; r < nr; r++) {
		page_store_iter_init(&it, st, page_store_index(st, ranges[r].start));
		while (page_store_next(&it, &page) && page.vaddr < ranges[r].end) {
			if (p == part->nr_pages ||
			    !snapshot_same_page(&page, &part->pages[p]))
				return false;
			p++;
		}
	}
	return p == part->nr_pages;
}

/*
 * Count ST's pages into ALL[0..*N) a run at a time: pages of one mapping
 * with the same shape and node count alike (a dense mapping is a few
 * runs), and only the run's first page is decoded
 */
static int summarize_runs(const struct page_store *st,
			  const struct snapshot *frame,
			  struct snapshot_summary *all, size_t *n)
{
	struct snapshot_page first;
	uint64_t run = 0, end = 0, key = 0;
	size_t m = 0;
	int err = 0;

	for (size_t c = 0; c < st->nr_chunks && !err; c++) {
		const struct page_chunk *chunk = st->chunk[c];

		for (uint32_t i = 0; i < chunk->nr && !err; i++) {
			const struct page_cell *cell = &chunk->cell[i];
			uint64_t alike = alike_key(cell);

			if (run && alike == key && page_cell_vaddr(cell) < end) {
				run++;
				continue;
			}
			if (run)
				err = snapshot_summary_add_alike(frame, all, n,
								 &first, run);
			page_cell_decode(st->shapes, cell, &first);
			while (m + 1 < st->nr_mappings &&
			       st->mappings[m + 1].start <= first.vaddr)
				m++;
			first.mapping = (uint32_t)m;
			end = m < st->nr_mappings ? st->mappings[m].end : UINT64_MAX;
			key = alike;
			run = 1;
		}
	}
	if (run && !err)
		err = snapshot_summary_add_alike(frame, all, n, &first, run);
	return err;
}

int page_store_summarize(const struct page_store *st,
			 const struct snapshot *frame,
			 bool (*keep)(const struct snapshot_page *, const void *),
			 const void *arg, struct snapshot_summary **summaries,
			 size_t *nr)
{
	struct snapshot_summary *all;
	struct page_store_iter it;
	struct snapshot_page page;
	size_t n = 0;
	int err = 0;

	all = calloc(frame->nr_mappings ? frame->nr_mappings : 1, sizeof(*all));
	if (!all)
		return -ENOMEM;
	if (!keep) {
		err = summarize_runs(st, frame, all, &n);
	} else {
		/* a filter may ask about any field: each page decoded */
		page_store_iter_init(&it, st, 0);
		while (!err && page_store_next(&it, &page))
			if (keep(&page, arg))
				err = snapshot_summary_add(frame, all, &n, &page);
	}
	if (err) {
		snapshot_summary_free(all, n);
		return -ENOMEM;
	}
	*summaries = all;
	*nr = n;
	return 0;
}
