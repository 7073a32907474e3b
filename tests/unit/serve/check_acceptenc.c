/*
 * check_acceptenc.c: which Accept-Encoding values let sd-serve answer gzip: weights, q=0,
 * identity, "*", case, whitespace, parameters and malformed elements.
 */
#include <check.h>
#include <string.h>

#include "acceptenc.h"
#include "check_main.h"

static int
gz(const char *v)
{
	return acceptenc_gzip(v, v ? strlen(v) : 0);
}

START_TEST(plain_gzip)
{
	ck_assert_int_eq(gz("gzip"), 1);	/* Go's transport, vmagent */
	ck_assert_int_eq(gz("gzip, deflate, br"), 1);	/* curl --compressed, browsers */
	ck_assert_int_eq(gz("deflate, gzip;q=1.0, *;q=0.5"), 1);
	ck_assert_int_eq(gz("GZip"), 1);
	ck_assert_int_eq(gz("x-gzip"), 1);
	ck_assert_int_eq(gz(" \tgzip \t"), 1);
	ck_assert_int_eq(gz("gzip;Q=0.5"), 1);
	ck_assert_int_eq(gz("gzip ; q=0.001"), 1);
	ck_assert_int_eq(gz("br,,gzip"), 1);
}
END_TEST

START_TEST(no_gzip)
{
	ck_assert_int_eq(gz(NULL), 0);	/* Prometheus sends none */
	ck_assert_int_eq(gz(""), 0);
	ck_assert_int_eq(gz("identity"), 0);
	ck_assert_int_eq(gz("deflate, br"), 0);
	ck_assert_int_eq(gz("gzip;q=0"), 0);
	ck_assert_int_eq(gz("gzip;q=0.000"), 0);
	ck_assert_int_eq(gz("gzip; q=0.0"), 0);
	ck_assert_int_eq(gz("gzipx"), 0);
	ck_assert_int_eq(gz("gzi"), 0);
	ck_assert_int_eq(gz("*;q=0"), 0);
	ck_assert_int_eq(gz("*;q=0, identity"), 0);
	ck_assert_int_eq(gz("gzip;q=0, *"), 0);	/* named beats "*" */
}
END_TEST

START_TEST(weights_against_identity)
{
	ck_assert_int_eq(gz("gzip;q=0.5, identity"), 0);	/* identity preferred */
	ck_assert_int_eq(gz("gzip;q=0.5, identity;q=0.5"), 1);	/* a tie goes to gzip */
	ck_assert_int_eq(gz("gzip;q=0.5, identity;q=0.4"), 1);
	ck_assert_int_eq(gz("gzip, identity;q=0"), 1);
	ck_assert_int_eq(gz("gzip;q=0.5"), 1);		/* identity not named */
	ck_assert_int_eq(gz("*"), 1);
	ck_assert_int_eq(gz("*;q=0.3"), 1);
	ck_assert_int_eq(gz("*, identity;q=0.9"), 1);
	ck_assert_int_eq(gz("*;q=0.2, identity"), 0);
	ck_assert_int_eq(gz("gzip;q=0.2, *;q=0.9"), 0);	/* "*" includes identity */
}
END_TEST

START_TEST(malformed_elements_ignored)
{
	ck_assert_int_eq(gz("gzip;q=2"), 0);
	ck_assert_int_eq(gz("gzip;q=1.5"), 0);
	ck_assert_int_eq(gz("gzip;q=0.5555"), 0);
	ck_assert_int_eq(gz("gzip;q="), 0);
	ck_assert_int_eq(gz("gzip;q=abc"), 0);
	ck_assert_int_eq(gz("gzip;q"), 0);
	ck_assert_int_eq(gz("gzip;"), 0);
	ck_assert_int_eq(gz("gzip q=1"), 0);
	ck_assert_int_eq(gz("\"gzip\""), 0);
	ck_assert_int_eq(gz("gzip;q=-1"), 0);
	/* a bad element does not spoil the others */
	ck_assert_int_eq(gz("gzip;q=7, x-gzip"), 1);
	ck_assert_int_eq(gz("gzip;level=9"), 1);	/* a parameter other than q is allowed */
	/* the last of two mentions counts */
	ck_assert_int_eq(gz("gzip, gzip;q=0"), 0);
	ck_assert_int_eq(gz("gzip;q=0, gzip"), 1);
	/* the length bounds the value: no NUL needed, nothing read past it */
	ck_assert_int_eq(acceptenc_gzip("gzip;q=0", 4), 1);
	ck_assert_int_eq(acceptenc_gzip("gz", 0), 0);
}
END_TEST

static void
add_tests(void)
{
	ADD(plain_gzip);
	ADD(no_gzip);
	ADD(weights_against_identity);
	ADD(malformed_elements_ignored);
}
