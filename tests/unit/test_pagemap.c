// SPDX-License-Identifier: GPL-2.0
/* Decoding /proc/PID/pagemap entries. */
#include "config.h"

#include "kernel/pagemap.h"
#include "unit.h"

START_TEST(test_present_entry_gives_its_pfn)
{
	struct pagemap_entry e;

	pagemap_decode((1ULL << 63) | 0x12345, &e);
	ck_assert(e.present);
	ck_assert(!e.swapped);
	ck_assert_uint_eq(e.pfn, 0x12345);
	ck_assert(!e.file);
}
END_TEST

START_TEST(test_present_file_page_sets_file_and_exclusive)
{
	struct pagemap_entry e;

	pagemap_decode((1ULL << 63) | (1ULL << 61) | (1ULL << 56) | 42, &e);
	ck_assert(e.file);
	ck_assert(e.exclusive);
	ck_assert_uint_eq(e.pfn, 42);
}
END_TEST

START_TEST(test_swap_entry_splits_type_and_offset)
{
	struct pagemap_entry e;

	/* type 3 in bits 0-4, offset 0x777 in bits 5-54 */
	pagemap_decode((1ULL << 62) | (0x777ULL << 5) | 3, &e);
	ck_assert(!e.present);
	ck_assert(e.swapped);
	ck_assert_uint_eq(e.swap_type, 3);
	ck_assert_uint_eq(e.pfn, 0x777);
}
END_TEST

START_TEST(test_soft_dirty_uffd_wp_and_guard_bits)
{
	struct pagemap_entry e;

	pagemap_decode((1ULL << 55) | (1ULL << 57) | (1ULL << 58), &e);
	ck_assert(e.soft_dirty);
	ck_assert(e.uffd_wp);
	ck_assert(e.guard);
	ck_assert(!e.present);
	ck_assert_uint_eq(e.pfn, 0);
}
END_TEST

START_TEST(test_empty_entry_is_not_present_nor_swapped)
{
	struct pagemap_entry e;

	pagemap_decode(0, &e);
	ck_assert(!e.present);
	ck_assert(!e.swapped);
	ck_assert_uint_eq(e.pfn, 0);
}
END_TEST

START_TEST(test_pfn_is_bits_0_to_54)
{
	struct pagemap_entry e;

	pagemap_decode((1ULL << 63) | (1ULL << 55) | ((1ULL << 55) - 1), &e);
	ck_assert_uint_eq(e.pfn, (1ULL << 55) - 1);
}
END_TEST

static void add(TCase *tc)
{
	tcase_add_test(tc, test_present_entry_gives_its_pfn);
	tcase_add_test(tc, test_present_file_page_sets_file_and_exclusive);
	tcase_add_test(tc, test_swap_entry_splits_type_and_offset);
	tcase_add_test(tc, test_soft_dirty_uffd_wp_and_guard_bits);
	tcase_add_test(tc, test_empty_entry_is_not_present_nor_swapped);
	tcase_add_test(tc, test_pfn_is_bits_0_to_54);
}

int main(void)
{
	return unit_run("pagemap", add);
}
