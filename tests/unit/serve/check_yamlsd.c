/*
 * check_yamlsd.c: file_sd YAML into the compact list: the forms Prometheus accepts, the
 * contract errors with their lines, and the hostile inputs (aliases, anchors, nesting).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "yamlsd.h"
#include "check_main.h"

static char err[512];
static size_t line;

/* The list of s rendered as http_sd JSON (malloc'd), or NULL with err and line. */
static char *
json_of(const char *s)
{
	struct httpsd_list l;
	char *out = NULL;
	size_t len;

	httpsd_init(&l);
	err[0] = '\0';
	if (yamlsd_parse(s, strlen(s), &l, err, sizeof(err), &line) == 0)
		ck_assert_int_eq(httpsd_format(&l, &out, &len, NULL), 0);
	httpsd_fini(&l);
	return out;
}

static void
is(const char *yaml, const char *json)
{
	char *got = json_of(yaml);

	ck_assert_msg(got != NULL, "%s: %s", yaml, err);
	ck_assert_str_eq(got, json);
	free(got);
}

static void
fails(const char *yaml, const char *msg, size_t at)
{
	char *got = json_of(yaml);

	ck_assert_msg(got == NULL, "accepted %s", yaml);
	ck_assert_str_eq(err, msg);
	ck_assert_uint_eq(line, at);
}

START_TEST(accepted_forms)
{
	is("- targets:\n    - a:1\n    - 'b:2'\n  labels:\n    job: node\n    port: 9100\n",
	    "[\n{\"targets\":[\"a:1\",\"b:2\"],\"labels\":{\"job\":\"node\",\"port\":\"9100\"}}\n]\n");
	is("[{targets: [\"a:1\"]}]", "[\n{\"targets\":[\"a:1\"],\"labels\":{}}\n]\n");
	is("", "[]\n");
	is("---\n", "[]\n");
	is("[]", "[]\n");
	is("- targets: ~\n  labels: null\n", "[\n{\"targets\":[],\"labels\":{}}\n]\n");
	is("- targets: [x:1]\n  labels: {a: ~, b: true}\n",
	    "[\n{\"targets\":[\"x:1\"],\"labels\":{\"a\":\"\",\"b\":\"true\"}}\n]\n");
}
END_TEST

START_TEST(contract_errors)
{
	fails("- targets: [a:1]\n  foo: 1\n", "line 2: group 1: unknown key 'foo' (only targets and "
	    "labels)", 2);
	fails("- targets: a:1\n", "line 1: group 1: targets is not a list", 1);
	fails("- targets: [a:1, '']\n", "line 1: group 1: target 2 is empty", 1);
	fails("- targets: [a:1, [b]]\n", "line 1: group 1: target 2 is not a string", 1);
	fails("- labels: {a-b: x}\n", "line 1: group 1: label name 'a-b' is not "
	    "[a-zA-Z_][a-zA-Z0-9_]*", 1);
	fails("- labels: {a: x, a: y}\n", "line 1: group 1: label a given twice", 1);
	fails("- labels: {a: [x]}\n", "line 1: group 1: label a is not a string", 1);
	fails("- targets: [a]\n  targets: [b]\n", "line 2: group 1: targets given twice", 2);
	fails("a: b\n", "line 1: not a YAML list of target groups", 1);
	fails("- a:1\n", "line 1: group 1 is not a map", 1);
	fails("- []\n", "line 1: group 1 is not a map", 1);
	fails("[]\n---\n[]\n", "line 2: more than one YAML document", 2);
	fails("- targets: [a:1\n", "line 2: YAML syntax error: did not find expected ',' or ']'",
	    2);
}
END_TEST

START_TEST(aliases_refused)
{
	/* a billion laughs: refused at its first anchor, in no time */
	static const char laughs[] =
	    "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
	    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
	    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n";
	static const char in_list[] =
	    "- targets: &t [\"a:1\"]\n- targets: *t\n";

	fails(laughs, "line 1: not a YAML list of target groups", 1);
	fails(in_list, "line 1: anchors and aliases are not allowed", 1);
	fails("- &g {targets: [a:1]}\n- *g\n", "line 1: anchors and aliases are not allowed", 1);
	fails("- targets: [a:1]\n  labels: {x: *y}\n", "line 2: anchors and aliases are not "
	    "allowed", 2);
	fails("- targets: [a:1]\n  labels: &l {x: y}\n", "line 2: anchors and aliases are not "
	    "allowed", 2);
}
END_TEST

START_TEST(deep_nesting_is_quick)
{
	size_t n = 4 * 1024 * 1024;
	char *s = malloc(n + 1);
	clock_t t0 = clock();

	memset(s, '[', n);
	s[n] = '\0';
	ck_assert_ptr_null(json_of(s));
	ck_assert_str_eq(err, "line 1: group 1 is not a map");
	ck_assert_double_lt((double)(clock() - t0) / CLOCKS_PER_SEC, 1.0);
	free(s);
}
END_TEST

static void
add_tests(void)
{
	ADD(accepted_forms);
	ADD(contract_errors);
	ADD(aliases_refused);
	ADD(deep_nesting_is_quick);
}
