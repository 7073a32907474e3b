/*
 * atomicfile.c: temp file, fsync, rename, fsync of the directory (redis' rdbSave order).
 * Every step before the rename fails cleanly (the old file stays); after it the new file is
 * live, so a failed directory fsync is a warning, not a failure.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "fdwrite.h"

char *
atomicfile_dirname(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		snprintf(buf, len, ".");
	else if (slash == path)
		snprintf(buf, len, "/");
	else
		snprintf(buf, len, "%.*s", (int)(slash - path), path);
	return buf;
}

static const char *
base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int
temp_path(const char *path, long pid, char *buf, size_t len)
{
	char dir[4096];
	int n;

	n = snprintf(buf, len, "%s/.%s.tmp.%ld", atomicfile_dirname(path, dir, sizeof(dir)),
	    base_name(path), pid);
	if (n < 0 || (size_t)n >= len) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static int
fsync_dir(int dirfd, const char *path)
{
	char dir[4096];
	int fd, rc, e;

	if ((fd = openat(dirfd, atomicfile_dirname(path, dir, sizeof(dir)), O_RDONLY |
	    O_DIRECTORY | O_CLOEXEC)) < 0)
		return -1;
	rc = fsync(fd);
	e = errno;
	close(fd);
	errno = e;
	return rc;
}

int
atomicfile_write(const char *path, const void *data, size_t len, mode_t mode, char *err,
    size_t errlen)
{
	/* iovec wants void *; writev does not write through it */
	struct iovec iov = { (void *)(uintptr_t)data, len };

	return atomicfile_writev(AT_FDCWD, path, &iov, 1, mode, 0, err, errlen);
}

int
atomicfile_writev(int dirfd, const char *path, const struct iovec *iov, size_t n,
    mode_t mode, int flags, char *err, size_t errlen)
{
	const char *step = "create";
	char tmp[4200];
	int fd = -1, e;

	if (temp_path(path, (long)getpid(), tmp, sizeof(tmp)) < 0)
		goto fail;
	if ((fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
	    mode)) < 0)
		goto fail;
	step = "write";
	if (fdwrite_iov(fd, iov, n) < 0)
		goto fail;
	step = "fsync";
	if (!(flags & ATOMICFILE_NOSYNC) && fsync(fd) < 0)
		goto fail;
	step = "close";
	e = close(fd);
	fd = -1;
	if (e < 0)
		goto fail;
	step = "rename";
	if (renameat(dirfd, tmp, dirfd, path) < 0)
		goto fail;
	if (flags & ATOMICFILE_NOSYNC)
		return 0;
	step = "fsync directory of";
	if (fsync_dir(dirfd, path) < 0) {
		/* the new file is in place; only its durability is in doubt */
		e = errno;
		snprintf(err, errlen, "%s written, durability not confirmed: fsync of its "
		    "directory: %s", path, strerror(e));
		errno = e;
		return ATOMICFILE_UNSYNCED;
	}
	return 0;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	if (strcmp(step, "create") != 0)
		unlinkat(dirfd, tmp, 0);
	snprintf(err, errlen, "%s %s: %s", step, strcmp(step, "create") == 0 ? tmp : path,
	    strerror(e));
	errno = e;
	return -1;
}

int
atomicfile_sweep(const char *path)
{
	char dir[4096], prefix[512], tmp[4200];
	struct dirent *de;
	DIR *d;
	int removed = 0;

	snprintf(prefix, sizeof(prefix), ".%s.tmp.", base_name(path));
	if ((d = opendir(atomicfile_dirname(path, dir, sizeof(dir)))) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char *end;
		long pid;

		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0)
			continue;
		pid = strtol(de->d_name + strlen(prefix), &end, 10);
		if (*end != '\0' || pid <= 0)
			continue;
		/* a live writer owns it (EPERM: alive, another user's) */
		if (pid != (long)getpid() && (kill((pid_t)pid, 0) == 0 || errno == EPERM))
			continue;
		if (temp_path(path, pid, tmp, sizeof(tmp)) == 0 && unlink(tmp) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}
