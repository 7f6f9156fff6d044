/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_KEEP_H
#define PW_KEEP_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#include "model/snapshot.h"

/*
 * The seam between reading pages and keeping them. A reader fills pages
 * in room that its consumer lends it and hands them back in batches; the
 * consumer keeps them (a snapshot's page array) or folds them into counts
 * (a summary). The reader has one mode; what is kept is the consumer's
 * business.
 */
struct page_consumer {
	/*
	 * Room for up to WANT more pages, at least one, in *ROOM; NULL when
	 * out of memory. Valid until the next take().
	 */
	struct snapshot_page *(*room)(struct page_consumer *c, size_t want,
				      size_t *room);
	/* PAGES[0..NR), the start of the last room(), are filled. */
	int (*take)(struct page_consumer *c, struct snapshot_page *pages,
		    size_t nr);
	/*
	 * Optional (NULL: pages only): instead of its pages, the module's
	 * COUNTS of one range of mapping MAPPING, read whole, for a
	 * consumer that only counts.
	 */
	int (*take_counts)(struct page_consumer *c, size_t mapping,
			   const struct pagewatch_count *counts);
};

/* keep_make_present() makes at least this many elements present */
#define KEEP_PRESENT_MIN	1024

/*
 * Make the elements of BUF (ELEM bytes each, CAP of them) present up to
 * WANT at least, before they are first written, in one call and not a
 * page fault per page; *PRESENT counts those already present. A work
 * buffer (a reader's batch, a consumer's room) otherwise faults page by
 * page as it first fills, which in a virtual machine costs about 10 us a
 * fault: a dense 4 GiB snapshot's --summary (two readers) on the 2-CPU
 * host took 2,808 faults and 192-196 ms of CPU, and 132 faults and
 * 177-183 ms with its buffers made present (three runs of seven each).
 * The part made present doubles as batches grow (from
 * KEEP_PRESENT_MIN), so a snapshot of a few pages pays for a few and a
 * large one for a few calls. Before 5.14 (no MADV_POPULATE_WRITE) the
 * call fails and the pages fault as before.
 */
static inline size_t keep_present_to(size_t present, size_t want,
				     size_t cap)
{
	size_t to = 2 * present;

	if (to < want)
		to = want;
	if (to < KEEP_PRESENT_MIN)
		to = KEEP_PRESENT_MIN;
	return to < cap ? to : cap;
}

static inline void keep_make_present(void *buf, size_t elem, size_t want,
				     size_t cap, size_t *present)
{
	size_t to;

	if (!buf || want <= *present)
		return;
	to = keep_present_to(*present, want, cap);
	snapshot_madvise((char *)buf + *present * elem,
			 (char *)buf + to * elem, MADV_POPULATE_WRITE);
	*present = to;
}

/*
 * Rooms lent to consumers while a reader fills them (keep_rooms.c): a
 * reader thread takes its consumers one after the other, and one that is
 * done gives its room back, so there are rooms for the threads, not for
 * every consumer. KEEP_ROOMS_MAX are kept for reuse at most.
 */
#define KEEP_ROOMS_MAX	16

struct keep_room {
	void *buf;
	size_t present;		/* elements present (keep_make_present()) */
};

struct keep_rooms {
	pthread_mutex_t lock;
	size_t bytes;		/* of each room */
	unsigned int nr;
	struct keep_room free[KEEP_ROOMS_MAX];
};

void keep_rooms_init(struct keep_rooms *r, size_t bytes);
/* Free the rooms given back */
void keep_rooms_fini(struct keep_rooms *r);
/* A room into *ROOM, a returned one or a new one; 0 or -ENOMEM */
int keep_room_get(struct keep_rooms *r, struct keep_room *room);
/* ROOM back for the next consumer (ROOM->buf NULL: none held) */
void keep_room_put(struct keep_rooms *r, struct keep_room *room);

/*
 * What a collection keeps: consumers for the readers' shares (scan.c
 * cuts each reader thread's share into several, which the threads take
 * one after the other), then what they kept becomes the snapshot's.
 */
struct keeper {
	const struct keeper_ops *ops;
	struct snapshot *snap;
	/* facts the consumers need beyond the module's record */
	bool need_mapcount;	/* kpagecount without the module */
	bool need_pagemap;	/* soft-dirty, exclusive... even with it */
};

struct keeper_ops {
	/*
	 * N consumers, the K-th for about PAGES[K] pages: exactly that many
	 * when EXACT, a guess when not (it may grow).
	 */
	int (*split)(struct keeper *k, unsigned int n, const uint64_t *pages,
		     bool exact);
	struct page_consumer *(*consumer)(struct keeper *k, unsigned int i);
	/*
	 * Optional: consumer I's share is read (none of its pages follow);
	 * what it held for reading may go to the next consumer.
	 */
	void (*done)(struct keeper *k, unsigned int i);
	/* What the consumers kept becomes the snapshot's, in order. */
	int (*finish)(struct keeper *k);
	void (*free)(struct keeper *k);
};

/* Keep every page in SNAP->pages. */
struct keeper *keep_pages_new(struct snapshot *snap);

/*
 * Keep every page in a spool file that SNAP->pages maps read-only at the
 * end (SNAP->pages_mapped): one snapshot, written once, whatever its size.
 */
struct keeper *keep_spool_new(struct snapshot *snap);

/*
 * Keep no page: count those KEEP (NULL: every page) accepts in
 * SNAP->summaries; SNAP->nr_pages counts the pages read.
 */
struct keeper *keep_summary_new(struct snapshot *snap,
				bool (*keep)(const struct snapshot_page *,
					     const void *),
				const void *keep_arg);

#endif
