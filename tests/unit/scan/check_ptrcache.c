/*
 * check_ptrcache.c: the PTR cache file: parsing of corrupt input, expiry, duplicates,
 * bounds, and the format/parse round trip.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procio.h"
#include "ptrcache.h"
#include "check_main.h"

#define NOW 1700000000

static struct ptrcache *
parse(const char *buf, size_t len, struct ptrcache_stats *st)
{
	struct ptrcache *pc = ptrcache_new();

	ck_assert_ptr_nonnull(pc);
	ck_assert_int_eq(ptrcache_parse(pc, buf, len, NOW, st), 0);
	return pc;
}

START_TEST(good_lines)
{
	static const char text[] =
	    "# sd-scan PTR cache\n"
	    "10.0.0.1\t1700000600\thost-a.example\n"
	    "\n"
	    "10.0.0.2\t1700000060\t\n"
	    "10.0.0.3\t1700000600\tUPPER.Example.\n";
	struct ptrcache_stats st;
	struct ptrcache *pc = parse(text, sizeof(text) - 1, &st);
	const struct ptrcache_entry *e;

	ck_assert_uint_eq(st.lines, 3);
	ck_assert_uint_eq(st.loaded, 3);
	ck_assert_uint_eq(st.bad, 0);
	ck_assert_ptr_nonnull(e = ptrcache_get(pc, CIDR_V4(0x0a000001)));
	ck_assert_str_eq(e->name, "host-a.example");
	ck_assert_int_eq(e->expiry, 1700000600);
	ck_assert_ptr_nonnull(e = ptrcache_get(pc, CIDR_V4(0x0a000002)));
	ck_assert_str_eq(e->name, "");
	ck_assert_ptr_nonnull(e = ptrcache_get(pc, CIDR_V4(0x0a000003)));
	ck_assert_str_eq(e->name, "upper.example");
	ck_assert_ptr_null(ptrcache_get(pc, CIDR_V4(0x0a000004)));
	ptrcache_free(pc);
}
END_TEST

START_TEST(bad_lines_skipped_and_counted)
{
	static const char text[] =
	    "10.0.0.1\t1700000600\tgood.example\n"			/* 1 good */
	    "10.0.0.300\t1700000600\tx.example\n"			/* 2 bad ip */
	    "10.0.0.2 1700000600 x.example\n"				/* 3 no tabs */
	    "10.0.0.3\t1700000600\n"					/* 4 two fields */
	    "10.0.0.4\t1700000600\tx.example\textra\n"			/* 5 four fields */
	    "10.0.0.5\t-5\tx.example\n"					/* 6 negative */
	    "10.0.0.6\t99999999999999999999999\tx.example\n"		/* 7 overflow */
	    "10.0.0.7\t9999999999\tx.example\n"				/* 8 year 2286 */
	    "10.0.0.8\t0x10\tx.example\n"				/* 9 hex */
	    "10.0.0.9\t1700000600\tbad name\n"				/* 10 space */
	    "10.0.0.10\t1700000600\tq\"uote\n"				/* 11 quote */
	    "10.0.0.11\t1700000600\tcaf\xc3\xa9.example\n"		/* 12 non-ASCII */
	    "10.0.0.12\t1700000600\tctl\x01x\n"				/* 13 control */
	    "10.0.0.13\t\t\n"						/* 14 empty expiry */
	    "10.0.0.14\t1700000600\tunder_score\n"			/* 15 underscore */
	    "\t\t\n"							/* 16 empty */
	    "10.0.0.15\t1700000600\tlast.example";			/* 17 cut short */
	struct ptrcache_stats st;
	struct ptrcache *pc = parse(text, sizeof(text) - 1, &st);

	ck_assert_uint_eq(st.lines, 17);
	ck_assert_uint_eq(st.loaded, 1);
	ck_assert_uint_eq(st.bad, 16);
	ck_assert_uint_eq(st.first_bad_line, 2);
	ck_assert_ptr_nonnull(strstr(st.first_bad, "10.0.0.300"));
	ck_assert_uint_eq(ptrcache_count(pc), 1);
	ck_assert_ptr_nonnull(ptrcache_get(pc, CIDR_V4(0x0a000001)));
	ck_assert_ptr_null(ptrcache_get(pc, CIDR_V4(0x0a00000f)));
	ptrcache_free(pc);
}
END_TEST

START_TEST(binary_garbage)
{
	struct ptrcache_stats st;
	struct ptrcache *pc;
	unsigned char buf[65536];
	unsigned seed = 12345;
	static const char nul_line[] = "10.0.0.1\t1700000600\tab\0cd\n";

	/* random bytes, many seeds: never a crash, never a name that is not a host name */
	for (int round = 0; round < 50; round++) {
		for (size_t i = 0; i < sizeof(buf); i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (unsigned char)(seed >> 16);
			if (round & 1 && buf[i] > 0xe0)
				buf[i] = (unsigned char)"\t\n.1a"[buf[i] % 5];
		}
		pc = parse((const char *)buf, sizeof(buf), &st);
		ck_assert_uint_eq(st.loaded + st.bad + st.expired, st.lines);
		ptrcache_free(pc);
	}
	pc = parse(nul_line, sizeof(nul_line) - 1, &st);
	ck_assert_uint_eq(st.bad, 1);
	ck_assert_uint_eq(ptrcache_count(pc), 0);
	ptrcache_free(pc);
	pc = parse("", 0, &st);
	ck_assert_uint_eq(st.lines, 0);
	ptrcache_free(pc);
}
END_TEST

