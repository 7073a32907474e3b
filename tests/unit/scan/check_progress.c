/*
 * check_progress.c: the progress line's wording, and that the thread draws from the live
 * counters and erases its line when stopped.
 */
#include <check.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "progress.h"
#include "check_main.h"

START_TEST(format)
{
	char buf[160];

	ck_assert_str_eq(progress_format(buf, sizeof(buf), 1200, 2550, 3, 24.0),
	    "probes 1200/2550 (47%), 50.0/s, 3 open, ETA 27s");
	ck_assert_str_eq(progress_format(buf, sizeof(buf), 0, 100, 0, 0.5),
	    "probes 0/100 (0%), 0.0/s, 0 open, ETA ?");
	ck_assert_str_eq(progress_format(buf, sizeof(buf), 100, 100, 7, 2.0),
	    "probes 100/100 (100%), 50.0/s, 7 open, ETA 0s");
	ck_assert_str_eq(progress_format(buf, sizeof(buf), 10, 4000, 0, 1.0),
	    "probes 10/4000 (0%), 10.0/s, 0 open, ETA 6m39s");
}
END_TEST

START_TEST(draws_and_erases)
{
	struct prober_counters c;
	struct timespec pause = { 0, 600 * 1000000L };
	struct progress *p;
	char *buf = NULL, err[128];
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	atomic_init(&c.done, 5);
	atomic_init(&c.open, 2);
	ck_assert_ptr_nonnull(p = progress_start(fp, 10, &c, err, sizeof(err)));
	nanosleep(&pause, NULL);
	progress_stop(p);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(buf, "\rprobes 5/10 (50%), "));
	ck_assert_ptr_nonnull(strstr(buf, ", 2 open, ETA "));
	ck_assert_uint_ge(len, 4);
	ck_assert_str_eq(buf + len - 4, "\r\033[K");	/* the line is gone at the end */
	free(buf);
	progress_stop(NULL);
}
END_TEST

static void
add_tests(void)
{
	ADD(format);
	ADD(draws_and_erases);
}
