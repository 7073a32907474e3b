/*
 * check_shrinkguard.c: counting the previous file's targets, and the keep-or-replace rule.
 */
#include <check.h>
#include <string.h>

#include "shrinkguard.h"
#include "check_main.h"

static int
count(const char *s, size_t *n)
{
	char err[200];

	return shrinkguard_count(s, strlen(s), n, err, sizeof(err));
}

START_TEST(counts_targets)
{
	size_t n = 99;

	ck_assert_int_eq(count("[]", &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(count("[{\"targets\":[\"a:1\",\"b:1\"],\"labels\":{}},\n"
	    "{\"targets\":[\"c:2\"]}]\n", &n), 0);
	ck_assert_uint_eq(n, 3);
	/* as Prometheus reads it: a group without targets has none */
	ck_assert_int_eq(count("[{\"labels\":{}},{\"targets\":[\"a:1\"]}]", &n), 0);
	ck_assert_uint_eq(n, 1);
}
END_TEST

START_TEST(rejects_what_is_not_a_target_list)
{
	static const char *const bad[] = { "", "[", "{}", "[1]", "[{\"targets\":3}]", "[] x",
	    "\"str\"", "[null]" };
	size_t n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(count(bad[i], &n) == -1, "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(rule)
{
	ck_assert_int_eq(shrinkguard_allows(100, 50, 0.5, 0), 1);
	ck_assert_int_eq(shrinkguard_allows(100, 49, 0.5, 0), 0);
	ck_assert_int_eq(shrinkguard_allows(100, 0, 0.5, 0), 0);
	ck_assert_int_eq(shrinkguard_allows(100, 0, 0.5, 1), 1);	/* -force */
	ck_assert_int_eq(shrinkguard_allows(100, 0, 0, 0), 1);		/* guard off */
	ck_assert_int_eq(shrinkguard_allows(0, 0, 0.5, 0), 1);		/* empty before */
	ck_assert_int_eq(shrinkguard_allows(3, 500, 0.5, 0), 1);
}
END_TEST

START_TEST(missing_file_is_empty)
{
	size_t n = 7;
	char err[200];

	ck_assert_int_eq(shrinkguard_count_file("/nonexistent/targets.json", &n, err, sizeof(err)), 1);
	ck_assert_uint_eq(n, 0);
}
END_TEST

static void
add_tests(void)
{
	ADD(counts_targets);
	ADD(rejects_what_is_not_a_target_list);
	ADD(rule);
	ADD(missing_file_is_empty);
}
