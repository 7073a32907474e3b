/*
 * check_prober.c: the probe engine on 127.0.0.1, without root: open and closed ports, local
 * failures retried (never reported as closed), the stop flag, a worker thread that cannot
 * start (the run ends before any probe), which timeouts -retry-scope probes again, and a
 * stop while a worker waits at the end of the first pass. socket and connect
 * (tests/shim/failsocket.c) and pthread_create are interposed here (this binary's
 * definitions win over libc's) to count probes and inject failures.
 */
#define _GNU_SOURCE
#include <check.h>
#include <dlfcn.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "prober.h"
#include "check_main.h"

/*
 * The fault tests' shim, linked in: socket() fails with EMFILE every FAULT_SOCKET_EVERY-th
 * time; n_connect counts AF_INET connect() calls (the probes sent), injected the faults.
 */
#include "../../shim/failsocket.c"

static atomic_int creates_left = -1;	/* pthread_create calls that succeed; -1: all */

int
pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
	static int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

	if (!real)
		real = (int (*)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *))
		    dlsym(RTLD_NEXT, "pthread_create");
	if (atomic_load(&creates_left) == 0)
		return EAGAIN;
	if (atomic_load(&creates_left) > 0)
		atomic_fetch_sub(&creates_left, 1);
	return real(t, attr, fn, arg);
}

