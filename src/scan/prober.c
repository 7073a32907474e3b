/*
 * prober.c: the probe engine.
 *
 * DESIGN. Every probe of a scan has the same timeout, so probes expire in the order they
 * started: each worker keeps its in-flight probes in a FIFO of slots and only ever looks at
 * the head for timeouts, which makes start, completion and expiry O(1). A probe list with a
 * timeout per probe (prober_ops) keeps the FIFO in deadline order by inserting from the tail,
 * still O(1) when its probes come in ascending timeout order (sockcheck.c sorts them). A worker loop: expire the
 * head, start as many probes as it has free slots and tokens (retries first), wait in
 * epoll_wait until the next event, token or deadline (at most STOP_POLL_MS, so a stop
 * request is seen quickly), and classify completions by SO_ERROR. A local failure
 * halves the worker's concurrency (cap) and queues the probe for a retry after a backoff;
 * each completion adds one slot back, up to the configured share. A probe that timed out
 * and has re-probes left (-retries) goes to the worker's reprobe queue instead of the
 * results; the worker starts those after its last fresh probe, paced by the same bucket.
 * With -retry-scope answering and several ports a first re-probe needs the whole first
 * pass (did the host answer on another port?): the first pass's timeouts and unreachables
 * are marked in one shared map (silentmap.h, two bits a probe). A timeout whose host has
 * answered (or that was open before) is queued at once, and a host's first answer queues
 * its waiting timeouts, so most re-probes go out right after the fresh probes; every worker
 * waits at a barrier when its first pass is done, and the last to arrive chooses among the
 * rest (silentmap_choose) and deals the chosen pairs out to every worker. With one port each
 * timeout is decided as it ends (open before or not); shards re-probe every timeout.
 * Workers share only the atomic index counter and the token bucket; results are merged
 * after the join. They wait at a start gate until every worker thread exists, so a thread
 * that cannot be created costs no probe.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
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

#include "clock.h"
#include "prober.h"
#include "ratelimit.h"
#include "reprobe.h"
#include "silentmap.h"

#define STOP_POLL_MS	100	/* longest epoll wait: how soon a stop request is seen */
#define INDEX_CHUNK	16	/* probe indices a worker claims at once */
#define EVENTS_MAX	256
#define START_BATCH	256	/* probes started between two looks at completions */
#define RETRY_BASE_S	0.01	/* first backoff after a local failure */
#define RETRY_CAP_S	1.0
#define NIL		UINT32_MAX
#define FD_HEADROOM	64	/* fds beyond the probes' (epoll, files, logs) */

static const struct linger linger_rst = { 1, 0 };	/* close() sends RST: no TIME_WAIT */

static const char *const outcome_names[PROBE_OUTCOMES] = {
	"open", "closed", "unreachable", "timeout", "error"
};

const char *
prober_outcome_name(enum probe_outcome o)
{
	return o < PROBE_OUTCOMES ? outcome_names[o] : "?";
}

struct slot {
	int		 fd;		/* -1 when free */
	uint32_t	 next, prev;	/* FIFO of busy slots, or free list (next) */
	uint64_t	 index;
	double		 started, deadline;
	unsigned	 tries;		/* local failures so far */
	unsigned	 attempt;	/* 0: first probe; n: n-th re-probe after a timeout */
};

struct retry {
	uint64_t	 index;
	unsigned	 tries;
	unsigned	 attempt;
	double		 not_before;
};

/* The start gate: no worker probes before every worker thread exists. */
enum gate { GATE_WAIT, GATE_GO, GATE_ABORT };

struct worker;

struct shared {
	const struct prober_config	*cfg;
	struct ratelimit		*rl;
	atomic_uint_fast64_t		 next_index;
	pthread_mutex_t			 gate_mu;
	pthread_cond_t			 gate_cv;
	enum gate			 gate;		/* under gate_mu */
	/* the end of the first pass (-retry-scope answering), under gate_mu */
	int				 at_timeout;	/* one port: decided as each timeout ends */
	int				 mapped;	/* several ports: silent, and the barrier */
	struct silentmap		 silent;
	struct worker			*workers;
	unsigned			 nworkers, arrived;
	int				 dealt;		/* the re-probes are chosen */
};

