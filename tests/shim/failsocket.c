/*
 * failsocket.c: an LD_PRELOAD shim for the fault tests: makes a TCP probe fail locally now
 * and then, the way a busy host does. Every FAULT_SOCKET_EVERY-th socket(AF_INET, STREAM)
 * fails with EMFILE (or the errno number FAULT_SOCKET_ERRNO), every socket(AF_INET6, STREAM)
 * with the errno number FAULT_SOCKET6_ERRNO when set (a kernel without IPv6: 97),
 * every FAULT_CONNECT_EVERY-th connect() with EADDRNOTAVAIL, and every
 * FAULT_SOERROR_EVERY-th getsockopt(SO_ERROR) reports ENOBUFS (0 or unset: never). At exit
 * the number of faults injected is written to FAULT_REPORT. Thread-safe (atomic counters).
 * Built by tests/integration/faults_scan.sh itself (cc -shared -fPIC ... -ldl), and included
 * by tests/unit/scan/check_prober.c, which reads its counters.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fault_report.h"

static unsigned long n_socket, n_connect, n_soerror;

static unsigned long
every(const char *name)
{
	const char *v = getenv(name);

	return v ? strtoul(v, NULL, 10) : 0;
}

static int
hit(unsigned long *counter, const char *name)
{
	unsigned long n = __atomic_add_fetch(counter, 1, __ATOMIC_SEQ_CST), k = every(name);

	if (k == 0 || n % k != 0)
		return 0;
	fault_count();
	return 1;
}

int
socket(int domain, int type, int protocol)
{
	static int (*real)(int, int, int);

	if (!real)
		real = (int (*)(int, int, int))dlsym(RTLD_NEXT, "socket");
	if (domain == AF_INET6 && (type & 0xf) == SOCK_STREAM && every("FAULT_SOCKET6_ERRNO")) {
		errno = (int)every("FAULT_SOCKET6_ERRNO");
		return -1;
	}
	if (domain == AF_INET && (type & 0xf) == SOCK_STREAM && hit(&n_socket, "FAULT_SOCKET_EVERY")) {
		errno = every("FAULT_SOCKET_ERRNO") ? (int)every("FAULT_SOCKET_ERRNO") : EMFILE;
		return -1;
	}
	return real(domain, type, protocol);
}

int
connect(int fd, const struct sockaddr *sa, socklen_t len)
{
	static int (*real)(int, const struct sockaddr *, socklen_t);

	if (!real)
		real = (int (*)(int, const struct sockaddr *, socklen_t))dlsym(RTLD_NEXT, "connect");
	if (sa && sa->sa_family == AF_INET && hit(&n_connect, "FAULT_CONNECT_EVERY")) {
		errno = EADDRNOTAVAIL;
		return -1;
	}
	return real(fd, sa, len);
}

int
getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	static int (*real)(int, int, int, void *, socklen_t *);
	int rc;

	if (!real)
		real = (int (*)(int, int, int, void *, socklen_t *))dlsym(RTLD_NEXT, "getsockopt");
	rc = real(fd, level, name, val, len);
	if (rc == 0 && level == SOL_SOCKET && name == SO_ERROR && *len == sizeof(int) &&
	    hit(&n_soerror, "FAULT_SOERROR_EVERY"))
		*(int *)val = ENOBUFS;
	return rc;
}
