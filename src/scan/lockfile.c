/*
 * lockfile.c: non-blocking flock; the holder writes its pid into the file for the message
 * the loser prints.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "lockfile.h"

int
lockfile_acquire(const char *path, int *fdp, char *err, size_t errlen)
{
	char pid[32] = "";
	ssize_t n;
	int fd, len;

	if ((fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644)) < 0) {
		snprintf(err, errlen, "lock file %s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		if (e == EWOULDBLOCK) {
			n = pread(fd, pid, sizeof(pid) - 1, 0);
			pid[n > 0 ? n : 0] = '\0';
			pid[strcspn(pid, "\n")] = '\0';
			snprintf(err, errlen, "another sd-scan (pid %s) holds %s", *pid ? pid : "?",
			    path);
			close(fd);
			return 1;
		}
		snprintf(err, errlen, "lock file %s: %s", path, strerror(e));
		close(fd);
		return -1;
	}
	len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)len, 0) != len) {
		/* the lock holds all the same; the pid is only for messages */
	}
	*fdp = fd;
	return 0;
}

void
lockfile_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
