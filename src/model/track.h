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
 * in both whose PFN changed is replaced (the address maps another page),
 * one whose node changed is migrated (their old node and PFN are recorded
 * in NEW->changes); a page whose PFN changed while QUERY says the
 * old PFN is still pinned is diverged. QUERY may be NULL (no module):
 * divergence is then unknown for pages whose PFN changed.
 */
int track_compare(const struct snapshot *old, struct snapshot *new,
		  const struct track_pin_query *query);

/* The recorded change of page INDEX of SNAP, or NULL. */
const struct snapshot_change *track_find(const struct snapshot *snap,
					 size_t index);

/*
 * Nodes pages were seen on between two snapshots (by reading again what
 * the journal announced): a page that moved and came back has its change
 * marked with the node it went through.
 */
struct track_via_page {
	uint64_t vaddr;
	uint16_t node;
};

struct track_via {
	struct track_via_page *v;
	size_t nr;
	size_t cap;
};

int track_via_add(struct track_via *via, uint64_t vaddr, uint16_t node);
/*
 * After track_compare(): set via_node of NEW's changes that VIA saw
 * elsewhere, and mark those pages migrated (they went to another node)
 */
void track_via_apply(struct snapshot *new, struct track_via *via);
void track_via_clear(struct track_via *via);
void track_via_free(struct track_via *via);

#endif
