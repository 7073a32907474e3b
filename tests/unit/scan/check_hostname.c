/*
 * check_hostname.c: PTR name validation, normalisation and log escaping.
 */
#include <check.h>
#include <string.h>

#include "hostname.h"
#include "check_main.h"

static int
norm(const char *in, char *out)
{
	char err[128];

	return hostname_normalize(in, strlen(in), out, HOSTNAME_MAX + 1, err, sizeof(err));
}

START_TEST(valid_names_normalised)
{
	char out[HOSTNAME_MAX + 1];

	ck_assert_int_eq(norm("stsgl01p1.psr-paytv.smf1.mobitv", out), 0);
	ck_assert_str_eq(out, "stsgl01p1.psr-paytv.smf1.mobitv");
	ck_assert_int_eq(norm("Host-1.Example.ORG.", out), 0);
	ck_assert_str_eq(out, "host-1.example.org");
	ck_assert_int_eq(norm("localhost", out), 0);
	ck_assert_str_eq(out, "localhost");
	ck_assert_int_eq(norm("host.1example", out), 0);
	ck_assert_int_eq(norm("10.0.0.9z", out), 0);
	ck_assert_int_eq(norm("a", out), 0);
	ck_assert_int_eq(norm("x--y.9z", out), 0);
}
END_TEST

START_TEST(hostile_names_rejected)
{
	static const char *const bad[] = {
		"", ".", "..", "a..b", ".a", "a.b..", "-a.b", "a-.b", "a.b-", "a.-b",
		"quote\".example", "has space.example", "tab\t.example", "ctl\x01.example",
		"new\nline.example", "under_score.example", "back\\slash", "brace}.x",
		"label=\"x\"", "h\xc3\xbc\x62sch.example", "\xff", "colon:9100", "slash/x", "a b",
		"1.2.3.4", "10.0.0.99.", "1234", "host.example.42",
		"host.example.:80",
	};
	char out[HOSTNAME_MAX + 1];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(out, "junk", 5);
		ck_assert_msg(norm(bad[i], out) == -1, "accepted '%s'", bad[i]);
		ck_assert_str_eq(out, "");
	}
}
END_TEST

START_TEST(length_limits)
{
	char in[400], out[HOSTNAME_MAX + 1], err[128];

	memset(in, 'a', 63);
	in[63] = '\0';
	ck_assert_int_eq(norm(in, out), 0);
	memset(in, 'a', 64);
	in[64] = '\0';
	ck_assert_int_eq(norm(in, out), -1);
	/* 4 x 63 + 3 dots = 255 > 253; 3 x 63 + 61 + 3 dots = 253 fits */
	for (int l = 0; l < 4; l++) {
		memset(in + l * 64, 'b', 63);
		in[l * 64 + 63] = '.';
	}
	in[255] = '\0';
	ck_assert_int_eq(norm(in, out), -1);	/* 255 chars */
	in[253] = '\0';
	ck_assert_int_eq(norm(in, out), 0);
	ck_assert_uint_eq(strlen(out), 253);
	in[253] = '.';
	in[254] = '\0';				/* trailing dot: 253 + root */
	ck_assert_int_eq(norm(in, out), 0);
	ck_assert_uint_eq(strlen(out), 253);
	/* a NUL inside the given length is a bad byte, not an end */
	ck_assert_int_eq(hostname_normalize("ab\0cd", 5, out, sizeof(out), err, sizeof(err)), -1);
	ck_assert_int_eq(hostname_normalize("abcd", 2, out, sizeof(out), err, sizeof(err)), 0);
	ck_assert_str_eq(out, "ab");
	/* output too small */
	ck_assert_int_eq(hostname_normalize("ab", 2, out, 10, err, sizeof(err)), -1);
}
END_TEST

START_TEST(escape_is_printable)
{
	char out[HOSTNAME_ESCAPED_MAX], in[300];

	ck_assert_str_eq(hostname_escape("ok.host", 7, out, sizeof(out)), "ok.host");
	ck_assert_str_eq(hostname_escape("a \"b\"\\\n\xc3", 8, out, sizeof(out)),
	    "a\\x20\\x22b\\x22\\x5c\\x0a\\xc3");
	ck_assert_str_eq(hostname_escape("a\0b", 3, out, sizeof(out)), "a\\x00b");
	memset(in, 'x', sizeof(in));
	hostname_escape(in, sizeof(in), out, sizeof(out));
	ck_assert_uint_eq(strlen(out), 83);
	ck_assert_str_eq(out + 80, "...");
	memset(in, '\x01', sizeof(in));
	hostname_escape(in, sizeof(in), out, sizeof(out));
	ck_assert_uint_lt(strlen(out), sizeof(out));
	ck_assert_str_eq(out + strlen(out) - 3, "...");
	hostname_escape(in, sizeof(in), out, 10);
	ck_assert_str_eq(out, "\\x01...");
	hostname_escape(in, sizeof(in), out, 1);
	ck_assert_str_eq(out, "");
}
END_TEST

static void
add_tests(void)
{
	ADD(valid_names_normalised);
	ADD(hostile_names_rejected);
	ADD(length_limits);
	ADD(escape_is_printable);
}
