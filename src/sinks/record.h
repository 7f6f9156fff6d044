/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_RECORD_H
#define PW_RECORD_H

#include <stdbool.h>

#include "model/event.h"
#include "model/page_store.h"
#include "model/recording.h"
#include "model/snapshot.h"

/*
 * --record FILE: a recording (pagewatch(5), read back by
 * model/recording.c), written as snapshots are taken: the header and the
 * full state with the first, then per snapshot the pages that changed,
 * the tracking results and the events seen since the one before. A FILE
 * named *.gz is written through zlib's gzip.
 */
/* A region of the target's with the name it told (the demo's table) */
struct record_region {
	uint64_t start;
	uint64_t end;
	const char *name;
};

struct record_opts {
	double interval;	/* seconds between ticks, as asked */
	bool journal;		/* events come from the module's journal */
	const char *vma;	/* --vma of the run, or NULL */
	/* names the target gave its regions (the demo's table) */
	const struct record_region *regions;
	size_t nr_regions;
};

struct recorder;

/* Create PATH; 0 or -errno */
int record_open(struct recorder **r, const char *path,
		const struct record_opts *opts);

/* EV is written with the next tick (its vma is copied) */
int record_event(struct recorder *r, const struct page_event *ev);

/* A line of the session's log that no page made: with the next tick */
int record_note(struct recorder *r, const struct timespec *time,
		const char *text);

/* One tick: SNAP, a full snapshot of the run */
int record_tick(struct recorder *r, const struct snapshot *snap);
/* The same for a session's frame, its pages in PAGES (kept, shared) */
int record_tick_frame(struct recorder *r, const struct snapshot *frame,
		      const struct page_store *pages);

/* Write the end line and close; 0 or the first -errno of the recording */
int record_close(struct recorder *r);

/* Ticks written so far */
unsigned long record_ticks(const struct recorder *r);

#endif
