/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PW_KPAGE_H
#define PW_KPAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/kernel-page-flags.h>

#include <pagewatch/abi.h>

/* Kernel-internal kpageflags bit: PG_anon_exclusive aliases PG_mappedtodisk */
#define KPAGE_ANON_EXCLUSIVE	34

/* Entries per pread of /proc/kpageflags or /proc/kpagecount */
#define KPAGE_BATCH		4096
/* Read through gaps up to this many PFNs rather than issue another pread */
#define KPAGE_MAX_GAP		64

/* One pread covers the PFNs [start, end). */
struct kpage_run {
	uint64_t start;
	uint64_t end;
};

struct kpage {
	int flags_fd;
	int count_fd;
};

/*
 * Group the sorted, unique PFNS into runs of at most KPAGE_BATCH PFNs,
 * bridging gaps of up to KPAGE_MAX_GAP. RUNS has room for NR entries;
 * returns the number of runs.
 */
size_t kpage_runs(const uint64_t *pfns, size_t nr, struct kpage_run *runs);

/* Open /proc/kpageflags and /proc/kpagecount; -errno if either fails. */
int kpage_open(struct kpage *kpage);
void kpage_close(struct kpage *kpage);

/*
 * The next read for PFNS[0..NR), given in page order: neighbouring pages
 * of a mapping usually have neighbouring PFNs, ascending or descending, so
 * no sort is needed. Returns the length of the longest prefix whose PFNs
 * each lie within KPAGE_MAX_GAP of the window grown so far, the window
 * never wider than KPAGE_BATCH; *RUN is that window. At least 1 when NR.
 */
size_t kpage_cluster(const uint64_t *pfns, size_t nr, struct kpage_run *run);

/*
 * Sort PFNS[0..NR) and SLOTS[0..NR) with them by PFN (stable; NR at most
 * 1 << KPAGE_SORT_SLOT_BITS), using KEYS and TMP of NR entries each. The
 * pages of a batch rarely have neighbouring PFNs in page order (a dense
 * anonymous mapping averaged 4 PFNs per kpage_cluster() window), sorted
 * they fall into a few windows: fewer preads for the same words. False,
 * and nothing moved, when a PFN is too large to pack with its slot.
 */
#define KPAGE_SORT_SLOT_BITS	16
bool kpage_sort(uint64_t *pfns, uint32_t *slots, size_t nr, uint64_t *keys,
		uint64_t *tmp);

/*
 * kpageflags unless FLAGS is NULL, and kpagecount unless COUNTS is NULL,
 * of the PFNs of RUN (at most KPAGE_BATCH) into FLAGS[] and COUNTS[]; zero
 * past the end of memory.
 */
int kpage_read(const struct kpage *kpage, const struct kpage_run *run,
	       uint64_t *flags, uint64_t *counts);

/*
 * snapshot_page.flags bits (the module's PAGEWATCH_PAGE_*) that a
 * kpageflags word says: thp, zero, pfn_valid, anon_exclusive.
 */
uint64_t kpage_decode(uint64_t kpf);

/*
 * Is the mapcount of a page that pagemap calls exclusively mapped (bit 56)
 * and kpageflags KPF a known 1, without reading kpagecount? For a small
 * (not compound) folio pagemap sets the bit when its mapcount is 1:
 * page_mapcount() == 1 up to 6.12, folio_precise_page_mapcount() == 1 in
 * 6.13, !folio_maybe_mapped_shared() (mapcount <= 1) since 6.14. Large
 * folios differ between those, so they are always read.
 */
static inline bool kpage_mapcount_is_one(bool exclusive, uint64_t kpf)
{
	return exclusive && !(kpf & (1ULL << KPF_COMPOUND_HEAD |
				     1ULL << KPF_COMPOUND_TAIL));
}

static inline bool kpage_test(uint64_t flags, unsigned int bit)
{
	return flags & (1ULL << bit);
}

#endif
