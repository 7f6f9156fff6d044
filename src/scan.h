/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_SCAN_H
#define PW_SCAN_H

/* The page readers behind snapshot_take(): for snapshot.c only. */
#include "snapshot.h"

/*
 * Read the pages of SNAP (its mappings selected, its sources described)
 * into SNAP->pages, or into SNAP->summaries for a summary, within
 * RANGES[0..NR) when RANGES is not NULL. -ESRCH when the target exited.
 */
int scan_snapshot(struct snapshot_ctx *ctx, struct snapshot *snap,
		  const struct snapshot_range *ranges, size_t nr);

/* Count PAGE in the summaries ALL[0..*N) (pages come sorted by address). */
int snapshot_summary_add(const struct snapshot *snap,
			 struct snapshot_summary *all, size_t *n,
			 const struct snapshot_page *page);

#endif
