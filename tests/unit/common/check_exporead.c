/*
 * check_exporead.c: reading exposition text back: what expo writes reads back exactly,
 * escapes are undone, and damaged text (truncated, bad escapes, bad numbers, junk) is an
 * error naming the line, never a crash.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "expo.h"
#include "exporead.h"
#include "check_main.h"

static int
parse_str(const char *s, struct exporead *r, char *err, size_t errlen)
{
	return exporead_parse(s, strlen(s), r, err, errlen);
}

START_TEST(round_trip)
{
	struct expo e;
	struct exporead r;
	const struct expo_label l[] = { { "v", "a\\b\"c\nd,}{=" }, { "port", "9100" } };
	const double bounds[] = { 1, 5 };
	const uint64_t cum[] = { 2, 3 };
	char err[128];
	double v;

	expo_init(&e);
	ck_assert_int_eq(expo_family(&e, "x_total", EXPO_COUNTER, "H \\ \n."), 0);
	ck_assert_int_eq(expo_sample(&e, l, 2, 42), 0);
	ck_assert_int_eq(expo_family(&e, "h_seconds", EXPO_HISTOGRAM, "h"), 0);
	ck_assert_int_eq(expo_histogram(&e, NULL, 0, bounds, cum, 2, 4, 12.5), 0);
	ck_assert_int_eq(expo_family(&e, "g", EXPO_GAUGE, "g"), 0);
	ck_assert_int_eq(expo_sample(&e, NULL, 0, NAN), 0);
	ck_assert_int_eq(expo_sample(&e, l + 1, 1, -INFINITY), 0);

	ck_assert_int_eq(exporead_parse(e.buf, e.len, &r, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.nsamples, 8);
	ck_assert_uint_eq(r.nfamilies, 3);
	ck_assert_int_eq(r.families[1].type, EXPO_HISTOGRAM);
	ck_assert_str_eq(r.samples[0].name, "x_total");
	ck_assert_str_eq(exporead_label(&r.samples[0], "v"), "a\\b\"c\nd,}{=");
	ck_assert_int_eq(exporead_get(&r, "x_total", l, 2, &v), 0);
	ck_assert(v == 42);
	ck_assert_int_eq(exporead_get(&r, "x_total", l + 1, 1, &v), -1);	/* labels differ */
	ck_assert_int_eq(exporead_get(&r, "h_seconds_bucket",
	    (const struct expo_label[]){ { "le", "+Inf" } }, 1, &v), 0);
	ck_assert(v == 4);
	ck_assert_int_eq(exporead_get(&r, "h_seconds_sum", NULL, 0, &v), 0);
	ck_assert(v == 12.5);
	ck_assert_int_eq(exporead_get(&r, "g", NULL, 0, &v), 0);
	ck_assert(isnan(v));
	ck_assert_int_eq(exporead_get(&r, "g", l + 1, 1, &v), 0);
	ck_assert(isinf(v) && v < 0);
	exporead_fini(&r);
	expo_fini(&e);
}
END_TEST

