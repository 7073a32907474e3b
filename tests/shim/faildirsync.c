/*
 * faildirsync.c: an LD_PRELOAD shim for the fault tests: fsync(2) of a directory fails with
 * EIO (a file's fsync works), the way a filesystem that cannot make a rename durable does.
 * The number of failures injected is written to FAULT_REPORT at exit. Thread-safe.
 * Built by tests/integration/faults_scan.sh itself: cc -shared -fPIC ... -ldl.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <sys/stat.h>

#include "fault_report.h"

int
fsync(int fd)
{
	static int (*real)(int);
	struct stat st;

	if (!real)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		fault_count();
		errno = EIO;
		return -1;
	}
	return real(fd);
}
