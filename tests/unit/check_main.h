/*
 * check_main.h: the shared main() of the libcheck suites. A suite includes this header after
 * its other includes and defines `static void add_tests(void)`, which registers each test
 * with ADD(test), or ADD_SIGNAL(test, sig) for one that must die of sig, after
 * FIXTURE(setup, teardown) when the tests need one. Every test gets a TCase of its own,
 * named after it, so CK_RUN_CASE=test runs that test alone.
 */
#ifndef SD_CHECK_MAIN_H
#define SD_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

#define CHECK_TIMEOUT_S 20	/* per test */

static Suite *check_suite;
static SFun check_setup, check_teardown;

static void add_tests(void);

/* One TCase named after the test, with the current fixture. */
static void
check_add(const TTest *test, int signal)
{
	TCase *tc = tcase_create(test->name);

	tcase_set_timeout(tc, CHECK_TIMEOUT_S);
	if (check_setup || check_teardown)
		tcase_add_checked_fixture(tc, check_setup, check_teardown);
	tcase_add_test_raise_signal(tc, test, signal);
	suite_add_tcase(check_suite, tc);
}

#define ADD(test)		check_add((test), 0)
#define ADD_SIGNAL(test, sig)	check_add((test), (sig))
#define FIXTURE(setup, teardown) (check_setup = (setup), check_teardown = (teardown))

int
main(void)
{
	SRunner *sr;
	int failed;

	check_suite = suite_create(__BASE_FILE__);
	add_tests();
	sr = srunner_create(check_suite);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
