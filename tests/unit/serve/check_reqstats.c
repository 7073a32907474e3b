/*
 * check_reqstats.c: request counters shared through a file, across "processes" (two
 * mappings, and a forked child) and reopenings; the histogram's exposition; a file
 * truncated under a running process.
 */
#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reqstats.h"
#include "check_main.h"

static char dir[64], path[128], err[256];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_reqstats.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/stats", dir);
}

static void
teardown(void)
{
	unlink(path);
	rmdir(dir);
}

static char *
format(struct reqstats *rs)
{
	char *s;
	size_t len;

	ck_assert_int_eq(reqstats_format(rs, &s, &len), 0);
	ck_assert_uint_eq(strlen(s), len);
	return s;
}

START_TEST(shared_across_processes_and_restarts)
{
	struct reqstats *a, *b;
	char *s;
	pid_t pid;
	int st;

	a = reqstats_open(path, err, sizeof(err));
	ck_assert_msg(a != NULL, "%s", err);
	b = reqstats_open(path, err, sizeof(err));
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(reqstats_shared(a), 1);
	reqstats_record(a, REQSTATS_TARGETS, 200, 0.0002);
	reqstats_record(b, REQSTATS_TARGETS, 200, 0.003);
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 1000; i++)
			reqstats_record(a, REQSTATS_TARGETS, 503, 20);
		_exit(0);
	}
	for (int i = 0; i < 1000; i++)
		reqstats_record(b, REQSTATS_TARGETS, 503, 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	reqstats_close(a);
	reqstats_close(b);

	a = reqstats_open(path, err, sizeof(err));	/* a restart */
	reqstats_record(a, REQSTATS_OTHER, 404, 0.00001);
	reqstats_record(a, REQSTATS_HEALTH, 418, 0.00001);
	s = format(a);
	ck_assert_ptr_nonnull(strstr(s,
	    "scanner_http_requests_total{path=\"/targets.json\",status=\"200\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "scanner_http_requests_total{path=\"/targets.json\",status=\"503\"} 2000\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "scanner_http_requests_total{path=\"other\",status=\"404\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "scanner_http_requests_total{path=\"/health\",status=\"other\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "scanner_http_requests_total{path=\"/metrics\",status=\"200\"} 0\n"));
	ck_assert_ptr_null(strstr(s, "path=\"/metrics\",status=\"404\""));
	ck_assert_ptr_nonnull(strstr(s,
	    "scanner_http_request_duration_seconds_bucket{path=\"/targets.json\",le=\"0.00025\"} "
	    "1001\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "scanner_http_request_duration_seconds_bucket{path=\"/targets.json\",le=\"0.005\"} "
	    "1002\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "scanner_http_request_duration_seconds_bucket{path=\"/targets.json\",le=\"10\"} "
	    "1002\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "scanner_http_request_duration_seconds_bucket{path=\"/targets.json\",le=\"+Inf\"} "
	    "2002\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "scanner_http_request_duration_seconds_count{path=\"/targets.json\"} 2002\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "scanner_http_request_duration_seconds_sum{path=\"/targets.json\"} 20000.0032\n"));
	free(s);
	reqstats_close(a);
}
END_TEST

START_TEST(refuses_foreign_files)
{
	FILE *fp = fopen(path, "w");

	fputs("not a stats file", fp);
	fclose(fp);
	ck_assert_ptr_null(reqstats_open(path, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "another version?"));
	ck_assert_ptr_null(reqstats_open("/nonexistent/dir/stats", err, sizeof(err)));
	reqstats_close(NULL);
}
END_TEST

/* A file another user made first (or may write) in a shared directory is not used. */
START_TEST(refuses_files_others_control)
{
	FILE *fp;

	fp = fopen(path, "w");
	fclose(fp);
	ck_assert_int_eq(chmod(path, 0666), 0);
	ck_assert_ptr_null(reqstats_open(path, err, sizeof(err)));
	ck_assert_msg(strstr(err, path) && strstr(err, "mode 0666 lets other users write it"),
	    "%s", err);
	ck_assert_int_eq(chmod(path, 0620), 0);
	ck_assert_ptr_null(reqstats_open(path, err, sizeof(err)));
	ck_assert_msg(strstr(err, "mode 0620"), "%s", err);
	ck_assert_int_eq(chmod(path, 0600), 0);
	if (geteuid() == 0) {	/* only root can give a file away */
		struct stat st;

		ck_assert_int_eq(chown(path, 65534, 65534), 0);
		ck_assert_ptr_null(reqstats_open(path, err, sizeof(err)));
		ck_assert_msg(strstr(err, "owned by uid 65534, not by sd-serve's uid 0"), "%s", err);
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_int_eq(st.st_size, 0);	/* not extended, not written */
	}
}
END_TEST

START_TEST(private_counters)
{
	struct reqstats *rs = reqstats_open(NULL, err, sizeof(err));
	char *s;

	ck_assert_ptr_nonnull(rs);
	ck_assert_int_eq(reqstats_shared(rs), 0);
	reqstats_record(rs, REQSTATS_ROOT, 200, -1);
	reqstats_record(rs, (enum reqstats_path)99, 200, 1e30);
	s = format(rs);
	ck_assert_ptr_nonnull(strstr(s, "scanner_http_requests_total{path=\"/\",status=\"200\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s,
	    "scanner_http_requests_total{path=\"other\",status=\"200\"} 1\n"));
	free(s);
	reqstats_close(rs);
}
END_TEST

START_TEST(survives_truncation)
{
	struct reqstats *a = reqstats_open(path, err, sizeof(err));
	struct reqstats *b = reqstats_open(path, err, sizeof(err));
	char *s;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	reqstats_record(a, REQSTATS_TARGETS, 200, 0.001);
	ck_assert_int_eq(truncate(path, 0), 0);	/* someone empties the file */
	reqstats_record(a, REQSTATS_TARGETS, 200, 0.001);	/* SIGBUS without the handler */
	ck_assert_int_eq(reqstats_shared(a), 0);
	s = format(a);
	ck_assert_ptr_nonnull(strstr(s,
	    "scanner_http_requests_total{path=\"/targets.json\",status=\"200\"} 1\n"));
	free(s);
	s = format(b);		/* b only reads, and is rescued too */
	ck_assert_ptr_nonnull(strstr(s,
	    "scanner_http_requests_total{path=\"/targets.json\",status=\"200\"} 0\n"));
	free(s);
	reqstats_close(a);
	reqstats_close(b);
	a = reqstats_open(path, err, sizeof(err));	/* a restart uses the file again */
	ck_assert_msg(a != NULL, "%s", err);
	ck_assert_int_eq(reqstats_shared(a), 1);
	reqstats_close(a);
}
END_TEST

/* A SIGBUS that is no fault of the mapping (here sent with kill) still ends the process. */
START_TEST(foreign_sigbus_still_kills)
{
	struct reqstats *rs = reqstats_open(path, err, sizeof(err));

	ck_assert_ptr_nonnull(rs);
	kill(getpid(), SIGBUS);
	ck_abort_msg("SIGBUS was swallowed");
}
END_TEST

/* reqstats_exists_fn: every label but those under /targets/gone */
static int
exists_but_gone(void *ctx, const char *label)
{
	(void)ctx;
	return strncmp(label, "/targets/gone", 13) != 0;
}

START_TEST(target_paths_bounded)
{
	struct reqstats *a = reqstats_open(path, err, sizeof(err)), *b;
	char label[64], *s;
	size_t len;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b = reqstats_open(path, err, sizeof(err)));
	reqstats_record_target(a, "/targets.json", 200);
	reqstats_record_target(b, "/targets.json", 200);
	reqstats_record_target(a, "/targets/sub", 503);
	reqstats_record_target(a, "/targets/gone", 200);
	reqstats_record_target(a, "", 404);
	reqstats_record_target(a, NULL, 404);
	/* more labels than slots: the rest count as other */
	for (int i = 0; i < REQSTATS_TARGET_SLOTS + 10; i++) {
		snprintf(label, sizeof(label), "/targets/p%03d", i);
		reqstats_record_target(b, label, 200);
	}
	ck_assert_int_eq(reqstats_format_targets(a, exists_but_gone, NULL, &s, &len), 0);
	ck_assert_uint_eq(strlen(s), len);
	ck_assert_ptr_nonnull(strstr(s, "scanner_http_target_path_requests_total{path=\"/targets.json\","
	    "status=\"200\"} 2\n"));
	ck_assert_ptr_nonnull(strstr(s, "{path=\"/targets/sub\",status=\"503\"} 1\n"));
	ck_assert_ptr_nonnull(strstr(s, "{path=\"/targets/sub\",status=\"200\"} 0\n"));
	ck_assert_ptr_null(strstr(s, "/targets/gone"));
	ck_assert_ptr_nonnull(strstr(s, "{path=\"other\",status=\"404\"} 2\n"));
	/* 256 slots: 3 taken above, 253 p-labels got one, 13 and gone count as other */
	ck_assert_ptr_nonnull(strstr(s, "{path=\"other\",status=\"200\"} 14\n"));
	free(s);
	reqstats_close(a);
	reqstats_close(b);
}
END_TEST

static void
add_tests(void)
{
	FIXTURE(setup, teardown);
	ADD(target_paths_bounded);
	ADD(shared_across_processes_and_restarts);
	ADD(refuses_foreign_files);
	ADD(refuses_files_others_control);
	ADD(private_counters);
	ADD(survives_truncation);
	ADD_SIGNAL(foreign_sigbus_still_kills, SIGBUS);
}