START_TEST(lenient_where_the_format_is)
{
	struct exporead r;
	char err[128];
	double v;

	ck_assert_int_eq(parse_str("", &r, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.nsamples, 0);
	exporead_fini(&r);
	ck_assert_int_eq(parse_str("\n# just a comment\n  \n"
	    "# TYPE s summary\n"
	    "a{x=\"1\",} 2 1700000000000\n"
	    "b\t{ y = \"2\" }\t-3.5e2\n"
	    "c Inf\n", &r, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.nsamples, 3);
	ck_assert_int_eq(r.families[0].type, EXPO_UNTYPED);
	ck_assert_int_eq(exporead_get(&r, "b", (const struct expo_label[]){ { "y", "2" } }, 1,
	    &v), 0);
	ck_assert(v == -350);
	exporead_fini(&r);
}
END_TEST

static void
assert_bad(const char *text, const char *want)
{
	struct exporead r;
	char err[128];

	ck_assert_msg(parse_str(text, &r, err, sizeof(err)) == -1, "accepted: %s", text);
	ck_assert_uint_eq(r.nsamples, 0);
	ck_assert_str_eq(err, want);
	exporead_fini(&r);
}

START_TEST(damaged)
{
	assert_bad("a 1\nb 2", "line 2: no newline at the end (truncated?)");
	assert_bad("a 1\nb{x=\"1\"", "line 2: no newline at the end (truncated?)");
	assert_bad("a 1\nb{x=\"1\n", "line 2: bad escape or unterminated label value");
	assert_bad("a{x=\"\\t\"} 1\n", "line 1: bad escape or unterminated label value");
	assert_bad("a{x=1} 1\n", "line 1: expected a quoted label value");
	assert_bad("a{x=\"1\" y=\"2\"} 1\n", "line 1: expected , or } after a label");
	assert_bad("a{x=\"1\",x=\"2\"} 1\n", "line 1: label given twice");
	assert_bad("a{1x=\"1\"} 1\n", "line 1: bad label name");
	assert_bad("a{x} 1\n", "line 1: expected = after a label name");
	assert_bad("a\n", "line 1: expected a blank before the value");
	assert_bad("a \n", "line 1: bad sample value");
	assert_bad("a 1x\n", "line 1: bad sample value");
	assert_bad("a 1,5\n", "line 1: bad sample value");
	assert_bad("a 1 2.5\n", "line 1: bad timestamp");
	assert_bad("a 1 2 3\n", "line 1: text after the timestamp");
	assert_bad("a 1\r\n", "line 1: bad sample value");
	assert_bad("9a 1\n", "line 1: bad metric name");
	assert_bad("{x=\"1\"} 1\n", "line 1: bad metric name");
	assert_bad("# TYPE a gauge\n# TYPE a counter\n", "line 2: second TYPE line for one family");
	assert_bad("# TYPE a flute\n", "line 1: unknown TYPE");
	assert_bad("# TYPE a gauge x\n", "line 1: unknown TYPE");
	assert_bad("h_bucket{le=\"1\"} 1\n# TYPE h histogram\n",
	    "line 2: TYPE after samples of its family");
	assert_bad("# HELP a bad \\t escape\n", "line 1: bad escape in HELP");
	assert_bad("# HELP 1a x\n", "line 1: bad metric name after HELP or TYPE");
}
END_TEST

START_TEST(nul_byte)
{
	struct exporead r;
	char err[128];

	ck_assert_int_eq(exporead_parse("a 1\n\0b 2\n", 9, &r, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "NUL byte in the text");
	exporead_fini(&r);
}
END_TEST

/* Every prefix and every one-byte corruption of a valid text parses or fails cleanly. */
START_TEST(mangled_never_crash)
{
	static const char text[] =
	    "# HELP x_total H \\\\ \\n.\n# TYPE x_total counter\n"
	    "x_total{v=\"a\\\\b\\\"c\\nd\",port=\"9100\"} 42\n"
	    "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 4\nh_sum 1.5e3\n";
	const char bytes[] = "\0\n\\\"{}=, #\txe9+-.";
	size_t n = sizeof(text) - 1;
	char *buf = malloc(n), err[128];
	struct exporead r;

	ck_assert_ptr_nonnull(buf);
	for (size_t len = 0; len <= n; len++) {
		memcpy(buf, text, len);
		if (exporead_parse(buf, len, &r, err, sizeof(err)) == 0)
			ck_assert(len == 0 || buf[len - 1] == '\n');
		exporead_fini(&r);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t b = 0; b < sizeof(bytes) - 1; b++) {
			memcpy(buf, text, n);
			buf[i] = bytes[b];
			(void)exporead_parse(buf, n, &r, err, sizeof(err));
			exporead_fini(&r);
		}
	free(buf);
}
END_TEST

static void
add_tests(void)
{
	ADD(round_trip);
	ADD(lenient_where_the_format_is);
	ADD(damaged);
	ADD(nul_byte);
	ADD(mangled_never_crash);
}
