/*
 * check_portlist.c: port lists and ranges.
 */
#include <check.h>

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

static void
add_tests(void)
{
	ADD(lists_and_ranges);
	ADD(errors);
}
