/*
 * sockcheck.c: one check per socket of a -sockets list, run by the probe engine through
 * struct prober_ops. Names are looked up first (literals parsed in place, each distinct
 * name once, several at a time); then the engine starts the checks in ascending timeout
 * order (its deadline FIFO stays O(1)) and each callback touches only its own socket's
 * slots of the result, so the workers share nothing but the engine's own state. A name's
 * next address is tried (PROBER_AGAIN) when one refuses or is unreachable, or when its
 * share of the timeout (what is left, split evenly over the addresses left) runs out.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "prober.h"
#include "sockcheck.h"

#define RESOLVERS_MAX	64
#define ICMP_ECHO_V4	8
#define ICMP_REPLY_V4	0
#define ICMP_ECHO_V6	128
#define ICMP_REPLY_V6	129

static const char *const status_names[SOCKCHECK_STATUSES] = {
	"up", "refused", "timeout", "unreachable", "resolve", "local_error", "unchecked"
};

union addr {
	struct sockaddr		sa;
	struct sockaddr_in	in;
	struct sockaddr_in6	in6;
};

struct lookup {
	const char		*host;
	int			 family;
	union addr		 a[SOCKCHECK_ADDRS_MAX];
	unsigned		 na;
	int			 rc;
};

struct lookups {
	struct lookup		*v;
	size_t			 n;
	atomic_size_t		 next;
	sockcheck_resolve_fn	 fn;
	void			*fn_ctx;
};

/* Per entry i: addr[i] (a literal), or via[i]->a[attempt[i]] (a name). */
struct ctx {
	const struct sockets_list	*l;
	union addr			*addr;		/* [n] literals */
	const struct lookup		**via;		/* [n] the name's lookup, NULL for a literal */
	unsigned char			*attempt;	/* [n] which of the name's addresses */
	double				*began;		/* [n] start of the first attempt, 0: none */
	uint32_t			*order;		/* probe index -> entry, by timeout */
	struct sockcheck_result		*res;
	struct lookups			 ls;
	atomic_uint_fast64_t		 ping_denied;
};

const char *
sockcheck_status_name(enum sockcheck_status s)
{
	return s < SOCKCHECK_STATUSES ? status_names[s] : "?";
}

unsigned
sockcheck_default_inflight(const struct sockets_list *l, double rate)
{
	unsigned n = prober_default_inflight(rate, l->max_timeout > 0 ? l->max_timeout : 1);

	return l->n > 0 && n > l->n ? (unsigned)l->n : n;
}

static int
family_of(enum sockets_proto p)
{
	switch (p) {
	case SOCKETS_TCP4: case SOCKETS_UDP4: case SOCKETS_IP4:
		return AF_INET;
	case SOCKETS_TCP6: case SOCKETS_UDP6: case SOCKETS_IP6:
		return AF_INET6;
	default:
		return AF_UNSPEC;
	}
}

static int
resolve_getaddrinfo(void *ctx, const char *host, int family, struct sockaddr_storage *addrs,
    unsigned max, unsigned *n)
{
	struct addrinfo hints, *ai, *p;
	int rc;

	(void)ctx;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;	/* one answer per address */
	if ((rc = getaddrinfo(host, NULL, &hints, &ai)) != 0)
		return rc;
	/* in RFC 6724 order, as a client tries them */
	for (*n = 0, p = ai; p != NULL && *n < max; p = p->ai_next)
		if (p->ai_addrlen <= sizeof(*addrs))
			memcpy(&addrs[(*n)++], p->ai_addr, p->ai_addrlen);
	freeaddrinfo(ai);
	return 0;
}

/* host without the brackets of "[::1]" into buf; NULL when it does not fit. */
static const char *
unbracket(const char *host, char *buf, size_t len)
{
	size_t n = strlen(host);

	if (n < 2 || host[0] != '[' || host[n - 1] != ']')
		return host;
	if (n - 2 >= len)
		return NULL;
	memcpy(buf, host + 1, n - 2);
	buf[n - 2] = '\0';
	return buf;
}

