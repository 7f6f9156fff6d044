/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_PAGE_STORE_IMPL_H
#define PW_PAGE_STORE_IMPL_H

/* What page_store.c and page_store_merge.c share; nobody else includes it. */
#include "model/page_store.h"

#define PAGE_SHAPE_BITS		20
#define PAGE_SHAPE_MASK		((1ULL << PAGE_SHAPE_BITS) - 1)
#define PAGE_SHAPE_BLOCK	4096
#define PAGE_SHAPE_BLOCKS	((1U << PAGE_SHAPE_BITS) / PAGE_SHAPE_BLOCK)
/* the highest address a cell holds: 56 bits, five-level page tables' */
#define PAGE_CELL_VADDR_END	(1ULL << (64 - PAGE_SHAPE_BITS + 12))

/* What pages of a shape share: all but address, PFN, node and mapping */
struct page_shape {
	uint64_t flags;
	uint32_t refcount;
	uint32_t mapcount;
	uint32_t pincount;
	uint16_t pfn_high;	/* PFN >> 48: swap offsets, in theory */
	uint8_t order;
	uint8_t swap_type;
};

struct page_shapes {
	int refs;
	size_t nr;
	/* blocks never move: the UI reads shapes while the collector adds */
	struct page_shape *block[PAGE_SHAPE_BLOCKS];
	/* the maker's index: shape + 1 by hash, 0 empty (open addressing) */
	uint32_t *hash;
	size_t hash_cap;
};

struct page_chunk {
	int refs;
	uint32_t nr;
	struct page_cell cell[];
};

static inline uint64_t page_cell_vaddr(const struct page_cell *c)
{
	return c->key >> PAGE_SHAPE_BITS << 12;
}

static inline uint32_t page_cell_shape(const struct page_cell *c)
{
	return (uint32_t)(c->key & PAGE_SHAPE_MASK);
}

static inline const struct page_shape *page_shape_at(const struct page_shapes *sh,
						     uint32_t shape)
{
	return &sh->block[shape / PAGE_SHAPE_BLOCK][shape % PAGE_SHAPE_BLOCK];
}

void page_cell_decode(const struct page_shapes *sh, const struct page_cell *c,
		      struct snapshot_page *page);
void page_chunk_put(struct page_chunk *c);
void page_shapes_put(struct page_shapes *sh);

#endif
