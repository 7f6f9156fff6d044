// SPDX-License-Identifier: GPL-2.0
/*
 * Making a frame's pages (page_store.h): each page's shape found in (or
 * added to) the session's table, cells gathered into chunks, and chunks
 * that come out the same as the frame before's taken from it by
 * reference. Only the session's collector makes frames.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model/page_store_impl.h"
#include "model/snapshot_merge.h"

/*
 * A table that has grown past this many shapes for a frame of N pages is
 * replaced by a new one made of that frame's own (refcounts that drift add
 * shapes that no page holds any more): 1.5 bytes a page at most
 */
static size_t shapes_limit(size_t n)
{
	return 65536 + n / 16;
}

static struct page_shapes *shapes_new(void)
{
	struct page_shapes *sh = calloc(1, sizeof(*sh));

	if (sh)
		sh->refs = 1;
	return sh;
}

static struct page_shapes *shapes_get(struct page_shapes *sh)
{
	__atomic_add_fetch(&sh->refs, 1, __ATOMIC_RELAXED);
	return sh;
}

static uint64_t shape_hash(const struct page_shape *s)
{
	uint64_t h = s->flags * 0x9e3779b97f4a7c15ULL;

	h ^= ((uint64_t)s->refcount << 32 | s->mapcount) * 0xc2b2ae3d27d4eb4fULL;
	h ^= ((uint64_t)s->pincount << 32 | (uint64_t)s->pfn_high << 16 |
	      (uint64_t)s->order << 8 | s->swap_type) * 0x165667b19e3779f9ULL;
	return h ^ h >> 29;
}

static bool shape_same(const struct page_shape *a, const struct page_shape *b)
{
	return a->flags == b->flags && a->refcount == b->refcount &&
	       a->mapcount == b->mapcount && a->pincount == b->pincount &&
	       a->pfn_high == b->pfn_high && a->order == b->order &&
	       a->swap_type == b->swap_type;
}

static int hash_grow(struct page_shapes *sh)
{
	size_t cap = sh->hash_cap ? 2 * sh->hash_cap : 1024;
	uint32_t *hash = calloc(cap, sizeof(*hash));

	if (!hash)
		return -ENOMEM;
	for (size_t i = 0; i < sh->nr; i++) {
		size_t at = shape_hash(page_shape_at(sh, (uint32_t)i)) & (cap - 1);

		while (hash[at])
			at = (at + 1) & (cap - 1);
		hash[at] = (uint32_t)i + 1;
	}
	free(sh->hash);
	sh->hash = hash;
	sh->hash_cap = cap;
	return 0;
}

/* The index of shape S in SH, added when new: -ENOMEM, -E2BIG when full */
static long shape_intern(struct page_shapes *sh, const struct page_shape *s)
{
	struct page_shape **block;
	size_t at;

	if (2 * (sh->nr + 1) > sh->hash_cap && hash_grow(sh))
		return -ENOMEM;
	for (at = shape_hash(s) & (sh->hash_cap - 1); sh->hash[at];
	     at = (at + 1) & (sh->hash_cap - 1))
		if (shape_same(page_shape_at(sh, sh->hash[at] - 1), s))
			return sh->hash[at] - 1;
	if (sh->nr == PAGE_SHAPE_MASK + 1)
		return -E2BIG;
	block = &sh->block[sh->nr / PAGE_SHAPE_BLOCK];
	if (!*block && !(*block = malloc(PAGE_SHAPE_BLOCK * sizeof(**block))))
		return -ENOMEM;
	(*block)[sh->nr % PAGE_SHAPE_BLOCK] = *s;
	sh->hash[at] = (uint32_t)++sh->nr;
	return (long)sh->nr - 1;
}

static int cell_encode(struct page_shapes *sh, const struct snapshot_page *p,
		       struct page_cell *c)
{
	struct page_shape s = {
		.flags = p->flags,
		.refcount = p->refcount,
		.mapcount = p->mapcount,
		.pincount = p->pincount,
		.pfn_high = (uint16_t)(p->pfn >> 48),
		.order = p->order,
		.swap_type = p->swap_type,
	};
	long shape;

