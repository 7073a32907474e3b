/*
 * readfile.c: the one whole-file reader (see readfile.h). The buffer is sized from fstat
 * and grows only up to max + 1 bytes, so a file larger than its cap, or one that grows while
 * read, costs at most that much memory and reading. A file replaced while read is seen by
 * comparing its fstat before and after and the path's stat after (see readfile.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "readfile.h"

/* ctime too: a rewrite that puts the old mtime back (cp -p, rsync -t --inplace) moves it */
static int
same_version(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	    a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* 1 when path no longer names the file read (renamed over, removed) or it moved. */
static int
replaced(const char *path, int fd, const struct readfile *rf)
{
	struct stat after, now;

	if (fstat(fd, &after) < 0 || !same_version(&rf->st, &after) ||
	    rf->len != (size_t)rf->st.st_size)
		return 1;
	return stat(path, &now) < 0 || now.st_dev != rf->st.st_dev || now.st_ino != rf->st.st_ino;
}

/* Read fd to its end into rf->data, at most max + 1 bytes; -1 with errno. */
static int
read_all(int fd, size_t max, int flags, struct readfile *rf)
{
	size_t cap = (uint64_t)rf->st.st_size < max ? (size_t)rf->st.st_size : max;

	/* one byte more than expected, to see the end (or a file that grew) in one pass */
	cap += 1;
	if ((rf->data = malloc(cap + 1)) == NULL)
		return -1;
	for (;;) {
		ssize_t r;

		if (rf->len == cap) {
			char *p;

			if (cap > max)
				break;	/* max + 1 bytes read: over the cap */
			cap = cap > max / 2 ? max + 1 : cap * 2;
			if ((p = realloc(rf->data, cap + 1)) == NULL)
				return -1;
			rf->data = p;
		}
		if ((r = read(fd, rf->data + rf->len, cap - rf->len)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		rf->len += (size_t)r;
	}
	if (rf->len > max) {
		if (!(flags & READFILE_PREFIX)) {
			errno = EFBIG;
			return -1;
		}
		rf->len = max;
		rf->truncated = 1;
	}
	rf->data[rf->len] = '\0';
	return 0;
}

int
readfile_load(const char *path, size_t max, int flags, struct readfile *rf, char *err,
    size_t errlen)
{
	int fd, e;

	memset(rf, 0, sizeof(*rf));
	/* O_NONBLOCK: a FIFO put in the file's place must not hang us in open() */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
		e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	if (fstat(fd, &rf->st) < 0) {
		e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		goto fail;
	}
	if (!S_ISREG(rf->st.st_mode)) {
		e = EINVAL;
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	if ((uint64_t)rf->st.st_size > max && !(flags & READFILE_PREFIX)) {
		e = EFBIG;
		snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
		goto fail;
	}
	if (read_all(fd, max, flags, rf) < 0) {
		e = errno;
		if (e == EFBIG)
			snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
		else
			snprintf(err, errlen, "%s: read: %s", path, strerror(e));
		goto fail;
	}
	rf->changed = replaced(path, fd, rf);
	close(fd);	/* read-only: nothing to lose */
	return 0;
fail:
	close(fd);
	free(rf->data);
	memset(rf, 0, sizeof(*rf));
	errno = e;
	return -1;
}
