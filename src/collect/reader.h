/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_READER_H
#define PW_READER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "collect/keep.h"
#include "collect/regions.h"
#include "collect/sources.h"

/*
 * One page reader: pagemap, the module's records, kpageflags/kpagecount
 * and the node of each PFN for a range of one mapping, in batches, into
 * room its consumer lends. Its buffers are its own, so readers run in
 * threads side by side.
 */
struct reader {
	const struct sources *src;
	const struct snapshot *snap;
	bool kpage;		/* kpageflags for THP and friends */
	bool kpage_counts;	/* and kpagecount for mapcount */
	bool sysfs_node;
	bool query_node;	/* move_pages(2): PAGEMAP_BATCH addrs, nodes */
	void **addrs;
	int *nodes;
	uint32_t *asked;	/* the page of each address asked */
	bool kmod_only;		/* the module's records alone, no pagemap */
	bool kmod_count;	/* and it counts them itself for a counter */
	uint64_t *raw;		/* PAGEMAP_BATCH pagemap entries */
	struct kmod_page *recs;	/* PAGEMAP_BATCH records, with the module */
	struct pagewatch_page *kbuf;	/* the module's raw records */
	uint64_t *pfns;		/* PAGEMAP_BATCH PFNs to look up... */
	uint32_t *slots;	/* ...and the page of each in the batch */
	uint64_t *sort_keys;	/* PAGEMAP_BATCH each, to sort them by PFN */
	uint64_t *sort_tmp;
	uint64_t *kflags;	/* KPAGE_BATCH kpageflags words */
	uint64_t *kcounts;	/* KPAGE_BATCH kpagecount words */
	size_t present;		/* entries of the batch buffers made present */
	atomic_int *failed;	/* set by the first of several that fails */
};

/* Buffers for what KEEPER's consumers need of SRC, for SNAP. */
int reader_init(struct reader *r, const struct sources *src,
		const struct snapshot *snap, const struct keeper *keeper);
void reader_free(struct reader *r);

/*
 * Read [START, END) of mapping MAPPING into C. -ESRCH when the target's
 * mm is gone, -ECANCELED when another reader failed.
 */
int reader_range(struct reader *r, size_t mapping, uint64_t start,
		 uint64_t end, struct page_consumer *c);

/* Read REGIONS[0..NR) in order, through small holes within a piece. */
int reader_regions(struct reader *r, const struct region *regions, size_t nr,
		   struct page_consumer *c);

#endif
