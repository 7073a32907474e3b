/*
 * check_readfile.c: the whole-file reader: exact bytes, the cap (a file one byte over is
 * refused, and a file whose size fstat does not know is read no further than cap + 1 bytes),
 * what is not a regular file (a FIFO refused without blocking), a missing file, EINTR, and
 * a file replaced while it is read (rewritten in place with its old mtime put back, renamed
 * over), swapped by the read(2) below between two reads of one load.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fileclock.h"
#include "procio.h"
#include "readfile.h"
#include "check_main.h"

/*
 * read(2) as the reader sees it: this definition in the test program comes before libc's,
 * so a test can make reads fail with EINTR or come back short.
 */
static int eintr_left, short_reads;
static void (*after_first_read)(void);	/* run once, after a first read of 7 bytes */

static char dir[64], path[128], err[512];

ssize_t read(int fd, void *buf, size_t n);

ssize_t
read(int fd, void *buf, size_t n)
{
	void (*hook)(void) = after_first_read;
	ssize_t r;

	if (eintr_left > 0) {
		eintr_left--;
		errno = EINTR;
		return -1;
	}
	if ((short_reads || hook) && n > 7)
		n = 7;
	r = syscall(SYS_read, fd, buf, n);
	if (hook != NULL) {
		after_first_read = NULL;
		hook();
	}
	return r;
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_readfile.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/f", dir);
}

static void
teardown(void)
{
	unlink(path);
	rmdir(dir);
}

static void
put(size_t n)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	for (size_t i = 0; i < n; i++)
		fputc('a' + (int)(i % 26), fp);
	ck_assert_int_eq(fclose(fp), 0);
}

START_TEST(reads_the_whole_file)
{
	struct readfile rf;

	put(100000);
	ck_assert_int_eq(readfile_load(path, 100000, 0, &rf, err, sizeof(err)), 0);
	ck_assert_uint_eq(rf.len, 100000);
	ck_assert_int_eq(rf.data[0], 'a');
	ck_assert_int_eq(rf.data[99999], 'a' + 99999 % 26);
	ck_assert_int_eq(rf.data[100000], '\0');
	ck_assert_int_eq(rf.changed, 0);
	ck_assert_int_eq(rf.truncated, 0);
	free(rf.data);
	put(0);
	ck_assert_int_eq(readfile_load(path, 10, 0, &rf, err, sizeof(err)), 0);
	ck_assert_uint_eq(rf.len, 0);
	ck_assert_str_eq(rf.data, "");
	free(rf.data);
}
END_TEST

