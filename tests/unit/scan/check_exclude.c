/*
 * check_exclude.c: -exclude lists and -exclude-file text (comments, blank lines, CRLF, line
 * numbers in errors) and their effect on the address set: what each exclusion removed,
 * the warnings for overlapping and empty exclusions, and a set emptied by them.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exclude.h"
#include "check_main.h"

struct notes {
	char	 text[8][512];
	int	 n;
};

static void
note(void *ctx, const char *msg)
{
	struct notes *w = ctx;

	ck_assert_int_lt(w->n, 8);
	snprintf(w->text[w->n++], sizeof(w->text[0]), "%s", msg);
}

START_TEST(list)
{
	struct exclusions ex = { 0 };
	char err[256];

	ck_assert_int_eq(exclude_parse_list(&ex, "", NULL, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(ex.n, 0);
	ck_assert_int_eq(exclude_parse_list(&ex, " 10.0.0.1 ,10.0.9.0/24", NULL, NULL, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(ex.n, 2);
	ck_assert_uint_eq(ex.from_list, 2);
	ck_assert_str_eq(ex.v[0].text, "10.0.0.1");
	ck_assert(ex.v[0].first == cidr_v4(0x0a000001u));
	ck_assert(ex.v[0].last == cidr_v4(0x0a000001u));
	ck_assert(ex.v[1].first == cidr_v4(0x0a000900u));
	ck_assert(ex.v[1].last == cidr_v4(0x0a0009ffu));
	ck_assert_uint_eq(ex.v[1].line, 0);
	ck_assert_int_eq(exclude_parse_list(&ex, "10.0.0.1,,10.0.0.2", NULL, NULL, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(exclude_parse_list(&ex, "10.0.0.256", NULL, NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "'10.0.0.256': not an IPv4 address");
	ck_assert_int_eq(exclude_parse_list(&ex, "10.0.0.0/24 10.0.1.0/24", NULL, NULL, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(exclude_parse_list(&ex, "0.0.0.0/0,10.0.0.0/33", NULL, NULL, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "'10.0.0.0/33': prefix length must be 0 to 32");
	ck_assert_uint_eq(ex.n, 2);	/* a bad list adds nothing, not even its good items */
	ck_assert_uint_eq(ex.from_list, 2);
	ck_assert_int_eq(exclude_parse_list(&ex, "0.0.0.0/0", NULL, NULL, err, sizeof(err)), 0);
	ck_assert(ex.v[2].first == cidr_v4(0));
	ck_assert(ex.v[2].last == cidr_v4(0xffffffffu));
	exclude_fini(&ex);
	ck_assert_ptr_null(ex.v);
}
END_TEST

