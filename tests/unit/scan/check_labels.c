/*
 * check_labels.c: -labels parsing: names, values, and every refusal as one line.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "labels.h"
#include "check_main.h"

START_TEST(parsed_in_order)
{
	struct labelset ls;
	char err[256];

	ck_assert_int_eq(labels_parse(&ls, " site=ams1 ,env=prod,_x=a=b,Zone=\xc3\xa9t\xc3\xa9 1",
	    err, sizeof(err)), 0);
	ck_assert_uint_eq(ls.n, 4);
	ck_assert_str_eq(ls.v[0].name, "site");
	ck_assert_str_eq(ls.v[0].value, "ams1");
	ck_assert_str_eq(ls.v[1].name, "env");
	ck_assert_str_eq(ls.v[2].name, "_x");
	ck_assert_str_eq(ls.v[2].value, "a=b");	/* the first '=' ends the name */
	ck_assert_str_eq(ls.v[3].value, "\xc3\xa9t\xc3\xa9 1");
	labels_fini(&ls);
	ck_assert_int_eq(labels_parse(&ls, "", err, sizeof(err)), 0);
	ck_assert_uint_eq(ls.n, 0);
	labels_fini(&ls);
	ck_assert_int_eq(labels_parse(&ls, "  ", err, sizeof(err)), 0);
	ck_assert_uint_eq(ls.n, 0);
	labels_fini(&ls);
	labels_fini(&ls);	/* twice is fine */
}
END_TEST

START_TEST(refused)
{
	static const struct { const char *list, *err; } bad[] = {
		{ "site", "label 'site': NAME=VALUE expected" },
		{ "=ams1", "label '=ams1': empty name" },
		{ "site=", "label 'site': empty value (Prometheus drops a label whose value is "
		  "empty)" },
		{ "si te=a", "label name 'si te' is not a Prometheus label name "
		  "([a-zA-Z_][a-zA-Z0-9_]*)" },
		{ "1site=a", "label name '1site' is not a Prometheus label name "
		  "([a-zA-Z_][a-zA-Z0-9_]*)" },
		{ "site.x=a", "label name 'site.x' is not a Prometheus label name "
		  "([a-zA-Z_][a-zA-Z0-9_]*)" },
		{ "__meta_sd_port_name=x", "label name '__meta_sd_port_name': names starting with "
		  "'__' are reserved (Prometheus and sd-scan's own __meta_sd_ labels)" },
		{ "__address__=x", "label name '__address__': names starting with '__' are reserved "
		  "(Prometheus and sd-scan's own __meta_sd_ labels)" },
		{ "site=a,site=b", "label 'site' is given twice" },
		{ "site=a,", "empty label in list 'site=a,'" },
		{ "site=a,,env=b", "empty label in list 'site=a,,env=b'" },
		{ "site=\xff", "label 'site': value is not valid UTF-8" },
		{ "site=\xc0\xaf", "label 'site': value is not valid UTF-8" },
		{ "site=\xed\xa0\x80", "label 'site': value is not valid UTF-8" },
	};
	struct labelset ls;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(labels_parse(&ls, bad[i].list, err, sizeof(err)) == -1,
		    "accepted '%s'", bad[i].list);
		ck_assert_str_eq(err, bad[i].err);
		ck_assert_ptr_null(ls.v);
		ck_assert_uint_eq(ls.n, 0);
	}
}
END_TEST

START_TEST(bounds)
{
	char list[LABELS_MAX * 8 + 16], value[LABELS_VALUE_MAX + 8], name[LABELS_NAME_MAX + 8];
	struct labelset ls;
	char err[256];
	size_t o = 0;

	for (int i = 0; i <= LABELS_MAX; i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%sl%d=v", i ? "," : "", i);
	ck_assert_int_eq(labels_parse(&ls, list, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "more than 64 labels");
	*strrchr(list, ',') = '\0';
	ck_assert_int_eq(labels_parse(&ls, list, err, sizeof(err)), 0);
	ck_assert_uint_eq(ls.n, LABELS_MAX);
	labels_fini(&ls);
	memcpy(value, "v=", 2);
	memset(value + 2, 'x', LABELS_VALUE_MAX + 1);
	value[LABELS_VALUE_MAX + 3] = '\0';
	ck_assert_int_eq(labels_parse(&ls, value, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "label 'v': value longer than 1024 bytes");
	value[LABELS_VALUE_MAX + 2] = '\0';
	ck_assert_int_eq(labels_parse(&ls, value, err, sizeof(err)), 0);
	labels_fini(&ls);
	memset(name, 'n', LABELS_NAME_MAX + 1);
	memcpy(name + LABELS_NAME_MAX + 1, "=v", 3);
	ck_assert_int_eq(labels_parse(&ls, name, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "label name 'nnnnnnnnnnnnnnnn...' is longer than 128 bytes");
}
END_TEST

static void
add_tests(void)
{
	ADD(parsed_in_order);
	ADD(refused);
	ADD(bounds);
}
