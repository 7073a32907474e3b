/*
 * check_httpsd.c: the http_sd module: the renderer escapes exactly as json-c did (so files
 * and bodies keep their bytes), a rendered list parses back to the same bytes, the parser's
 * strictness and messages (byte positions, group errors in json-c's order), repeated keys,
 * Unicode, nesting, and the compact form (label names shared between groups).
 */
#define _GNU_SOURCE
#include <check.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpsd.h"
#include "check_main.h"

static char err[512];

static int
parse(const char *s, struct httpsd_list *l)
{
	httpsd_init(l);
	err[0] = '\0';
	return httpsd_parse(s, strlen(s), l, err, sizeof(err));
}

static const char *
parse_err(const char *s)
{
	struct httpsd_list l;

	ck_assert_msg(parse(s, &l) == -1, "accepted %s", s);
	httpsd_fini(&l);
	ck_assert_ptr_null(strchr(err, '\n'));
	return err;
}

/* Parse s and render it again. */
static char *
again(const char *s)
{
	struct httpsd_list l;
	char *out;
	size_t len;

	ck_assert_msg(parse(s, &l) == 0, "%s: %s", s, err);
	ck_assert_int_eq(httpsd_format(&l, &out, &len, NULL), 0);
	ck_assert_uint_eq(strlen(out), len);
	httpsd_fini(&l);
	return out;
}

#define AGAIN_EQ(in, want) do {					\
	char *a_ = again(in);					\
	ck_assert_str_eq(a_, want);				\
	free(a_);						\
} while (0)

START_TEST(escapes_as_json_c)
{
	/* every byte 1..127 and some UTF-8, against json-c's own rendering of the string */
	char s[200];
	struct json_object *o;
	struct httpsd_list l;
	struct strbuf b = { 0 };
	const char *want;
	char *w;
	size_t n = 0;

	for (int c = 1; c < 128; c++)
		s[n++] = (char)c;
	memcpy(s + n, "\xc3\xa9\xe2\x80\xa8\xf0\x9f\x98\x80", 9);
	n += 9;
	s[n] = '\0';
	o = json_object_new_string(s);
	want = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
	httpsd_init(&l);
	ck_assert_int_eq(httpsd_group_add(&l), 0);
	ck_assert_int_eq(httpsd_target_add(&l, s, n), 0);
	ck_assert_int_eq(httpsd_label_add(&l, "k", s), 0);
	ck_assert_int_eq(httpsd_group_format(&b, &l, 0, NULL, 0), 0);
	ck_assert_int_gt(asprintf(&w, "{\"targets\":[%s],\"labels\":{\"k\":%s}}", want, want), 0);
	ck_assert_str_eq(b.p, w);
	free(w);
	free(b.p);
	json_object_put(o);
	httpsd_fini(&l);
}
END_TEST

START_TEST(writer_frames_the_list)
{
	struct httpsd_list l;
	char *out;
	size_t len, *offs;

	httpsd_init(&l);
	ck_assert_int_eq(httpsd_format(&l, &out, &len, NULL), 0);
	ck_assert_str_eq(out, "[]\n");
	free(out);
	ck_assert_int_eq(httpsd_target_add(&l, "a:1", 3), -1);	/* no group yet */
	ck_assert_int_eq(httpsd_group_add(&l), 0);
	ck_assert_int_eq(httpsd_target_add(&l, "a:1", 3), 0);
	ck_assert_int_eq(httpsd_label_add(&l, "x", "1"), 0);
	ck_assert_int_eq(httpsd_group_add(&l), 0);
	ck_assert_int_eq(httpsd_format(&l, &out, &len, &offs), 0);
	ck_assert_str_eq(out, "[\n{\"targets\":[\"a:1\"],\"labels\":{\"x\":\"1\"}},\n"
	    "{\"targets\":[],\"labels\":{}}\n]\n");
	ck_assert_uint_eq(offs[0], 2);
	ck_assert_int_eq(out[offs[1]], '{');
	ck_assert_int_eq(out[offs[1] - 2], ',');
	free(offs);
	free(out);
	httpsd_fini(&l);
	httpsd_fini(NULL);
}
END_TEST

