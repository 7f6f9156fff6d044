// SPDX-License-Identifier: GPL-2.0
/* --range, --filter and --vma parsing and matching. */
#include "config.h"

#include <errno.h>

#include "model/filter.h"
#include "unit.h"

START_TEST(test_range_parses_hex_with_and_without_0x)
{
	uint64_t s, e;

	ck_assert_int_eq(filter_parse_range("0x7f0000000000-7f0000200000", &s, &e), 0);
	ck_assert_uint_eq(s, 0x7f0000000000);
	ck_assert_uint_eq(e, 0x7f0000200000);
}
END_TEST

START_TEST(test_range_rounds_start_down_and_end_up_to_pages)
{
	uint64_t s, e;

	ck_assert_int_eq(filter_parse_range("1234-5001", &s, &e), 0);
	ck_assert_uint_eq(s, 0x1000);
	ck_assert_uint_eq(e, 0x6000);
}
END_TEST

START_TEST(test_range_rejects_reversed_bounds)
{
	uint64_t s, e;

	ck_assert_int_eq(filter_parse_range("2000-1000", &s, &e), -EINVAL);
	ck_assert_int_eq(filter_parse_range("1000-1000", &s, &e), -EINVAL);
}
END_TEST

START_TEST(test_range_rejects_missing_or_extra_parts)
{
	uint64_t s, e;

	ck_assert_int_eq(filter_parse_range("1000", &s, &e), -EINVAL);
	ck_assert_int_eq(filter_parse_range("-1000", &s, &e), -EINVAL);
	ck_assert_int_eq(filter_parse_range("1000-", &s, &e), -EINVAL);
	ck_assert_int_eq(filter_parse_range("1-2-3", &s, &e), -EINVAL);
	ck_assert_int_eq(filter_parse_range("0x-1000", &s, &e), -EINVAL);
}
END_TEST

START_TEST(test_range_rejects_non_hex_digits)
{
	uint64_t s, e;

	ck_assert_int_eq(filter_parse_range("10g0-2000", &s, &e), -EINVAL);
	ck_assert_int_eq(filter_parse_range("1000-2000 ", &s, &e), -EINVAL);
}
END_TEST

START_TEST(test_range_rejects_more_than_64_bits)
{
	uint64_t s, e;

	ck_assert_int_eq(filter_parse_range("0-10000000000000000", &s, &e), -ERANGE);
}
END_TEST

START_TEST(test_filter_list_combines_items)
{
	struct filter f;

	ck_assert_int_eq(filter_parse("pinned,thp,node=1", &f), 0);
	ck_assert_uint_eq(f.kinds, 1U << FILTER_PINNED | 1U << FILTER_THP |
			  1U << FILTER_NODE);
	ck_assert_uint_eq(f.node, 1);
}
END_TEST

START_TEST(test_filter_accepts_every_name)
{
	struct filter f;

	ck_assert_int_eq(filter_parse("pinned,protnone,migrated,replaced,diverged,thp,hugetlb,swapped,node=0", &f), 0);
	ck_assert_uint_eq(f.kinds, (1U << FILTER_NR) - 1);
}
END_TEST

START_TEST(test_filter_rejects_unknown_name)
{
	struct filter f;

	ck_assert_int_eq(filter_parse("pinned,bogus", &f), -EINVAL);
}
END_TEST

START_TEST(test_filter_rejects_empty_items)
{
	struct filter f;

	ck_assert_int_eq(filter_parse("", &f), -EINVAL);
	ck_assert_int_eq(filter_parse("thp,,pinned", &f), -EINVAL);
	ck_assert_int_eq(filter_parse("thp,", &f), -EINVAL);
}
END_TEST

START_TEST(test_filter_rejects_bad_node_numbers)
{
	struct filter f;

	ck_assert_int_eq(filter_parse("node=", &f), -EINVAL);
	ck_assert_int_eq(filter_parse("node=-1", &f), -EINVAL);
	ck_assert_int_eq(filter_parse("node=x", &f), -EINVAL);
	ck_assert_int_eq(filter_parse("node=65535", &f), -EINVAL);
}
END_TEST

static struct snapshot_page page_with(uint64_t flags, uint16_t node)
{
	struct snapshot_page p = { .flags = flags, .node = node };

	return p;
}

START_TEST(test_filter_matches_only_pages_with_every_item)
{
	struct snapshot_page thp_on_1, thp_on_0;
	struct filter f;

	thp_on_1 = page_with(SNAPSHOT_BIT(PAGEWATCH_PAGE_THP) |
			     SNAPSHOT_BIT(SNAPSHOT_KNOWN_NODE), 1);
	thp_on_0 = page_with(SNAPSHOT_BIT(PAGEWATCH_PAGE_THP) |
			     SNAPSHOT_BIT(SNAPSHOT_KNOWN_NODE), 0);
	ck_assert_int_eq(filter_parse("thp,node=1", &f), 0);
	ck_assert(filter_match(&f, &thp_on_1));
	ck_assert(!filter_match(&f, &thp_on_0));
}
END_TEST

START_TEST(test_node_filter_skips_pages_of_unknown_node)
{
	struct snapshot_page unknown = page_with(0, 0);
	struct filter f;

	ck_assert_int_eq(filter_parse("node=0", &f), 0);
	ck_assert(!filter_match(&f, &unknown));
}
END_TEST

START_TEST(test_vma_matches_specials_paths_and_globs)
{
	ck_assert(filter_vma_match("[heap]", "[heap]"));
	ck_assert(!filter_vma_match("[heap]", "h"));
	ck_assert(filter_vma_match("[anon]", ""));
	ck_assert(filter_vma_match("[anon]", "[anon:pw-thp]"));
	ck_assert(!filter_vma_match("[anon]", "/usr/bin/ls"));
	ck_assert(filter_vma_match("libc.so*", "/usr/lib/libc.so.6"));
	ck_assert(filter_vma_match("/usr/lib/libc.so.6", "/usr/lib/libc.so.6"));
	ck_assert(!filter_vma_match("libm*", "/usr/lib/libc.so.6"));
}
END_TEST

static void add(TCase *tc)
{
	tcase_add_test(tc, test_range_parses_hex_with_and_without_0x);
	tcase_add_test(tc, test_range_rounds_start_down_and_end_up_to_pages);
	tcase_add_test(tc, test_range_rejects_reversed_bounds);
	tcase_add_test(tc, test_range_rejects_missing_or_extra_parts);
	tcase_add_test(tc, test_range_rejects_non_hex_digits);
	tcase_add_test(tc, test_range_rejects_more_than_64_bits);
	tcase_add_test(tc, test_filter_list_combines_items);
	tcase_add_test(tc, test_filter_accepts_every_name);
	tcase_add_test(tc, test_filter_rejects_unknown_name);
	tcase_add_test(tc, test_filter_rejects_empty_items);
	tcase_add_test(tc, test_filter_rejects_bad_node_numbers);
	tcase_add_test(tc, test_filter_matches_only_pages_with_every_item);
	tcase_add_test(tc, test_node_filter_skips_pages_of_unknown_node);
	tcase_add_test(tc, test_vma_matches_specials_paths_and_globs);
}

int main(void)
{
	return unit_run("filter", add);
}
