// SPDX-License-Identifier: GPL-2.0
/* /proc/kpageflags and /proc/kpagecount, read in coalesced runs. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "kernel/kpage.h"

size_t kpage_runs(const uint64_t *pfns, size_t nr, struct kpage_run *runs)
{
	size_t n = 0;

	for (size_t i = 0; i < nr; i++) {
		struct kpage_run *last = n ? &runs[n - 1] : NULL;

		if (last && pfns[i] < last->end)
			continue;	/* duplicate */
		if (last && pfns[i] - last->end <= KPAGE_MAX_GAP &&
		    pfns[i] + 1 - last->start <= KPAGE_BATCH) {
			last->end = pfns[i] + 1;
			continue;
		}
		runs[n].start = pfns[i];
		runs[n].end = pfns[i] + 1;
		n++;
	}
	return n;
}

/* LSD radix sort of KEYS by the bits [SHIFT, SHIFT + BITS), 8 at a time */
static uint64_t *radix_sort(uint64_t *keys, uint64_t *tmp, size_t nr,
			    unsigned int shift, unsigned int bits)
{
	for (unsigned int pass = 0; pass < bits; pass += 8) {
		size_t count[257] = { 0 };
		unsigned int at = shift + pass;
		uint64_t *swap;

		for (size_t i = 0; i < nr; i++)
			count[((keys[i] >> at) & 0xff) + 1]++;
		for (unsigned int d = 1; d < 257; d++)
			count[d] += count[d - 1];
		for (size_t i = 0; i < nr; i++)
			tmp[count[(keys[i] >> at) & 0xff]++] = keys[i];
		swap = keys;
		keys = tmp;
		tmp = swap;
	}
	return keys;
}

/*
 * Below this many keys, insertion sort: the radix sort's per-pass
 * histogram costs some 800 instructions, more than the keys of a small
 * mapping's window cost to sort by insertion.
 */
#define SMALL_SORT	48

static void insertion_sort(uint64_t *keys, size_t nr)
{
	for (size_t i = 1; i < nr; i++) {
		uint64_t key = keys[i];
		size_t j = i;

		for (; j && keys[j - 1] > key; j--)
			keys[j] = keys[j - 1];
		keys[j] = key;
	}
}

bool kpage_sort(uint64_t *pfns, uint32_t *slots, size_t nr, uint64_t *keys,
		uint64_t *tmp)
{
	uint64_t lo = UINT64_MAX, hi = 0, *sorted;
	unsigned int bits = 0;

	if (nr > 1ULL << KPAGE_SORT_SLOT_BITS)
		return false;
	for (size_t i = 0; i < nr; i++) {
		lo = pfns[i] < lo ? pfns[i] : lo;
		hi = pfns[i] > hi ? pfns[i] : hi;
	}
	if (nr < 2)
		return true;
	while (bits < 64 && (hi - lo) >> bits)
		bits++;
	if (bits > 64 - KPAGE_SORT_SLOT_BITS)
		return false;
	/* (PFN - lowest) above the slot: one word per page, sorted by PFN */
	for (size_t i = 0; i < nr; i++)
		keys[i] = (pfns[i] - lo) << KPAGE_SORT_SLOT_BITS | slots[i];
	if (nr <= SMALL_SORT) {
		insertion_sort(keys, nr);
		sorted = keys;
	} else {
		sorted = radix_sort(keys, tmp, nr, KPAGE_SORT_SLOT_BITS, bits);
	}
	for (size_t i = 0; i < nr; i++) {
		pfns[i] = (sorted[i] >> KPAGE_SORT_SLOT_BITS) + lo;
		slots[i] = (uint32_t)(sorted[i] &
				      ((1U << KPAGE_SORT_SLOT_BITS) - 1));
	}
	return true;
}

int kpage_open(struct kpage *kpage)
{
	int err;

	kpage->flags_fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (kpage->flags_fd < 0)
		return -errno;
	kpage->count_fd = open("/proc/kpagecount", O_RDONLY | O_CLOEXEC);
	if (kpage->count_fd < 0) {
		err = -errno;
		close(kpage->flags_fd);
		kpage->flags_fd = -1;
		return err;
	}
	return 0;
}

void kpage_close(struct kpage *kpage)
{
	if (kpage->flags_fd >= 0)
		close(kpage->flags_fd);
	if (kpage->count_fd >= 0)
		close(kpage->count_fd);
	kpage->flags_fd = kpage->count_fd = -1;
}

static int read_run(int fd, const struct kpage_run *run, uint64_t *buf)
{
	size_t want = (run->end - run->start) * sizeof(*buf);
	ssize_t got;

	got = pread(fd, buf, want, (off_t)(run->start * sizeof(*buf)));
	if (got < 0)
		return -errno;
	/* past the end of memory: leave what was not read as zero */
	for (size_t i = (size_t)got / sizeof(*buf); i < want / sizeof(*buf); i++)
		buf[i] = 0;
	return 0;
}

size_t kpage_cluster(const uint64_t *pfns, size_t nr, struct kpage_run *run)
{
	size_t i;

	if (!nr)
		return 0;
	run->start = pfns[0];
	run->end = pfns[0] + 1;
	for (i = 1; i < nr; i++) {
		uint64_t pfn = pfns[i];
		uint64_t start = pfn < run->start ? pfn : run->start;
		uint64_t end = pfn >= run->end ? pfn + 1 : run->end;

		if (pfn + KPAGE_MAX_GAP < run->start ||
		    pfn > run->end + KPAGE_MAX_GAP || end - start > KPAGE_BATCH)
			break;
		run->start = start;
		run->end = end;
	}
	return i;
}

int kpage_read(const struct kpage *kpage, const struct kpage_run *run,
	       uint64_t *flags, uint64_t *counts)
{
	int err = 0;

	if (flags)
		err = read_run(kpage->flags_fd, run, flags);
	if (err || !counts)
		return err;
	return read_run(kpage->count_fd, run, counts);
}

uint64_t kpage_decode(uint64_t kpf)
{
	uint64_t flags = 0;

	if (kpage_test(kpf, KPF_THP))
		flags |= 1ULL << PAGEWATCH_PAGE_THP;
	/* every page of a hugetlb folio, head and tails (PageHuge()) */
	if (kpage_test(kpf, KPF_HUGE))
		flags |= 1ULL << PAGEWATCH_PAGE_HUGETLB;
	if (kpage_test(kpf, KPF_ZERO_PAGE))
		flags |= 1ULL << PAGEWATCH_PAGE_ZERO;
	if (!kpage_test(kpf, KPF_NOPAGE))
		flags |= 1ULL << PAGEWATCH_PAGE_PFN_VALID;
	/* bit 34 is PG_mappedtodisk, which anon pages use as anon_exclusive */
	if (kpage_test(kpf, KPF_ANON) && kpage_test(kpf, KPAGE_ANON_EXCLUSIVE))
		flags |= 1ULL << PAGEWATCH_PAGE_ANON_EXCLUSIVE;
	/* KPF_KSM is set for every anon page on 6.12: not used */
	return flags;
}
