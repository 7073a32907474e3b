/*
 * check_expo.c: the exposition-format writer: golden bytes, escaping, histograms, and the
 * mistakes it refuses (each leaving the text as it was).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "expo.h"
#include "check_main.h"

START_TEST(golden_bytes)
{
	struct expo e;
	const struct expo_label port[] = { { "port", "9100" } };
	const struct expo_label two[] = { { "path", "/a" }, { "code", "200" } };
	const double bounds[] = { 0.5, 1, 30 };
	const uint64_t cum[] = { 1, 3, 3 };

	expo_init(&e);
	ck_assert_int_eq(expo_family(&e, "x_runs_total", EXPO_COUNTER, "Runs."), 0);
	ck_assert_int_eq(expo_sample(&e, NULL, 0, 3), 0);
	ck_assert_int_eq(expo_family(&e, "x_open", EXPO_GAUGE, "Open ports."), 0);
	ck_assert_int_eq(expo_sample(&e, port, 1, 2), 0);
	ck_assert_int_eq(expo_sample(&e, two, 2, -1.5), 0);
	ck_assert_int_eq(expo_family(&e, "x_seconds", EXPO_HISTOGRAM, "Took."), 0);
	ck_assert_int_eq(expo_histogram(&e, NULL, 0, bounds, cum, 3, 4, 62.25), 0);
	ck_assert_int_eq(expo_histogram(&e, port, 1, bounds, cum, 1, 1, 0.1), 0);
	ck_assert_int_eq(expo_family(&e, "x_things_total", EXPO_UNTYPED, "Things."), 0);
	ck_assert_int_eq(expo_sample(&e, NULL, 0, 1e20), 0);
	ck_assert_int_eq(e.failed, 0);
	ck_assert_str_eq(e.buf,
	    "# HELP x_runs_total Runs.\n"
	    "# TYPE x_runs_total counter\n"
	    "x_runs_total 3\n"
	    "# HELP x_open Open ports.\n"
	    "# TYPE x_open gauge\n"
	    "x_open{port=\"9100\"} 2\n"
	    "x_open{path=\"/a\",code=\"200\"} -1.5\n"
	    "# HELP x_seconds Took.\n"
	    "# TYPE x_seconds histogram\n"
	    "x_seconds_bucket{le=\"0.5\"} 1\n"
	    "x_seconds_bucket{le=\"1\"} 3\n"
	    "x_seconds_bucket{le=\"30\"} 3\n"
	    "x_seconds_bucket{le=\"+Inf\"} 4\n"
	    "x_seconds_sum 62.25\n"
	    "x_seconds_count 4\n"
	    "x_seconds_bucket{port=\"9100\",le=\"0.5\"} 1\n"
	    "x_seconds_bucket{port=\"9100\",le=\"+Inf\"} 1\n"
	    "x_seconds_sum{port=\"9100\"} 0.1\n"
	    "x_seconds_count{port=\"9100\"} 1\n"
	    "# HELP x_things_total Things.\n"
	    "# TYPE x_things_total untyped\n"
	    "x_things_total 1e+20\n");
	ck_assert_uint_eq(e.len, strlen(e.buf));
	expo_fini(&e);
}
END_TEST

START_TEST(escaping)
{
	struct expo e;
	const struct expo_label l[] = { { "v", "a\\b\"c\nd" } };

	expo_init(&e);
	ck_assert_int_eq(expo_family(&e, "x", EXPO_GAUGE, "back\\slash \"quote\"\nline"), 0);
	ck_assert_int_eq(expo_sample(&e, l, 1, 1), 0);
	ck_assert_str_eq(e.buf,
	    "# HELP x back\\\\slash \"quote\"\\nline\n"
	    "# TYPE x gauge\n"
	    "x{v=\"a\\\\b\\\"c\\nd\"} 1\n");
	expo_fini(&e);
}
END_TEST

START_TEST(values)
{
	char b[32];

	ck_assert_str_eq(expo_format_value(0, b, sizeof(b)), "0");
	ck_assert_str_eq(expo_format_value(-0.0, b, sizeof(b)), "-0");
	ck_assert_str_eq(expo_format_value(0.1, b, sizeof(b)), "0.1");
	ck_assert_str_eq(expo_format_value(1.0 / 3, b, sizeof(b)), "0.33333333333333331");
	ck_assert_str_eq(expo_format_value(1763780940.25, b, sizeof(b)), "1763780940.25");
	ck_assert_str_eq(expo_format_value(9007199254740992.0, b, sizeof(b)),
	    "9007199254740992");
	/* the examples expo.h gives */
	ck_assert_str_eq(expo_format_value(300, b, sizeof(b)), "300");
	ck_assert_str_eq(expo_format_value(1.7e9, b, sizeof(b)), "1700000000");
	ck_assert_str_eq(expo_format_value(1e15, b, sizeof(b)), "1e+15");
	ck_assert_str_eq(expo_format_value(0.1 + 0.2, b, sizeof(b)), "0.30000000000000004");
	ck_assert_str_eq(expo_format_value(NAN, b, sizeof(b)), "NaN");
	ck_assert_str_eq(expo_format_value(INFINITY, b, sizeof(b)), "+Inf");
	ck_assert_str_eq(expo_format_value(-INFINITY, b, sizeof(b)), "-Inf");
}
END_TEST

/* A refused call appends nothing; every later call fails too. */
static void
assert_refused(struct expo *e, size_t len_before)
{
	ck_assert_int_ne(e->failed, 0);
	ck_assert_uint_eq(e->len, len_before);
	ck_assert_int_eq(expo_family(e, "later", EXPO_GAUGE, "h"), -1);
	ck_assert_int_eq(expo_sample(e, NULL, 0, 1), -1);
}

