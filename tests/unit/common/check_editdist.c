/*
 * check_editdist.c: the distances behind "did you mean", and that far names suggest nothing.
 */
#include <check.h>

#include "editdist.h"
#include "check_main.h"

START_TEST(distances)
{
	ck_assert_uint_eq(editdist_levenshtein("", ""), 0);
	ck_assert_uint_eq(editdist_levenshtein("abc", ""), 3);
	ck_assert_uint_eq(editdist_levenshtein("", "abc"), 3);
	ck_assert_uint_eq(editdist_levenshtein("networks", "netwroks"), 2);
	ck_assert_uint_eq(editdist_levenshtein("kitten", "sitting"), 3);
	ck_assert_uint_eq(editdist_levenshtein("Timeout", "timeout"), 0);
	ck_assert_uint_eq(editdist_levenshtein("rate-limit", "rate-limt"), 1);
}
END_TEST

START_TEST(nearest)
{
	static const char *const names[] = { "networks", NULL, "ports", "rate-limit", "timeout" };

	ck_assert_int_eq(editdist_nearest("netwroks", names, 5), 0);
	ck_assert_int_eq(editdist_nearest("port", names, 5), 2);
	ck_assert_int_eq(editdist_nearest("ratelimit", names, 5), 3);
	ck_assert_int_eq(editdist_nearest("x", names, 5), -1);
	ck_assert_int_eq(editdist_nearest("frobnicate", names, 5), -1);
	ck_assert_int_eq(editdist_nearest("anything", names, 0), -1);
}
END_TEST

static void
add_tests(void)
{
	ADD(distances);
	ADD(nearest);
}