/* An address literal of the family into a; 0, or -1 when host is not one. */
static int
parse_literal(const char *host, int family, union addr *a)
{
	memset(a, 0, sizeof(*a));
	if (family != AF_INET6 && inet_pton(AF_INET, host, &a->in.sin_addr) == 1) {
		a->in.sin_family = AF_INET;
		return 0;
	}
	if (family != AF_INET && strchr(host, '%') == NULL &&
	    inet_pton(AF_INET6, host, &a->in6.sin6_addr) == 1) {
		a->in6.sin6_family = AF_INET6;
		return 0;
	}
	return -1;
}

static void *
lookup_main(void *arg)
{
	struct lookups *ls = arg;
	size_t i;

	while ((i = atomic_fetch_add(&ls->next, 1)) < ls->n) {
		struct lookup *lk = &ls->v[i];
		struct sockaddr_storage ss[SOCKCHECK_ADDRS_MAX];
		char buf[SOCKETS_STRING_MAX + 1];
		const char *h = unbracket(lk->host, buf, sizeof(buf));
		unsigned n = 0;

		lk->rc = h ? ls->fn(ls->fn_ctx, h, lk->family, ss, SOCKCHECK_ADDRS_MAX, &n) :
		    EAI_NONAME;
		for (unsigned k = 0; lk->rc == 0 && k < n && k < SOCKCHECK_ADDRS_MAX; k++) {
			if (ss[k].ss_family == AF_INET)
				memcpy(&lk->a[lk->na++], &ss[k], sizeof(struct sockaddr_in));
			else if (ss[k].ss_family == AF_INET6)
				memcpy(&lk->a[lk->na++], &ss[k], sizeof(struct sockaddr_in6));
		}
		if (lk->rc == 0 && lk->na == 0)
			lk->rc = EAI_FAMILY;
	}
	return NULL;
}

static int
lookup_cmp(const void *x, const void *y)
{
	const struct lookup *a = x, *b = y;
	int c = strcmp(a->host, b->host);

	return c ? c : a->family - b->family;
}

/* Run the lookups of ls with up to nthreads threads; -1 with err when none could start. */
static int
run_lookups(struct lookups *ls, unsigned nthreads, char *err, size_t errlen)
{
	pthread_t th[RESOLVERS_MAX];
	sigset_t all, old;
	unsigned started = 0;
	int e = 0;

	if (nthreads > RESOLVERS_MAX)
		nthreads = RESOLVERS_MAX;
	if (nthreads > ls->n)
		nthreads = (unsigned)ls->n;
	atomic_init(&ls->next, 0);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	for (; started < nthreads; started++)
		if ((e = pthread_create(&th[started], NULL, lookup_main, ls)) != 0)
			break;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (started == 0 && ls->n > 0) {
		snprintf(err, errlen, "pthread_create: %s", strerror(e));
		return -1;
	}
	for (unsigned k = 0; k < started; k++)
		if ((e = pthread_join(th[k], NULL)) != 0) {
			snprintf(err, errlen, "pthread_join: %s", strerror(e));
			return -1;
		}
	return 0;
}

static int
needs_lookup(const struct sockets_entry *e, union addr *a)
{
	char buf[SOCKETS_STRING_MAX + 1];
	const char *h = unbracket(e->host, buf, sizeof(buf));

	return !sockets_proto_is_unix(e->proto) &&
	    (h == NULL || parse_literal(h, family_of(e->proto), a) < 0);
}