START_TEST(rendered_lists_are_fixed_points)
{
	static const char *const canonical[] = {
		"[]\n",
		"[\n{\"targets\":[\"a:1\",\"b:2\"],\"labels\":{\"__meta_sd_ip\":\"10.0.0.1\"}},\n"
		"{\"targets\":[\"c\\\\d\\\"e:3\"],\"labels\":{\"q\":\"x/y\\n\\u001f\"}}\n]\n",
	};

	for (size_t i = 0; i < sizeof(canonical) / sizeof(canonical[0]); i++)
		AGAIN_EQ(canonical[i], canonical[i]);
	/* escapes are decoded and written the one way; null and absent mean none */
	AGAIN_EQ(" [{\"labels\":null,\"targets\":[\"\\u0068\\/\\t\\u00e9\"]},{\"targets\":null}] ",
	    "[\n{\"targets\":[\"h/\\t\xc3\xa9\"],\"labels\":{}},\n"
	    "{\"targets\":[],\"labels\":{}}\n]\n");
}
END_TEST

START_TEST(unicode)
{
	/* a pair is one character; a lone surrogate becomes U+FFFD, as json-c and Go do */
	AGAIN_EQ("[{\"targets\":[\"\\ud83d\\ude00\",\"\\ud800\",\"\\udc00x\",\"\\ud800\\u0041\"]}]",
	    "[\n{\"targets\":[\"\xf0\x9f\x98\x80\",\"\xef\xbf\xbd\",\"\xef\xbf\xbdx\","
	    "\"\xef\xbf\xbd" "A\"],\"labels\":{}}\n]\n");
	/* raw control characters pass (json-c let them) and come out escaped */
	AGAIN_EQ("[{\"targets\":[\"a\tb\x01\"]}]",
	    "[\n{\"targets\":[\"a\\tb\\u0001\"],\"labels\":{}}\n]\n");
	/* not UTF-8: overlong, a UTF-16 surrogate, past U+10FFFF, a cut sequence */
	ck_assert_str_eq(parse_err("[{\"targets\":[\"\xc0\xaf\"]}]"),
	    "JSON syntax error at byte 14: invalid utf-8 string");
	parse_err("[{\"targets\":[\"\xed\xa0\x80\"]}]");
	parse_err("[{\"targets\":[\"\xf4\x90\x80\x80\"]}]");
	parse_err("[{\"targets\":[\"\xe2\x80\"]}]");
	ck_assert_str_eq(parse_err("\xef\xbb\xbf[]"),
	    "JSON syntax error at byte 0: unexpected character");
	{
		struct httpsd_list l;

		httpsd_init(&l);
		ck_assert_int_eq(httpsd_parse("[\"a\0b\"]", 7, &l, err, sizeof(err)), -1);
		ck_assert_str_eq(err, "JSON syntax error at byte 3: unexpected end of data");
		httpsd_fini(&l);
	}
}
END_TEST