struct worker {
	struct shared		*sh;
	pthread_t		 thread;
	int			 epfd;
	unsigned		 max, cap, busy;	/* slots: allocated, allowed now, in use */
	struct slot		*slots;
	uint32_t		 head, tail, free_list;	/* FIFO oldest first */
	struct retry		*retries;
	size_t			 nretries;
	uint64_t		 chunk_next, chunk_end;
	int			 exhausted;
	struct reprobe_queue	 reprobes;	/* timed out, waiting for a re-probe */
	int			 arrived;	/* at the end of the first pass */
	/* results */
	struct probe_hit	*open;
	size_t			 nopen, open_alloc;
	uint64_t		*port_outcome;
	uint64_t		 nretried;
	uint64_t		 reprobe_outcome[PROBE_OUTCOMES];
	uint64_t		 reprobes_skipped;
	uint64_t		 no_ipv6;	/* IPv6 probes without an IPv6 stack */
	int			 failed;		/* out of memory: result incomplete */
	int			 socket_errno;	/* socket() refused for good (EPERM, ...): stop */
};

unsigned
prober_default_inflight(double rate, double timeout)
{
	double n;

	if (rate <= 0)
		return PROBER_INFLIGHT_UNLIMITED;
	/* rate x timeout are in flight at steady state; leave room for the burst */
	n = ceil(rate * timeout * 1.25) + 16;
	return n > 1e6 ? 1000000u : (unsigned)n;
}

unsigned
prober_fit_fd_limit(unsigned inflight, unsigned reserve)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)inflight + reserve;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return inflight;
	if (rl.rlim_cur < want) {
		rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
		(void)getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur >= want)
		return inflight;
	/* keep the reserve, but never more than half of a small limit */
	if (rl.rlim_cur > 2 * (rlim_t)reserve)
		return (unsigned)(rl.rlim_cur - reserve);
	return rl.rlim_cur >= 4 ? (unsigned)(rl.rlim_cur / 2) : 1;
}

static uint64_t
total_of(const struct prober_config *cfg)
{
	return cfg->ops ? cfg->ops->total : cfg->gen->total;
}

int
prober_is_local_error(int e)
{
	return e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM ||
	    e == EADDRNOTAVAIL || e == EAGAIN || e == EADDRINUSE || e == EINTR;
}

enum probe_outcome
prober_classify(int e)
{
	switch (e) {
	case 0:
		return PROBE_OPEN;
	case ECONNREFUSED:
	case ECONNRESET:
		return PROBE_CLOSED;
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EHOSTDOWN:
	case ENETDOWN:
	case EACCES:	/* a local firewall rejected it: as unreachable */
	case EPERM:
		return PROBE_UNREACHABLE;
	case ETIMEDOUT:
		return PROBE_TIMEOUT;
	default:
		return PROBE_ERROR;
	}
}

/* Probe index ended with o after took seconds. */
static void
record(struct worker *w, uint64_t index, enum probe_outcome o, double took)
{
	const struct prober_ops *ops = w->sh->cfg->ops;
	const struct probegen *g = w->sh->cfg->gen;
	size_t port_index;

	if (ops != NULL) {
		w->port_outcome[o]++;
		ops->done(ops->ctx, index, o, took);
		return;
	}
	port_index = (size_t)(index / g->hosts->total);
	w->port_outcome[port_index * PROBE_OUTCOMES + o]++;
	if (w->sh->cfg->counters) {
		atomic_fetch_add_explicit(&w->sh->cfg->counters->done, 1, memory_order_relaxed);
		if (o == PROBE_OPEN)
			atomic_fetch_add_explicit(&w->sh->cfg->counters->open, 1,
			    memory_order_relaxed);
	}
	if (o != PROBE_OPEN)
		return;
	if (w->nopen == w->open_alloc) {
		size_t n = w->open_alloc ? w->open_alloc * 2 : 256;
		struct probe_hit *p = realloc(w->open, n * sizeof(*p));

		if (p == NULL) {
			w->failed = 1;
			return;
		}
		w->open = p;
		w->open_alloc = n;
	}
	probegen_get(g, index, &w->open[w->nopen].addr, &w->open[w->nopen].port);
	w->nopen++;
}

/* A first-pass timeout whose verdict came early (keep is always 1): probed again. */
static void
queue_early(void *ctx, uint64_t index, int keep)
{
	struct worker *w = ctx;

	if (keep && reprobe_push(&w->reprobes, index, 1) < 0)
		w->failed = 1;
}

/* A probe ended with o: counted, and queued for a re-probe when it timed out and has one
 * left (when the queue cannot grow, the timeout stands). */
