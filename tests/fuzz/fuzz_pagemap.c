// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer: decoding of /proc/PID/pagemap and /proc/kpageflags words
 * (pagemap_decode, kpage_decode) and the grouping of PFNs into reads
 * (kpage_runs, kpage_cluster). The input is an array of u64; PFNs are
 * masked to pagemap's 55 bits, the only values the kernel can give.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "kernel/kpage.h"
#include "kernel/pagemap.h"

#define PFN_MASK	((1ULL << 55) - 1)

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t nr = size / 8, nr_runs, done;
	uint64_t *words = malloc((nr ? nr : 1) * 8);
	struct kpage_run *runs = malloc((nr ? nr : 1) * sizeof(*runs));
	struct kpage_run run;

	if (!words || !runs)
		abort();
	memcpy(words, data, nr * 8);
	for (size_t i = 0; i < nr; i++) {
		struct pagemap_entry e;

		pagemap_decode(words[i], &e);
		(void)kpage_decode(words[i]);
		words[i] &= PFN_MASK;
	}
	/* kpage_cluster: in page order, each prefix within one window */
	for (size_t at = 0; at < nr; at += done) {
		done = kpage_cluster(words + at, nr - at, &run);
		FUZZ_ASSERT(done >= 1 && done <= nr - at);
		FUZZ_ASSERT(run.start < run.end && run.end - run.start <= KPAGE_BATCH);
		for (size_t i = at; i < at + done; i++)
			FUZZ_ASSERT(words[i] >= run.start && words[i] < run.end);
	}
	/* kpage_runs: sorted input, every PFN in exactly one run */
	qsort(words, nr, 8, cmp_u64);
	nr_runs = kpage_runs(words, nr, runs);
	FUZZ_ASSERT(nr_runs <= nr);
	for (size_t r = 0, i = 0; r < nr_runs; r++) {
		FUZZ_ASSERT(runs[r].start < runs[r].end);
		FUZZ_ASSERT(runs[r].end - runs[r].start <= KPAGE_BATCH);
		FUZZ_ASSERT(!r || runs[r].start >= runs[r - 1].end);
		for (; i < nr && words[i] < runs[r].end; i++)
			FUZZ_ASSERT(words[i] >= runs[r].start);
		if (r == nr_runs - 1)
			FUZZ_ASSERT(i == nr);
	}
	free(words);
	free(runs);
	return 0;
}
