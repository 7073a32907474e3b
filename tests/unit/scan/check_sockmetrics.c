/*
 * check_sockmetrics.c: the connection_status_* families: the seed's metric and labels,
 * escaping, failure counters carried over by labels, unchecked sockets left out; a second
 * run byte for byte against tests/data/textfile-sockets.prom (SD_UPDATE_GOLDEN=1 rewrites it).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sockmetrics.h"
#include "check_main.h"

static char n0[] = "meter \"1\"\nb", h0[] = "10.0.0.1", n1[] = "dl", h1[] = "/run/dl.sock";
static char n2[] = "gone", h2[] = "h";
static struct sockets_entry entries[] = {
	{ n0, h0, 502, SOCKETS_TCP, 5, 2 },
	{ n1, h1, 0, SOCKETS_UNIX, 5, 6 },
	{ n2, h2, 1, SOCKETS_UDP6, 5, 9 },
};

static char *
format(const struct sockcheck_result *r, const char *prev, size_t n)
{
	struct sockets_list l = { entries, n, 5 };
	struct expo e;
	char warn[256], *out;

	expo_init(&e);
	ck_assert_int_eq(sockmetrics_format(&l, r, 1700000000.5, prev, prev ? strlen(prev) : 0, &e,
	    warn, sizeof(warn)), 0);
	ck_assert_msg(warn[0] == '\0', "%s", warn);
	out = strdup(e.buf);
	expo_fini(&e);
	return out;
}

static void
assert_golden(const char *got, const char *path)
{
	FILE *fp;
	char *want;
	long n;

	if (getenv("SD_UPDATE_GOLDEN")) {
		ck_assert_ptr_nonnull(fp = fopen(path, "w"));
		fputs(got, fp);
		ck_assert_int_eq(fclose(fp), 0);
	}
	ck_assert_ptr_nonnull(fp = fopen(path, "r"));
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	ck_assert_ptr_nonnull(want = calloc(1, (size_t)n + 1));
	ck_assert_uint_eq(fread(want, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	ck_assert_msg(strcmp(got, want) == 0, "%s differs from the output:\n%s", path, got);
	free(want);
}

START_TEST(families_and_carry)
{
	unsigned char st[3] = { SOCKCHECK_UP, SOCKCHECK_REFUSED, SOCKCHECK_UNCHECKED };
	double secs[3] = { 0.0125, 0.000002, 0 };
	struct sockcheck_result r = { .n = 3, .status = st, .seconds = secs,
	    .count = { [SOCKCHECK_UP] = 1, [SOCKCHECK_REFUSED] = 1, [SOCKCHECK_UNCHECKED] = 1 },
	    .seconds_total = 0.25 };
	char *first, *second;

	first = format(&r, NULL, 3);
	ck_assert_ptr_nonnull(strstr(first, "# HELP connection_status_up Connection status of the "
	    "socket.\n# TYPE connection_status_up gauge\n"
	    "connection_status_up{host=\"10.0.0.1\",name=\"meter \\\"1\\\"\\nb\",port=\"502\","
	    "protocol=\"tcp\"} 1\n"
	    "connection_status_up{host=\"/run/dl.sock\",name=\"dl\",port=\"0\",protocol=\"unix\"} 0\n"
	    "# HELP connection_status_check_duration_seconds"));
	ck_assert_ptr_null(strstr(first, "name=\"gone\""));	/* unchecked: no sample */
	ck_assert_ptr_nonnull(strstr(first, "connection_status_check_failures_total{host=\"/run/dl."
	    "sock\",name=\"dl\",port=\"0\",protocol=\"unix\",reason=\"refused\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(first, "\nconnection_status_sockets 3\n"));
	ck_assert_ptr_nonnull(strstr(first, "\nconnection_status_sockets_up 1\n"));
	ck_assert_ptr_nonnull(strstr(first, "\nconnection_status_last_run_duration_seconds 0.25\n"));
	ck_assert_ptr_nonnull(strstr(first, "\nconnection_status_last_run_timestamp_seconds "
	    "1700000000.5\n"));
	/* the next run adds to the counter of the same labels; a socket gone drops its own */
	second = format(&r, first, 2);
	ck_assert_ptr_nonnull(strstr(second, "reason=\"refused\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(second, "\nconnection_status_sockets 2\n"));
	assert_golden(second, "tests/data/textfile-sockets.prom");
	free(first);
	free(second);
}
END_TEST

START_TEST(untrusted_previous_file)
{
	unsigned char st[1] = { SOCKCHECK_TIMEOUT };
	double secs[1] = { 5 };
	struct sockcheck_result r = { .n = 1, .status = st, .seconds = secs };
	struct sockets_list l = { entries, 1, 5 };
	static const char bad[] = "connection_status_check_failures_total{host=\"10.0.0.1\","
	    "name=\"x\",port=\"502\",protocol=\"tcp\",reason=\"bogus\"} 4\n";
	struct expo e;
	char warn[256];

	expo_init(&e);
	ck_assert_int_eq(sockmetrics_format(&l, &r, 1, bad, strlen(bad), &e, warn, sizeof(warn)), 0);
	ck_assert_str_eq(warn, "connection_status_check_failures_total with other labels than "
	    "this version's");
	ck_assert_ptr_nonnull(strstr(e.buf, "reason=\"timeout\"} 1\n"));
	expo_fini(&e);
}
END_TEST

static void
add_tests(void)
{
	ADD(families_and_carry);
	ADD(untrusted_previous_file);
}
