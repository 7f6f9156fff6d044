/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_SCAN_H
#define PW_SCAN_H

#include <stddef.h>

#include "collect/keep.h"
#include "collect/sources.h"

/*
 * Read the pages of SNAP (its mappings selected, its sources described)
 * from SRC into KEEPER's consumers, within RANGES[0..NR) when RANGES is
 * not NULL: where the populated regions can be listed, they are, and a
 * large target is read by THREADS readers (0: one per CPU, by size) over
 * equal shares of them; else one reader reads every page. -ESRCH when the
 * target exited.
 */
int scan_pages(const struct sources *src, struct snapshot *snap,
	       const struct snapshot_range *ranges, size_t nr,
	       unsigned int threads, struct keeper *keeper);

#endif
