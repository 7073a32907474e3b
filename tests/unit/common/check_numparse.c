/*
 * check_numparse.c: whole numbers, decimals, durations and booleans, strictly.
 */
#include <check.h>
#include <string.h>

#include "numparse.h"
#include "check_main.h"

START_TEST(uint_strict)
{
	uint64_t v;
	char err[64];

	ck_assert_int_eq(numparse_uint("0", 10, &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(numparse_uint("65535", 65535, &v, err, sizeof(err)), 0);
	ck_assert_uint_eq(v, 65535);
	ck_assert_int_eq(numparse_uint("65536", 65535, &v, err, sizeof(err)), NUMPARSE_RANGE);
	ck_assert_int_eq(numparse_uint("18446744073709551616", UINT64_MAX, &v, err, sizeof(err)),
	    NUMPARSE_RANGE);
	ck_assert_int_eq(numparse_uint("18446744073709551615", UINT64_MAX, &v, err, sizeof(err)), 0);
	ck_assert_int_eq(numparse_uint("", 10, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(numparse_uint("-1", 10, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(numparse_uint("+1", 10, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(numparse_uint(" 1", 10, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(numparse_uint("0x10", 100, &v, err, sizeof(err)), -1);
}
END_TEST

START_TEST(udouble_strict)
{
	double v;
	char err[64];

	ck_assert_int_eq(numparse_udouble("200", 1e6, &v, err, sizeof(err)), 0);
	ck_assert_double_eq(v, 200);
	ck_assert_int_eq(numparse_udouble("0.5", 1, &v, err, sizeof(err)), 0);
	ck_assert_double_eq_tol(v, 0.5, 1e-12);
	ck_assert_int_eq(numparse_udouble("1.5", 1, &v, err, sizeof(err)), NUMPARSE_RANGE);
	ck_assert_int_eq(numparse_udouble("-3", 1e6, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(numparse_udouble("1e3", 1e6, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(numparse_udouble("nan", 1e6, &v, err, sizeof(err)), -1);
	ck_assert_int_eq(numparse_udouble(".", 1e6, &v, err, sizeof(err)), -1);
}
END_TEST

START_TEST(durations)
{
	double s;
	char err[128];

	ck_assert_int_eq(numparse_duration("5m", &s, err, sizeof(err)), 0);
	ck_assert_double_eq(s, 300);
	ck_assert_int_eq(numparse_duration("1m30s", &s, err, sizeof(err)), 0);
	ck_assert_double_eq(s, 90);
	ck_assert_int_eq(numparse_duration("500ms", &s, err, sizeof(err)), 0);
	ck_assert_double_eq_tol(s, 0.5, 1e-12);
	ck_assert_int_eq(numparse_duration("1.5h", &s, err, sizeof(err)), 0);
	ck_assert_double_eq(s, 5400);
	ck_assert_int_eq(numparse_duration("300", &s, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "unit"));
	ck_assert_int_eq(numparse_duration("0s", &s, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "above zero"));
	ck_assert_int_eq(numparse_duration("-5s", &s, err, sizeof(err)), -1);
	ck_assert_int_eq(numparse_duration("5d", &s, err, sizeof(err)), -1);
	ck_assert_int_eq(numparse_duration("", &s, err, sizeof(err)), -1);
	ck_assert_int_eq(numparse_duration("s", &s, err, sizeof(err)), -1);
	ck_assert_int_eq(numparse_duration("99999999h", &s, err, sizeof(err)), -1);
}
END_TEST

START_TEST(booleans)
{
	int b;

	ck_assert_int_eq(numparse_bool("true", &b, NULL, 0), 0);
	ck_assert_int_eq(b, 1);
	ck_assert_int_eq(numparse_bool("FALSE", &b, NULL, 0), 0);
	ck_assert_int_eq(b, 0);
	ck_assert_int_eq(numparse_bool("1", &b, NULL, 0), 0);
	ck_assert_int_eq(numparse_bool("maybe", &b, NULL, 0), -1);
}
END_TEST

START_TEST(format_duration)
{
	char buf[32];

	ck_assert_str_eq(numparse_format_duration(300, buf, sizeof(buf)), "5m0s");
	ck_assert_str_eq(numparse_format_duration(194, buf, sizeof(buf)), "3m14s");
	ck_assert_str_eq(numparse_format_duration(0.25, buf, sizeof(buf)), "250ms");
	ck_assert_str_eq(numparse_format_duration(3725, buf, sizeof(buf)), "1h2m5s");
	ck_assert_str_eq(numparse_format_duration(-1, buf, sizeof(buf)), "0s");
}
END_TEST

static void
add_tests(void)
{
	ADD(uint_strict);
	ADD(udouble_strict);
	ADD(durations);
	ADD(booleans);
	ADD(format_duration);
}
