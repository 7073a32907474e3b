/*
 * check_shrinkguard.c: counting the previous file's targets, and the keep-or-replace rule.
 * fstat is interposed here (this binary's definition wins over libc's), so a test can make
 * it fail the way a broken filesystem does.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shrinkguard.h"
#include "check_main.h"

static int fail_fstat;	/* fstat fails with EIO, leaving garbage in *st */

int fstat(int fd, struct stat *st);

int
fstat(int fd, struct stat *st)
{
	if (fail_fstat) {
		memset(st, 0x7f, sizeof(*st));	/* what a caller must not read */
		errno = EIO;
		return -1;
	}
	return (int)syscall(SYS_fstat, fd, st);
}

/* Count the targets of a file holding s. */
static int
count(const char *s, size_t *n)
{
	char path[] = "/tmp/check_shrinkguard.XXXXXX", err[400];
	int fd = mkstemp(path), rc;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	ck_assert_int_eq(close(fd), 0);
	rc = shrinkguard_count_file(path, n, err, sizeof(err));
	if (rc < 0)
		ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_int_eq(unlink(path), 0);
	return rc;
}

START_TEST(counts_targets)
{
	size_t n = 99;

	ck_assert_int_eq(count("[]", &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(count("[{\"targets\":[\"a:1\",\"b:1\"],\"labels\":{}},\n"
	    "{\"targets\":[\"c:2\"]}]\n", &n), 0);
	ck_assert_uint_eq(n, 3);
	/* as Prometheus reads it: a group without targets has none */
	ck_assert_int_eq(count("[{\"labels\":{}},{\"targets\":[\"a:1\"]}]", &n), 0);
	ck_assert_uint_eq(n, 1);
}
END_TEST

START_TEST(rejects_what_is_not_a_target_list)
{
	static const char *const bad[] = { "", "[", "{}", "[1]", "[{\"targets\":3}]", "[] x",
	    "\"str\"", "[null]",
	    /* what sd-serve refuses is no target list for the guard either */
	    "[{\"targets\":[\"a:1\"],\"labels\":{\"a-b\":\"x\"}}]",
	    "[{\"targets\":[\"a:1\"],\"extra\":1}]", "[{\"targets\":[\"\"]}]" };
	size_t n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(count(bad[i], &n) == -1, "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(rule)
{
	ck_assert_int_eq(shrinkguard_allows(100, 50, 0.5, 0), 1);
	ck_assert_int_eq(shrinkguard_allows(100, 49, 0.5, 0), 0);
	ck_assert_int_eq(shrinkguard_allows(100, 0, 0.5, 0), 0);
	ck_assert_int_eq(shrinkguard_allows(100, 0, 0.5, 1), 1);	/* -force */
	ck_assert_int_eq(shrinkguard_allows(100, 0, 0, 0), 1);		/* guard off */
	ck_assert_int_eq(shrinkguard_allows(0, 0, 0.5, 0), 1);		/* empty before */
	ck_assert_int_eq(shrinkguard_allows(3, 500, 0.5, 0), 1);
}
END_TEST

START_TEST(missing_file_is_empty)
{
	size_t n = 7;
	char err[200];

	ck_assert_int_eq(shrinkguard_count_file("/nonexistent/targets.json", &n, err, sizeof(err)), 1);
	ck_assert_uint_eq(n, 0);
}
END_TEST

/* A failed fstat is reported as itself, not judged by st_size (was read regardless). */
START_TEST(failed_fstat_is_reported)
{
	char path[] = "/tmp/check_shrinkguard.XXXXXX", err[256];
	size_t n = 99;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "[]", 2), 2);
	close(fd);
	fail_fstat = 1;
	ck_assert_int_eq(shrinkguard_count_file(path, &n, err, sizeof(err)), -1);
	fail_fstat = 0;
	unlink(path);
	ck_assert_msg(strstr(err, path) && strstr(err, strerror(EIO)), "%s", err);
}
END_TEST

static void
add_tests(void)
{
	ADD(counts_targets);
	ADD(rejects_what_is_not_a_target_list);
	ADD(rule);
	ADD(missing_file_is_empty);
	ADD(failed_fstat_is_reported);
}
