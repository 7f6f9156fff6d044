// SPDX-License-Identifier: GPL-2.0
/* The ABI header: record layout and its one table of flag names. */
#include "config.h"

#include <check.h>
#include <stddef.h>
#include <stdlib.h>

#include "kernel/abi_names.h"

START_TEST(test_record_is_32_bytes_with_u64_fields_first)
{
	ck_assert_uint_eq(sizeof(struct pagewatch_page), 32);
	ck_assert_uint_eq(offsetof(struct pagewatch_page, pfn), 0);
	ck_assert_uint_eq(offsetof(struct pagewatch_page, flags), 8);
	ck_assert_uint_eq(offsetof(struct pagewatch_page, refcount), 16);
	ck_assert_uint_eq(offsetof(struct pagewatch_page, swap_type), 31);
}
END_TEST

START_TEST(test_every_flag_bit_has_a_name)
{
	for (unsigned int bit = 0; bit < PAGEWATCH_PAGE_NR_FLAGS; bit++)
		ck_assert_msg(abi_names_flag(bit) != NULL, "bit %u unnamed", bit);
	ck_assert_ptr_null(abi_names_flag(PAGEWATCH_PAGE_NR_FLAGS));
}
END_TEST

START_TEST(test_flag_names_map_back_to_their_bits)
{
	ck_assert_int_eq(abi_names_flag_bit("present"), PAGEWATCH_PAGE_PRESENT);
	ck_assert_int_eq(abi_names_flag_bit("protnone"), PAGEWATCH_PAGE_PROTNONE);
	ck_assert_int_eq(abi_names_flag_bit("savedwrite"), PAGEWATCH_PAGE_SAVEDWRITE);
	ck_assert_int_eq(abi_names_flag_bit("no-such-flag"), -1);
}
END_TEST

int main(void)
{
	Suite *suite = suite_create("abi");
	TCase *tc = tcase_create("abi");
	SRunner *runner;
	int failed;

	tcase_add_test(tc, test_record_is_32_bytes_with_u64_fields_first);
	tcase_add_test(tc, test_every_flag_bit_has_a_name);
	tcase_add_test(tc, test_flag_names_map_back_to_their_bits);
	suite_add_tcase(suite, tc);
	runner = srunner_create(suite);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
