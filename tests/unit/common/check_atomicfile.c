/*
 * check_atomicfile.c: the atomic writer: new bytes or old, never a mix; the temp file never
 * outlives a failure; a failed directory fsync after the rename is ATOMICFILE_UNSYNCED.
 * fsync is interposed here (this binary's definition wins over libc's), so a test can make
 * the directory's fsync fail.
 */
#define _GNU_SOURCE
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "atomicfile.h"
#include "check_main.h"

static int fail_dir_fsync;	/* fsync of a directory fails with EIO */
static char dir[64], path[128];

int fsync(int fd);

int
fsync(int fd)
{
	struct stat st;

	if (fail_dir_fsync && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		errno = EIO;
		return -1;
	}
	return (int)syscall(SYS_fsync, fd);
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_atomicfile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.json", dir);
	fail_dir_fsync = 0;
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* The whole content of path into buf (NUL-terminated); its length, or -1. */
static ssize_t
slurp(const char *p, char *buf, size_t len)
{
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* Files in dir other than . and .. */
static int
entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n;
}

START_TEST(writes_and_replaces)
{
	char err[256], buf[64];
	struct stat st;
	mode_t old = umask(022);

	ck_assert_int_eq(atomicfile_write(path, "one\n", 4, 0666, err, sizeof(err)), 0);
	ck_assert_int_eq(slurp(path, buf, sizeof(buf)), 4);
	ck_assert_str_eq(buf, "one\n");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644);
	ck_assert_int_eq(atomicfile_write(path, "two!!\n", 6, 0644, err, sizeof(err)), 0);
	ck_assert_int_eq(slurp(path, buf, sizeof(buf)), 6);
	ck_assert_str_eq(buf, "two!!\n");
	ck_assert_int_eq(entries(), 1);
	umask(old);
}
END_TEST

/* rename fails (path is a non-empty directory): -1 naming the path, no temp file left. */
START_TEST(failure_leaves_old_and_no_temp)
{
	char err[256], sub[160];

	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(sub, sizeof(sub), "%s/keep", path);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	errno = 0;
	ck_assert_int_eq(atomicfile_write(path, "x", 1, 0644, err, sizeof(err)), -1);
	ck_assert_int_ne(errno, 0);
	ck_assert_msg(strstr(err, "rename") && strstr(err, path), "%s", err);
	ck_assert_int_eq(entries(), 1);
	ck_assert_int_eq(access(sub, F_OK), 0);
}
END_TEST

/* A directory that does not exist: -1, and err names the temp file it could not create. */
START_TEST(missing_directory)
{
	char err[256], p[160];

	snprintf(p, sizeof(p), "%s/no/t.json", dir);
	ck_assert_int_eq(atomicfile_write(p, "x", 1, 0644, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_msg(strstr(err, "create") && strstr(err, "/no/"), "%s", err);
}
END_TEST

/* Only the directory fsync fails: the new file is live, and the result says so (was -1). */
START_TEST(dir_fsync_failure_is_unsynced)
{
	char err[256], buf[64];

	ck_assert_int_eq(atomicfile_write(path, "old\n", 4, 0644, err, sizeof(err)), 0);
	fail_dir_fsync = 1;
	ck_assert_int_eq(atomicfile_write(path, "new\n", 4, 0644, err, sizeof(err)),
	    ATOMICFILE_UNSYNCED);
	ck_assert_msg(strstr(err, path) && strstr(err, "durability not confirmed") &&
	    strstr(err, strerror(EIO)), "%s", err);
	ck_assert_int_eq(slurp(path, buf, sizeof(buf)), 4);
	ck_assert_str_eq(buf, "new\n");
	ck_assert_int_eq(entries(), 1);
}
END_TEST

/* sweep removes temp files of dead pids and of this process, keeps a live writer's. */
START_TEST(sweep_dead_writers_only)
{
	char tmp[192];
	int fd;
	long pids[] = { (long)getpid(), 1, 0x3ffffff0 };	/* self, live, no such pid */

	for (size_t k = 0; k < 3; k++) {
		snprintf(tmp, sizeof(tmp), "%s/.t.json.tmp.%ld", dir, pids[k]);
		ck_assert_int_ge(fd = open(tmp, O_WRONLY | O_CREAT | O_CLOEXEC, 0644), 0);
		close(fd);
	}
	snprintf(tmp, sizeof(tmp), "%s/.t.json.tmp.12x", dir);
	ck_assert_int_ge(fd = open(tmp, O_WRONLY | O_CREAT | O_CLOEXEC, 0644), 0);
	close(fd);
	ck_assert_int_eq(atomicfile_sweep(path), 2);
	snprintf(tmp, sizeof(tmp), "%s/.t.json.tmp.1", dir);
	ck_assert_int_eq(access(tmp, F_OK), 0);
	ck_assert_int_eq(entries(), 2);
}
END_TEST

START_TEST(dirname_cases)
{
	char buf[32];

	ck_assert_str_eq(atomicfile_dirname("t.json", buf, sizeof(buf)), ".");
	ck_assert_str_eq(atomicfile_dirname("/t.json", buf, sizeof(buf)), "/");
	ck_assert_str_eq(atomicfile_dirname("/a/b/t.json", buf, sizeof(buf)), "/a/b");
}
END_TEST

static void
add_tests(void)
{
	FIXTURE(setup, teardown);
	ADD(writes_and_replaces);
	ADD(failure_leaves_old_and_no_temp);
	ADD(missing_directory);
	ADD(dir_fsync_failure_is_unsynced);
	ADD(sweep_dead_writers_only);
	ADD(dirname_cases);
}
