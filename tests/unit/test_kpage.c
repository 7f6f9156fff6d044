// SPDX-License-Identifier: GPL-2.0
/* Decoding /proc/kpageflags and batching PFN reads. */
#include "config.h"

#include "kpage.h"
#include "unit.h"

START_TEST(test_kpageflags_thp_bit_22_is_thp)
{
	ck_assert(kpage_decode(1ULL << 22) & (1ULL << PAGEWATCH_PAGE_THP));
}
END_TEST

START_TEST(test_kpageflags_zero_page_bit_24_is_zero)
{
	ck_assert(kpage_decode(1ULL << 24) & (1ULL << PAGEWATCH_PAGE_ZERO));
}
END_TEST

START_TEST(test_kpageflags_nopage_clears_pfn_valid)
{
	ck_assert(!(kpage_decode(1ULL << 20) & (1ULL << PAGEWATCH_PAGE_PFN_VALID)));
	ck_assert(kpage_decode(0) & (1ULL << PAGEWATCH_PAGE_PFN_VALID));
}
END_TEST

START_TEST(test_kpageflags_bit_34_is_anon_exclusive_only_for_anon)
{
	uint64_t excl = 1ULL << PAGEWATCH_PAGE_ANON_EXCLUSIVE;

	ck_assert(kpage_decode((1ULL << 12) | (1ULL << 34)) & excl);
	ck_assert(!(kpage_decode(1ULL << 34) & excl));
}
END_TEST

START_TEST(test_kpageflags_ksm_bit_is_ignored)
{
	ck_assert(!(kpage_decode((1ULL << 21) | (1ULL << 12)) &
		    (1ULL << PAGEWATCH_PAGE_KSM)));
}
END_TEST

START_TEST(test_runs_coalesce_adjacent_pfns_into_one_read)
{
	uint64_t pfns[] = { 100, 101, 102, 103 };
	struct kpage_run runs[4];

	ck_assert_uint_eq(kpage_runs(pfns, 4, runs), 1);
	ck_assert_uint_eq(runs[0].start, 100);
	ck_assert_uint_eq(runs[0].end, 104);
}
END_TEST

START_TEST(test_runs_bridge_small_gaps_and_split_large_ones)
{
	uint64_t pfns[] = { 10, 60, 1000 };
	struct kpage_run runs[3];

	ck_assert_uint_eq(kpage_runs(pfns, 3, runs), 2);
	ck_assert_uint_eq(runs[0].start, 10);
	ck_assert_uint_eq(runs[0].end, 61);
	ck_assert_uint_eq(runs[1].start, 1000);
	ck_assert_uint_eq(runs[1].end, 1001);
}
END_TEST

START_TEST(test_runs_skip_duplicates)
{
	uint64_t pfns[] = { 7, 7, 7 };
	struct kpage_run runs[3];

	ck_assert_uint_eq(kpage_runs(pfns, 3, runs), 1);
	ck_assert_uint_eq(runs[0].end - runs[0].start, 1);
}
END_TEST

START_TEST(test_runs_never_exceed_one_batch)
{
	static uint64_t pfns[KPAGE_BATCH + 1];
	static struct kpage_run runs[KPAGE_BATCH + 1];

	for (size_t i = 0; i <= KPAGE_BATCH; i++)
		pfns[i] = i;
	ck_assert_uint_eq(kpage_runs(pfns, KPAGE_BATCH + 1, runs), 2);
	ck_assert_uint_eq(runs[0].end - runs[0].start, KPAGE_BATCH);
	ck_assert_uint_eq(runs[1].start, KPAGE_BATCH);
}
END_TEST

static void add(TCase *tc)
{
	tcase_add_test(tc, test_kpageflags_thp_bit_22_is_thp);
	tcase_add_test(tc, test_kpageflags_zero_page_bit_24_is_zero);
	tcase_add_test(tc, test_kpageflags_nopage_clears_pfn_valid);
	tcase_add_test(tc, test_kpageflags_bit_34_is_anon_exclusive_only_for_anon);
	tcase_add_test(tc, test_kpageflags_ksm_bit_is_ignored);
	tcase_add_test(tc, test_runs_coalesce_adjacent_pfns_into_one_read);
	tcase_add_test(tc, test_runs_bridge_small_gaps_and_split_large_ones);
	tcase_add_test(tc, test_runs_skip_duplicates);
	tcase_add_test(tc, test_runs_never_exceed_one_batch);
}

int main(void)
{
	return unit_run("kpage", add);
}