/* Literals into c->addr, names looked up into c->ls and c->via; failures recorded. */
static int
resolve_all(struct ctx *c, const struct sockcheck_config *cfg, char *err, size_t errlen)
{
	const struct sockets_list *l = c->l;
	struct lookups *ls = &c->ls;
	size_t nneed = 0;

	ls->fn = cfg->resolve ? cfg->resolve : resolve_getaddrinfo;
	ls->fn_ctx = cfg->resolve_ctx;
	for (size_t i = 0; i < l->n; i++)
		nneed += needs_lookup(&l->v[i], &c->addr[i]);
	if (nneed == 0)
		return 0;
	if ((ls->v = calloc(nneed, sizeof(*ls->v))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < l->n; i++)
		if (needs_lookup(&l->v[i], &c->addr[i]))
			ls->v[ls->n++] = (struct lookup){ .host = l->v[i].host,
			    .family = family_of(l->v[i].proto) };
	/* each distinct (name, family) once */
	if (ls->n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(ls->v, ls->n, sizeof(*ls->v), lookup_cmp);
	for (size_t i = 1, j = 1; i <= ls->n; i++) {
		if (i == ls->n) {
			ls->n = j;
			break;
		}
		if (lookup_cmp(&ls->v[i], &ls->v[j - 1]) != 0)
			ls->v[j++] = ls->v[i];
	}
	c->res->names = ls->n;
	if (run_lookups(ls, cfg->resolvers ? cfg->resolvers : 1, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < l->n; i++) {
		struct lookup key = { .host = l->v[i].host, .family = family_of(l->v[i].proto) };
		const struct lookup *lk;

		if (!needs_lookup(&l->v[i], &c->addr[i]))
			continue;
		lk = bsearch(&key, ls->v, ls->n, sizeof(*ls->v), lookup_cmp);
		if (lk == NULL || lk->rc != 0) {
			c->res->status[i] = SOCKCHECK_RESOLVE;
			c->res->detail[i] = lk ? lk->rc : EAI_FAIL;
			continue;
		}
		c->via[i] = lk;
	}
	return 0;
}

static void
set_port(union addr *a, uint16_t port)
{
	if (a->sa.sa_family == AF_INET)
		a->in.sin_port = htons(port);
	else
		a->in6.sin6_port = htons(port);
}

static socklen_t
addr_len(const union addr *a)
{
	return a->sa.sa_family == AF_INET ? sizeof(a->in) : sizeof(a->in6);
}

/* An outcome known at once for error e, or PROBER_LOCAL (errno kept) to retry. */
static int
at_once(int fd, int e)
{
	if (fd >= 0)
		close(fd);
	errno = e;
	return prober_is_local_error(e) ? PROBER_LOCAL : (int)prober_classify(e);
}

static int
start_unix(const struct sockets_entry *e, int *fdp)
{
	static const int types[] = { [SOCKETS_UNIX] = SOCK_STREAM,
	    [SOCKETS_UNIXGRAM] = SOCK_DGRAM, [SOCKETS_UNIXPACKET] = SOCK_SEQPACKET };
	struct sockaddr_un sun;
	size_t n = strlen(e->host);
	socklen_t len;
	int fd, err;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, e->host, n);	/* n <= 107: sockets.c checks */
	if (e->host[0] == '@')	/* Linux abstract name, as Go writes it */
		sun.sun_path[0] = '\0';
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (e->host[0] != '@'));
	if ((fd = socket(AF_UNIX, types[e->proto] | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return at_once(-1, errno);
	if (connect(fd, (struct sockaddr *)&sun, len) == 0) {
		close(fd);
		return PROBE_OPEN;
	}
	err = errno;
	close(fd);
	*fdp = -1;
	switch (err) {
	case EAGAIN:		/* the listener's backlog is full: it does not accept */
		return PROBE_TIMEOUT;
	case ECONNREFUSED: case ENOENT: case ENOTDIR: case EPROTOTYPE: case ENOTSOCK:
	case EACCES: case EPERM: case ELOOP: case ENAMETOOLONG:
		return PROBE_CLOSED;
	default:
		return at_once(-1, err);
	}
}

/* A connected TCP or UDP socket to a; PROBER_PENDING or an outcome. */
static int
start_inet(const union addr *a, int type, int *fdp)
{
	static const int on = 1;
	int fd;

	if ((fd = socket(a->sa.sa_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0)
		return at_once(-1, errno);
	if (type == SOCK_DGRAM) {
		/* every ICMP error (host unreachable too, not only port unreachable) on SO_ERROR */
		if (a->sa.sa_family == AF_INET)
			(void)setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on));
		else
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof(on));
	}
	if (connect(fd, &a->sa, addr_len(a)) < 0 && errno != EINPROGRESS)
		return at_once(fd, errno);
	if (type == SOCK_DGRAM && send(fd, "", 0, 0) < 0)
		return at_once(fd, errno);
	*fdp = fd;
	return PROBER_PENDING;
}

/* An ICMP echo request through a ping socket; *denied when the group may not ping. */
static int
start_ping(const union addr *a, uint64_t index, int *fdp, int *denied)
{
	static const int on = 1;
	unsigned char pkt[16] = { 0 };
	int v4 = a->sa.sa_family == AF_INET, fd;

	fd = socket(a->sa.sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6);
	if (fd < 0 && (errno == EACCES || errno == EPERM)) {
		*denied = errno;
		return PROBE_ERROR;
	}
	if (fd < 0)
		return at_once(-1, errno);
	if (v4)
		(void)setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on));
	else
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof(on));
	/* type, code, checksum and id are the kernel's for a ping socket: the sequence is ours */
	pkt[0] = v4 ? ICMP_ECHO_V4 : ICMP_ECHO_V6;
	pkt[6] = (unsigned char)(index >> 8);
	pkt[7] = (unsigned char)index;
	memcpy(pkt + 8, "sd-scan", 8);
	if (connect(fd, &a->sa, addr_len(a)) < 0 || send(fd, pkt, sizeof(pkt), 0) < 0)
		return at_once(fd, errno);
	*fdp = fd;
	return PROBER_PENDING;
}