START_TEST(one_byte_over_the_cap_is_refused)
{
	struct readfile rf;

	put(4097);
	errno = 0;
	ck_assert_int_eq(readfile_load(path, 4096, 0, &rf, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, EFBIG);
	ck_assert_ptr_null(rf.data);
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_nonnull(strstr(err, "larger than 4096 bytes"));
	/* with READFILE_PREFIX: the first cap bytes */
	ck_assert_int_eq(readfile_load(path, 4096, READFILE_PREFIX, &rf, err, sizeof(err)), 0);
	ck_assert_uint_eq(rf.len, 4096);
	ck_assert_int_eq(rf.truncated, 1);
	free(rf.data);
	put(4096);
	ck_assert_int_eq(readfile_load(path, 4096, 0, &rf, err, sizeof(err)), 0);
	ck_assert_uint_eq(rf.len, 4096);
	free(rf.data);
}
END_TEST

START_TEST(cap_holds_when_fstat_does_not_know_the_size)
{
	/* /proc files have st_size 0: the cap alone bounds what is read (tens of KB here) */
	const char *big = "/proc/self/smaps";
	struct readfile rf;
	unsigned long long r0, r1, r2;

	if ((r0 = procio_rchar()) == 0 || access(big, R_OK) != 0)
		return;
	r1 = procio_rchar();
	ck_assert_int_eq(readfile_load(big, 1000, 0, &rf, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, EFBIG);
	r2 = procio_rchar();
	/* what one procio_rchar() itself reads is r1 - r0, give or take a digit */
	ck_assert_msg(r2 - r1 <= (r1 - r0) + 8 + 1001, "read %llu bytes with a cap of 1000",
	    r2 - r1 - (r1 - r0));
	ck_assert_int_eq(readfile_load(big, 1000, READFILE_PREFIX, &rf, err, sizeof(err)), 0);
	ck_assert_uint_eq(rf.len, 1000);
	ck_assert_int_eq(rf.truncated, 1);
	free(rf.data);
}
END_TEST

START_TEST(only_regular_files)
{
	struct readfile rf;

	ck_assert_int_eq(mkfifo(path, 0600), 0);
	/* no writer: a blocking open would hang here until the suite's timeout */
	ck_assert_int_eq(readfile_load(path, 100, 0, &rf, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(readfile_load(dir, 100, 0, &rf, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	ck_assert_int_eq(readfile_load("/dev/zero", 100, 0, &rf, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	errno = 0;
	ck_assert_int_eq(readfile_load(path, 100, 0, &rf, err, sizeof(err)), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_ptr_nonnull(strstr(err, "No such file or directory"));
}
END_TEST

START_TEST(eintr_and_short_reads_are_retried)
{
	struct readfile rf;

	put(5000);
	eintr_left = 3;
	short_reads = 1;
	ck_assert_int_eq(readfile_load(path, 5000, 0, &rf, err, sizeof(err)), 0);
	short_reads = 0;
	ck_assert_int_eq(eintr_left, 0);
	ck_assert_uint_eq(rf.len, 5000);
	ck_assert_int_eq(rf.data[4999], 'a' + 4999 % 26);
	ck_assert_int_eq(rf.changed, 0);
	free(rf.data);
}
END_TEST

/* n bytes of c at p, written in place (O_TRUNC: the same inode). */
static void
fill(const char *p, int c, size_t n)
{
	char buf[4096];
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	ck_assert_int_ge(fd, 0);
	memset(buf, c, sizeof(buf));
	for (size_t o = 0; o < n; o += sizeof(buf))
		ck_assert_int_gt(write(fd, buf, n - o < sizeof(buf) ? n - o : sizeof(buf)), 0);
	ck_assert_int_eq(close(fd), 0);
}

/* rsync --inplace -t, cp -p over the file: new bytes, same size and inode, old mtime back */
static void
rewrite_in_place(void)
{
	fileclock_past_ctime(path);
	fill(path, 'B', 10000);
	ck_assert_int_eq(utimensat(AT_FDCWD, path, FILECLOCK_OLD_MTIME, 0), 0);
}

/* what sd-scan and editors do: a new file renamed over the old one */
static void
rename_over(void)
{
	char tmp[160];

	snprintf(tmp, sizeof(tmp), "%s/.f.tmp", dir);
	fill(tmp, 'B', 10000);
	ck_assert_int_eq(utimensat(AT_FDCWD, tmp, FILECLOCK_OLD_MTIME, 0), 0);
	ck_assert_int_eq(rename(tmp, path), 0);
}

/* 1 when the bytes are all A or all B: one version, not a mix. */
static int
one_version(const struct readfile *rf)
{
	for (size_t i = 1; i < rf->len; i++)
		if (rf->data[i] != rf->data[0])
			return 0;
	return 1;
}

START_TEST(a_file_rewritten_in_place_while_read_is_changed)
{
	struct readfile rf;

	fill(path, 'A', 10000);
	ck_assert_int_eq(utimensat(AT_FDCWD, path, FILECLOCK_OLD_MTIME, 0), 0);
	after_first_read = rewrite_in_place;
	ck_assert_int_eq(readfile_load(path, 100000, 0, &rf, err, sizeof(err)), 0);
	ck_assert_ptr_null(after_first_read);
	/* 7 bytes of A, then B: torn, and said so (size, inode and mtime are the same) */
	ck_assert_uint_eq(rf.len, 10000);
	ck_assert_int_eq(one_version(&rf), 0);
	ck_assert_int_eq(rf.changed, 1);
	free(rf.data);
	/* read again: the new version whole */
	ck_assert_int_eq(readfile_load(path, 100000, 0, &rf, err, sizeof(err)), 0);
	ck_assert_int_eq(rf.changed, 0);
	ck_assert_int_eq(rf.data[0], 'B');
	ck_assert_int_eq(one_version(&rf), 1);
	free(rf.data);
}
END_TEST

START_TEST(a_file_renamed_over_while_read_is_changed)
{
	struct readfile rf;

	fill(path, 'A', 10000);
	ck_assert_int_eq(utimensat(AT_FDCWD, path, FILECLOCK_OLD_MTIME, 0), 0);
	after_first_read = rename_over;
	ck_assert_int_eq(readfile_load(path, 100000, 0, &rf, err, sizeof(err)), 0);
	ck_assert_ptr_null(after_first_read);
	/* the old file, whole, but no longer what the path names */
	ck_assert_int_eq(rf.data[0], 'A');
	ck_assert_int_eq(one_version(&rf), 1);
	ck_assert_int_eq(rf.changed, 1);
	free(rf.data);
	ck_assert_int_eq(readfile_load(path, 100000, 0, &rf, err, sizeof(err)), 0);
	ck_assert_int_eq(rf.changed, 0);
	ck_assert_int_eq(rf.data[0], 'B');
	free(rf.data);
}
END_TEST

static void
add_tests(void)
{
	FIXTURE(setup, teardown);
	ADD(reads_the_whole_file);
	ADD(one_byte_over_the_cap_is_refused);
	ADD(cap_holds_when_fstat_does_not_know_the_size);
	ADD(only_regular_files);
	ADD(eintr_and_short_reads_are_retried);
	ADD(a_file_rewritten_in_place_while_read_is_changed);
	ADD(a_file_renamed_over_while_read_is_changed);
}
