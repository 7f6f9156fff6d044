/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_TRACK_H
#define PW_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/event.h"
#include "model/page_store.h"
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
 * What a later snapshot is compared with, 16 bytes a page: of each page of
 * a snapshot that was present or had a known node, its address, PFN, node
 * and the few facts a comparison and the journal's events ask about.
 * Repeated snapshots keep this of the last one, not its 48-byte pages.
 */
struct track_page {
	uint64_t vaddr_bits;	/* page address | TRACK_* in the low 12 bits */
	uint64_t pfn_node;	/* pfn << 16 | node */
};

#define TRACK_PRESENT		(1ULL << 0)
#define TRACK_KNOWN_PFN		(1ULL << 1)
#define TRACK_KNOWN_NODE	(1ULL << 2)
#define TRACK_KNOWN_KMOD	(1ULL << 3)	/* the module's record */
#define TRACK_MAYBE_PINNED	(1ULL << 4)
#define TRACK_BITS		0xfffULL

struct track_base {
	/* sorted by address; an anonymous mapping of MAP_BYTES */
	struct track_page *pages;
	size_t nr_pages;
	size_t map_bytes;
	struct maps_entry *mappings;	/* the snapshot's, taken over */
	size_t nr_mappings;
	unsigned int sources;		/* 1 << SNAPSHOT_SRC_* */
};

static inline uint64_t track_vaddr(const struct track_page *p)
{
	return p->vaddr_bits & ~TRACK_BITS;
}

static inline bool track_test(const struct track_page *p, uint64_t bit)
{
	return p->vaddr_bits & bit;
}

static inline uint64_t track_pfn(const struct track_page *p)
{
	return p->pfn_node >> 16;
}

/* PAGEWATCH_NODE_NONE when not known */
static inline uint16_t track_node(const struct track_page *p)
{
	return track_test(p, TRACK_KNOWN_NODE) ? (uint16_t)p->pfn_node :
	       PAGEWATCH_NODE_NONE;
}

/*
 * Compare NEW with OLD, page by page at the same address: a page present
 * in both whose PFN changed is replaced (the address maps another page),
 * one whose node changed is migrated (their old node and PFN are recorded
 * in NEW->changes); a page whose PFN changed while QUERY says the
 * old PFN is still pinned is diverged. QUERY may be NULL (no module):
 * divergence is then unknown for pages whose PFN changed.
 *
 * With NEXT, the base of the next comparison is made of NEW in the same
 * walk, while OLD's pages are given back behind it: a comparison holds
 * about one base's memory at a time. NEW's pages, when a spool maps
 * them, are given back behind it too (snapshot_pages_release()).
 */
int track_compare_base(struct track_base *old, struct snapshot *new,
		       const struct track_pin_query *query,
		       struct track_base *next);

/*
 * The same, with OLD a snapshot (the session keeps its pages): its pages
 * are read where the walk needs them, no base is made
 */
int track_compare(const struct snapshot *old, struct snapshot *new,
		  const struct track_pin_query *query);

/* The same, with OLD a frame of the session (page_store.h) */
int track_compare_store(const struct page_store *old, struct snapshot *new,
			const struct track_pin_query *query);

/* NEW's base without a comparison (the first of repeated snapshots) */
int track_base_make(struct track_base *base, struct snapshot *snap);

/*
 * BASE takes SNAP's mappings and sources (SNAP keeps its pages, no longer
 * its mappings): events are seen through a base with them
 */
void track_base_take_mappings(struct track_base *base, struct snapshot *snap);

/* Index of BASE's first page at or after VADDR (nr_pages if none) */
size_t track_base_index(const struct track_base *base, uint64_t vaddr);

/* BASE as events see it (event_from_record()) */
void track_base_view(const struct track_base *base, struct event_view *view);

void track_base_free(struct track_base *base);

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
