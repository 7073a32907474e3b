/*
 * check_pathcheck.c: the pre-work file checks name the directory and the reason. (Run as
 * root, access(2) grants every permission, so "not writable" is tested by the integration
 * scripts as another user; here: missing, not a directory, is a directory.)
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pathcheck.h"
#include "check_main.h"

static char dir[64];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_pathcheck.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
teardown(void)
{
	char p[128];

	snprintf(p, sizeof(p), "%s/file", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/sub", dir);
	rmdir(p);
	rmdir(dir);
}

START_TEST(writable)
{
	char p[128], why[256], expect[256];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/targets.json", dir);
	ck_assert_int_eq(pathcheck_writable(p, why, sizeof(why)), 0);
	snprintf(p, sizeof(p), "%s/gone/targets.json", dir);
	ck_assert_int_eq(pathcheck_writable(p, why, sizeof(why)), -1);
	snprintf(expect, sizeof(expect), "directory %s/gone does not exist", dir);
	ck_assert_str_eq(why, expect);
	snprintf(p, sizeof(p), "%s/sub", dir);
	ck_assert_int_eq(mkdir(p, 0755), 0);
	ck_assert_int_eq(pathcheck_writable(p, why, sizeof(why)), -1);
	snprintf(expect, sizeof(expect), "%s/sub is a directory; name a file in it", dir);
	ck_assert_str_eq(why, expect);
	snprintf(p, sizeof(p), "%s/file", dir);
	ck_assert_ptr_nonnull(fp = fopen(p, "w"));
	fclose(fp);
	snprintf(p, sizeof(p), "%s/file/targets.json", dir);
	ck_assert_int_eq(pathcheck_writable(p, why, sizeof(why)), -1);
	snprintf(expect, sizeof(expect), "%s/file is not a directory", dir);
	ck_assert_str_eq(why, expect);
}
END_TEST

START_TEST(readable)
{
	char p[128], why[256], expect[256];
	FILE *fp;

	snprintf(p, sizeof(p), "%s/file", dir);
	ck_assert_int_eq(pathcheck_readable(p, why, sizeof(why)), 1);
	ck_assert_ptr_nonnull(fp = fopen(p, "w"));
	fclose(fp);
	ck_assert_int_eq(pathcheck_readable(p, why, sizeof(why)), 0);
	ck_assert_int_eq(pathcheck_readable(dir, why, sizeof(why)), -1);
	snprintf(expect, sizeof(expect), "%s is not a regular file", dir);
	ck_assert_str_eq(why, expect);
	snprintf(p, sizeof(p), "%s/gone/file", dir);
	ck_assert_int_eq(pathcheck_readable(p, why, sizeof(why)), -1);
	snprintf(expect, sizeof(expect), "directory %s/gone does not exist", dir);
	ck_assert_str_eq(why, expect);
}
END_TEST

static void
add_tests(void)
{
	FIXTURE(setup, teardown);
	ADD(writable);
	ADD(readable);
}