START_TEST(strict_json)
{
	static const char *const bad[] = { "['a']", "[1,]", "[01]", "[1.]", "[.5]", "[-]",
	    "[True]", "[nul]", "[/*c*/]", "[\"\\x\"]", "[\"\\u12\"]", "{\"a\":1,}", "[1 2]",
	    "{\"a\" 1}", "{1:2}", "[\f]", "[]]", "[] []" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_ptr_nonnull(strstr(parse_err(bad[i]), "JSON "));
	ck_assert_str_eq(parse_err("[1 2]"),
	    "JSON syntax error at byte 3: array value separator ',' expected");
	ck_assert_str_eq(parse_err("[{\"targets\" 1}]"),
	    "JSON syntax error at byte 12: object property name separator ':' expected");
	ck_assert_str_eq(parse_err("[{1:2}]"),
	    "JSON syntax error at byte 2: quoted object property name expected");
	ck_assert_str_eq(parse_err("[{\"targets\":[\"a:1\"] \"labels\":{}}]"),
	    "JSON syntax error at byte 20: object value separator ',' expected");
	{
		struct httpsd_list l;

		httpsd_init(&l);
		ck_assert_int_eq(httpsd_parse("[]\0", 3, &l, err, sizeof(err)), -1);
		ck_assert_str_eq(err, "JSON syntax error at byte 2: data after the list");
		httpsd_fini(&l);
	}
	/* a syntax error anywhere wins over a group's error before it */
	ck_assert_str_eq(parse_err("[{\"extra\":1}, {\"targets\":[}]"),
	    "JSON syntax error at byte 26: unexpected character");
	/* values the contract refuses are still read strictly */
	ck_assert_str_eq(parse_err("[{\"x\":[1,{\"y\":[true,false,null,-1.5e+3,\"\\u00e9\"]}]}]"),
	    "group 1: unknown key 'x' (only targets and labels)");
}
END_TEST

/* Parse a group whose unknown key holds n nested arrays. */
static int
parse_nested(int n)
{
	struct httpsd_list l;
	char s[200];
	size_t len = (size_t)snprintf(s, sizeof(s), "[{\"x\":");
	int rc;

	for (int i = 0; i < n; i++)
		s[len++] = '[';
	for (int i = 0; i < n; i++)
		s[len++] = ']';
	snprintf(s + len, sizeof(s) - len, "}]");
	rc = parse(s, &l);
	httpsd_fini(&l);
	return rc;
}

START_TEST(nesting_is_bounded)
{
	/* the list, a group, an unknown key's value: 32 levels in all are read, as json-c did */
	ck_assert_int_eq(parse_nested(30), -1);
	ck_assert_str_eq(err, "group 1: unknown key 'x' (only targets and labels)");
	ck_assert_int_eq(parse_nested(31), -1);
	ck_assert_str_eq(err, "JSON syntax error at byte 36: nesting too deep");
}
END_TEST

START_TEST(group_errors_in_order)
{
	/* an unknown key first, then targets, then labels, whatever their order in the group */
	ck_assert_str_eq(parse_err("[{\"labels\":[],\"targets\":5,\"zz\":1}]"),
	    "group 1: unknown key 'zz' (only targets and labels)");
	ck_assert_str_eq(parse_err("[{\"labels\":[],\"targets\":5}]"),
	    "group 1: targets is not an array");
	ck_assert_str_eq(parse_err("[{\"labels\":{\"a-b\":1},\"targets\":[\"\",3]}]"),
	    "group 1: target 1 is empty");
	ck_assert_str_eq(parse_err("[{\"labels\":{\"ok\":1,\"a-b\":\"x\"}}]"),
	    "group 1: label ok is not a string");
	ck_assert_str_eq(parse_err("[{}, {\"targets\":[\"a:1\"]}, 7, {\"x\":1}]"),
	    "group 3 is not an object");
	/* a name is shown one line long, control characters as '?' */
	ck_assert_str_eq(parse_err("[{\"a\\nb\":1}]"),
	    "group 1: unknown key 'a?b' (only targets and labels)");
	ck_assert_str_eq(parse_err("[{\"labels\":{\"a\\u0000b\":\"x\"}}]"),
	    "group 1: label name 'a?b' is not [a-zA-Z_][a-zA-Z0-9_]*");
	ck_assert_str_eq(parse_err("[{\"targets\\u0000\":[]}]"),
	    "group 1: unknown key 'targets?' (only targets and labels)");
}
END_TEST

START_TEST(repeated_keys_keep_first_place_last_value)
{
	char s[4096];
	size_t n;

	AGAIN_EQ("[{\"targets\":[5],\"labels\":{\"b\":1,\"a\":\"1\",\"b\":\"2\"},"
	    "\"targets\":[\"t:1\"]}]",
	    "[\n{\"targets\":[\"t:1\"],\"labels\":{\"b\":\"2\",\"a\":\"1\"}}\n]\n");
	ck_assert_str_eq(parse_err("[{\"labels\":{\"b\":\"1\",\"b\":2}}]"),
	    "group 1: label b is not a string");
	AGAIN_EQ("[{\"labels\":[],\"labels\":{\"x\":\"y\"}}]",
	    "[\n{\"targets\":[],\"labels\":{\"x\":\"y\"}}\n]\n");
	/* a group of many labels (sorted, not compared pairwise) */
	n = (size_t)snprintf(s, sizeof(s), "[{\"labels\":{");
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n, "%s\"l%d\":\"%d\"", i ? "," : "",
		    i % 20, i);
	snprintf(s + n, sizeof(s) - n, "}}]");
	{
		char *out = again(s), want[2048];

		n = (size_t)snprintf(want, sizeof(want), "[\n{\"targets\":[],\"labels\":{");
		for (int i = 0; i < 20; i++)
			n += (size_t)snprintf(want + n, sizeof(want) - n, "%s\"l%d\":\"%d\"",
			    i ? "," : "", i, i + 20);
		snprintf(want + n, sizeof(want) - n, "}}\n]\n");
		ck_assert_str_eq(out, want);
		free(out);
	}
}
END_TEST