static void
finish(struct worker *w, uint64_t index, unsigned attempt, enum probe_outcome o, double took)
{
	if (attempt > 0)
		w->reprobe_outcome[o]++;
	/*
	 * A first probe's verdict waits for the end of the first pass (deal_reprobes). With one
	 * pair per host no other port can answer: a timeout is decided now (kept only when it
	 * was open before), so a silent range costs no memory per address.
	 */
	if (attempt == 0 && w->sh->at_timeout) {
		const struct prober_config *cfg = w->sh->cfg;

		if (o == PROBE_TIMEOUT && cfg->was_open != NULL &&
		    cfg->was_open(cfg->was_open_ctx, index)) {
			queue_early(w, index, 1);
			return;
		}
		w->reprobes_skipped += o == PROBE_TIMEOUT;
		record(w, index, o, took);
		return;
	} else if (attempt == 0 && w->sh->mapped) {
		/* marked for the end of the pass, and probed again early when that is known */
		const struct prober_config *cfg = w->sh->cfg;

		if (o == PROBE_TIMEOUT || o == PROBE_UNREACHABLE)
			silentmap_mark(&w->sh->silent, index, o == PROBE_TIMEOUT);
		if (o == PROBE_OPEN || o == PROBE_CLOSED)
			silentmap_answer(&w->sh->silent, index, queue_early, w);
		if (o == PROBE_TIMEOUT) {
			if (silentmap_timeout(&w->sh->silent, index, cfg->was_open,
			    cfg->was_open_ctx))
				queue_early(w, index, 1);
			return;
		}
	}
	/* a listed socket (prober_ops) has its own timeout and is not probed again */
	if (w->sh->cfg->ops == NULL &&
	    reprobe_wanted(o == PROBE_TIMEOUT, attempt, w->sh->cfg->retries) &&
	    reprobe_push(&w->reprobes, index, attempt + 1) == 0)
		return;
	record(w, index, o, took);
}

static void
queue_retry(struct worker *w, uint64_t index, unsigned tries, unsigned attempt, double now)
{
	double backoff = RETRY_BASE_S * pow(2, tries < 10 ? tries : 10);

	w->nretried++;
	if (tries + 1 >= PROBER_RETRY_MAX || w->nretries == w->max) {
		finish(w, index, attempt, PROBE_ERROR, 0);
		return;
	}
	/* fewer probes at once until completions show the resource is back */
	w->cap = w->busy > 1 ? w->busy / 2 + 1 : 1;
	w->retries[w->nretries].index = index;
	w->retries[w->nretries].tries = tries + 1;
	w->retries[w->nretries].attempt = attempt;
	w->retries[w->nretries].not_before = now + (backoff < RETRY_CAP_S ? backoff : RETRY_CAP_S);
	w->nretries++;
}

/*
 * Close slot i and free it. With rst, the close sends RST (SO_LINGER {1, 0}): no TIME_WAIT
 * here and nothing reaches the application. Only a socket that may have completed its
 * handshake needs it (open, or expired while an answer may have come in): a refused one is
 * already dead, and skipping the call saves one of the six system calls of a closed probe.
 */
static void
release(struct worker *w, uint32_t i, int rst)
{
	struct slot *s = &w->slots[i];

	if (rst)
		(void)setsockopt(s->fd, SOL_SOCKET, SO_LINGER, &linger_rst, sizeof(linger_rst));

	if (s->prev != NIL)
		w->slots[s->prev].next = s->next;
	else
		w->head = s->next;
	if (s->next != NIL)
		w->slots[s->next].prev = s->prev;
	else
		w->tail = s->prev;
	close(s->fd);
	s->fd = -1;
	s->next = w->free_list;
	w->free_list = i;
	w->busy--;
}

/* Put busy slot i into the FIFO, in deadline order (from the tail: usually at it). */
static void
enqueue(struct worker *w, uint32_t i)
{
	struct slot *s = &w->slots[i];
	uint32_t after = w->tail;

	while (after != NIL && w->slots[after].deadline > s->deadline)
		after = w->slots[after].prev;
	s->prev = after;
	s->next = after != NIL ? w->slots[after].next : w->head;
	if (s->next != NIL)
		w->slots[s->next].prev = i;
	else
		w->tail = i;
	if (after != NIL)
		w->slots[after].next = i;
	else
		w->head = i;
	w->busy++;
}

