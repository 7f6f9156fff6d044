// SPDX-License-Identifier: GPL-2.0
/* Parsing /proc/PID/maps lines. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "kernel/maps.h"
#include "unit.h"

START_TEST(test_file_mapping_line_gives_every_field)
{
	struct maps_entry e;

	ck_assert_int_eq(maps_parse_line("7f0000001000-7f0000003000 r-xp 00002000 fe:01 123456                     /usr/lib/libc.so.6\n", &e), 0);
	ck_assert_uint_eq(e.start, 0x7f0000001000);
	ck_assert_uint_eq(e.end, 0x7f0000003000);
	ck_assert_str_eq(e.perms, "r-xp");
	ck_assert_uint_eq(e.offset, 0x2000);
	ck_assert_uint_eq(e.dev_major, 0xfe);
	ck_assert_uint_eq(e.dev_minor, 1);
	ck_assert_uint_eq(e.inode, 123456);
	ck_assert_str_eq(e.path, "/usr/lib/libc.so.6");
	free(e.path);
}
END_TEST

START_TEST(test_anonymous_mapping_has_empty_path)
{
	struct maps_entry e;

	ck_assert_int_eq(maps_parse_line("55d000000000-55d000021000 rw-p 00000000 00:00 0 \n", &e), 0);
	ck_assert_str_eq(e.path, "");
	ck_assert(maps_is_anon(&e));
	free(e.path);
}
END_TEST

START_TEST(test_path_with_spaces_is_kept_whole)
{
	struct maps_entry e;

	ck_assert_int_eq(maps_parse_line("1000-2000 r--s 00000000 08:01 99 /tmp/my file (deleted)", &e), 0);
	ck_assert_str_eq(e.path, "/tmp/my file (deleted)");
	free(e.path);
}
END_TEST

START_TEST(test_named_anon_region_counts_as_anon)
{
	struct maps_entry e;

	ck_assert_int_eq(maps_parse_line("1000-2000 rw-p 00000000 00:00 0 [anon:pw-thp]", &e), 0);
	ck_assert(maps_is_anon(&e));
	free(e.path);
}
END_TEST

START_TEST(test_prot_none_mapping_is_recognised)
{
	struct maps_entry e;

	ck_assert_int_eq(maps_parse_line("1000-9000 ---p 00000000 00:00 0", &e), 0);
	ck_assert(maps_is_prot_none(&e));
	free(e.path);
}
END_TEST

START_TEST(test_malformed_line_is_rejected)
{
	struct maps_entry e;

	ck_assert_int_eq(maps_parse_line("garbage", &e), -EINVAL);
	ck_assert_int_eq(maps_parse_line("2000-1000 rw-p 0 00:00 0", &e), -EINVAL);
	ck_assert_int_eq(maps_parse_line("1000-2000 rw-p", &e), -EINVAL);
}
END_TEST

static void add(TCase *tc)
{
	tcase_add_test(tc, test_file_mapping_line_gives_every_field);
	tcase_add_test(tc, test_anonymous_mapping_has_empty_path);
	tcase_add_test(tc, test_path_with_spaces_is_kept_whole);
	tcase_add_test(tc, test_named_anon_region_counts_as_anon);
	tcase_add_test(tc, test_prot_none_mapping_is_recognised);
	tcase_add_test(tc, test_malformed_line_is_rejected);
}

int main(void)
{
	return unit_run("maps", add);
}