START_TEST(expiry_and_duplicates)
{
	static const char text[] =
	    "10.0.0.1\t1700000000\texpired-now.example\n"
	    "10.0.0.2\t1699999999\texpired.example\n"
	    "10.0.0.3\t0\told.example\n"
	    "10.0.0.4\t1700000100\tfirst.example\n"
	    "10.0.0.4\t1700000500\tlater.example\n"
	    "10.0.0.4\t1700000200\tmiddle.example\n";
	struct ptrcache_stats st;
	struct ptrcache *pc = parse(text, sizeof(text) - 1, &st);
	const struct ptrcache_entry *e;

	ck_assert_uint_eq(st.expired, 3);
	ck_assert_uint_eq(st.bad, 0);
	ck_assert_ptr_null(ptrcache_get(pc, CIDR_V4(0x0a000001)));
	ck_assert_ptr_nonnull(e = ptrcache_get(pc, CIDR_V4(0x0a000004)));
	ck_assert_str_eq(e->name, "later.example");
	ck_assert_uint_eq(ptrcache_count(pc), 1);
	/* a put replaces whatever expiry the old entry had */
	ck_assert_int_eq(ptrcache_put(pc, CIDR_V4(0x0a000004), NOW + 60, NULL), 0);
	ck_assert_ptr_nonnull(e = ptrcache_get(pc, CIDR_V4(0x0a000004)));
	ck_assert_str_eq(e->name, "");
	ck_assert_int_eq(e->expiry, NOW + 60);
	ck_assert_int_eq(ptrcache_put(pc, CIDR_V4(0x0a000004), NOW + 30, "newer.example"), 0);
	ck_assert_ptr_nonnull(e = ptrcache_get(pc, CIDR_V4(0x0a000004)));
	ck_assert_str_eq(e->name, "newer.example");
	/* puts take only normalised names */
	ck_assert_int_eq(ptrcache_put(pc, CIDR_V4(0x0a000005), NOW + 30, "Upper.example"), -1);
	ck_assert_int_eq(ptrcache_put(pc, CIDR_V4(0x0a000005), NOW + 30, "a b"), -1);
	ptrcache_free(pc);
}
END_TEST

START_TEST(round_trip)
{
	struct ptrcache *pc = ptrcache_new(), *back;
	struct ptrcache_stats st;
	char *text, *again;
	size_t len, len2;

	ck_assert_int_eq(ptrcache_put(pc, CIDR_V4(0x0a000009), NOW + 600, "nine.example"), 0);
	ck_assert_int_eq(ptrcache_put(pc, CIDR_V4(0x0a000001), NOW + 60, NULL), 0);
	ck_assert_int_eq(ptrcache_put(pc, CIDR_V4(0xc0a80101), NOW + 600, "router"), 0);
	ck_assert_int_eq(ptrcache_put(pc, (cidr_ip)0xfd00 << 112 | 5, NOW + 600, "v6.example"), 0);
	ck_assert_int_eq(ptrcache_put(pc, 1, NOW + 600, "loopback.example"), 0);
	ck_assert_int_eq(ptrcache_put(pc, CIDR_V4(0x0a000002), NOW, "gone.example"), 0);	/* expired */
	ck_assert_int_eq(ptrcache_format(pc, NOW, &text, &len), 0);
	ck_assert_str_eq(text,
	    "# sd-scan PTR cache: ip<TAB>expiry-unix-seconds<TAB>name (empty: no name)\n"
	    "10.0.0.1\t1700000060\t\n"
	    "10.0.0.9\t1700000600\tnine.example\n"
	    "192.168.1.1\t1700000600\trouter\n"
	    "::1\t1700000600\tloopback.example\n"
	    "fd00::5\t1700000600\tv6.example\n");
	ck_assert_uint_eq(len, strlen(text));
	back = parse(text, len, &st);
	ck_assert_uint_eq(st.loaded, 5);
	ck_assert_ptr_nonnull(ptrcache_get(back, (cidr_ip)0xfd00 << 112 | 5));
	ck_assert_uint_eq(st.bad, 0);
	ck_assert_int_eq(ptrcache_format(back, NOW, &again, &len2), 0);
	ck_assert_str_eq(again, text);
	free(text);
	free(again);
	ptrcache_free(back);
	ptrcache_free(pc);
}
END_TEST

