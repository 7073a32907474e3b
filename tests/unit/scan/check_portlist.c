/*
 * check_portlist.c: port lists and ranges, and their names.
 */
#include <check.h>
#include <string.h>

#include "portlist.h"
#include "check_main.h"

START_TEST(lists_and_ranges)
{
	struct portlist pl;
	char err[128];

	ck_assert_int_eq(portlist_parse(&pl, "9100, 8080,9100,9200-9202,9201", err, sizeof(err)), 0);
	ck_assert_uint_eq(pl.n, 5);
	ck_assert_uint_eq(pl.ports[0], 8080);
	ck_assert_uint_eq(pl.ports[1], 9100);
	ck_assert_uint_eq(pl.ports[4], 9202);
	ck_assert_int_eq(portlist_contains(&pl, 9201), 1);
	ck_assert_int_eq(portlist_contains(&pl, 9203), 0);
	portlist_fini(&pl);
	ck_assert_int_eq(portlist_parse(&pl, "1-65535", err, sizeof(err)), 0);
	ck_assert_uint_eq(pl.n, 65535);
	portlist_fini(&pl);
}
END_TEST

START_TEST(errors)
{
	static const char *const bad[] = { "0", "65536", "", "9100,", ",9100", "abc", "9105-9100",
	    "-5", "9100-", "1-2-3", "99999999999999999999", " ", "9100 9200" };
	struct portlist pl;
	char err[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(portlist_parse(&pl, bad[i], err, sizeof(err)) == -1, "accepted '%s'",
		    bad[i]);
		ck_assert_ptr_null(pl.ports);
	}
	portlist_parse(&pl, "70000", err, sizeof(err));
	ck_assert_str_eq(err, "port '70000': ports are 1 to 65535");
	/* a number too big for 64 bits is still a range error; a word keeps the parser's reason */
	portlist_parse(&pl, "99999999999999999999", err, sizeof(err));
	ck_assert_str_eq(err, "port '99999999999999999999': ports are 1 to 65535");
	portlist_parse(&pl, "abc", err, sizeof(err));
	ck_assert_str_eq(err, "port 'abc': not a whole number");
	portlist_parse(&pl, "9105-9100", err, sizeof(err));
	ck_assert_str_eq(err, "port range '9105-9100' runs backwards");
	ck_assert_int_eq(portlist_parse(&pl, "9100 9200", err, sizeof(err)), -1);
	ck_assert_str_eq(err, "port '9100 9200': separate ports with commas, not spaces");
}
END_TEST

START_TEST(names)
{
	struct portlist pl;
	char err[160];

	ck_assert_int_eq(portlist_parse(&pl, "9100=node, 8080=livesegmenter,9090,9200-9202=es_2.x-y,"
	    "9300=node", err, sizeof(err)), 0);
	ck_assert_uint_eq(pl.n, 7);
	ck_assert_uint_eq(pl.nnames, 3);
	ck_assert_str_eq(portlist_name(&pl, 9100), "node");
	ck_assert_str_eq(portlist_name(&pl, 9300), "node");
	ck_assert_ptr_eq(portlist_name(&pl, 9100), portlist_name(&pl, 9300));	/* kept once */
	ck_assert_str_eq(portlist_name(&pl, 8080), "livesegmenter");
	ck_assert_str_eq(portlist_name(&pl, 9201), "es_2.x-y");
	ck_assert_ptr_null(portlist_name(&pl, 9090));
	ck_assert_ptr_null(portlist_name(&pl, 9203));
	ck_assert_int_eq(portlist_contains(&pl, 9202), 1);
	portlist_fini(&pl);
	/* no name: no table, and a bare port may still be listed twice */
	ck_assert_int_eq(portlist_parse(&pl, "9100,9100,9099-9101", err, sizeof(err)), 0);
	ck_assert_ptr_null(pl.name_of);
	ck_assert_ptr_null(portlist_name(&pl, 9100));
	portlist_fini(&pl);
	ck_assert_int_eq(portlist_parse(&pl, "1-65535=all", err, sizeof(err)), 0);
	ck_assert_str_eq(portlist_name(&pl, 65535), "all");
	portlist_fini(&pl);
	ck_assert_int_eq(portlist_name_valid("_a"), 1);
	ck_assert_int_eq(portlist_name_valid("a b"), 0);
	ck_assert_int_eq(portlist_name_valid("9a"), 0);
	ck_assert_int_eq(portlist_name_valid(".a"), 0);
	ck_assert_int_eq(portlist_name_valid(""), 0);
}
END_TEST

START_TEST(name_errors)
{
	static const struct { const char *list, *err; } bad[] = {
		{ "9100=", "port '9100=': empty name after '='" },
		{ "9100=my node", "port name 'my node' has a space: a name is letters, digits, '_', "
		  "'.' and '-', starting with a letter or '_'" },
		{ "9100=9x", "port name '9x': a name is letters, digits, '_', '.' and '-', starting "
		  "with a letter or '_'" },
		{ "9100=a\"b", "port name 'a\"b': a name is letters, digits, '_', '.' and '-', "
		  "starting with a letter or '_'" },
		{ "9100=node,9100=node", "port 9100 is named 'node' twice; name each port once" },
		{ "9100=node,9100=web", "port 9100 is named both 'node' and 'web'" },
		{ "9100=node,9100", "port 9100 is named 'node' and also listed without a name" },
		{ "9099-9101,9100=node", "port 9100 is named 'node' and also listed without a name" },
		{ "9100=a=b", "port name 'a=b': a name is letters, digits, '_', '.' and '-', "
		  "starting with a letter or '_'" },
		{ "=node", "port '=node': empty number" },
		{ "9100 =node", "port '9100 =node': separate ports with commas, not spaces" },
		{ "9100=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "port name 'aaaaaaaaaaaaaaaaaaaa...' is longer than 63 characters" },
	};
	struct portlist pl;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(portlist_parse(&pl, bad[i].list, err, sizeof(err)) == -1,
		    "accepted '%s'", bad[i].list);
		ck_assert_str_eq(err, bad[i].err);
		ck_assert_ptr_null(pl.ports);
		ck_assert_ptr_null(pl.names);
		ck_assert_ptr_null(pl.name_of);
	}
}
END_TEST

static void
add_tests(void)
{
	ADD(lists_and_ranges);
	ADD(errors);
	ADD(names);
	ADD(name_errors);
}
