// SPDX-License-Identifier: GPL-2.0
/*
 * Keeping every page read in the snapshot's page array. With one reader
 * the array is its window; with several, each fills its own window of
 * one array sized from the listed regions, and the windows are closed up
 * at the end (a window that overflowed moves out, and then every window
 * is copied once).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "collect/keep.h"
#include "kernel/pagemap.h"

struct page_window {
	struct page_consumer c;		/* first: the consumer is the window */
	struct snapshot_page *pages;
	size_t nr;
	size_t cap;
	bool owned;	/* pages is malloc'd for this window alone: it may grow */
	bool exact;	/* cap was counted, not guessed */
};

struct keep_pages {
	struct keeper k;	/* first */
	struct snapshot_page *shared;	/* the array the windows cut */
	uint64_t total;			/* its length */
	struct page_window *w;
	unsigned int n;
};

/* Grow a window; one that outgrew its place in the shared array moves out. */
static int window_grow(struct page_window *w)
{
	size_t cap = w->cap + (w->exact ? PAGEMAP_BATCH :
			       w->cap / 8 + PAGEMAP_BATCH);
	struct snapshot_page *pages;

	if (w->owned) {
		pages = realloc(w->pages, cap * sizeof(*pages));
		if (!pages)
			return -ENOMEM;
	} else {
		/* the target grew into a neighbour's window: rare */
		pages = malloc(cap * sizeof(*pages));
		if (!pages)
			return -ENOMEM;
		memcpy(pages, w->pages, w->nr * sizeof(*pages));
		w->owned = true;
	}
	w->pages = pages;
	w->cap = cap;
	return 0;
}

static struct snapshot_page *window_room(struct page_consumer *c, size_t want,
					 size_t *room)
{
	struct page_window *w = (struct page_window *)c;

	if (w->nr == w->cap && window_grow(w))
		return NULL;
	*room = w->cap - w->nr < want ? w->cap - w->nr : want;
	return w->pages + w->nr;
}

static int window_take(struct page_consumer *c, struct snapshot_page *pages,
		       size_t nr)
{
	struct page_window *w = (struct page_window *)c;

	(void)pages;
	w->nr += nr;
	return 0;
}

static int keep_pages_split(struct keeper *k, unsigned int n,
			    const uint64_t *pages, bool exact)
{
	struct keep_pages *kp = (struct keep_pages *)k;
	uint64_t base = 0;

	kp->total = 0;
	for (unsigned int i = 0; i < n; i++)
		kp->total += pages[i];
	kp->w = calloc(n, sizeof(*kp->w));
	kp->shared = malloc((kp->total ? kp->total : 1) * sizeof(*kp->shared));
	if (!kp->w || !kp->shared)
		return -ENOMEM;
	kp->n = n;
	for (unsigned int i = 0; i < n; i++) {
		struct page_window *w = &kp->w[i];

		w->c.room = window_room;
		w->c.take = window_take;
		w->pages = kp->shared + base;
		w->cap = pages[i];
		w->exact = exact;
		base += pages[i];
	}
	/* a single window is the whole array: it grows in place */
	if (n == 1) {
		kp->w[0].owned = true;
		kp->shared = NULL;
	}
	return 0;
}

static struct page_consumer *keep_pages_consumer(struct keeper *k,
						 unsigned int i)
{
	return &((struct keep_pages *)k)->w[i].c;
}

/* The only window becomes the snapshot's pages. */
static void hand_over(struct keep_pages *kp)
{
	struct page_window *w = &kp->w[0];
	struct snapshot *snap = kp->k.snap;
	struct snapshot_page *trimmed;

	/* a guess that was too large gives its tail back */
	if (w->cap > w->nr + PAGEMAP_BATCH) {
		trimmed = realloc(w->pages, (w->nr ? w->nr : 1) *
					    sizeof(*trimmed));
		if (trimmed) {
			w->pages = trimmed;
			w->cap = w->nr;
		}
	}
	snap->pages = w->pages;
	snap->nr_pages = w->nr;
	snap->cap_pages = w->cap;
	w->pages = NULL;
	w->owned = false;
}

/* The windows, in order, closed up in the shared array or a new one. */
static int join_windows(struct keep_pages *kp)
{
	struct snapshot *snap = kp->k.snap;
	struct snapshot_page *pages = kp->shared;
	uint64_t cap = kp->total;
	bool moved = false;
	size_t total = 0;

	for (unsigned int i = 0; i < kp->n; i++) {
		total += kp->w[i].nr;
		moved |= kp->w[i].owned;
	}
	if (moved) {
		/* a window overflowed: copy every one once */
		pages = malloc((total ? total : 1) * sizeof(*pages));
		if (!pages)
			return -ENOMEM;
		cap = total;
	}
	total = 0;
	for (unsigned int i = 0; i < kp->n; i++) {
		memmove(pages + total, kp->w[i].pages,
			kp->w[i].nr * sizeof(*pages));
		total += kp->w[i].nr;
	}
	if (!moved)
		kp->shared = NULL;
	snap->pages = pages;
	snap->nr_pages = total;
	snap->cap_pages = cap;
	return 0;
}

static int keep_pages_finish(struct keeper *k)
{
	struct keep_pages *kp = (struct keep_pages *)k;

	if (kp->n == 1) {
		hand_over(kp);
		return 0;
	}
	return join_windows(kp);
}

static void keep_pages_free(struct keeper *k)
{
	struct keep_pages *kp = (struct keep_pages *)k;

	for (unsigned int i = 0; kp->w && i < kp->n; i++)
		if (kp->w[i].owned)
			free(kp->w[i].pages);
	free(kp->w);
	free(kp->shared);
	free(kp);
}

static const struct keeper_ops keep_pages_ops = {
	.split = keep_pages_split,
	.consumer = keep_pages_consumer,
	.finish = keep_pages_finish,
	.free = keep_pages_free,
};

struct keeper *keep_pages_new(struct snapshot *snap)
{
	struct keep_pages *kp = calloc(1, sizeof(*kp));

	if (!kp)
		return NULL;
	kp->k.ops = &keep_pages_ops;
	kp->k.snap = snap;
	/* filters and every format show the mapcount and pagemap's bits */
	kp->k.need_mapcount = true;
	kp->k.need_pagemap = true;
	return &kp->k;
}