START_TEST(save_and_load_file)
{
	char dir[] = "/tmp/check_ptrcache.XXXXXX", path[64], err[256];
	struct ptrcache *pc = ptrcache_new();
	struct ptrcache_stats st;
	const struct ptrcache_entry *e;
	int missing;
	FILE *fp;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ptr-cache.tsv", dir);
	ck_assert_int_eq(ptrcache_load(pc, path, NOW, &st, &missing, err, sizeof(err)), 0);
	ck_assert_int_eq(missing, 1);
	ck_assert_int_eq(ptrcache_put(pc, CIDR_V4(0x0a000001), NOW + 600, "one.example"), 0);
	ck_assert_int_eq(ptrcache_save(pc, path, NOW, err, sizeof(err)), 0);
	ptrcache_free(pc);
	pc = ptrcache_new();
	ck_assert_int_eq(ptrcache_load(pc, path, NOW + 10, &st, &missing, err, sizeof(err)), 0);
	ck_assert_int_eq(missing, 0);
	ck_assert_ptr_nonnull(e = ptrcache_get(pc, CIDR_V4(0x0a000001)));
	ck_assert_str_eq(e->name, "one.example");
	ptrcache_free(pc);
	/* after its expiry the entry is gone */
	pc = ptrcache_new();
	ck_assert_int_eq(ptrcache_load(pc, path, NOW + 600, &st, &missing, err, sizeof(err)), 0);
	ck_assert_uint_eq(st.expired, 1);
	ck_assert_uint_eq(ptrcache_count(pc), 0);
	ptrcache_free(pc);
	/* truncated file: the cut line is bad, the rest loads */
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	fputs("10.0.0.1\t1700000600\tone.example\n10.0.0.2\t17000", fp);
	ck_assert_int_eq(fclose(fp), 0);
	pc = ptrcache_new();
	ck_assert_int_eq(ptrcache_load(pc, path, NOW, &st, &missing, err, sizeof(err)), 0);
	ck_assert_uint_eq(st.loaded, 1);
	ck_assert_uint_eq(st.bad, 1);
	ptrcache_free(pc);
	/* a directory is not a cache file: an error naming the path, not a crash */
	pc = ptrcache_new();
	ck_assert_int_eq(ptrcache_load(pc, dir, NOW, &st, &missing, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, dir));
	ptrcache_free(pc);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(bounded)
{
	struct ptrcache *pc = ptrcache_new();
	struct ptrcache_stats st;
	char *text;
	size_t len;

	for (uint32_t i = 0; i < PTRCACHE_MAX + 10; i++)
		ck_assert_int_eq(ptrcache_put(pc, CIDR_V4(0x0a000000) + i, NOW + 1 + i, NULL), 0);
	ck_assert_int_eq(ptrcache_format(pc, NOW, &text, &len), 0);
	ck_assert_uint_eq(ptrcache_count(pc), PTRCACHE_MAX);
	/* the soonest to expire were dropped */
	ck_assert_ptr_null(ptrcache_get(pc, CIDR_V4(0x0a000000)));
	ck_assert_ptr_nonnull(ptrcache_get(pc, CIDR_V4(0x0a000000) + PTRCACHE_MAX + 9));
	ptrcache_free(pc);
	pc = parse(text, len, &st);
	ck_assert_uint_eq(st.loaded, PTRCACHE_MAX);
	ptrcache_free(pc);
	free(text);
}
END_TEST

START_TEST(oversized_file_read_only_to_its_cap)
{
	/* 128 MiB (sparse): only the first 64 MiB + 1 byte are read (the old loop read 128) */
	char path[] = "/tmp/check_ptrcache.XXXXXX", err[300];
	struct ptrcache *pc = ptrcache_new();
	struct ptrcache_stats st;
	unsigned long long before;
	int fd = mkstemp(path), missing;
	const char line[] = "10.0.0.1\t1700000600\ta.example\n";

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, line, strlen(line)), (ssize_t)strlen(line));
	ck_assert_int_eq(ftruncate(fd, (off_t)128 << 20), 0);
	ck_assert_int_eq(close(fd), 0);
	before = procio_rchar();
	ck_assert_int_eq(ptrcache_load(pc, path, 1700000000, &st, &missing, err, sizeof(err)), 0);
	if (before > 0)
		ck_assert_uint_le(procio_rchar() - before,
		    (unsigned long long)PTRCACHE_FILE_MAX + 1 + 4096);
	ck_assert_uint_eq(st.loaded, 1);
	ck_assert_uint_ge(st.bad, 1);
	ck_assert_ptr_nonnull(strstr(st.first_bad, "larger than 64 MiB"));
	ck_assert_int_eq(unlink(path), 0);
	ptrcache_free(pc);
}
END_TEST

static void
add_tests(void)
{
	ADD(oversized_file_read_only_to_its_cap);
	ADD(good_lines);
	ADD(bad_lines_skipped_and_counted);
	ADD(binary_garbage);
	ADD(expiry_and_duplicates);
	ADD(round_trip);
	ADD(save_and_load_file);
	ADD(bounded);
}