/* The address entry i tries now. */
static const union addr *
current(const struct ctx *c, uint32_t i)
{
	return c->via[i] ? &c->via[i]->a[c->attempt[i]] : &c->addr[i];
}

/* 1 when entry i, down as o, has another address to try: attempt moves on to it. */
static int
next_address(struct ctx *c, uint32_t i, int o)
{
	if (o != PROBE_CLOSED && o != PROBE_UNREACHABLE && o != PROBE_TIMEOUT)
		return 0;
	if (c->via[i] == NULL || c->attempt[i] + 1u >= c->via[i]->na)
		return 0;
	c->attempt[i]++;
	return 1;
}

static int
start_one(struct ctx *c, uint32_t i, uint64_t index, int *fd, uint32_t *events)
{
	const struct sockets_entry *e = &c->l->v[i];
	union addr a = *current(c, i);
	int denied = 0, rc;

	set_port(&a, e->port);
	switch (e->proto) {
	case SOCKETS_TCP: case SOCKETS_TCP4: case SOCKETS_TCP6:
		*events = EPOLLOUT;
		return start_inet(&a, SOCK_STREAM, fd);
	case SOCKETS_UDP: case SOCKETS_UDP4: case SOCKETS_UDP6:
		return start_inet(&a, SOCK_DGRAM, fd);
	default:
		set_port(&a, 0);
		if ((rc = start_ping(&a, index, fd, &denied)) == PROBE_ERROR && denied) {
			c->res->detail[i] = denied;
			atomic_fetch_add(&c->ping_denied, 1);
		}
		return rc;
	}
}

static int
ops_start(void *vctx, uint64_t index, int *fd, uint32_t *events, double *timeout)
{
	struct ctx *c = vctx;
	uint32_t i = c->order[index];
	const struct sockets_entry *e = &c->l->v[i];
	double now = clock_mono(), left;
	int rc;

	*fd = -1;
	*events = EPOLLIN;
	*timeout = e->timeout;
	if (c->began[i] == 0)
		c->began[i] = now;
	if (sockets_proto_is_unix(e->proto))
		return start_unix(e, fd);
	do {
		/* what is left of the timeout, shared by the addresses left */
		if ((left = e->timeout - (now - c->began[i])) <= 0)
			return PROBE_TIMEOUT;
		*timeout = left / (c->via[i] ? c->via[i]->na - c->attempt[i] : 1);
		rc = start_one(c, i, index, fd, events);
	} while (next_address(c, i, rc));
	return rc;
}

