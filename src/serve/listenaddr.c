/*
 * listenaddr.c: parse -listen and open the listening socket (see listenaddr.h). Replaces
 * libfcgi's FCGX_OpenSocket, which resolves host names, removes whatever file is at a
 * socket path, and on failure prints a bare perror line and exit()s with errno.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "listenaddr.h"
#include "numparse.h"

static int
parse_unix(const char *path, struct listenaddr *a, char *why, size_t whylen)
{
	struct sockaddr_un *un = (struct sockaddr_un *)&a->sa;
	size_t n = strlen(path);

	if (n >= sizeof(un->sun_path)) {
		snprintf(why, whylen, "socket path longer than %zu bytes", sizeof(un->sun_path) - 1);
		return -1;
	}
	un->sun_family = AF_UNIX;
	memcpy(un->sun_path, path, n + 1);
	a->len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	return 0;
}

static int
parse_inet(const char *host, size_t hostlen, const char *port, struct listenaddr *a, char *why,
    size_t whylen)
{
	char h[INET6_ADDRSTRLEN + 2], perr[64];	/* "[" address "]" */
	uint64_t p;

	if (numparse_uint(port, 65535, &p, perr, sizeof(perr)) < 0 || p == 0) {
		snprintf(why, whylen, "expected a port 1-65535 after the last ':'");
		return -1;
	}
	if (hostlen >= sizeof(h))
		goto bad_host;
	memcpy(h, host, hostlen);
	h[hostlen] = '\0';
	if (h[0] == '[') {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->sa;

		if (hostlen < 3 || h[hostlen - 1] != ']')
			goto bad_host;
		h[hostlen - 1] = '\0';
		if (inet_pton(AF_INET6, h + 1, &in6->sin6_addr) != 1)
			goto bad_host;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)p);
		a->len = sizeof(*in6);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)&a->sa;

		if (hostlen == 0 || strcmp(h, "*") == 0)
			in->sin_addr.s_addr = htonl(INADDR_ANY);
		else if (inet_pton(AF_INET, h, &in->sin_addr) != 1)
			goto bad_host;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)p);
		a->len = sizeof(*in);
	}
	return 0;
bad_host:
	snprintf(why, whylen, "expected a path, or ADDRESS:PORT with a numeric IPv4 address, "
	    "[IPv6] or nothing for all (no name lookups)");
	return -1;
}

int
listenaddr_parse(const char *spec, struct listenaddr *a, char *why, size_t whylen)
{
	const char *colon = strrchr(spec, ':');

	memset(a, 0, sizeof(*a));
	if (*spec == '\0') {
		snprintf(why, whylen, "empty");
		return -1;
	}
	if (spec[0] == '/' || colon == NULL)
		return parse_unix(spec, a, why, whylen);
	return parse_inet(spec, (size_t)(colon - spec), colon + 1, a, why, whylen);
}

/*
 * A unix socket path must be free, or hold a stale socket: one that nobody accepts on
 * (connect refused), which is removed. A socket in use, or any other file, is refused.
 */
static int
clear_path(const struct sockaddr_un *un, socklen_t len, char *err, size_t errlen)
{
	struct stat st;
	int fd, busy;

	if (lstat(un->sun_path, &st) < 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "cannot listen on %s: %s", un->sun_path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "cannot listen on %s: a file that is not a socket is there "
		    "(left alone)", un->sun_path);
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(err, errlen, "cannot listen on %s: socket: %s", un->sun_path,
		    strerror(errno));
		return -1;
	}
	busy = connect(fd, (const struct sockaddr *)un, len) == 0 || errno != ECONNREFUSED;
	close(fd);
	if (busy) {
		snprintf(err, errlen, "cannot listen on %s: another process is listening there",
		    un->sun_path);
		return -1;
	}
	if (unlink(un->sun_path) < 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot listen on %s: removing the old socket: %s",
		    un->sun_path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The address as text for messages: the path, or ADDRESS:PORT. */
static void
describe(const struct listenaddr *a, char *buf, size_t len)
{
	const struct sockaddr *sa = (const struct sockaddr *)&a->sa;
	char h[INET6_ADDRSTRLEN] = "?";

	if (sa->sa_family == AF_UNIX) {
		snprintf(buf, len, "%s", ((const struct sockaddr_un *)sa)->sun_path);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, h, sizeof(h));
		snprintf(buf, len, "[%s]:%u", h, ntohs(in6->sin6_port));
	} else {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in->sin_addr, h, sizeof(h));
		snprintf(buf, len, "%s:%u", h, ntohs(in->sin_port));
	}
}

int
listenaddr_open(struct listenaddr *a, int backlog, char *err, size_t errlen)
{
	int family = ((const struct sockaddr *)&a->sa)->sa_family, fd, one = 1, saved;
	const char *step = "socket";
	char name[128];
	mode_t old;

	describe(a, name, sizeof(name));
	if (family == AF_UNIX &&
	    clear_path((const struct sockaddr_un *)&a->sa, a->len, err, errlen) < 0)
		return -1;
	if ((fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		goto fail;
	step = "setsockopt";
	/* accepted sockets inherit TCP_NODELAY (libfcgi sets it on IPv4 ones only) */
	if (family != AF_UNIX && (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0))
		goto fail;
	step = "bind";
	old = umask(0117);	/* a unix socket for the web server's group: 0660 */
	if (bind(fd, (const struct sockaddr *)&a->sa, a->len) < 0) {
		saved = errno;
		umask(old);
		errno = saved;
		goto fail;
	}
	umask(old);
	step = "listen";
	if (listen(fd, backlog) < 0)
		goto fail;
	if (family == AF_UNIX) {
		struct stat st;

		if (lstat(((const struct sockaddr_un *)&a->sa)->sun_path, &st) == 0) {
			a->dev = st.st_dev;
			a->ino = st.st_ino;
			a->ctim = st.st_ctim;
		}
	}
	return fd;
fail:
	saved = errno;
	snprintf(err, errlen, "cannot listen on %s: %s: %s", name, step, strerror(saved));
	if (fd >= 0)
		close(fd);
	return -1;
}

void
listenaddr_close(const struct listenaddr *a, int fd)
{
	const struct sockaddr_un *un = (const struct sockaddr_un *)&a->sa;
	struct stat st;

	if (fd >= 0)
		close(fd);
	if (un->sun_family == AF_UNIX && a->ino != 0 && lstat(un->sun_path, &st) == 0 &&
	    st.st_dev == a->dev && st.st_ino == a->ino && st.st_ctim.tv_sec == a->ctim.tv_sec &&
	    st.st_ctim.tv_nsec == a->ctim.tv_nsec)
		unlink(un->sun_path);
}
