/*
 * fault_report.h: what the LD_PRELOAD shims share: a count of the faults injected
 * (fault_count, thread-safe), written as one number to the file FAULT_REPORT names when the
 * process exits. Included once by each shim.
 */
#ifndef SD_FAULT_REPORT_H
#define SD_FAULT_REPORT_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static unsigned long injected;

static void
fault_count(void)
{
	__atomic_add_fetch(&injected, 1, __ATOMIC_SEQ_CST);
}

__attribute__((destructor)) static void
fault_report(void)
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

#endif