	/* the session reads pages, never the --all holes past user space */
	if ((p->vaddr & 0xfff) || p->vaddr >= PAGE_CELL_VADDR_END)
		return -ERANGE;
	shape = shape_intern(sh, &s);
	if (shape < 0)
		return (int)shape;
	c->key = p->vaddr >> 12 << PAGE_SHAPE_BITS | (uint64_t)shape;
	c->pfn_node = p->pfn << 16 | p->node;
	return 0;
}

/* A store being made, chunk by chunk */
struct builder {
	struct page_store *st;
	const struct page_store *like;	/* chunks to share, or NULL */
	size_t like_at;			/* where the next cell would be in it */
	uint64_t boundary;		/* the next like chunk's first address */
	size_t boundary_nr;		/* and its pages */
	size_t cap_chunks;
	struct page_cell *buf;
	size_t nr;
	int err;
};

static int push_chunk(struct builder *b, struct page_chunk *c)
{
	struct page_store *st = b->st;

	if (st->nr_chunks == b->cap_chunks) {
		size_t cap = b->cap_chunks ? 2 * b->cap_chunks : 64;
		struct page_chunk **chunk = realloc(st->chunk, cap * sizeof(*chunk));
		size_t *start;

		if (!chunk)
			return -ENOMEM;
		st->chunk = chunk;
		start = realloc(st->start, cap * sizeof(*start));
		if (!start)
			return -ENOMEM;
		st->start = start;
		b->cap_chunks = cap;
	}
	st->chunk[st->nr_chunks] = c;
	st->start[st->nr_chunks++] = st->nr_pages;
	st->nr_pages += c->nr;
	return 0;
}

static void share(struct builder *b, struct page_chunk *c)
{
	__atomic_add_fetch(&c->refs, 1, __ATOMIC_RELAXED);
	b->err = push_chunk(b, c);
	if (b->err)
		page_chunk_put(c);
}

/* like's chunk whose first address is VADDR, or NULL */
static struct page_chunk *like_chunk(struct builder *b, uint64_t vaddr)
{
	const struct page_store *like = b->like;

	while (b->like_at < like->nr_chunks &&
	       page_cell_vaddr(&like->chunk[b->like_at]->cell[0]) < vaddr)
		b->like_at++;
	if (b->like_at < like->nr_chunks &&
	    page_cell_vaddr(&like->chunk[b->like_at]->cell[0]) == vaddr)
		return like->chunk[b->like_at];
	return NULL;
}

/* The buffered cells as a chunk: the like frame's, when the same */
static void flush(struct builder *b)
{
	struct page_chunk *c = NULL;

	if (!b->nr || b->err)
		return;
	if (b->like && b->like->shapes == b->st->shapes)
		c = like_chunk(b, page_cell_vaddr(&b->buf[0]));
	if (c && c->nr == b->nr &&
	    !memcmp(c->cell, b->buf, b->nr * sizeof(*b->buf))) {
		share(b, c);
	} else {
		c = malloc(sizeof(*c) + b->nr * sizeof(*b->buf));
		if (!c) {
			b->err = -ENOMEM;
			return;
		}
		c->refs = 1;
		c->nr = (uint32_t)b->nr;
		memcpy(c->cell, b->buf, b->nr * sizeof(*b->buf));
		b->err = push_chunk(b, c);
		if (b->err)
			free(c);
	}
	b->nr = 0;
}

/*
 * The first address of the like chunk after the one VADDR falls in (and
 * its pages in b->boundary_nr); the like cursor moves to that one
 * (addresses only grow)
 */
static uint64_t next_boundary(struct builder *b, uint64_t vaddr)
{
	const struct page_store *like = b->like;
	size_t at;

	b->boundary_nr = 0;
	if (!like)
		return UINT64_MAX;
	while (b->like_at + 1 < like->nr_chunks &&
	       page_cell_vaddr(&like->chunk[b->like_at + 1]->cell[0]) <= vaddr)
		b->like_at++;
	at = b->like_at;
	if (at < like->nr_chunks &&
	    page_cell_vaddr(&like->chunk[at]->cell[0]) <= vaddr)
		at++;
	if (at >= like->nr_chunks)
		return UINT64_MAX;
	b->boundary_nr = like->chunk[at]->nr;
	return page_cell_vaddr(&like->chunk[at]->cell[0]);
}

