// SPDX-License-Identifier: GPL-2.0
/*
 * Keeping no page: each reader folds its pages into per-mapping counts as
 * they are read (one summary of a large target in constant memory), and
 * the readers' counts are added up at the end, a mapping cut between two
 * readers counted once.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "collect/keep.h"
#include "kernel/pagemap.h"
#include "model/snapshot_summary.h"

struct summary_part {
	struct page_consumer c;		/* first */
	struct keep_summary *ks;
	struct keep_room batch;		/* PAGEMAP_BATCH pages, while read */
	struct snapshot_summary *sums;	/* one per mapping it read */
	size_t nr_sums;
	size_t cap_sums;
	size_t nr_read;
	bool counted;			/* the module counted some range */
};

struct keep_summary {
	struct keeper k;	/* first */
	bool (*keep)(const struct snapshot_page *page, const void *arg);
	const void *keep_arg;
	struct summary_part *parts;
	unsigned int n;
	struct keep_rooms rooms;
};

static struct snapshot_page *part_room(struct page_consumer *c, size_t want,
				       size_t *room)
{
	struct summary_part *p = (struct summary_part *)c;

	if (!p->batch.buf && keep_room_get(&p->ks->rooms, &p->batch))
		return NULL;
	*room = want < PAGEMAP_BATCH ? want : PAGEMAP_BATCH;
	keep_make_present(p->batch.buf, sizeof(struct snapshot_page), *room,
			  PAGEMAP_BATCH, &p->batch.present);
	return p->batch.buf;
}

/*
 * Room in P's summaries for one more: they grow as its part reaches new
 * mappings, as a part holds a few of a process's mappings, and there are
 * many parts (scan.c)
 */