/* Watch fd of probe index in a free slot; -1 (errno kept, fd closed) when epoll refuses it. */
static int
watch(struct worker *w, int fd, uint32_t events, uint64_t index, unsigned tries,
    unsigned attempt, double now, double timeout)
{
	struct epoll_event ev;
	uint32_t i = w->free_list;
	int e;

	ev.events = events;
	ev.data.u32 = i;
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	w->free_list = w->slots[i].next;
	w->slots[i] = (struct slot){ .fd = fd, .index = index, .started = now,
	    .deadline = now + timeout, .tries = tries, .attempt = attempt };
	enqueue(w, i);
	return 0;
}

/* Start probe index of a prober_ops list: as start_probe. */
static int
start_ops_probe(struct worker *w, uint64_t index, unsigned tries, double now)
{
	const struct prober_ops *ops = w->sh->cfg->ops;
	uint32_t events = 0;
	double timeout = 0;
	int fd = -1, rc;

	rc = ops->start(ops->ctx, index, &fd, &events, &timeout);
	if (rc == PROBER_LOCAL)
		goto local;
	if (rc != PROBER_PENDING) {
		record(w, index, (enum probe_outcome)rc, clock_mono() - now);
		return 0;
	}
	if (watch(w, fd, events, index, tries, 0, now, timeout) < 0)
		goto local;
	return 0;
local:
	queue_retry(w, index, tries, 0, now);
	return -1;
}