/*
 * Add cell C. A chunk ends where the like frame's does, so that pages
 * that did not change come out as its chunk; a small piece (a refresh's
 * pages up to there) rather takes the next chunk's pages when they fit
 * in one chunk together, so that chunks do not crumble over refreshes.
 */
static void add_cell(struct builder *b, const struct page_cell *c)
{
	uint64_t vaddr = page_cell_vaddr(c);

	if (vaddr >= b->boundary && b->nr &&
	    (b->nr >= PAGE_STORE_CHUNK / 4 ||
	     b->nr + b->boundary_nr > PAGE_STORE_CHUNK))
		flush(b);
	else if (b->nr == PAGE_STORE_CHUNK)
		flush(b);
	if (!b->nr || vaddr >= b->boundary)
		b->boundary = next_boundary(b, vaddr);
	b->buf[b->nr++] = *c;
}

static void add_page(struct builder *b, const struct snapshot_page *page)
{
	struct page_cell c;

	if (b->err)
		return;
	b->err = cell_encode(b->st->shapes, page, &c);
	if (!b->err)
		add_cell(b, &c);
}

struct merge {
	struct builder b;
	const struct page_store *model;
	const struct snapshot *part;
	const struct snapshot_range *ranges;
	size_t nr;
	size_t *at;		/* of PART's changes, in MERGED */
	bool release;		/* PART's spooled pages given back behind */
	size_t k;		/* PART's next change */
	size_t p, released;	/* PART's next page, and given back below */
	size_t r, m;		/* cursors of snapshot_in_ranges(), _in_mapping() */
	bool same_shapes;
};

/* PART's pages below VADDR */
static void part_until(struct merge *mg, uint64_t vaddr)
{
	const struct snapshot *part = mg->part;

	for (; mg->p < part->nr_pages && part->pages[mg->p].vaddr < vaddr &&
	       !mg->b.err; mg->p++) {
		for (; mg->at && mg->k < part->nr_changes &&
		       part->changes[mg->k].page <= mg->p; mg->k++)
			mg->at[mg->k] = mg->b.st->nr_pages + mg->b.nr;
		add_page(&mg->b, &part->pages[mg->p]);
		if (mg->release && mg->p - mg->released >= PAGE_STORE_CHUNK) {
			snapshot_pages_release(part, mg->released, mg->p);
			mg->released = mg->p;
		}
	}
}

/*
 * Can chunk C of the model be taken whole: none of its pages read again,
 * all still in a mapping, and big enough to keep
 */
static bool chunk_untouched(struct merge *mg, const struct page_chunk *c)
{
	uint64_t first = page_cell_vaddr(&c->cell[0]);
	uint64_t last = page_cell_vaddr(&c->cell[c->nr - 1]);
	size_t r = mg->r, m = mg->m;

	if (!mg->same_shapes)
		return false;
	/* a small piece and a small chunk that fit in one are joined */
	if (c->nr < PAGE_STORE_CHUNK / 4 &&
	    mg->b.nr + c->nr <= PAGE_STORE_CHUNK)
		return false;
	/*
	 * no range starts at or before LAST and ends past FIRST; the cursors
	 * keep what they pass (chunks come in address order)
	 */
	while (r < mg->nr && mg->ranges[r].end <= first)
		r++;
	mg->r = r;
	if (r < mg->nr && mg->ranges[r].start <= last)
		return false;
	/* one mapping holds them all */
	if (!snapshot_in_mapping(mg->part, &m, first))
		return false;
	mg->m = m;
	return last < mg->part->mappings[m].end;
}

static void model_chunk(struct merge *mg, struct page_chunk *c)
{
	struct snapshot_page page;

	part_until(mg, page_cell_vaddr(&c->cell[0]));
	if (chunk_untouched(mg, c)) {
		flush(&mg->b);
		if (!mg->b.err)
			share(&mg->b, c);
		mg->b.boundary = next_boundary(&mg->b,
					       page_cell_vaddr(&c->cell[c->nr - 1]));
		return;
	}
	for (uint32_t i = 0; i < c->nr && !mg->b.err; i++) {
		uint64_t vaddr = page_cell_vaddr(&c->cell[i]);

		part_until(mg, vaddr);
		/* read again (PART has it, or it is gone), or unmapped */
		if (snapshot_in_ranges(mg->ranges, mg->nr, &mg->r, vaddr) ||
		    !snapshot_in_mapping(mg->part, &mg->m, vaddr))
			continue;
		if (mg->same_shapes) {
			add_cell(&mg->b, &c->cell[i]);
			continue;
		}
		page_cell_decode(mg->model->shapes, &c->cell[i], &page);
		add_page(&mg->b, &page);
	}
}

