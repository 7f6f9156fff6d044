// SPDX-License-Identifier: GPL-2.0
/* The module client: version file and record decoding. */
#include "config.h"

#include <endian.h>
#include <errno.h>

#include "kernel/kmod_client.h"
#include "unit.h"

START_TEST(test_version_file_gives_abi_record_size_and_features)
{
	struct kmod_version v;

	ck_assert_int_eq(kmod_parse_version("abi 1\nrecord_size 32\nfeatures kpage savedwrite_derived rcu_pte_walk seek_data\nflag 0 present\n", &v), 0);
	ck_assert_uint_eq(v.abi, 1);
	ck_assert_uint_eq(v.record_size, 32);
	ck_assert(v.feature_kpage);
	ck_assert(v.feature_savedwrite);
	ck_assert(v.feature_seek_data);
	/* a module before PAGEWATCH_IOC_COUNT: summaries count pages */
	ck_assert(!v.feature_count);
	ck_assert_int_eq(kmod_parse_version("abi 1\nrecord_size 32\nfeatures kpage seek_data journal hugetlb count\n", &v), 0);
	ck_assert(v.feature_count);
}
END_TEST

START_TEST(test_version_file_without_kpage_feature)
{
	struct kmod_version v;

	ck_assert_int_eq(kmod_parse_version("abi 1\nrecord_size 32\nfeatures savedwrite_bit\n", &v), 0);
	ck_assert(!v.feature_kpage);
	/* an older module: pagewatch reads every page of a mapping */
	ck_assert(!v.feature_seek_data);
}
END_TEST

START_TEST(test_version_file_without_abi_line_is_rejected)
{
	struct kmod_version v;

	ck_assert_int_eq(kmod_parse_version("record_size 32\n", &v), -EINVAL);
}
END_TEST

START_TEST(test_record_is_decoded_from_little_endian)
{
	struct pagewatch_page raw = {
		.pfn = htole64(0x123456789aULL),
		.flags = htole64(1ULL << PAGEWATCH_PAGE_PRESENT |
				 1ULL << PAGEWATCH_PAGE_MAYBE_PINNED),
		.refcount = htole32(1025),
		.mapcount = htole32(1),
		.pincount = htole32(1),
		.node = htole16(1),
		.order = 9,
		.swap_type = 0,
	};
	struct kmod_page page;

	kmod_decode(&raw, &page);
	ck_assert_uint_eq(page.pfn, 0x123456789aULL);
	ck_assert_uint_eq(page.flags, 1ULL << 0 | 1ULL << 12);
	ck_assert_uint_eq(page.refcount, 1025);
	ck_assert_uint_eq(page.pincount, 1);
	ck_assert_uint_eq(page.node, 1);
	ck_assert_uint_eq(page.order, 9);
}
END_TEST

START_TEST(test_missing_module_directory_reads_as_not_loaded)
{
	struct kmod kmod;

	ck_assert_int_eq(kmod_open(&kmod, "/nonexistent/pagewatch"), -ENOENT);
}
END_TEST

static void add(TCase *tc)
{
	tcase_add_test(tc, test_version_file_gives_abi_record_size_and_features);
	tcase_add_test(tc, test_version_file_without_kpage_feature);
	tcase_add_test(tc, test_version_file_without_abi_line_is_rejected);
	tcase_add_test(tc, test_record_is_decoded_from_little_endian);
	tcase_add_test(tc, test_missing_module_directory_reads_as_not_loaded);
}

int main(void)
{
	return unit_run("kmod", add);
}