/* A TCP socket bound to 127.0.0.1 on a free port, listening when listening; sets *port. */
static int
bound_socket(int listening, uint16_t *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	if (listening)
		ck_assert_int_eq(listen(fd, 64), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	*port = ntohs(sin.sin_port);
	return fd;
}

struct lab {
	struct addrset		hosts;
	struct portlist		ports;
	struct probegen		gen;
	struct prober_config	cfg;
	volatile sig_atomic_t	stop;
	int			fds[2];		/* listening and closed sockets, or -1 */
};

/* The probes of 127.0.0.1 x ports ("A,B" or "1-65535"), with workers threads. */
static void
lab_init(struct lab *l, const char *ports, unsigned workers, double rate)
{
	char err[256];

	memset(l, 0, sizeof(*l));
	l->fds[0] = l->fds[1] = -1;
	ck_assert_msg(addrset_parse(&l->hosts, "127.0.0.1/32", 0, 112, NULL, NULL, err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert_msg(portlist_parse(&l->ports, ports, err, sizeof(err)) == 0, "%s", err);
	probegen_init(&l->gen, &l->hosts, &l->ports);
	l->cfg = (struct prober_config){ .gen = &l->gen, .workers = workers,
	    .inflight = workers * 8, .timeout = 2, .rate = rate, .stop = &l->stop };
}

/* The lab's addresses replaced by the list hosts (IPv4 and IPv6). */
static void
lab_hosts(struct lab *l, const char *hosts)
{
	char err[256];

	addrset_fini(&l->hosts);
	ck_assert_msg(addrset_parse(&l->hosts, hosts, 0, 112, NULL, NULL, err, sizeof(err)) == 0,
	    "%s", err);
	probegen_init(&l->gen, &l->hosts, &l->ports);
}

static void
lab_fini(struct lab *l)
{
	addrset_fini(&l->hosts);
	portlist_fini(&l->ports);
	for (int k = 0; k < 2; k++)
		if (l->fds[k] >= 0)
			close(l->fds[k]);
}

/* An open and a closed port (bound, not listening: the kernel answers RST). */
static void
open_closed(struct lab *l, uint16_t *open_port, unsigned workers)
{
	uint16_t closed_port;
	char ports[32];
	int fds[2];

	fds[0] = bound_socket(1, open_port);
	fds[1] = bound_socket(0, &closed_port);
	snprintf(ports, sizeof(ports), "%u,%u", *open_port, closed_port);
	lab_init(l, ports, workers, 0);
	memcpy(l->fds, fds, sizeof(fds));
}

START_TEST(open_and_closed)
{
	struct prober_result r;
	struct lab l;
	char err[256];
	uint16_t open_port;

	open_closed(&l, &open_port, 2);
	ck_assert_msg(prober_run(&l.cfg, &r, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(r.done, 2);
	ck_assert_uint_eq(r.outcome[PROBE_OPEN], 1);
	ck_assert_uint_eq(r.outcome[PROBE_CLOSED], 1);
	ck_assert_uint_eq(r.nopen, 1);
	ck_assert_uint_eq(r.open[0].addr, CIDR_V4(INADDR_LOOPBACK));
	ck_assert_uint_eq(r.open[0].port, open_port);
	ck_assert_int_eq(r.interrupted, 0);
	ck_assert_uint_eq(n_connect, 2);
	prober_result_fini(&r);
	lab_fini(&l);
}
END_TEST

/* The process's fd table size (FDSize of /proc/self/status). */
static long
fd_table_size(void)
{
	char line[128];
	long n = -1;
	FILE *fp = fopen("/proc/self/status", "r");

	ck_assert_ptr_nonnull(fp);
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, "FDSize: %ld", &n) == 1)
			break;
	fclose(fp);
	return n;
}

/*
 * The fd table is grown to the run's in-flight count before the workers start (grown by
 * their sockets, each doubling would stall them for an RCU grace period): 2 probes with
 * room for 4,000 (or what the fd limit allows) leave a table larger than that.
 */
START_TEST(fd_table_grown_before_the_workers)
{
	struct prober_result r;
	struct lab l;
	char err[256];
	uint16_t open_port;
	long before;

	open_closed(&l, &open_port, 2);
	l.cfg.inflight = prober_fit_fd_limit(4000, 64);	/* less under a low hard limit */
	before = fd_table_size();
	ck_assert_msg(before > 0 && before < l.cfg.inflight, "FDSize %ld before the run, %u in "
	    "flight", before, l.cfg.inflight);
	ck_assert_msg(prober_run(&l.cfg, &r, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(r.done, 2);
	ck_assert_msg(fd_table_size() > l.cfg.inflight, "FDSize %ld after the run",
	    fd_table_size());
	prober_result_fini(&r);
	lab_fini(&l);
}
END_TEST

/* A TCP socket listening on [::1] on a free port; -1 when this host has no IPv6 loopback. */
static int
listening_v6(uint16_t *port)
{
	struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	socklen_t len = sizeof(sin6);
	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sin6, sizeof(sin6)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	ck_assert_int_eq(listen(fd, 64), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sin6, &len), 0);
	*port = ntohs(sin6.sin6_port);
	return fd;
}

/* IPv4 and IPv6 probes of one run: AF_INET6 connects to ::1, hits sorted IPv4 first. */
START_TEST(ipv6_probes)
{
	struct prober_result r;
	struct lab l;
	char err[256], ports[32];
	uint16_t p4, p6;
	int fd4 = bound_socket(1, &p4), fd6 = listening_v6(&p6);

	if (fd6 < 0) {
		close(fd4);
		fprintf(stderr, "ipv6_probes: SKIP: no IPv6 loopback here\n");
		return;
	}
	snprintf(ports, sizeof(ports), "%u,%u", p4, p6);
	lab_init(&l, ports, 2, 0);
	lab_hosts(&l, "::1,127.0.0.1");
	ck_assert_msg(prober_run(&l.cfg, &r, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(r.done, 4);
	ck_assert_uint_eq(r.outcome[PROBE_OPEN], 2);
	ck_assert_uint_eq(r.outcome[PROBE_CLOSED], 2);
	ck_assert_uint_eq(r.nopen, 2);
	ck_assert(r.open[0].port == (p4 < p6 ? p4 : p6));
	for (size_t i = 0; i < 2; i++)
		ck_assert(r.open[i].port == p4 ? r.open[i].addr == CIDR_V4(INADDR_LOOPBACK) :
		    r.open[i].addr == 1);
	prober_result_fini(&r);
	lab_fini(&l);
	close(fd4);
	close(fd6);
}
END_TEST

/* A kernel without IPv6 (ipv6.disable=1: socket(AF_INET6) gives EAFNOSUPPORT): its IPv6
 * probes are unreachable and counted apart, the IPv4 ones run as ever. */
START_TEST(no_ipv6_kernel_leaves_ipv4_alone)
{
	struct prober_result r;
	struct lab l;
	char err[256], ports[32];
	uint16_t p4, closed;
	int fd4 = bound_socket(1, &p4), fc = bound_socket(0, &closed);

	snprintf(ports, sizeof(ports), "%u,%u", p4, closed);
	lab_init(&l, ports, 2, 0);
	lab_hosts(&l, "fd00::1,127.0.0.1");
	l.cfg.retries = 1;
	setenv("FAULT_SOCKET6_ERRNO", "97", 1);	/* EAFNOSUPPORT */
	ck_assert_msg(prober_run(&l.cfg, &r, err, sizeof(err)) == 0, "%s", err);
	unsetenv("FAULT_SOCKET6_ERRNO");
	ck_assert_uint_eq(r.done, 4);
	ck_assert_uint_eq(r.outcome[PROBE_OPEN], 1);
	ck_assert_uint_eq(r.outcome[PROBE_CLOSED], 1);
	ck_assert_uint_eq(r.outcome[PROBE_UNREACHABLE], 2);
	ck_assert_uint_eq(r.no_ipv6, 2);
	ck_assert_uint_eq(r.nopen, 1);
	ck_assert(r.open[0].addr == CIDR_V4(INADDR_LOOPBACK) && r.open[0].port == p4);
	prober_result_fini(&r);
	lab_fini(&l);
	close(fd4);
	close(fc);
}
END_TEST

/* EMFILE from socket() (every 2nd): retried with backoff, then the real outcome; never
 * "closed". */
START_TEST(local_errors_are_retried)
{
	struct prober_result r;
	struct lab l;
	char err[256];
	uint16_t open_port;

	open_closed(&l, &open_port, 1);
	setenv("FAULT_SOCKET_EVERY", "2", 1);
	ck_assert_msg(prober_run(&l.cfg, &r, err, sizeof(err)) == 0, "%s", err);
	unsetenv("FAULT_SOCKET_EVERY");
	ck_assert_uint_ge(injected, 1);
	ck_assert_uint_eq(r.retries, injected);
	ck_assert_uint_eq(r.outcome[PROBE_OPEN], 1);
	ck_assert_uint_eq(r.outcome[PROBE_CLOSED], 1);
	ck_assert_uint_eq(r.outcome[PROBE_ERROR], 0);
	ck_assert_uint_eq(r.done, 2);
	prober_result_fini(&r);
	lab_fini(&l);
}
END_TEST

/* EPERM from socket() (a seccomp filter): the run stops at once with one reason, not after
 * minutes of retries as for a busy host. */
START_TEST(refused_socket_stops_at_once)
{
	struct prober_result r;
	struct lab l;
	char err[256];
	uint16_t open_port;
	double t0, t1;

	open_closed(&l, &open_port, 1);
	setenv("FAULT_SOCKET_EVERY", "1", 1);
	setenv("FAULT_SOCKET_ERRNO", "1", 1);	/* EPERM */
	t0 = clock_mono();
	ck_assert_int_eq(prober_run(&l.cfg, &r, err, sizeof(err)), -1);
	t1 = clock_mono();
	unsetenv("FAULT_SOCKET_EVERY");
	unsetenv("FAULT_SOCKET_ERRNO");
	ck_assert_msg(strstr(err, "cannot open a TCP socket: socket: Operation not permitted") != NULL,
	    "%s", err);
	ck_assert_msg(t1 - t0 < 1.0, "took %.3f s", t1 - t0);
	ck_assert_uint_eq(r.retries, 0);
	prober_result_fini(&r);
	lab_fini(&l);
}
END_TEST

struct stopper {
	volatile sig_atomic_t	*stop;
	unsigned		 after_ms;
};

static void *
stop_later(void *arg)
{
	struct stopper *s = arg;
	struct timespec ts = { 0, (long)s->after_ms * 1000000 };

	nanosleep(&ts, NULL);
	*s->stop = 1;
	return NULL;
}

/* prober_run of l with *stop set after after_ms into r; the seconds it took. */
static double
run_stopped(struct lab *l, unsigned after_ms, struct prober_result *r)
{
	struct stopper s = { .stop = &l->stop, .after_ms = after_ms };
	double t0, took;
	pthread_t t;
	char err[256];

	ck_assert_int_eq(pthread_create(&t, NULL, stop_later, &s), 0);
	t0 = clock_mono();
	ck_assert_msg(prober_run(&l->cfg, r, err, sizeof(err)) == 0, "%s", err);
	took = clock_mono() - t0;
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	return took;
}

/* *stop ends a long scan within a poll period: interrupted, part of the probes done. */
START_TEST(stop_flag_ends_the_scan)
{
	struct prober_result r;
	struct lab l;
	double took;

	lab_init(&l, "1-65535", 2, 2000);	/* 33 s at 2000/s */
	took = run_stopped(&l, 300, &r);
	ck_assert_int_eq(r.interrupted, 1);
	ck_assert_uint_gt(r.done, 0);
	ck_assert_uint_lt(r.done, l.gen.total);
	ck_assert_msg(took < 2.0, "stopped after %.2f s", took);
	prober_result_fini(&r);
	lab_fini(&l);
}
END_TEST

/* A worker thread that cannot start ends the run at once: -1 saying why, no probe sent. */
START_TEST(thread_failure_sends_nothing)
{
	struct prober_result r;
	struct lab l;
	char err[512];
	uint16_t open_port;

	open_closed(&l, &open_port, 2);	/* two probes: two workers */
	atomic_store(&creates_left, 1);	/* thread 1 starts, 2 fails */
	ck_assert_int_eq(prober_run(&l.cfg, &r, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "worker thread 2 of 2") && strstr(err, strerror(EAGAIN)) &&
	    strstr(err, "no probe was sent"), "%s", err);
	ck_assert_uint_eq(n_connect, 0);
	ck_assert_uint_eq(r.done, 0);
	prober_result_fini(&r);
	lab_fini(&l);
}
END_TEST

/*
 * A listener whose accept queue is full (backlog 0, one connection waiting, never accepted):
 * the kernel drops further SYNs, so a probe of it times out. fds[0] listens, fds[1] waits.
 */
static void
silent_socket(uint16_t *port, int fds[2])
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	fds[0] = bound_socket(0, port);
	ck_assert_int_eq(listen(fds[0], 0), 0);
	sin.sin_port = htons(*port);
	fds[1] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fds[1], 0);
	ck_assert_int_eq(connect(fds[1], (struct sockaddr *)&sin, sizeof(sin)), 0);
}

static uint16_t known_port;

/* The previous targets file of the scope test: the pair on known_port was open. */
static int
open_before(void *ctx, uint64_t index)
{
	const struct probegen *g = ctx;
	cidr_ip addr;
	uint16_t port;

	probegen_get(g, index, &addr, &port);
	return port == known_port;
}

/*
 * 127.0.0.1 on a closed port and a silent one: the host answered, so the timeout is probed
 * again. On two silent ports the host answered nothing: skipped, unless the pair was open
 * before or the scope is all; with -retries 2 a chosen pair is probed twice more. n_connect
 * counts first probes and re-probes.
 */
START_TEST(retry_scope_chooses_the_reprobes)
{
	static const struct {
		int	 with_closed;	/* closed + silent; else silent + silent */
		enum reprobe_scope scope;
		int	 previous;	/* the first silent port was open before */
		unsigned retries, reprobes, skipped;
	} cases[] = {
		{ 1, REPROBE_SCOPE_ANSWERING, 0, 1, 1, 0 },
		{ 0, REPROBE_SCOPE_ANSWERING, 0, 1, 0, 2 },
		{ 0, REPROBE_SCOPE_ANSWERING, 1, 1, 1, 1 },
		{ 0, REPROBE_SCOPE_ALL, 0, 1, 2, 0 },
		/* chosen once: a chosen pair gets every re-probe, a skipped one none */
		{ 1, REPROBE_SCOPE_ANSWERING, 0, 2, 2, 0 },
		{ 0, REPROBE_SCOPE_ANSWERING, 1, 2, 2, 1 },
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct prober_result r;
		struct lab l;
		char err[256], ports[32];
		uint16_t a, b;
		int fa[2] = { -1, -1 }, fb[2];
		unsigned long sent;

		if (cases[k].with_closed)
			fa[0] = bound_socket(0, &a);
		else
			silent_socket(&a, fa);
		silent_socket(&b, fb);
		sent = n_connect;	/* the connects that fill the accept queues are not probes */
		snprintf(ports, sizeof(ports), "%u,%u", a, b);
		lab_init(&l, ports, 2, 0);
		l.cfg.timeout = 0.3;
		l.cfg.retries = cases[k].retries;
		l.cfg.retry_scope = cases[k].scope;
		known_port = cases[k].previous ? a : 0;
		l.cfg.was_open = open_before;
		l.cfg.was_open_ctx = &l.gen;
		ck_assert_msg(prober_run(&l.cfg, &r, err, sizeof(err)) == 0, "%s", err);
		ck_assert_uint_eq(r.done, 2);
		ck_assert_uint_eq(r.outcome[PROBE_TIMEOUT], cases[k].with_closed ? 1 : 2);
		ck_assert_msg(r.reprobes == cases[k].reprobes && r.reprobes_skipped == cases[k].skipped,
		    "case %zu: %llu re-probes, %llu skipped", k, (unsigned long long)r.reprobes,
		    (unsigned long long)r.reprobes_skipped);
		ck_assert_uint_eq(r.reprobe_outcome[PROBE_TIMEOUT], cases[k].reprobes);
		ck_assert_uint_eq(n_connect - sent, 2 + cases[k].reprobes);
		prober_result_fini(&r);
		lab_fini(&l);
		for (int i = 0; i < 2; i++) {
			if (fa[i] >= 0)
				close(fa[i]);
			close(fb[i]);
		}
	}
}
END_TEST

/*
 * One port: no other port of the host can answer, so each timeout is decided when it ends
 * (no list of them to the end of the first pass): probed again only when it was open
 * before, every re-probe of -retries 2 then, none otherwise.
 */
START_TEST(one_port_decides_each_timeout_at_once)
{
	static const struct {
		int	 previous;
		unsigned retries, reprobes, skipped;
	} cases[] = {
		{ 0, 1, 0, 1 }, { 1, 1, 1, 0 }, { 1, 2, 2, 0 }, { 0, 2, 0, 1 },
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct prober_result r;
		struct lab l;
		char err[256], ports[16];
		uint16_t b;
		int fb[2];
		unsigned long sent;

		silent_socket(&b, fb);
		sent = n_connect;
		snprintf(ports, sizeof(ports), "%u", b);
		lab_init(&l, ports, 2, 0);
		l.cfg.timeout = 0.3;
		l.cfg.retries = cases[k].retries;
		l.cfg.retry_scope = REPROBE_SCOPE_ANSWERING;
		known_port = cases[k].previous ? b : 0;
		l.cfg.was_open = open_before;
		l.cfg.was_open_ctx = &l.gen;
		ck_assert_msg(prober_run(&l.cfg, &r, err, sizeof(err)) == 0, "%s", err);
		ck_assert_uint_eq(r.done, 1);
		ck_assert_uint_eq(r.outcome[PROBE_TIMEOUT], 1);
		ck_assert_msg(r.reprobes == cases[k].reprobes && r.reprobes_skipped == cases[k].skipped,
		    "case %zu: %llu re-probes, %llu skipped", k, (unsigned long long)r.reprobes,
		    (unsigned long long)r.reprobes_skipped);
		ck_assert_uint_eq(n_connect - sent, 1 + cases[k].reprobes);
		prober_result_fini(&r);
		lab_fini(&l);
		close(fb[0]);
		close(fb[1]);
	}
}
END_TEST

/* A stop while a worker waits at the end of the first pass (the other still waits for its
 * silent probe): the run ends within a poll period, interrupted, nothing re-probed. */
START_TEST(stop_at_the_first_pass_barrier)
{
	struct prober_result r;
	struct lab l;
	char ports[32];
	uint16_t closed, silent;
	int fc, fs[2];
	double took;

	fc = bound_socket(0, &closed);
	silent_socket(&silent, fs);
	snprintf(ports, sizeof(ports), "%u,%u", closed, silent);
	lab_init(&l, ports, 2, 0);
	l.cfg.timeout = 5;
	l.cfg.retries = 1;
	took = run_stopped(&l, 200, &r);
	ck_assert_int_eq(r.interrupted, 1);
	ck_assert_uint_eq(r.reprobes, 0);
	ck_assert_msg(took < 1.5, "stopped after %.2f s", took);
	prober_result_fini(&r);
	lab_fini(&l);
	close(fc);
	close(fs[0]);
	close(fs[1]);
}
END_TEST

static void
add_tests(void)
{
	ADD(stop_at_the_first_pass_barrier);
	ADD(ipv6_probes);
	ADD(open_and_closed);
	ADD(fd_table_grown_before_the_workers);
	ADD(retry_scope_chooses_the_reprobes);
	ADD(one_port_decides_each_timeout_at_once);
	ADD(local_errors_are_retried);
	ADD(refused_socket_stops_at_once);
	ADD(no_ipv6_kernel_leaves_ipv4_alone);
	ADD(stop_flag_ends_the_scan);
	ADD(thread_failure_sends_nothing);
}
