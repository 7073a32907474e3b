/*
 * connect_floor.c: the machine's ceiling for TCP-connect probing, for the benchmarks only.
 * The least a connect scanner can do: per thread one epoll set and up to INFLIGHT
 * non-blocking connects, SO_ERROR on completion, close (with RST when connected). Indices
 * claimed in chunks, counts per thread. No rate limit, no retries, a linear timeout sweep
 * only when idle, no results beyond counts.
 * usage: connect_floor FIRST-ADDR COUNT PORT[,PORT...] [THREADS [INFLIGHT [TIMEOUT-S]]]
 * Prints "probes N open N closed N other N seconds S rate R" on stdout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PORTS_MAX	64
#define EVENTS_MAX	256

static uint32_t first_addr;
static uint64_t naddrs, total;
static uint16_t ports[PORTS_MAX];
static unsigned nports, nthreads = 1, inflight = 4096;
static double timeout_s = 1.0;
static atomic_uint_fast64_t next_index;

#define CHUNK		64	/* indices a thread claims at once */

struct tally {
	uint64_t	open, closed, other;	/* per thread: no shared counters */
};

struct conn {
	int	fd;
	double	deadline;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
count(struct tally *t, int e)
{
	if (e == 0)
		t->open++;
	else if (e == ECONNREFUSED)
		t->closed++;
	else
		t->other++;
}

static const struct linger rst = { 1, 0 };

/* Close with RST (no TIME_WAIT) when the handshake completed; a refused socket is dead. */
static void
finish(struct tally *t, struct conn *c, int e, unsigned *busy)
{
	count(t, e);
	if (e == 0)
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
	close(c->fd);
	c->fd = -1;
	(*busy)--;
}

static void *
run(void *arg)
{
	unsigned per = inflight / nthreads ? inflight / nthreads : 1, busy = 0, nfree = 0;
	struct conn *c = calloc(per, sizeof(*c));
	unsigned *freed = calloc(per, sizeof(*freed));
	struct epoll_event ev[EVENTS_MAX];
	int epfd = epoll_create1(EPOLL_CLOEXEC), done = 0;
	struct tally *t = arg;
	uint64_t k_next = 0, k_end = 0;

	if (c == NULL || freed == NULL || epfd < 0) {
		perror("connect_floor: setup");
		exit(1);
	}
	for (unsigned i = 0; i < per; i++) {
		c[i].fd = -1;
		freed[nfree++] = per - 1 - i;
	}
	while (!done || busy > 0) {
		double now = now_s();

		while (nfree > 0 && !done) {
			struct sockaddr_in sin = { .sin_family = AF_INET };
			struct epoll_event e = { .events = EPOLLOUT };
			uint64_t k;
			int fd;

			unsigned i = freed[nfree - 1];

			if (k_next == k_end) {
				k_next = atomic_fetch_add(&next_index, CHUNK);
				if (k_next >= total) {
					done = 1;
					break;
				}
				k_end = k_next + CHUNK < total ? k_next + CHUNK : total;
			}
			k = k_next++;
			sin.sin_addr.s_addr = htonl(first_addr + (uint32_t)(k % naddrs));
			sin.sin_port = htons(ports[k / naddrs]);
			if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
				perror("connect_floor: socket");
				exit(1);
			}
			if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 &&
			    errno != EINPROGRESS) {
				count(t, errno);
				close(fd);	/* refused at once (never connected at once here) */
				continue;
			}
			e.data.u32 = i;
			epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &e);
			c[i] = (struct conn){ fd, now + timeout_s };
			nfree--;
			busy++;
		}
		int n = epoll_wait(epfd, ev, EVENTS_MAX, busy < per && !done ? 0 : 10);
		for (int j = 0; j < n; j++) {
			struct conn *x = &c[ev[j].data.u32];
			socklen_t len = sizeof(int);
			int e = 0;

			getsockopt(x->fd, SOL_SOCKET, SO_ERROR, &e, &len);
			finish(t, x, e, &busy);
			freed[nfree++] = ev[j].data.u32;
		}
		if (n == 0 && busy > 0) {
			now = now_s();
			for (unsigned i = 0; i < per; i++)
				if (c[i].fd >= 0 && c[i].deadline <= now) {
					finish(t, &c[i], ETIMEDOUT, &busy);
					freed[nfree++] = i;
				}
		}
	}
	close(epfd);
	free(freed);
	free(c);
	return NULL;
}

int
main(int argc, char **argv)
{
	struct in_addr a;
	struct rlimit rl;
	pthread_t th[256];
	struct tally tl[256], sum = { 0, 0, 0 };
	char *p, *save = NULL;
	double t0, secs;

	if (argc < 4 || inet_pton(AF_INET, argv[1], &a) != 1) {
		fprintf(stderr, "usage: connect_floor FIRST-ADDR COUNT PORT[,PORT...] [THREADS "
		    "[INFLIGHT [TIMEOUT-S]]]\n");
		return 2;
	}
	first_addr = ntohl(a.s_addr);
	naddrs = strtoull(argv[2], NULL, 10);
	for (p = strtok_r(argv[3], ",", &save); p && nports < PORTS_MAX;
	    p = strtok_r(NULL, ",", &save))
		ports[nports++] = (uint16_t)atoi(p);
	if (argc > 4)
		nthreads = (unsigned)atoi(argv[4]);
	if (argc > 5)
		inflight = (unsigned)atoi(argv[5]);
	if (argc > 6)
		timeout_s = atof(argv[6]);
	if (naddrs == 0 || nports == 0 || nthreads == 0 || nthreads > 256 || inflight == 0) {
		fprintf(stderr, "connect_floor: bad arguments\n");
		return 2;
	}
	total = naddrs * nports;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < inflight + 64) {
		rl.rlim_cur = inflight + 64 < rl.rlim_max ? inflight + 64 : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(tl, 0, sizeof(tl));
	t0 = now_s();
	for (unsigned i = 0; i < nthreads; i++)
		if (pthread_create(&th[i], NULL, run, &tl[i]) != 0) {
			fprintf(stderr, "connect_floor: pthread_create failed\n");
			return 1;
		}
	for (unsigned i = 0; i < nthreads; i++) {
		pthread_join(th[i], NULL);
		sum.open += tl[i].open;
		sum.closed += tl[i].closed;
		sum.other += tl[i].other;
	}
	secs = now_s() - t0;
	printf("probes %llu open %llu closed %llu other %llu seconds %.3f rate %.0f\n",
	    (unsigned long long)total, (unsigned long long)sum.open, (unsigned long long)sum.closed,
	    (unsigned long long)sum.other, secs, (double)total / secs);
	return 0;
}
