/*
 * check_lockfile.c: one sd-scan at a time: a second taker is told who holds the lock, the
 * lock goes with its holder (closed, or the process gone), and a path that cannot be a lock
 * file is an error, not "locked".
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lockfile.h"
#include "check_main.h"

static char dir[64], path[128], err[256];

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_lockfile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t.json.lock", dir);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* Another process holding it: 1, and err names its pid and the path. */
START_TEST(second_taker_is_told_who)
{
	char want[200];
	int fd, fd2 = -1, rc;

	ck_assert_int_eq(lockfile_acquire(path, &fd, err, sizeof(err)), 0);
	/* flock locks belong to the open file: a second open in this process competes */
	rc = lockfile_acquire(path, &fd2, err, sizeof(err));
	ck_assert_int_eq(rc, 1);
	ck_assert_int_eq(fd2, -1);
	snprintf(want, sizeof(want), "(pid %ld) holds %s", (long)getpid(), path);
	ck_assert_msg(strstr(err, want), "%s", err);
	lockfile_release(fd);
	ck_assert_int_eq(lockfile_acquire(path, &fd2, err, sizeof(err)), 0);
	lockfile_release(fd2);
	lockfile_release(-1);
}
END_TEST

/* A holder that dies (SIGKILL: no cleanup) leaves the lock free at once. */
START_TEST(dead_holder_frees_it)
{
	int pipefd[2], status, fd, held;
	char c = 0;
	pid_t pid;

	ck_assert_int_eq(pipe(pipefd), 0);
	if ((pid = fork()) == 0) {
		int cfd;

		if (lockfile_acquire(path, &cfd, err, sizeof(err)) != 0)
			_exit(1);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	ck_assert_int_gt(pid, 0);
	held = read(pipefd[0], &c, 1) == 1 ? lockfile_acquire(path, &fd, err, sizeof(err)) : -2;
	/* the child is killed before any assertion can end this test */
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_int_eq(held, 1);
	ck_assert_int_eq(lockfile_acquire(path, &fd, err, sizeof(err)), 0);
	lockfile_release(fd);
	close(pipefd[0]);
	close(pipefd[1]);
}
END_TEST

/* The holder's pid is in the file, for the message; the file is not removed on release. */
START_TEST(pid_written)
{
	char buf[32] = "", want[32];
	int fd, rfd;
	ssize_t n;

	ck_assert_int_eq(lockfile_acquire(path, &fd, err, sizeof(err)), 0);
	ck_assert_int_ge(rfd = open(path, O_RDONLY | O_CLOEXEC), 0);
	n = read(rfd, buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 0);
	close(rfd);
	snprintf(want, sizeof(want), "%ld\n", (long)getpid());
	ck_assert_str_eq(buf, want);
	lockfile_release(fd);
	ck_assert_int_eq(access(path, F_OK), 0);
}
END_TEST

/* A missing directory or a symlink (O_NOFOLLOW) is -1 naming the path, never "held". */
START_TEST(unusable_path_is_an_error)
{
	char p[160];
	int fd;

	snprintf(p, sizeof(p), "%s/none/t.lock", dir);
	ck_assert_int_eq(lockfile_acquire(p, &fd, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, p) && strstr(err, strerror(ENOENT)), "%s", err);
	ck_assert_int_eq(symlink("/tmp", path), 0);
	ck_assert_int_eq(lockfile_acquire(path, &fd, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, path) && strstr(err, strerror(ELOOP)), "%s", err);
}
END_TEST

static void
add_tests(void)
{
	FIXTURE(setup, teardown);
	ADD(second_taker_is_told_who);
	ADD(dead_holder_frees_it);
	ADD(pid_written);
	ADD(unusable_path_is_an_error);
}
