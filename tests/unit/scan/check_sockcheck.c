/*
 * check_sockcheck.c: the per-protocol checks against real sockets of this process on
 * loopback and in /tmp (tcp open and refused, udp answered, refused and silent, the three
 * unix kinds), with an injected resolver for names: one maps to 127.0.0.1, one to
 * 127.0.0.2 (refused) and then 127.0.0.1, one fails.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "sockcheck.h"
#include "check_main.h"

static int
fake_resolve(void *ctx, const char *host, int family, struct sockaddr_storage *addrs,
    unsigned max, unsigned *n)
{
	static const uint32_t good[] = { INADDR_LOOPBACK }, two[] = { 0x7f000002, INADDR_LOOPBACK };
	const uint32_t *a = strcmp(host, "good.test") == 0 ? good : strcmp(host, "two.test") == 0 ?
	    two : NULL;

	(*(int *)ctx)++;
	if (a == NULL || family == AF_INET6)
		return EAI_NONAME;
	*n = a == good ? 1 : 2;
	ck_assert_uint_ge(max, *n);
	for (unsigned k = 0; k < *n; k++) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&addrs[k];

		memset(sin, 0, sizeof(*sin));
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(a[k]);
	}
	return 0;
}

/* A socket of type bound on 127.0.0.1 (listening for TCP); its port in *port. */
static int
inet_listener(int type, uint16_t *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, type, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	if (type == SOCK_STREAM)
		ck_assert_int_eq(listen(fd, 16), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* A port with nothing on it: bound and closed again. */
static uint16_t
free_port(int type)
{
	uint16_t port;

	close(inet_listener(type, &port));
	return port;
}

static int
unix_listener(int type, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type, 0);

	ck_assert_int_ge(fd, 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	unlink(path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	if (type != SOCK_DGRAM)
		ck_assert_int_eq(listen(fd, 16), 0);
	return fd;
}

static void
add(struct sockets_list *l, const char *host, unsigned port, enum sockets_proto p,
    double timeout)
{
	struct sockets_entry *e = &l->v[l->n];

	e->name = strdup("n");
	e->host = strdup(host);
	e->port = (uint16_t)port;
	e->proto = p;
	e->timeout = timeout;
	e->line = (int)l->n + 2;
	if (timeout > l->max_timeout)
		l->max_timeout = timeout;
	l->n++;
}

START_TEST(each_protocol)
{
	static volatile sig_atomic_t stop;
	struct sockets_list l = { 0 };
	struct sockcheck_result r;
	struct sockcheck_config cfg = { .list = &l, .workers = 2, .inflight = 16, .rate = 0,
	    .resolvers = 2, .resolve = fake_resolve, .stop = &stop };
	char err[256], dir[] = "/tmp/check_sockcheck_XXXXXX", stream[128], dgram[128], seq[128];
	uint16_t tport, uport;
	int tfd, ufd, sfd, dfd, qfd, lookups = 0;
	static const unsigned char want[] = {
		SOCKCHECK_UP, SOCKCHECK_REFUSED, SOCKCHECK_UP, SOCKCHECK_REFUSED, SOCKCHECK_UP,
		SOCKCHECK_UP, SOCKCHECK_UP, SOCKCHECK_UP, SOCKCHECK_REFUSED, SOCKCHECK_REFUSED,
		SOCKCHECK_UP, SOCKCHECK_RESOLVE, SOCKCHECK_RESOLVE, SOCKCHECK_UP, SOCKCHECK_UP,
		SOCKCHECK_REFUSED,
	};

	cfg.resolve_ctx = &lookups;
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(stream, sizeof(stream), "%s/stream", dir);
	snprintf(dgram, sizeof(dgram), "%s/dgram", dir);
	snprintf(seq, sizeof(seq), "%s/seq", dir);
	tfd = inet_listener(SOCK_STREAM, &tport);
	ufd = inet_listener(SOCK_DGRAM, &uport);
	sfd = unix_listener(SOCK_STREAM, stream);
	dfd = unix_listener(SOCK_DGRAM, dgram);
	qfd = unix_listener(SOCK_SEQPACKET, seq);
	ck_assert_ptr_nonnull(l.v = calloc(16, sizeof(*l.v)));
	add(&l, "127.0.0.1", tport, SOCKETS_TCP, 1);
	add(&l, "127.0.0.1", free_port(SOCK_STREAM), SOCKETS_TCP4, 1);
	add(&l, "[127.0.0.1]", tport, SOCKETS_TCP, 1);	/* brackets are taken off */
	add(&l, "127.0.0.1", free_port(SOCK_DGRAM), SOCKETS_UDP, 1);	/* ICMP port unreachable */
	add(&l, "127.0.0.1", uport, SOCKETS_UDP4, 0.2);	/* silent: not refused */
	add(&l, stream, 0, SOCKETS_UNIX, 1);
	add(&l, dgram, 0, SOCKETS_UNIXGRAM, 1);
	add(&l, seq, 0, SOCKETS_UNIXPACKET, 1);
	add(&l, dgram, 0, SOCKETS_UNIX, 1);	/* wrong kind: EPROTOTYPE */
	add(&l, "/nonexistent/sock", 0, SOCKETS_UNIX, 1);
	add(&l, "good.test", tport, SOCKETS_TCP, 1);
	add(&l, "bad.test", tport, SOCKETS_TCP, 1);
	add(&l, "good.test", tport, SOCKETS_TCP6, 1);	/* no AAAA */
	add(&l, "good.test", tport, SOCKETS_TCP, 2);	/* same name: looked up once */
	add(&l, "two.test", tport, SOCKETS_TCP, 1);	/* 127.0.0.2 refuses: 127.0.0.1 is up */
	add(&l, "two.test", free_port(SOCK_STREAM), SOCKETS_TCP, 1);	/* both refuse */
	ck_assert_int_eq(sockcheck_run(&cfg, &r, err, sizeof(err)), 0);
	ck_assert_uint_eq(r.n, l.n);
	for (size_t i = 0; i < l.n; i++)
		ck_assert_msg(r.status[i] == want[i], "socket %zu: %s, want %s", i,
		    sockcheck_status_name(r.status[i]), sockcheck_status_name(want[i]));
	ck_assert_int_eq(lookups, 4);	/* good.test x2 families, bad.test, two.test */
	ck_assert_uint_eq(r.names, 4);
	ck_assert_uint_eq(r.checked, l.n);
	ck_assert_uint_eq(r.count[SOCKCHECK_UP], 9);
	ck_assert_uint_eq(r.count[SOCKCHECK_RESOLVE], 2);
	ck_assert_int_eq(r.detail[11], EAI_NONAME);
	ck_assert(r.seconds[4] >= 0.19 && r.seconds[4] < 1);	/* the silent one waited */
	ck_assert(r.seconds[0] < 0.5);
	ck_assert(r.seconds_total < 1.5);
	sockcheck_result_fini(&r);
	sockets_fini(&l);
	close(tfd);
	close(ufd);
	close(sfd);
	close(dfd);
	close(qfd);
	unlink(stream);
	unlink(dgram);
	unlink(seq);
	rmdir(dir);
}
END_TEST

START_TEST(stop_leaves_unchecked)
{
	static volatile sig_atomic_t stop = 1;
	struct sockets_list l = { 0 };
	struct sockcheck_result r;
	struct sockcheck_config cfg = { .list = &l, .workers = 1, .inflight = 1, .resolvers = 1,
	    .stop = &stop };
	char err[256];

	ck_assert_ptr_nonnull(l.v = calloc(2, sizeof(*l.v)));
	add(&l, "127.0.0.1", 9, SOCKETS_TCP, 1);
	add(&l, "127.0.0.1", 9, SOCKETS_UDP, 1);
	ck_assert_int_eq(sockcheck_run(&cfg, &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r.interrupted, 1);
	ck_assert_uint_eq(r.count[SOCKCHECK_UNCHECKED], 2);
	ck_assert_uint_eq(r.checked, 0);
	sockcheck_result_fini(&r);
	sockets_fini(&l);
}
END_TEST

static void
add_tests(void)
{
	ADD(each_protocol);
	ADD(stop_leaves_unchecked);
}
