/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_KEEP_H
#define PW_KEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/*
 * What a collection keeps, for one reader or several: a consumer per
 * reader, then what they kept becomes the snapshot's.
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