/* The pending error of fd as an outcome; PROBER_PENDING when there is none. */
static int
socket_error(int fd)
{
	socklen_t len = sizeof(int);
	int e = 0;

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
		e = errno;
	if (e == 0)
		return PROBER_PENDING;
	errno = e;
	return prober_is_local_error(e) ? PROBER_LOCAL : (int)prober_classify(e);
}

/* Datagrams waiting on fd: PROBE_OPEN on an answer (any for UDP, an echo reply for ICMP). */
static int
read_answers(int fd, int want_type)
{
	unsigned char buf[512];
	ssize_t n;

	for (;;) {
		if ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return PROBER_PENDING;
			return at_once(-1, errno);	/* ECONNREFUSED and the like */
		}
		if (want_type < 0 || (n >= 8 && buf[0] == want_type))
			return PROBE_OPEN;
	}
}

/* The outcome of the attempt on fd, or PROBER_PENDING. */
static int
attempt_ready(const struct ctx *c, uint32_t i, int fd, uint32_t revents)
{
	int rc;

	switch (c->l->v[i].proto) {
	case SOCKETS_TCP: case SOCKETS_TCP4: case SOCKETS_TCP6:
		rc = socket_error(fd);
		return rc == PROBER_PENDING ? PROBE_OPEN : rc;
	case SOCKETS_UDP: case SOCKETS_UDP4: case SOCKETS_UDP6:
		if ((revents & EPOLLERR) && (rc = socket_error(fd)) != PROBER_PENDING)
			return rc;
		return (revents & EPOLLIN) ? read_answers(fd, -1) : PROBER_PENDING;
	default:
		if ((revents & EPOLLERR) && (rc = socket_error(fd)) != PROBER_PENDING)
			return rc;
		if (!(revents & EPOLLIN))
			return PROBER_PENDING;
		return read_answers(fd, current(c, i)->sa.sa_family == AF_INET ? ICMP_REPLY_V4 :
		    ICMP_REPLY_V6);
	}
}

static int
ops_ready(void *vctx, uint64_t index, int fd, uint32_t revents)
{
	struct ctx *c = vctx;
	uint32_t i = c->order[index];
	int rc = attempt_ready(c, i, fd, revents);

	return next_address(c, i, rc) ? PROBER_AGAIN : rc;
}

static int
ops_expired(void *vctx, uint64_t index)
{
	struct ctx *c = vctx;
	uint32_t i = c->order[index];
	enum sockets_proto p = c->l->v[i].proto;

	/* no refusal within the timeout is all UDP can tell without a protocol */
	if (p == SOCKETS_UDP || p == SOCKETS_UDP4 || p == SOCKETS_UDP6)
		return PROBE_OPEN;
	return next_address(c, i, PROBE_TIMEOUT) ? PROBER_AGAIN : PROBE_TIMEOUT;
}

static void
ops_done(void *vctx, uint64_t index, enum probe_outcome o, double seconds)
{
	static const unsigned char status_of[PROBE_OUTCOMES] = {
		[PROBE_OPEN] = SOCKCHECK_UP, [PROBE_CLOSED] = SOCKCHECK_REFUSED,
		[PROBE_UNREACHABLE] = SOCKCHECK_UNREACHABLE, [PROBE_TIMEOUT] = SOCKCHECK_TIMEOUT,
		[PROBE_ERROR] = SOCKCHECK_LOCAL,
	};
	struct ctx *c = vctx;
	uint32_t i = c->order[index];

	/* from the first attempt: a name's addresses tried in turn make one check */
	if (c->began[i] > 0)
		seconds = clock_mono() - c->began[i];
	c->res->status[i] = status_of[o];
	c->res->seconds[i] = seconds > 0 ? seconds : 0;
}

