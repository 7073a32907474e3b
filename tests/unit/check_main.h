/*
 * check_main.h: the shared main() of the libcheck suites: each suite file defines
 * `static void add_tests(TCase *tc)` and includes this header once, at the end.
 */
#ifndef SD_CHECK_MAIN_H
#define SD_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

static void add_tests(TCase *tc);

int
main(void)
{
	Suite *s = suite_create(__FILE__);
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 20);
	add_tests(tc);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
