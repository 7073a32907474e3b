/*
 * check_yamlread.c: the shared libyaml event reader: events in order with their lines,
 * aliases refused (anchors too with YAMLREAD_NO_ANCHORS), the two syntax-error wordings,
 * the "line N:" prefix, and the quoting of a bad value.
 */
#include <check.h>
#include <string.h>

#include "yamlread.h"
#include "check_main.h"

/* Read buf to its end or its first failure with flags; the failure's message in err. */
static int
read_all(const char *buf, int flags, char *err, size_t errlen, size_t *line)
{
	struct yamlread r;
	int rc = 0;

	ck_assert_int_eq(yamlread_init(&r, buf, strlen(buf), flags, err, errlen), 0);
	do
		rc = yamlread_next(&r);
	while (rc == 0 && r.ev.type != YAML_STREAM_END_EVENT);
	yamlread_fini(&r);
	*line = r.line;
	return rc;
}

START_TEST(events_and_lines)
{
	struct yamlread r;
	char err[200];
	static const yaml_event_type_t want[] = {
		YAML_STREAM_START_EVENT, YAML_DOCUMENT_START_EVENT, YAML_MAPPING_START_EVENT,
		YAML_SCALAR_EVENT, YAML_SEQUENCE_START_EVENT, YAML_SCALAR_EVENT,
		YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT, YAML_DOCUMENT_END_EVENT,
		YAML_STREAM_END_EVENT,
	};
	static const size_t lines[] = { 1, 1, 1, 1, 2, 2, 3, 3, 3, 3 };
	const char *in = "k:\n- &a v\n";

	ck_assert_int_eq(yamlread_init(&r, in, strlen(in), 0, err, sizeof(err)), 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ck_assert_int_eq(yamlread_next(&r), 0);
		ck_assert_int_eq(r.ev.type, want[i]);
		ck_assert_uint_eq(yamlread_line(&r), lines[i]);
	}
	yamlread_fini(&r);
	yamlread_fini(&r);	/* twice is fine */
}
END_TEST

START_TEST(aliases)
{
	char err[200];
	size_t line;

	ck_assert_int_eq(read_all("a: &x 1\nb: *x\n", 0, err, sizeof(err), &line), -1);
	ck_assert_str_eq(err, "line 2: YAML aliases (*x) are not supported");
	ck_assert_uint_eq(line, 2);
	ck_assert_int_eq(read_all("a: &x 1\nb: *x\n", YAMLREAD_NO_ANCHORS, err, sizeof(err),
	    &line), -1);
	ck_assert_str_eq(err, "line 1: anchors and aliases are not allowed");
	ck_assert_int_eq(read_all("- &s [1]\n", YAMLREAD_NO_ANCHORS, err, sizeof(err), &line),
	    -1);
	ck_assert_str_eq(err, "line 1: anchors and aliases are not allowed");
	ck_assert_int_eq(read_all("- &s [1]\n", 0, err, sizeof(err), &line), 0);
}
END_TEST

START_TEST(syntax_errors)
{
	char err[200];
	size_t line;

	ck_assert_int_eq(read_all("a: [1\n", 0, err, sizeof(err), &line), -1);
	ck_assert_str_eq(err, "line 2: not YAML: did not find expected ',' or ']' while parsing "
	    "a flow sequence");
	ck_assert_int_eq(read_all("a: [1\n", YAMLREAD_TERSE_SYNTAX, err, sizeof(err), &line), -1);
	ck_assert_str_eq(err, "line 2: YAML syntax error: did not find expected ',' or ']'");
	ck_assert_uint_eq(line, 2);
}
END_TEST

START_TEST(fail_and_shown)
{
	struct yamlread r;
	char err[200], buf[YAMLREAD_SHOWN_MAX + 1];
	/* 39 ASCII bytes, then a 2-byte character across the 40-byte cut, then a control */
	const char *long_utf8 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xc3\xa9z";

	ck_assert_int_eq(yamlread_init(&r, "", 0, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(yamlread_fail(&r, 7, "bad '%s'", "x"), -1);
	ck_assert_str_eq(err, "line 7: bad 'x'");
	ck_assert_uint_eq(r.line, 7);
	ck_assert_int_eq(yamlread_fail(&r, 0, "no line"), -1);
	ck_assert_str_eq(err, "no line");
	yamlread_fini(&r);
	ck_assert_str_eq(yamlread_shown("a\tb\x7f", buf), "a?b?");
	ck_assert_uint_eq(strlen(yamlread_shown(long_utf8, buf)), 39);
}
END_TEST

static void
add_tests(void)
{
	ADD(events_and_lines);
	ADD(aliases);
	ADD(syntax_errors);
	ADD(fail_and_shown);
}
