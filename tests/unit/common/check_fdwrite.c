/*
 * check_fdwrite.c: the writev-all loop finishes through EINTR and short writes, over more
 * ranges than one writev takes, and reports a real error.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fdwrite.h"
#include "check_main.h"

/* writev(2) as fdwrite sees it: this definition comes before libc's in the test program. */
static int eintr_left, short_writes;

ssize_t writev(int fd, const struct iovec *iov, int n);

ssize_t
writev(int fd, const struct iovec *iov, int n)
{
	if (eintr_left > 0) {
		eintr_left--;
		errno = EINTR;
		return -1;
	}
	if (short_writes && n > 0) {
		struct iovec one = { iov[0].iov_base, iov[0].iov_len < 3 ? iov[0].iov_len : 3 };

		return syscall(SYS_writev, fd, &one, 1);
	}
	return syscall(SYS_writev, fd, iov, n);
}

START_TEST(everything_is_written)
{
	char path[] = "/tmp/check_fdwrite.XXXXXX", want[2000], got[2100];
	struct iovec iov[200];
	size_t len = 0;
	ssize_t r;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	for (int i = 0; i < 200; i++) {	/* more ranges than one batch */
		int n = snprintf(want + len, sizeof(want) - len, "%d,", i);

		iov[i].iov_base = want + len;
		iov[i].iov_len = (size_t)n;
		len += (size_t)n;
	}
	eintr_left = 5;
	short_writes = 1;
	ck_assert_int_eq(fdwrite_iov(fd, iov, 200), 0);
	short_writes = 0;
	ck_assert_int_eq(eintr_left, 0);
	ck_assert_int_eq(iov[0].iov_len, 2);	/* the caller's ranges are left alone */
	r = pread(fd, got, sizeof(got), 0);
	ck_assert_int_eq(r, (ssize_t)len);
	ck_assert_int_eq(memcmp(got, want, len), 0);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(unlink(path), 0);

	errno = 0;
	ck_assert_int_eq(fdwrite_iov(-1, iov, 1), -1);
	ck_assert_int_eq(errno, EBADF);
	ck_assert_int_eq(fdwrite_iov(-1, iov, 0), 0);
}
END_TEST

static void
add_tests(void)
{
	ADD(everything_is_written);
}