static int merge_with(struct merge *mg, struct page_shapes *shapes)
{
	const struct page_store *model = mg->model;
	struct page_store *st = mg->b.st;

	memset(st, 0, sizeof(*st));
	st->shapes = shapes;
	st->mappings = mg->part->mappings;
	st->nr_mappings = mg->part->nr_mappings;
	mg->same_shapes = model && model->shapes == shapes;
	mg->b.like = model;
	mg->b.like_at = 0;
	mg->b.boundary = 0;
	mg->b.cap_chunks = 0;
	mg->b.nr = 0;
	mg->b.err = 0;
	mg->p = mg->released = mg->r = mg->m = mg->k = 0;
	for (size_t c = 0; model && c < model->nr_chunks && !mg->b.err; c++)
		model_chunk(mg, model->chunk[c]);
	part_until(mg, UINT64_MAX);
	flush(&mg->b);
	if (mg->b.err)
		page_store_free(st);
	return mg->b.err;
}

/* The merge; AT (NULL: not asked) gets where PART's changes' pages went */
static int merge_into(const struct page_store *model,
		      const struct snapshot *part,
		      const struct snapshot_range *ranges, size_t nr,
		      struct page_store *merged, size_t *at)
{
	struct merge mg = {
		.model = model, .part = part, .ranges = ranges, .nr = nr,
		.b.st = merged, .at = at,
		/* a part is the frame's, a snapshot its caller's to read again */
		.release = at != NULL,
	};
	struct page_shapes *shapes = NULL;
	int err = -ENOMEM;

	mg.b.buf = malloc(PAGE_STORE_CHUNK * sizeof(*mg.b.buf));
	if (!mg.b.buf)
		return -ENOMEM;
	if (model && model->shapes &&
	    model->shapes->nr <= shapes_limit(model->nr_pages + part->nr_pages)) {
		err = merge_with(&mg, shapes_get(model->shapes));
		/* the table is full: once more with a table of its own */
		if (err != -E2BIG)
			goto out;
	}
	shapes = shapes_new();
	err = shapes ? merge_with(&mg, shapes) : -ENOMEM;
out:
	free(mg.b.buf);
	return err;
}

int page_store_merge(const struct page_store *model, struct snapshot *part,
		     const struct snapshot_range *ranges, size_t nr,
		     struct page_store *merged)
{
	size_t *at = malloc((part->nr_changes + 1) * sizeof(*at));
	int err;

	if (!at)
		return -ENOMEM;
	err = merge_into(model, part, ranges, nr, merged, at);
	for (size_t k = 0; !err && k < part->nr_changes; k++)
		part->changes[k].page = at[k];
	free(at);
	return err;
}

int page_store_from_snapshot(const struct page_store *model,
			     const struct snapshot *snap, struct page_store *st)
{
	static const struct snapshot_range all = { 0, UINT64_MAX };

	/* every page of SNAP, in its order: its changes' indices hold */
	return merge_into(model, snap, &all, 1, st, NULL);
}

int page_store_share(struct page_store *dst, const struct page_store *src)
{
	size_t n = src->nr_chunks ? src->nr_chunks : 1;

	*dst = *src;
	dst->chunk = malloc(n * sizeof(*dst->chunk));
	dst->start = malloc(n * sizeof(*dst->start));
	if (!dst->chunk || !dst->start) {
		free(dst->chunk);
		free(dst->start);
		memset(dst, 0, sizeof(*dst));
		return -ENOMEM;
	}
	memcpy(dst->chunk, src->chunk, src->nr_chunks * sizeof(*dst->chunk));
	memcpy(dst->start, src->start, src->nr_chunks * sizeof(*dst->start));
	for (size_t c = 0; c < src->nr_chunks; c++)
		__atomic_add_fetch(&src->chunk[c]->refs, 1, __ATOMIC_RELAXED);
	if (dst->shapes)
		shapes_get(dst->shapes);
	return 0;
}
