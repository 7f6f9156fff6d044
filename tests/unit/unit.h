/* SPDX-License-Identifier: GPL-2.0 */
/* The main() every Check unit test shares. */
#ifndef PW_TESTS_UNIT_H
#define PW_TESTS_UNIT_H

#include <check.h>
#include <stdlib.h>

static inline int unit_run(const char *name, void (*add)(TCase *tc))
{
	Suite *suite = suite_create(name);
	TCase *tc = tcase_create(name);
	SRunner *runner;
	int failed;

	add(tc);
	suite_add_tcase(suite, tc);
	runner = srunner_create(suite);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
