/*
 * listenaddr.h: sd-serve's -listen value and the listening socket made from it. The value is
 * a unix socket path (anything starting with '/' or without ':') or ADDRESS:PORT with a
 * numeric address: IPv4, [IPv6], or empty or '*' for all IPv4 addresses. No name is looked
 * up. The parser is pure (thread-safe, fuzzable).
 */
#ifndef SD_LISTENADDR_H
#define SD_LISTENADDR_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>

struct listenaddr {
	struct sockaddr_storage	sa;	/* AF_UNIX, AF_INET or AF_INET6 */
	socklen_t		len;
	dev_t			dev;	/* the socket file listenaddr_open made, if any: */
	ino_t			ino;	/* inode numbers are reused, so its change time too */
	struct timespec		ctim;
};

/* Parse spec into *a; 0, or -1 with a short reason in why. */
int	listenaddr_parse(const char *spec, struct listenaddr *a, char *why, size_t whylen);
/*
 * A listening socket on a (backlog connections). A unix socket is created mode 0660; a
 * stale socket at its path is replaced, but any other file there is refused, never
 * removed. The fd, or -1 with a one-line reason in err naming what failed.
 */
int	listenaddr_open(struct listenaddr *a, int backlog, char *err, size_t errlen);
/* Close fd; remove the socket file listenaddr_open made, if it is still the one there. */
void	listenaddr_close(const struct listenaddr *a, int fd);

#endif