static int part_grow(struct summary_part *p)
{
	struct snapshot_summary *grown;
	size_t cap;

	if (p->nr_sums < p->cap_sums)
		return 0;
	cap = p->cap_sums ? 2 * p->cap_sums : 4;
	grown = realloc(p->sums, cap * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	p->sums = grown;
	p->cap_sums = cap;
	return 0;
}

static int part_take(struct page_consumer *c, struct snapshot_page *pages,
		     size_t nr)
{
	struct summary_part *p = (struct summary_part *)c;
	const struct keep_summary *ks = p->ks;
	int err;

	for (size_t i = 0; i < nr; i++) {
		if (ks->keep && !ks->keep(&pages[i], ks->keep_arg))
			continue;
		err = part_grow(p);
		if (!err)
			err = snapshot_summary_add(ks->k.snap, p->sums,
						   &p->nr_sums, &pages[i]);
		if (err)
			return err;
	}
	p->nr_read += nr;
	return 0;
}

static int part_take_counts(struct page_consumer *c, size_t mapping,
			    const struct pagewatch_count *counts)
{
	struct summary_part *p = (struct summary_part *)c;
	uint64_t read = 0;
	int err;

	err = part_grow(p);
	if (!err)
		err = snapshot_summary_add_counts(p->ks->k.snap, p->sums,
						  &p->nr_sums, mapping, counts,
						  &read);
	p->nr_read += read;
	p->counted = true;
	return err;
}

static int keep_summary_split(struct keeper *k, unsigned int n,
			      const uint64_t *pages, bool exact)
{
	struct keep_summary *ks = (struct keep_summary *)k;

	(void)pages;
	(void)exact;
	ks->parts = calloc(n, sizeof(*ks->parts));
	if (!ks->parts)
		return -ENOMEM;
	ks->n = n;
	for (unsigned int i = 0; i < n; i++) {
		struct summary_part *p = &ks->parts[i];

		p->c.room = part_room;
		p->c.take = part_take;
		/* a filter looks at each page: only all of them are counted */
		if (!ks->keep && snapshot_summary_counts_fit(k->snap))
			p->c.take_counts = part_take_counts;
		p->ks = ks;
	}
	return 0;
}

static struct page_consumer *keep_summary_consumer(struct keeper *k,
						   unsigned int i)
{
	return &((struct keep_summary *)k)->parts[i].c;
}

static void keep_summary_done(struct keeper *k, unsigned int i)
{
	struct keep_summary *ks = (struct keep_summary *)k;

	keep_room_put(&ks->rooms, &ks->parts[i].batch);
}

/* Add the counts of part P to the snapshot's. */
static void join_part(struct snapshot *snap, struct summary_part *p)
{
	int nodes = snap->nr_nodes > 0 ? snap->nr_nodes : 1;

	for (size_t j = 0; j < p->nr_sums; j++) {
		struct snapshot_summary *sum = &p->sums[j];
		struct snapshot_summary *last = snap->nr_summaries ?
			&snap->summaries[snap->nr_summaries - 1] : NULL;

		if (!last || last->mapping != sum->mapping) {
			snap->summaries[snap->nr_summaries++] = *sum;
			sum->node_pages = NULL;
			sum->node_hugetlb = NULL;
			continue;
		}
		for (unsigned int c = 0; c < SNAPSHOT_COUNT_NR; c++)
			last->count[c] += sum->count[c];
		for (int node = 0; node < nodes; node++) {
			last->node_pages[node] += sum->node_pages[node];
			last->node_hugetlb[node] += sum->node_hugetlb[node];
		}
	}
	snap->nr_pages += p->nr_read;
}

static int keep_summary_finish(struct keeper *k)
{
	struct keep_summary *ks = (struct keep_summary *)k;
	struct snapshot *snap = k->snap;
	struct summary_part *p = &ks->parts[0];

	for (unsigned int i = 0; i < ks->n; i++)
		if (ks->parts[i].counted)
			snap->sources |= 1U << SNAPSHOT_SRC_KMOD_COUNT;
	if (ks->n == 1) {
		snap->summaries = p->sums;
		snap->nr_summaries = p->nr_sums;
		snap->nr_pages = p->nr_read;
		p->sums = NULL;
		p->nr_sums = 0;
		return 0;
	}
	snap->summaries = calloc(snap->nr_mappings ? snap->nr_mappings : 1,
				 sizeof(*snap->summaries));
	if (!snap->summaries)
		return -ENOMEM;
	for (unsigned int i = 0; i < ks->n; i++)
		join_part(snap, &ks->parts[i]);
	return 0;
}

static void keep_summary_free(struct keeper *k)
{
	struct keep_summary *ks = (struct keep_summary *)k;

	for (unsigned int i = 0; ks->parts && i < ks->n; i++) {
		free(ks->parts[i].batch.buf);
		snapshot_summary_free(ks->parts[i].sums, ks->parts[i].nr_sums);
	}
	free(ks->parts);
	keep_rooms_fini(&ks->rooms);
	free(ks);
}

static const struct keeper_ops keep_summary_ops = {
	.split = keep_summary_split,
	.consumer = keep_summary_consumer,
	.done = keep_summary_done,
	.finish = keep_summary_finish,
	.free = keep_summary_free,
};

struct keeper *keep_summary_new(struct snapshot *snap,
				bool (*keep)(const struct snapshot_page *,
					     const void *),
				const void *keep_arg)
{
	struct keep_summary *ks = calloc(1, sizeof(*ks));

	if (!ks)
		return NULL;
	ks->k.ops = &keep_summary_ops;
	ks->k.snap = snap;
	/*
	 * No count needs the mapcount, and the module's record holds every
	 * fact one counts: pagemap only adds soft-dirty, exclusive, uffd-wp
	 * and guard.
	 */
	ks->k.need_mapcount = false;
	ks->k.need_pagemap = false;
	ks->keep = keep;
	ks->keep_arg = keep_arg;
	keep_rooms_init(&ks->rooms,
			PAGEMAP_BATCH * sizeof(struct snapshot_page));
	return &ks->k;
}
