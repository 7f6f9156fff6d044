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

/* Facts about one PFN from /proc/kpageflags and /proc/kpagecount. */
struct kpage_info {
	uint64_t pfn;
	uint64_t flags;		/* raw KPF_* bits */
	uint64_t count;		/* mapcount */
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

/* Fill flags and count of INFO[0..NR), sorted by unique pfn, in batches. */
int kpage_lookup(const struct kpage *kpage, struct kpage_info *info, size_t nr);

/*
 * snapshot_page.flags bits (the module's PAGEWATCH_PAGE_*) that a
 * kpageflags word says: thp, zero, pfn_valid, anon_exclusive.
 */
uint64_t kpage_decode(uint64_t kpf);

static inline bool kpage_test(uint64_t flags, unsigned int bit)
{
	return flags & (1ULL << bit);
}

#endif
