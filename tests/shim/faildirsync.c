/*
 * faildirsync.c: an LD_PRELOAD shim for the fault tests: fsync(2) of a directory fails with
 * EIO (a file's fsync works), the way a filesystem that cannot make a rename durable does.
 * The number of failures injected is written to FAULT_REPORT at exit. Thread-safe.
 * Built by tests/integration/faults_scan.sh itself: cc -shared -fPIC ... -ldl.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned long injected;

int
fsync(int fd)
{
	static int (*real)(int);
	struct stat st;

	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		__atomic_add_fetch(&injected, 1, __ATOMIC_SEQ_CST);
		errno = EIO;
		return -1;
	}
	return real(fd);
}

__attribute__((destructor)) static void
report(void)
{
	const char *path = getenv("FAULT_REPORT");
	char buf[32];
	int fd, n;

	if (!path || (fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		return;
	n = snprintf(buf, sizeof(buf), "%lu\n", __atomic_load_n(&injected, __ATOMIC_SEQ_CST));
	if (write(fd, buf, (size_t)n) != n || close(fd) < 0)
		unlink(path);
}
