/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_TRACK_H
#define PW_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/snapshot.h"

/*
 * How track.c asks whether old PFNs are still pinned: the module's kpage
 * file in the program, a table in the tests. Fills PINNED[0..NR); returns
 * 0 or -errno (the divergence then stays unknown).
 */
struct track_pin_query {
	int (*pinned)(void *ctx, const uint64_t *pfns, bool *pinned, size_t nr);
	void *ctx;
};

/*
 * Compare NEW with OLD, page by page at the same address: a page present
 * in both whose node or PFN changed is migrated (its old node and PFN are
 * recorded in NEW->changes); a page whose PFN changed while QUERY says the
 * old PFN is still pinned is diverged. QUERY may be NULL (no module):
 * divergence is then unknown for pages whose PFN changed.
 */
int track_compare(const struct snapshot *old, struct snapshot *new,
		  const struct track_pin_query *query);

/* The recorded change of page INDEX of SNAP, or NULL. */
const struct snapshot_change *track_find(const struct snapshot *snap,
					 size_t index);

#endif