START_TEST(compact_form)
{
	struct httpsd_list l;
	size_t count, offs[2];
	const char *two =
	    "[{\"targets\":[\"a:1\"],\"labels\":{\"__meta_sd_hostname\":\"a\",\"__meta_sd_ip\":\"b\"}},"
	    "{\"targets\":[\"c:1\",\"d:2\"],\"labels\":{\"__meta_sd_hostname\":\"c\","
	    "\"__meta_sd_ip\":\"d\"}}]";
	const char *escaped =
	    "[{\"labels\":{\"\\u0061\":\"1\"}},{\"labels\":{\"\\u0061\":\"2\",\"b\":\"\\n\"}}]";
	char *canon;
	size_t len;

	/* strings without escapes are not copied: the list points into the input */
	ck_assert_int_eq(parse(two, &l), 0);
	ck_assert_uint_eq(l.ngroups, 2);
	ck_assert_uint_eq(l.ntargets, 3);
	ck_assert_uint_eq(l.nlabels, 4);
	ck_assert_uint_eq(l.arena_len, 0);
	ck_assert_ptr_eq(httpsd_bytes(&l, l.targets[2]), strstr(two, "d:2"));
	/* the input is not in the form httpsd_format gives; the form itself is */
	ck_assert_int_eq(httpsd_format_is(&l, two, strlen(two), offs), 0);
	ck_assert_int_eq(httpsd_format(&l, &canon, &len, NULL), 0);
	ck_assert_int_eq(httpsd_format_is(&l, canon, len, offs), 1);
	ck_assert_int_eq(canon[offs[1]], '{');
	ck_assert_int_eq(httpsd_format_is(&l, canon, len - 1, offs), 0);
	free(canon);
	httpsd_fini(&l);
	/* decoded names are copied once: the next group's equal name shares the bytes */
	ck_assert_int_eq(parse(escaped, &l), 0);
	ck_assert_uint_eq(l.nlabels, 3);
	ck_assert_uint_eq(l.labels[1].name.off, l.labels[0].name.off);
	ck_assert_uint_eq(l.arena_len, 2);	/* "a" and "\n" */
	httpsd_fini(&l);

	ck_assert_int_eq(httpsd_count(two, strlen(two), &count, err, sizeof(err)), 0);
	ck_assert_uint_eq(count, 3);
	ck_assert_int_eq(httpsd_count("[5]", 3, &count, err, sizeof(err)), -1);
	ck_assert_uint_eq(count, 0);
	ck_assert_int_eq(httpsd_parse("[]", (size_t)HTTPSD_MAX_BYTES + 1, &l, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "larger than 268435456 bytes");
	httpsd_init(&l);
	ck_assert_int_eq(httpsd_format_is(&l, "[]\n", 3, offs), 1);
	ck_assert_int_eq(httpsd_format_is(&l, "[]", 2, offs), 0);
}
END_TEST

static void
add_tests(void)
{
	ADD(escapes_as_json_c);
	ADD(writer_frames_the_list);
	ADD(rendered_lists_are_fixed_points);
	ADD(unicode);
	ADD(strict_json);
	ADD(nesting_is_bounded);
	ADD(group_errors_in_order);
	ADD(repeated_keys_keep_first_place_last_value);
	ADD(compact_form);
}