START_TEST(refusals)
{
	struct expo e;
	const double up[] = { 1, 2 }, down[] = { 2, 1 }, inf[] = { 1, INFINITY };
	const uint64_t cum[] = { 1, 2 }, dec[] = { 2, 1 };
	const struct expo_label le[] = { { "le", "1" } }, dunder[] = { { "__x", "1" } },
	    badname[] = { { "1x", "1" } }, twice[] = { { "a", "1" }, { "a", "2" } },
	    badutf[] = { { "a", "\xc3(" } };
	size_t len;

#define FRESH(name, type) do { expo_fini(&e); expo_init(&e); \
	ck_assert_int_eq(expo_family(&e, name, type, "h"), 0); len = e.len; } while (0)
	expo_init(&e);
	ck_assert_int_eq(expo_sample(&e, NULL, 0, 1), -1);	/* no family yet */
	ck_assert_str_eq(e.error, "sample before any family");

	FRESH("x", EXPO_GAUGE);
	ck_assert_int_eq(expo_family(&e, "x", EXPO_GAUGE, "again"), -1);
	assert_refused(&e, len);
	FRESH("x", EXPO_HISTOGRAM);
	ck_assert_int_eq(expo_family(&e, "x_count", EXPO_GAUGE, "clash"), -1);
	assert_refused(&e, len);
	FRESH("x_sum", EXPO_GAUGE);
	ck_assert_int_eq(expo_family(&e, "x", EXPO_HISTOGRAM, "clash"), -1);
	assert_refused(&e, len);
	FRESH("x", EXPO_GAUGE);
	ck_assert_int_eq(expo_family(&e, "9x", EXPO_GAUGE, "h"), -1);
	assert_refused(&e, len);
	FRESH("x", EXPO_GAUGE);
	ck_assert_int_eq(expo_family(&e, "y", EXPO_GAUGE, "bad \xff utf-8"), -1);
	assert_refused(&e, len);

	FRESH("x_total", EXPO_COUNTER);
	ck_assert_int_eq(expo_sample(&e, NULL, 0, -1), -1);
	assert_refused(&e, len);
	FRESH("x_total", EXPO_COUNTER);
	ck_assert_int_eq(expo_sample(&e, NULL, 0, NAN), -1);
	assert_refused(&e, len);
	FRESH("x", EXPO_GAUGE);
	ck_assert_int_eq(expo_sample(&e, dunder, 1, 1), -1);
	assert_refused(&e, len);
	FRESH("x", EXPO_GAUGE);
	ck_assert_int_eq(expo_sample(&e, badname, 1, 1), -1);
	assert_refused(&e, len);
	FRESH("x", EXPO_GAUGE);
	ck_assert_int_eq(expo_sample(&e, twice, 2, 1), -1);
	assert_refused(&e, len);
	FRESH("x", EXPO_GAUGE);
	ck_assert_int_eq(expo_sample(&e, badutf, 1, 1), -1);
	assert_refused(&e, len);
	FRESH("x", EXPO_GAUGE);
	ck_assert_int_eq(expo_histogram(&e, NULL, 0, up, cum, 2, 2, 1), -1);
	assert_refused(&e, len);

	FRESH("x", EXPO_HISTOGRAM);
	ck_assert_int_eq(expo_sample(&e, NULL, 0, 1), -1);
	assert_refused(&e, len);
	FRESH("x", EXPO_HISTOGRAM);
	ck_assert_int_eq(expo_histogram(&e, le, 1, up, cum, 2, 2, 1), -1);
	assert_refused(&e, len);
	FRESH("x", EXPO_HISTOGRAM);
	ck_assert_int_eq(expo_histogram(&e, NULL, 0, down, cum, 2, 2, 1), -1);
	assert_refused(&e, len);
	FRESH("x", EXPO_HISTOGRAM);
	ck_assert_int_eq(expo_histogram(&e, NULL, 0, inf, cum, 2, 2, 1), -1);
	assert_refused(&e, len);
	FRESH("x", EXPO_HISTOGRAM);
	ck_assert_int_eq(expo_histogram(&e, NULL, 0, up, dec, 2, 2, 1), -1);
	assert_refused(&e, len);
	FRESH("x", EXPO_HISTOGRAM);
	ck_assert_int_eq(expo_histogram(&e, NULL, 0, up, cum, 2, 1, 1), -1);	/* > count */
	assert_refused(&e, len);
	expo_fini(&e);
#undef FRESH
}
END_TEST

START_TEST(names)
{
	ck_assert(expo_valid_metric_name("a:b_c9"));
	ck_assert(expo_valid_metric_name("_x"));
	ck_assert(!expo_valid_metric_name(""));
	ck_assert(!expo_valid_metric_name("9a"));
	ck_assert(!expo_valid_metric_name("a-b"));
	ck_assert(!expo_valid_metric_name("a.b"));
	ck_assert(expo_valid_label_name("port"));
	ck_assert(!expo_valid_label_name("a:b"));
	ck_assert(!expo_valid_label_name(""));
}
END_TEST

START_TEST(grows)
{
	struct expo e;
	char name[32];

	expo_init(&e);
	for (int i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "m%d", i);
		ck_assert_int_eq(expo_family(&e, name, EXPO_GAUGE, "A long enough help text."), 0);
		ck_assert_int_eq(expo_sample(&e, NULL, 0, i), 0);
	}
	ck_assert_uint_eq(e.len, strlen(e.buf));
	ck_assert_ptr_nonnull(strstr(e.buf, "\nm1999 1999\n"));
	expo_fini(&e);
}
END_TEST

static void
add_tests(void)
{
	ADD(golden_bytes);
	ADD(escaping);
	ADD(values);
	ADD(refusals);
	ADD(names);
	ADD(grows);
}