struct by_timeout {
	double		 timeout;
	uint32_t	 entry;
};

static int
timeout_cmp(const void *x, const void *y)
{
	const struct by_timeout *a = x, *b = y;

	if (a->timeout != b->timeout)
		return a->timeout < b->timeout ? -1 : 1;
	return a->entry < b->entry ? -1 : a->entry > b->entry;
}

/* The entries to probe (not failed to resolve) into c->order, ascending timeouts. */
static int
order_by_timeout(struct ctx *c, size_t *nprobe)
{
	struct by_timeout *t = calloc(c->l->n ? c->l->n : 1, sizeof(*t));
	size_t n = 0;

	if (t == NULL)
		return -1;
	for (size_t i = 0; i < c->l->n; i++)
		if (c->res->status[i] != SOCKCHECK_RESOLVE)
			t[n++] = (struct by_timeout){ c->l->v[i].timeout, (uint32_t)i };
	if (n > 1)
		qsort(t, n, sizeof(*t), timeout_cmp);
	for (size_t k = 0; k < n; k++)
		c->order[k] = t[k].entry;
	free(t);
	*nprobe = n;
	return 0;
}

int
sockcheck_run(const struct sockcheck_config *cfg, struct sockcheck_result *res, char *err,
    size_t errlen)
{
	const struct sockets_list *l = cfg->list;
	struct ctx c = { .l = l, .res = res };
	struct prober_ops ops = { .ctx = &c, .start = ops_start, .ready = ops_ready,
	    .expired = ops_expired, .done = ops_done };
	struct prober_config pc = { .ops = &ops, .workers = cfg->workers,
	    .inflight = cfg->inflight, .rate = cfg->rate, .stop = cfg->stop, .timeout = 1 };
	struct prober_result pr;
	double t0 = clock_mono();
	size_t n = l->n ? l->n : 1, nprobe = 0;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&pr, 0, sizeof(pr));
	atomic_init(&c.ping_denied, 0);
	res->n = l->n;
	res->status = malloc(n);
	res->seconds = calloc(n, sizeof(*res->seconds));
	res->detail = calloc(n, sizeof(*res->detail));
	c.addr = calloc(n, sizeof(*c.addr));
	c.via = calloc(n, sizeof(*c.via));
	c.attempt = calloc(n, sizeof(*c.attempt));
	c.began = calloc(n, sizeof(*c.began));
	c.order = calloc(n, sizeof(*c.order));
	if (!res->status || !res->seconds || !res->detail || !c.addr || !c.via || !c.attempt ||
	    !c.began || !c.order) {
		snprintf(err, errlen, "out of memory for %zu sockets", l->n);
		goto out;
	}
	memset(res->status, SOCKCHECK_UNCHECKED, n);
	if (resolve_all(&c, cfg, err, errlen) < 0)
		goto out;
	if (order_by_timeout(&c, &nprobe) < 0) {
		snprintf(err, errlen, "out of memory for %zu sockets", l->n);
		goto out;
	}
	ops.total = nprobe;
	if (pc.workers == 0)
		pc.workers = 1;
	if (pc.inflight < pc.workers)
		pc.inflight = pc.workers;
	if (prober_run(&pc, &pr, err, errlen) < 0)
		goto out;
	res->interrupted = pr.interrupted;
	res->retries = pr.retries;
	rc = 0;
out:
	for (size_t i = 0; i < l->n && res->status; i++) {
		res->count[res->status[i]]++;
		res->checked += res->status[i] != SOCKCHECK_UNCHECKED;
	}
	res->ping_denied = atomic_load(&c.ping_denied);
	res->seconds_total = clock_mono() - t0;
	prober_result_fini(&pr);
	free(c.addr);
	free(c.via);
	free(c.attempt);
	free(c.began);
	free(c.order);
	free(c.ls.v);
	return rc;
}

void
sockcheck_result_fini(struct sockcheck_result *res)
{
	free(res->status);
	free(res->seconds);
	free(res->detail);
	memset(res, 0, sizeof(*res));
}