/* Start probe index; 0 when it is in flight or finished, -1 when it failed locally. */
static int
start_probe(struct worker *w, uint64_t index, unsigned tries, unsigned attempt, double now)
{
	union {
		struct sockaddr		sa;
		struct sockaddr_in	in;
		struct sockaddr_in6	in6;
	} to;
	socklen_t tolen;
	cidr_ip addr;
	uint16_t port;
	int fd, e;

	if (w->sh->cfg->ops != NULL)
		return start_ops_probe(w, index, tries, now);
	probegen_get(w->sh->cfg->gen, index, &addr, &port);
	memset(&to, 0, sizeof(to));
	if (cidr_is_v4(addr)) {
		to.in.sin_family = AF_INET;
		to.in.sin_addr.s_addr = htonl((uint32_t)addr);
		to.in.sin_port = htons(port);
		tolen = sizeof(to.in);
	} else {
		to.in6.sin6_family = AF_INET6;
		cidr_ip_bytes(addr, to.in6.sin6_addr.s6_addr);
		to.in6.sin6_port = htons(port);
		tolen = sizeof(to.in6);
	}
	if ((fd = socket(to.sa.sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
		if (prober_is_local_error(errno))
			goto local;
		/* a kernel without IPv6 (ipv6.disable=1): its addresses are out of reach, and a
		 * host name's AAAA answers must not cost the IPv4 scan */
		if (errno == EAFNOSUPPORT && to.sa.sa_family == AF_INET6) {
			w->no_ipv6++;
			finish(w, index, attempt, PROBE_UNREACHABLE, 0);
			return 0;
		}
		/* EPERM, EACCES, EAFNOSUPPORT (a seccomp filter, a sandbox): no retry helps */
		w->socket_errno = errno;
		w->failed = 1;
		return -1;
	}
	e = connect(fd, &to.sa, tolen) == 0 ? 0 : errno;
	if (e != EINPROGRESS) {
		if (prober_is_local_error(e)) {
			close(fd);
			errno = e;
			goto local;
		}
		if (e == 0)	/* connected at once: close with RST, as release does */
			(void)setsockopt(fd, SOL_SOCKET, SO_LINGER, &linger_rst, sizeof(linger_rst));
		close(fd);
		finish(w, index, attempt, prober_classify(e), 0);
		return 0;
	}
	if (watch(w, fd, EPOLLOUT, index, tries, attempt, now, w->sh->cfg->timeout) < 0)
		goto local;
	return 0;
local:
	queue_retry(w, index, tries, attempt, now);
	return -1;
}

/*
 * The next probe to start: a due retry first, then a fresh index, then a re-probe of a
 * timeout. 0 when none is ready.
 * room is how many probes the caller can start now (slots and tokens): a worker never
 * claims more fresh indices than that, so none sit in its chunk while other workers idle
 * (with few slots per worker and silent hosts they would wait a whole timeout).
 */
static int
next_probe(struct worker *w, double now, unsigned room, uint64_t *index, unsigned *tries,
    unsigned *attempt)
{
	uint64_t total = total_of(w->sh->cfg);
	struct reprobe_entry e;

	for (size_t r = 0; r < w->nretries; r++) {
		if (w->retries[r].not_before <= now) {
			*index = w->retries[r].index;
			*tries = w->retries[r].tries;
			*attempt = w->retries[r].attempt;
			w->retries[r] = w->retries[--w->nretries];
			return 1;
		}
	}
	if (w->nretries > 0)
		return 0;	/* fresh work waits until the retries have gone through */
	if (w->exhausted) {
		if (reprobe_pop(&w->reprobes, &e) == 0)
			return 0;
		*index = e.index;
		*tries = 0;
		*attempt = e.attempt;
		return 1;
	}
	if (w->chunk_next == w->chunk_end) {
		unsigned n = room < INDEX_CHUNK ? (room ? room : 1) : INDEX_CHUNK;
		uint64_t start = atomic_fetch_add(&w->sh->next_index, n);

		if (start >= total) {
			w->exhausted = 1;
			return next_probe(w, now, room, index, tries, attempt);
		}
		w->chunk_next = start;
		w->chunk_end = start + n < total ? start + n : total;
	}
	/* a probegen's order and shard; a prober_ops list goes in list order */
	*index = w->sh->cfg->ops != NULL ? w->chunk_next++ :
	    probegen_index(w->sh->cfg->gen, w->chunk_next++);
	*tries = 0;
	*attempt = 0;
	return 1;
}

static int
has_work(const struct worker *w)
{
	return w->nretries > 0 || !w->exhausted || reprobe_pending(&w->reprobes) > 0;
}

/* Start probes while slots and tokens allow; returns seconds until it can start more. */
static double
start_probes(struct worker *w, double now)
{
	double wait = STOP_POLL_MS / 1000.0, until = 0;
	unsigned want, granted = 0;
	uint64_t index;
	unsigned tries, attempt;

	if (!has_work(w) || w->busy >= w->cap)
		return wait;
	/* in batches: completions are reaped while their sockets are still in cache */
	want = w->cap - w->busy < START_BATCH ? w->cap - w->busy : START_BATCH;
	if (w->sh->rl) {
		granted = ratelimit_take(w->sh->rl, want, now, &until);
		if (granted == 0)
			return until;
	} else {
		granted = want;
	}
	while (granted > 0 && w->busy < w->cap &&
	    next_probe(w, now, granted < w->cap - w->busy ? granted : w->cap - w->busy, &index,
	    &tries, &attempt)) {
		granted--;
		if (start_probe(w, index, tries, attempt, now) < 0)
			break;	/* a local failure: give the resource time */
	}
	/* more to start: wake when the next token is due, not only on a completion */
	if (w->sh->rl && has_work(w) && w->busy < w->cap && until < wait)
		wait = until;
	for (size_t r = 0; r < w->nretries; r++)
		if (w->retries[r].not_before - now < wait)
			wait = w->retries[r].not_before - now;
	return wait < 0 ? 0 : wait;
}

/* End the attempt in slot i and start its probe again (prober_ops' PROBER_AGAIN). */
static void
restart(struct worker *w, uint32_t i, int rst, double now)
{
	uint64_t index = w->slots[i].index;
	unsigned tries = w->slots[i].tries;

	release(w, i, rst);
	(void)start_ops_probe(w, index, tries, now);
}

static void
complete(struct worker *w, uint32_t i, uint32_t revents, double now)
{
	const struct prober_ops *ops = w->sh->cfg->ops;
	struct slot *s = &w->slots[i];
	socklen_t len = sizeof(int);
	int e = 0, o;

	if (ops != NULL) {
		if ((o = ops->ready(ops->ctx, s->index, s->fd, revents)) == PROBER_PENDING)
			return;
		if (o == PROBER_AGAIN) {
			restart(w, i, 0, now);
			return;
		}
		e = o == PROBER_LOCAL ? EAGAIN : 0;
	} else {
		if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
			e = errno;
		o = prober_classify(e);
	}
	if (prober_is_local_error(e)) {
		uint64_t index = s->index;
		unsigned tries = s->tries, attempt = s->attempt;

		release(w, i, 0);
		queue_retry(w, index, tries, attempt, now);
		return;
	}
	finish(w, s->index, s->attempt, (enum probe_outcome)o, now - s->started);
	release(w, i, o == PROBE_OPEN);
	if (w->cap < w->max)
		w->cap++;
}

/* Wait until prober_run opens the gate; 1 to go, 0 when a sibling thread failed to start. */
static int
gate_wait(struct shared *sh)
{
	enum gate g;

	(void)pthread_mutex_lock(&sh->gate_mu);
	while (sh->gate == GATE_WAIT)
		(void)pthread_cond_wait(&sh->gate_cv, &sh->gate_mu);
	g = sh->gate;
	(void)pthread_mutex_unlock(&sh->gate_mu);
	return g == GATE_GO;
}

static void
gate_open(struct shared *sh, enum gate g)
{
	(void)pthread_mutex_lock(&sh->gate_mu);
	sh->gate = g;
	(void)pthread_cond_broadcast(&sh->gate_cv);
	(void)pthread_mutex_unlock(&sh->gate_mu);
}

struct deal {
	struct worker	*self;
	size_t		 kept;
};

/* One timeout's verdict at the end of the first pass: dealt out round robin, or recorded. */
static void
deal_one(void *ctx, uint64_t index, int keep)
{
	struct deal *d = ctx;
	struct shared *sh = d->self->sh;

	if (keep && !*sh->cfg->stop && !d->self->failed) {
		if (reprobe_push(&sh->workers[d->kept++ % sh->nworkers].reprobes, index, 1) < 0)
			d->self->failed = 1;
		return;
	}
	record(d->self, index, PROBE_TIMEOUT, sh->cfg->timeout);
	d->self->reprobes_skipped += !*sh->cfg->stop;
}

/*
 * The last worker at the end of the first pass: choose among the first pass's timeouts
 * (silentmap_choose) and deal the chosen ones out; a timeout not chosen is recorded here.
 * Under gate_mu, the other workers waiting. After a stop, nothing is re-probed.
 */
static void
deal_reprobes(struct worker *self)
{
	struct deal d = { self, 0 };

	/* what still waits was not open before: silentmap_timeout asked when it timed out */
	silentmap_choose(&self->sh->silent, NULL, NULL, deal_one, &d);
}

/* Worker w has ended its first pass: wait for the others (the last deals the re-probes).
 * with_wait 0: w leaves (stop, failure) and only counts itself in. */
static void
first_pass_end(struct worker *w, int with_wait)
{
	struct shared *sh = w->sh;

	if (!sh->mapped || w->arrived)
		return;
	w->arrived = 1;
	(void)pthread_mutex_lock(&sh->gate_mu);
	if (++sh->arrived == sh->nworkers) {
		deal_reprobes(w);
		sh->dealt = 1;
		(void)pthread_cond_broadcast(&sh->gate_cv);
	}
	while (with_wait && !sh->dealt)
		(void)pthread_cond_wait(&sh->gate_cv, &sh->gate_mu);
	(void)pthread_mutex_unlock(&sh->gate_mu);
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	const struct prober_config *cfg = w->sh->cfg;
	struct epoll_event ev[EVENTS_MAX];

	if (!gate_wait(w->sh))
		return NULL;
	for (;;) {
		double now = clock_mono(), wait;
		int n, ms;

		while (w->head != NIL && w->slots[w->head].deadline <= now) {
			const struct slot *s = &w->slots[w->head];
			int o = cfg->ops ? cfg->ops->expired(cfg->ops->ctx, s->index) : PROBE_TIMEOUT;

			if (o == PROBER_AGAIN) {	/* its deadline is later than now */
				restart(w, w->head, 1, now);
				continue;
			}
			finish(w, s->index, s->attempt, (enum probe_outcome)o, now - s->started);
			release(w, w->head, 1);
			if (w->cap < w->max)
				w->cap++;
		}
		if (*cfg->stop || w->failed)
			break;
		wait = start_probes(w, now);
		if (w->busy == 0 && !has_work(w)) {
			if (!w->sh->mapped || w->arrived)
				break;
			first_pass_end(w, 1);
			continue;
		}
		if (w->head != NIL && w->slots[w->head].deadline - now < wait)
			wait = w->slots[w->head].deadline - now;
		if (w->busy < w->cap && has_work(w) && wait > 0.001 && !w->sh->rl)
			wait = 0;
		ms = (int)ceil(wait * 1000);
		if (ms > STOP_POLL_MS)
			ms = STOP_POLL_MS;
		n = epoll_wait(w->epfd, ev, EVENTS_MAX, ms < 0 ? 0 : ms);
		now = clock_mono();
		for (int k = 0; k < n; k++)
			complete(w, ev[k].data.u32, ev[k].events, now);
	}
	first_pass_end(w, 0);
	while (w->head != NIL)
		release(w, w->head, 1);
	return NULL;
}

static int
worker_init(struct worker *w, struct shared *sh, unsigned max, size_t nports)
{
	memset(w, 0, sizeof(*w));
	w->sh = sh;
	w->max = w->cap = max;
	w->head = w->tail = NIL;
	w->slots = calloc(max, sizeof(*w->slots));
	w->retries = calloc(max, sizeof(*w->retries));
	w->port_outcome = calloc(nports * PROBE_OUTCOMES, sizeof(*w->port_outcome));
	if ((w->epfd = epoll_create1(EPOLL_CLOEXEC)) < 0 || !w->slots || !w->retries ||
	    !w->port_outcome)
		return -1;
	for (unsigned i = 0; i < max; i++) {
		w->slots[i].fd = -1;
		w->slots[i].next = i + 1 < max ? i + 1 : NIL;
	}
	w->free_list = 0;
	return 0;
}

static void
worker_fini(struct worker *w)
{
	if (w->epfd > 0)
		close(w->epfd);
	free(w->slots);
	free(w->retries);
	free(w->open);
	free(w->port_outcome);
	reprobe_fini(&w->reprobes);
}

static int
hit_cmp(const void *x, const void *y)
{
	const struct probe_hit *a = x, *b = y;

	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return cidr_ip_cmp(a->addr, b->addr);
}

/* Merge worker results into res; -1 when memory ran out. */
static int
merge(struct worker *ws, unsigned n, struct prober_result *res)
{
	size_t total = 0;

	for (unsigned k = 0; k < n; k++)
		total += ws[k].nopen;
	if (total > 0 && (res->open = calloc(total, sizeof(*res->open))) == NULL)
		return -1;
	for (unsigned k = 0; k < n; k++) {
		if (ws[k].nopen)
			memcpy(res->open + res->nopen, ws[k].open, ws[k].nopen * sizeof(*res->open));
		res->nopen += ws[k].nopen;
		res->retries += ws[k].nretried;
		res->reprobes_skipped += ws[k].reprobes_skipped;
		res->no_ipv6 += ws[k].no_ipv6;
		for (int o = 0; o < PROBE_OUTCOMES; o++) {
			res->reprobe_outcome[o] += ws[k].reprobe_outcome[o];
			res->reprobes += ws[k].reprobe_outcome[o];
		}
		for (size_t j = 0; j < res->nports * PROBE_OUTCOMES; j++)
			res->port_outcome[j] += ws[k].port_outcome[j];
	}
	if (res->nopen > 1)	/* qsort's array may not be NULL, even empty */
		qsort(res->open, res->nopen, sizeof(*res->open), hit_cmp);
	for (size_t j = 0; j < res->nports * PROBE_OUTCOMES; j++) {
		res->outcome[j % PROBE_OUTCOMES] += res->port_outcome[j];
		res->done += res->port_outcome[j];
	}
	return 0;
}

/*
 * Make room for every socket of the run in the fd table now, before the workers exist: a
 * table that grows while threads share it waits for an RCU grace period at each doubling
 * (the kernel's expand_files), stalling every worker for milliseconds (about 15 ms a run,
 * half of a /18's extra cost over a /16). fd is any open descriptor, to duplicate.
 */
static void
reserve_fds(unsigned inflight, int fd)
{
	struct rlimit rl;
	rlim_t top = (rlim_t)inflight + FD_HEADROOM;
	int dup;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && top >= rl.rlim_cur)
		top = rl.rlim_cur - 1;
	if (top > INT_MAX)
		top = INT_MAX;
	if ((dup = fcntl(fd, F_DUPFD_CLOEXEC, (int)top)) >= 0)
		(void)close(dup);
}

int
prober_run(const struct prober_config *cfg, struct prober_result *res, char *err,
    size_t errlen)
{
	struct shared sh = { .cfg = cfg, .gate_mu = PTHREAD_MUTEX_INITIALIZER,
	    .gate_cv = PTHREAD_COND_INITIALIZER, .gate = GATE_WAIT };
	struct worker *ws = NULL;
	unsigned nw = cfg->workers, started = 0, per;
	double t0 = clock_mono(), burst;
	sigset_t all, old;
	int rc = -1, e;

	memset(res, 0, sizeof(*res));
	res->nports = cfg->ops ? 1 : cfg->gen->ports->n;
	if ((res->port_outcome = calloc(res->nports * PROBE_OUTCOMES, sizeof(uint64_t))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (total_of(cfg) == 0)
		return 0;
	if (nw == 0)
		nw = 1;
	if ((uint64_t)nw > total_of(cfg))
		nw = (unsigned)total_of(cfg);
	per = (cfg->inflight + nw - 1) / nw;
	if (per == 0)
		per = 1;
	atomic_init(&sh.next_index, 0);
	/*
	 * -retry-scope answering. A shard may hold only some of a host's pairs: no host can be
	 * called silent, so every timeout is probed again. Several ports: the silent map, when
	 * it can be had.
	 */
	if (cfg->ops == NULL && cfg->retries > 0 && cfg->retry_scope == REPROBE_SCOPE_ANSWERING &&
	    cfg->gen->shards == 1) {
		if (cfg->gen->ports->n == 1)
			sh.at_timeout = 1;
		else
			sh.mapped = silentmap_init(&sh.silent, cfg->gen->hosts->total,
			    (unsigned)cfg->gen->ports->n) == 0;
		res->scope_unmapped = cfg->gen->ports->n > 1 && !sh.mapped;
	}
	if (cfg->rate > 0) {
		burst = cfg->rate / 100 > 1 ? cfg->rate / 100 : 1;
		if ((sh.rl = ratelimit_new(cfg->rate, burst, t0)) == NULL) {
			snprintf(err, errlen, "rate limiter: %s", strerror(errno));
			goto out;
		}
	}
	if ((ws = calloc(nw, sizeof(*ws))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (unsigned k = 0; k < nw; k++) {
		if (worker_init(&ws[k], &sh, per, res->nports) < 0) {
			snprintf(err, errlen, "worker setup: %s", strerror(errno));
			goto fini;
		}
	}
	reserve_fds(cfg->inflight, ws[0].epfd);
	/*
	 * Every thread first, then the gate: a thread that cannot start (ulimit -u, TasksMax=)
	 * ends the run before any probe is sent, rather than after a whole scan is thrown away.
	 * Workers never take signals: the caller's thread hears them and sets *stop.
	 */
	sigfillset(&all);
	if ((e = pthread_sigmask(SIG_BLOCK, &all, &old)) != 0) {
		snprintf(err, errlen, "pthread_sigmask: %s", strerror(e));
		goto fini;
	}
	sh.workers = ws;
	sh.nworkers = nw;
	for (; started < nw; started++) {
		if ((e = pthread_create(&ws[started].thread, NULL, worker_main, &ws[started])) != 0) {
			snprintf(err, errlen, "cannot start worker thread %u of %u: pthread_create: %s; "
			    "no probe was sent (raise the task limit, ulimit -u or TasksMax=, or "
			    "lower -workers)", started + 1, nw, strerror(e));
			break;
		}
	}
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	rc = started == nw ? 0 : -1;
	gate_open(&sh, rc == 0 ? GATE_GO : GATE_ABORT);
	for (unsigned k = 0; k < started; k++) {
		if ((e = pthread_join(ws[k].thread, NULL)) != 0 && rc == 0) {
			snprintf(err, errlen, "pthread_join: %s", strerror(e));
			rc = -1;
		}
		if (ws[k].socket_errno && rc == 0) {
			snprintf(err, errlen, "cannot open a TCP socket: socket: %s (a sandbox or "
			    "seccomp filter that refuses AF_INET or AF_INET6?); the probes stopped at once",
			    strerror(ws[k].socket_errno));
			rc = -1;
		} else if (ws[k].failed && rc == 0) {
			snprintf(err, errlen, "out of memory while recording open ports");
			rc = -1;
		}
	}
	if (rc == 0 && merge(ws, started, res) < 0) {
		snprintf(err, errlen, "out of memory");
		rc = -1;
	}
	res->interrupted = *cfg->stop != 0;
fini:
	for (unsigned k = 0; k < nw; k++)
		worker_fini(&ws[k]);
out:
	free(ws);
	ratelimit_free(sh.rl);
	silentmap_fini(&sh.silent);
	res->seconds = clock_mono() - t0;
	return rc;
}

void
prober_result_fini(struct prober_result *res)
{
	free(res->open);
	free(res->port_outcome);
	memset(res, 0, sizeof(*res));
}
