/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_SNAPSHOT_SUMMARY_H
#define PW_SNAPSHOT_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/snapshot.h"

const char *snapshot_count_name(unsigned int count);

/* Which counts SNAP's sources can tell: KNOWN[SNAPSHOT_COUNT_NR] */
void snapshot_summary_known(const struct snapshot *snap, bool *known);

/* Does PAGE count as count C? */
bool snapshot_page_counts(const struct snapshot_page *page, unsigned int c);

/*
 * One summary per mapping that has pages KEEP accepts (every page when
 * KEEP is NULL). Free with snapshot_summary_free().
 */
int snapshot_summarize(const struct snapshot *snap,
		       bool (*keep)(const struct snapshot_page *, const void *),
		       const void *arg, struct snapshot_summary **summaries,
		       size_t *nr);

/*
 * Count PAGE in the summaries ALL[0..*N) of SNAP's mappings; pages come
 * sorted by address, so a new mapping starts a new summary.
 */
int snapshot_summary_add(const struct snapshot *snap,
			 struct snapshot_summary *all, size_t *n,
			 const struct snapshot_page *page);
/* The same for COUNT pages like PAGE (its flags, node and mapping) */
int snapshot_summary_add_alike(const struct snapshot *snap,
			       struct snapshot_summary *all, size_t *n,
			       const struct snapshot_page *page, uint64_t count);

/*
 * Whether the module's counts (struct pagewatch_count) hold every node
 * SNAP's summaries count.
 */
bool snapshot_summary_counts_fit(const struct snapshot *snap);

/*
 * Count the module's COUNTS of one range of mapping MAPPING, read whole,
 * in ALL[0..*N) as snapshot_summary_add() of each of its pages would:
 * only pages with state (present, swap, migration) count as read, unless
 * SNAP->all. *PAGES_READ: how many did.
 */
int snapshot_summary_add_counts(const struct snapshot *snap,
				struct snapshot_summary *all, size_t *n,
				size_t mapping,
				const struct pagewatch_count *counts,
				uint64_t *pages_read);

#endif
