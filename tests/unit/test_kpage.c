// SPDX-License-Identifier: GPL-2.0
/* Decoding /proc/kpageflags and batching PFN reads. */
#include "config.h"

#include "kernel/kpage.h"
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

START_TEST(test_cluster_takes_ascending_and_descending_neighbours)
{
	uint64_t pfns[] = { 500, 501, 499, 498, 560, 9000 };
	struct kpage_run run;

	ck_assert_uint_eq(kpage_cluster(pfns, 6, &run), 5);
	ck_assert_uint_eq(run.start, 498);
	ck_assert_uint_eq(run.end, 561);
}
END_TEST

START_TEST(test_cluster_never_exceeds_one_batch)
{
	static uint64_t pfns[KPAGE_BATCH + 1];
	struct kpage_run run;

	for (size_t i = 0; i <= KPAGE_BATCH; i++)
		pfns[i] = 1000 + i;
	ck_assert_uint_eq(kpage_cluster(pfns, KPAGE_BATCH + 1, &run), KPAGE_BATCH);
	ck_assert_uint_eq(run.end - run.start, KPAGE_BATCH);
}
END_TEST

START_TEST(test_cluster_of_one_far_pfn_is_one_read)
{
	uint64_t pfns[] = { 7, 7 + KPAGE_MAX_GAP + 2 };
	struct kpage_run run;

	ck_assert_uint_eq(kpage_cluster(pfns, 2, &run), 1);
	ck_assert_uint_eq(run.start, 7);
	ck_assert_uint_eq(run.end, 8);
	ck_assert_uint_eq(kpage_cluster(pfns, 0, &run), 0);
}
END_TEST

START_TEST(test_sort_orders_pfns_and_keeps_each_slot_with_its_pfn)
{
	uint64_t pfns[] = { 0x70000, 12, 0x500000, 13, 12, 0x70001 };
	uint32_t slots[] = { 0, 1, 2, 3, 4, 5 };
	uint64_t keys[6], tmp[6];

	ck_assert(kpage_sort(pfns, slots, 6, keys, tmp));
	ck_assert_uint_eq(pfns[0], 12);
	ck_assert_uint_eq(slots[0], 1);
	ck_assert_uint_eq(pfns[1], 12);
	ck_assert_uint_eq(slots[1], 4);
	ck_assert_uint_eq(pfns[2], 13);
	ck_assert_uint_eq(slots[2], 3);
	ck_assert_uint_eq(pfns[3], 0x70000);
	ck_assert_uint_eq(slots[3], 0);
	ck_assert_uint_eq(pfns[4], 0x70001);
	ck_assert_uint_eq(slots[4], 5);
	ck_assert_uint_eq(pfns[5], 0x500000);
	ck_assert_uint_eq(slots[5], 2);
}
END_TEST

START_TEST(test_sort_orders_small_and_large_windows_alike)
{
	/* insertion sort up to 48 keys, radix sort above: the same order */
	static const size_t sizes[] = { 2, 47, 48, 49, 1000 };
	static uint64_t pfns[1000], orig[1000], keys[1000], tmp[1000];
	static uint32_t slots[1000];
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t nr = sizes[s];

		for (size_t i = 0; i < nr; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			/* a few duplicates, PFNs over 24 bits: three radix passes */
			orig[i] = pfns[i] = i % 7 == 3 ? orig[i - 1] :
					    0x100000 + x % 0xffffff;
			slots[i] = (uint32_t)i;
		}
		ck_assert(kpage_sort(pfns, slots, nr, keys, tmp));
		for (size_t i = 0; i < nr; i++) {
			ck_assert_uint_eq(pfns[i], orig[slots[i]]);
			if (i)
				ck_assert(pfns[i - 1] < pfns[i] ||
					  (pfns[i - 1] == pfns[i] &&
					   slots[i - 1] < slots[i]));
		}
	}
}
END_TEST

START_TEST(test_sort_leaves_pfns_too_far_apart_to_pack_in_page_order)
{
	uint64_t pfns[] = { 1ULL << 54, 3 };
	uint32_t slots[] = { 0, 1 };
	uint64_t keys[2], tmp[2];

	ck_assert(!kpage_sort(pfns, slots, 2, keys, tmp));
	ck_assert_uint_eq(pfns[0], 1ULL << 54);
	ck_assert_uint_eq(slots[0], 0);
	ck_assert_uint_eq(pfns[1], 3);
}
END_TEST

START_TEST(test_exclusive_small_page_has_mapcount_one_without_kpagecount)
{
	ck_assert(kpage_mapcount_is_one(true, 1ULL << KPF_ANON));
	ck_assert(!kpage_mapcount_is_one(false, 1ULL << KPF_ANON));
}
END_TEST

START_TEST(test_exclusive_thp_page_still_reads_kpagecount)
{
	ck_assert(!kpage_mapcount_is_one(true, 1ULL << KPF_COMPOUND_HEAD));
	ck_assert(!kpage_mapcount_is_one(true, 1ULL << KPF_COMPOUND_TAIL |
					 1ULL << KPF_THP));
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
	tcase_add_test(tc, test_cluster_takes_ascending_and_descending_neighbours);
	tcase_add_test(tc, test_cluster_never_exceeds_one_batch);
	tcase_add_test(tc, test_cluster_of_one_far_pfn_is_one_read);
	tcase_add_test(tc, test_sort_orders_pfns_and_keeps_each_slot_with_its_pfn);
	tcase_add_test(tc, test_sort_orders_small_and_large_windows_alike);
	tcase_add_test(tc, test_sort_leaves_pfns_too_far_apart_to_pack_in_page_order);
	tcase_add_test(tc, test_exclusive_small_page_has_mapcount_one_without_kpagecount);
	tcase_add_test(tc, test_exclusive_thp_page_still_reads_kpagecount);
}

int main(void)
{
	return unit_run("kpage", add);
}