START_TEST(ipv6)
{
	struct exclusions ex = { 0 };
	struct addrset set;
	char err[256];

	ck_assert_int_eq(addrset_parse(&set, "fd00::/120,10.0.0.0/30", 1, 112, NULL, NULL, err,
	    sizeof(err)), 0);
	/* any size: an exclusion has no limit, it only removes */
	ck_assert_int_eq(exclude_parse_list(&ex, "fd00::10/124,fd00::1,fd00:1::/32,"
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", NULL, NULL, err, sizeof(err)), 0);
	ck_assert_str_eq(ex.v[0].text, "fd00::10/124");
	ck_assert_int_eq(exclude_parse_text(&ex, "fd00::20/123 # lab\n", 19, "x", NULL, NULL, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(exclude_apply(&ex, &set, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(ex.v[0].removed, 16);
	ck_assert_uint_eq(ex.v[1].removed, 1);
	ck_assert_uint_eq(ex.v[2].removed, 0);
	ck_assert_uint_eq(ex.v[4].removed, 32);
	ck_assert_uint_eq(set.total, 2 + 256 - 49);
	ck_assert_uint_eq(set.total_v6, 256 - 49);
	ck_assert_int_eq(addrset_contains(&set, cidr_v4(0x0a000001u)), 1);
	ck_assert_int_eq(exclude_parse_list(&ex, "::/0", NULL, NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "'::/0': IPv6 network overlaps the IPv4-mapped block ::ffff:0:0/96");
	ck_assert_int_eq(exclude_parse_list(&ex, "fd00::1::2", NULL, NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "'fd00::1::2': not an IPv6 address");
	exclude_fini(&ex);
	addrset_fini(&set);
}
END_TEST

START_TEST(file_text)
{
	static const char text[] = "# blocklist\n\n10.0.0.0/30\r\n  10.0.0.8\t# the router\n"
	    "#10.0.0.9\n10.1.0.0/16";
	struct exclusions ex = { 0 };
	struct notes w = { 0 };
	char err[256];

	ck_assert_int_eq(exclude_parse_text(&ex, text, strlen(text), "ex.txt", NULL, NULL, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(ex.n, 3);
	ck_assert_uint_eq(ex.from_list, 0);
	ck_assert_str_eq(ex.v[0].text, "10.0.0.0/30");
	ck_assert_uint_eq(ex.v[0].line, 3);
	ck_assert_str_eq(ex.v[1].text, "10.0.0.8");
	ck_assert_uint_eq(ex.v[1].line, 4);
	ck_assert_uint_eq(ex.v[2].line, 6);
	{
		char where[64];

		ck_assert_str_eq(exclude_where(&ex, &ex.v[1], where, sizeof(where)), "ex.txt:4");
	}
	/* errors name the file and line */
	ck_assert_int_eq(exclude_parse_text(&ex, "10.0.0.1\n\n10.0.0.300\n", 21, "ex.txt", NULL,
	    NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "ex.txt: line 3: '10.0.0.300': not an IPv4 address");
	ck_assert_int_eq(exclude_parse_text(&ex, "10.0.0.1 10.0.0.2\n", 18, "ex.txt", NULL, NULL,
	    err, sizeof(err)), -1);
	ck_assert_str_eq(err, "ex.txt: line 1: '10.0.0.1 10.0.0.2': one network or address per "
	    "line");
	ck_assert_int_eq(exclude_parse_text(&ex, "10.0.0.1,10.0.0.2", 17, "ex.txt", NULL, NULL,
	    err, sizeof(err)), -1);
	ck_assert_int_eq(exclude_parse_text(&ex, "10.0.0.1\0#", 10, "ex.txt", NULL, NULL, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "ex.txt: line 1: a NUL byte in the line");
	ck_assert_int_eq(exclude_parse_text(&ex, "::ffff:10.0.0.1\n", 16, "ex.txt", NULL, NULL, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "ex.txt: line 1: '::ffff:10.0.0.1': IPv4-mapped IPv6 address: write "
	    "the IPv4 address");
	/* a masked base is a warning, as for -networks */
	ck_assert_int_eq(exclude_parse_text(&ex, "10.0.0.5/24\n", 12, "ex.txt", note, &w, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(w.n, 1);
	ck_assert_str_eq(w.text[0], "ex.txt: line 1: exclusion 10.0.0.5/24 has host bits set; "
	    "excluding 10.0.0.0/24");
	/* an empty file, or one of comments only, adds none */
	ck_assert_int_eq(exclude_parse_text(&ex, "# none\n\n", 8, "e", NULL, NULL, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(exclude_parse_text(&ex, "", 0, "e", NULL, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(ex.n, 4);
	exclude_fini(&ex);
}
END_TEST

START_TEST(apply_counts_and_warns)
{
	struct exclusions ex = { 0 };
	struct addrset set;
	struct notes w = { 0 };
	char err[256];

	ck_assert_int_eq(addrset_parse(&set, "10.0.0.0/24,10.0.2.0/24", 1, 112, NULL, NULL, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(set.total, 508);
	ck_assert_int_eq(exclude_parse_list(&ex, "10.0.0.0/30,10.9.0.0/16", NULL, NULL, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(exclude_parse_text(&ex, "10.0.0.2\n10.0.2.128/25\n10.0.1.0/24\n", 35,
	    "ex.txt", NULL, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(exclude_apply(&ex, &set, note, &w, err, sizeof(err)), 0);
	/* what each removed of the networks, overlaps counted in each */
	ck_assert_uint_eq(ex.v[0].removed, 3);		/* .1-.3: .0 is the network address */
	ck_assert_uint_eq(ex.v[1].removed, 0);
	ck_assert_uint_eq(ex.v[2].removed, 1);
	ck_assert_uint_eq(ex.v[3].removed, 127);	/* .128-.254 */
	ck_assert_uint_eq(ex.v[4].removed, 0);
	ck_assert_uint_eq(ex.scanned_before, 508);
	ck_assert_uint_eq(ex.removed, 130);
	ck_assert_uint_eq(set.total, 378);
	ck_assert_uint_eq(set.n, 2);
	ck_assert(set.ranges[0].first == cidr_v4(0x0a000004u));
	ck_assert(set.ranges[1].last == cidr_v4(0x0a00027fu));
	ck_assert_int_eq(w.n, 2);
	ck_assert_str_eq(w.text[0], "exclusions overlap: 10.0.0.0/30 (-exclude) and 10.0.0.2 "
	    "(ex.txt:1)");
	ck_assert_str_eq(w.text[1], "exclusion 10.9.0.0/16 (-exclude) removes no address of "
	    "-networks; 2 exclusions remove none");
	exclude_fini(&ex);

	/* exclusions that remove everything leave an empty set */
	ck_assert_int_eq(exclude_parse_list(&ex, "10.0.0.0/23,10.0.2.0/24", NULL, NULL, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(exclude_apply(&ex, &set, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(set.total, 0);
	ck_assert_uint_eq(set.n, 0);
	ck_assert_uint_eq(ex.removed, 378);
	exclude_fini(&ex);
	addrset_fini(&set);
}
END_TEST

START_TEST(load_file)
{
	struct exclusions ex = { 0 };
	char path[] = "/tmp/check_exclude.XXXXXX", err[512];
	FILE *fp;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_ptr_nonnull(fp = fdopen(fd, "w"));
	for (int i = 0; i < 10000; i++)
		fprintf(fp, "10.%d.%d.0/24 # line %d\n", i / 256, i % 256, i + 1);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(exclude_load_file(&ex, path, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(ex.n, 10000);
	ck_assert_uint_eq(ex.v[9999].line, 10000);
	ck_assert_str_eq(ex.v[9999].text, "10.39.15.0/24");
	unlink(path);
	exclude_fini(&ex);
	ck_assert_int_eq(exclude_load_file(&ex, path, NULL, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot open"));
	ck_assert_int_eq(exclude_load_file(&ex, "/tmp", NULL, NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "/tmp is not a regular file");
}
END_TEST

static void
add_tests(void)
{
	ADD(list);
	ADD(ipv6);
	ADD(file_text);
	ADD(apply_counts_and_warns);
	ADD(load_file);
}
