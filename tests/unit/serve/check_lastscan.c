/*
 * check_lastscan.c: the reader of sd-scan's gauges and the /metrics pass-through.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lastscan.h"
#include "check_main.h"

START_TEST(reads_the_gauges)
{
	static const char text[] =
	    "# HELP scanner_last_scan_end_timestamp_seconds End of the last scan.\n"
	    "# TYPE scanner_last_scan_end_timestamp_seconds gauge\n"
	    "scanner_last_scan_end_timestamp_seconds 1.7639e+09\n"
	    "scanner_last_scan_start_timestamp_seconds 1763899990\n"
	    "scanner_last_scan_success 1\n"
	    "scanner_last_scan_duration_seconds\t10.5\n"
	    "scanner_scan_interval_seconds 300\n"
	    "scanner_targets_total{port=\"9100\"} 5\n"
	    "scanner_last_scan_successes 0\n";
	struct lastscan_state st;

	lastscan_parse(text, strlen(text), &st);
	ck_assert(st.has_end && st.end == 1.7639e9);
	ck_assert(st.has_start && st.start == 1763899990);
	ck_assert(st.has_success && st.success == 1);
	ck_assert(st.has_duration && st.duration == 10.5);
	ck_assert(st.has_interval && st.interval == 300);
}
END_TEST

START_TEST(damaged_file_tells_nothing)
{
	static const char *const junk[] = {
		"", "\n\n", "scanner_last_scan_success", "scanner_last_scan_success \n",
		"scanner_last_scan_success abc\n", "scanner_last_scan_success 1x\n",
		"scanner_last_scan_success 1\ngarbage line\n",
	};
	struct lastscan_state st;

	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		lastscan_parse(junk[i], strlen(junk[i]), &st);
		ck_assert_msg(!st.has_success, "%s", junk[i]);
	}
	/* a value cut by len is not read past it (and lacks its newline: damaged) */
	lastscan_parse("scanner_last_scan_success 12\n", 27, &st);
	ck_assert(!st.has_success);
	lastscan_parse("scanner_last_scan_success 0\n", 28, &st);
	ck_assert(st.has_success && st.success == 0);
}
END_TEST

START_TEST(filter_drops_own_families)
{
	static const char text[] =
	    "# HELP scanner_scans_total Scans.\n# TYPE scanner_scans_total counter\n"
	    "scanner_scans_total 3\n"
	    "# HELP scanner_http_requests_total Not yours.\n"
	    "# TYPE scanner_http_requests_total counter\n"
	    "scanner_http_requests_total{path=\"/\",status=\"200\"} 1\n"
	    "scanner_up 1";
	char *out;
	size_t len;

	ck_assert_int_eq(lastscan_filter(text, strlen(text), &out, &len), 0);
	ck_assert_str_eq(out, "# HELP scanner_scans_total Scans.\n# TYPE scanner_scans_total "
	    "counter\nscanner_scans_total 3\nscanner_up 1\n");
	ck_assert_uint_eq(len, strlen(out));
	free(out);
	ck_assert_int_eq(lastscan_filter("a\0b\n", 4, &out, &len), 0);
	ck_assert_str_eq(out, "ab\n");
	free(out);
	ck_assert_int_eq(lastscan_filter("", 0, &out, &len), 0);
	ck_assert_uint_eq(len, 0);
	free(out);
}
END_TEST

/* A FIFO in the file's place is refused at once, not a request stuck in open(). */
START_TEST(fifo_is_refused)
{
	char dir[] = "/tmp/check_lastscan.XXXXXX", path[300], err[512];
	struct lastscan_cache c;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/sd-scan.prom", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(lastscan_cache_init(&c, path), 0);
	ck_assert_int_eq(lastscan_cache_refresh(&c, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	ck_assert_int_eq(c.present, 0);
	lastscan_cache_fini(&c);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

static void
add_tests(void)
{
	ADD(reads_the_gauges);
	ADD(damaged_file_tells_nothing);
	ADD(filter_drops_own_families);
	ADD(fifo_is_refused);
}
