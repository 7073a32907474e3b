/*
 * resolver.c: rdns_resolver on c-ares. A PTR lookup walks the system's lookup order (c-ares
 * reads it: "files, then DNS" unless host.conf or nsswitch.conf say otherwise): /etc/hosts
 * through a files-only channel, DNS through ares_query, so a SERVFAIL or a timeout is told
 * from a missing record (ares_gethostbyaddr reports both as "not found"). c-ares 1.18 reads
 * glibc's "options timeout:/attempts:" not at all, so they come from res_ninit. Each lookup
 * carries a heap record freed in its last callback; a cancelled one never calls back, nor
 * one c-ares carries on to its next source while cancelling (a generation count).
 * Waiting is poll(2) over c-ares's sockets. One thread.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ares.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "resolver.h"

#define RESOLVER_LOOKUPS_MAX	8	/* sources in the lookup order ("fb": files, DNS) */

struct resolver {
	struct rdns_resolver	 ops;		/* first: a struct rdns_resolver * is a resolver */
	ares_channel		 channel;	/* DNS; NULL until the first lookup */
	ares_channel		 files;		/* /etc/hosts only; NULL when not in the order */
	char			 lookups[RESOLVER_LOOKUPS_MAX + 1];
	int			 library;	/* ares_library_init succeeded */
	int			 init_status;	/* ARES_SUCCESS, or why channel stays NULL */
	unsigned		 generation;	/* cancel_all's count: older lookups are void */
};

struct query {
	struct resolver	*rs;
	rdns_done_fn	 done;
	void		*arg;
	cidr_ip		 addr;
	unsigned	 generation;	/* rs->generation when started */
	const char	*next;		/* PTR: the sources still to ask, in rs->lookups */
	int		 dns_status;	/* PTR: how DNS failed, ARES_SUCCESS if it did not */
};

/*
 * Why a lookup failed, in the words glibc's resolver used for the same failure, so the log
 * lines stay as they were (a SERVFAIL, a refusal or a timeout is a temporary failure).
 */
static const char *
failure(int status, const char *none)
{
	switch (status) {
	case ARES_ENOTFOUND:
	case ARES_ENODATA:
		return none;
	case ARES_ESERVFAIL:
	case ARES_EREFUSED:
	case ARES_ETIMEOUT:
	case ARES_ECONNREFUSED:
		return "Temporary failure in name resolution";
	case ARES_ENOMEM:
		return "out of memory";
	}
	return ares_strerror(status);
}

/* c-ares's options from the system: glibc's timeout and attempts (res_ninit's parse). */
static int
system_options(struct ares_options *o)
{
	struct __res_state st;
	int mask = 0;

	memset(&st, 0, sizeof(st));
	if (res_ninit(&st) == 0) {
		o->timeout = st.retrans * 1000;
		o->tries = st.retry;
		mask = (o->timeout > 0 ? ARES_OPT_TIMEOUTMS : 0) | (o->tries > 0 ? ARES_OPT_TRIES : 0);
	}
	res_nclose(&st);
	return mask;
}

/* The lookup order of the DNS channel, and a files-only channel when it has "f". */
static int
lookup_order(struct resolver *rs)
{
	static char files_only[] = "f";
	struct ares_options o;
	int mask, status;

	snprintf(rs->lookups, sizeof(rs->lookups), "fb");
	if (ares_save_options(rs->channel, &o, &mask) == ARES_SUCCESS) {
		if ((mask & ARES_OPT_LOOKUPS) && o.lookups != NULL && *o.lookups)
			snprintf(rs->lookups, sizeof(rs->lookups), "%s", o.lookups);
		ares_destroy_options(&o);
	}
	if (strchr(rs->lookups, 'f') == NULL)
		return ARES_SUCCESS;
	memset(&o, 0, sizeof(o));
	o.lookups = files_only;
	if ((status = ares_init_options(&rs->files, &o, ARES_OPT_LOOKUPS)) != ARES_SUCCESS)
		rs->files = NULL;
	return status;
}

static int
channel_ready(struct resolver *rs, char *why, size_t whylen)
{
	struct ares_options o;
	int mask;

	if (rs->channel == NULL && rs->init_status == ARES_SUCCESS) {
		if ((rs->init_status = ares_library_init(ARES_LIB_INIT_ALL)) == ARES_SUCCESS)
			rs->library = 1;
		memset(&o, 0, sizeof(o));
		mask = system_options(&o);
		if (rs->init_status == ARES_SUCCESS &&
		    (rs->init_status = ares_init_options(&rs->channel, &o, mask)) != ARES_SUCCESS)
			rs->channel = NULL;
		if (rs->init_status == ARES_SUCCESS &&
		    (rs->init_status = lookup_order(rs)) != ARES_SUCCESS) {
			ares_destroy(rs->channel);
			rs->channel = NULL;
		}
	}
	if (rs->channel != NULL)
		return 0;
	snprintf(why, whylen, "resolver not started: %s", ares_strerror(rs->init_status));
	return -1;
}

static struct query *
query_new(struct resolver *rs, rdns_done_fn done, void *arg, cidr_ip addr, char *why,
    size_t whylen)
{
	struct query *q = malloc(sizeof(*q));

	if (q == NULL) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	q->rs = rs;
	q->generation = rs->generation;
	q->done = done;
	q->arg = arg;
	q->addr = addr;
	q->next = "";
	q->dns_status = ARES_SUCCESS;
	return q;
}

static void ptr_next(struct query *);

/*
 * A lookup cancelled or destroyed, or one that c-ares went on with while cancel_all ran (its
 * next source): it must not call back.
 */
static int
void_answer(const struct query *q, int status)
{
	return status == ARES_ECANCELLED || status == ARES_EDESTRUCTION ||
	    q->generation != q->rs->generation;
}

static void
file_answer(void *arg, int status, int timeouts, struct hostent *h)
{
	struct query *q = arg;

	(void)timeouts;
	if (void_answer(q, status)) {
		free(q);
	} else if (status == ARES_SUCCESS && h != NULL && h->h_name != NULL) {
		q->done(q->arg, 0, h->h_name);
		free(q);
	} else
		ptr_next(q);
}

/* ip as c-ares wants it: *family and the 4 or 16 bytes in out; returns the length. */
static int
ares_addr(cidr_ip ip, unsigned char out[16], int *family)
{
	uint8_t b[16];

	cidr_ip_bytes(ip, b);
	if (cidr_is_v4(ip)) {
		*family = AF_INET;
		memcpy(out, b + 12, 4);
		return 4;
	}
	*family = AF_INET6;
	memcpy(out, b, 16);
	return 16;
}

/* The PTR name of ip: d.c.b.a.in-addr.arpa, or 32 nibbles and ip6.arpa (RFC 3596). */
static void
ptr_name(cidr_ip ip, char *buf, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	if (cidr_is_v4(ip)) {
		uint32_t a = (uint32_t)ip;

		snprintf(buf, len, "%u.%u.%u.%u.in-addr.arpa", a & 0xff, (a >> 8) & 0xff,
		    (a >> 16) & 0xff, a >> 24);
		return;
	}
	for (int i = 0; i < 32 && o + 2 < len; i++, ip >>= 4) {
		buf[o++] = hex[(unsigned)ip & 15];
		buf[o++] = '.';
	}
	snprintf(buf + o, len - o, "ip6.arpa");
}

static void
dns_answer(void *arg, int status, int timeouts, unsigned char *abuf, int alen)
{
	struct query *q = arg;
	unsigned char in[16];
	int family, inlen = ares_addr(q->addr, in, &family);
	struct hostent *h = NULL;

	(void)timeouts;
	if (void_answer(q, status)) {
		free(q);
		return;
	}
	if (status == ARES_SUCCESS)
		status = ares_parse_ptr_reply(abuf, alen, in, inlen, family, &h);
	if (status == ARES_SUCCESS && h != NULL && h->h_name != NULL) {
		q->done(q->arg, 0, h->h_name);
		free(q);
	} else if (status == ARES_SUCCESS || status == ARES_ENOTFOUND || status == ARES_ENODATA) {
		ptr_next(q);
	} else if (status == ARES_EBADRESP || status == ARES_EBADNAME) {
		q->done(q->arg, -1, ares_strerror(status));	/* an answer, and a bad one */
		free(q);
	} else {
		q->dns_status = status;
		ptr_next(q);
	}
	if (h != NULL)
		ares_free_hostent(h);
}

/* Ask the next source of the lookup order; past the last, report what was found. */
static void
ptr_next(struct query *q)
{
	struct resolver *rs = q->rs;
	unsigned char in[16];
	int family, inlen = ares_addr(q->addr, in, &family);
	char name[80];

	for (char src; (src = *q->next) != '\0';) {
		q->next++;
		if (src == 'f' && rs->files != NULL) {
			ares_gethostbyaddr(rs->files, in, inlen, family, file_answer, q);
			return;
		}
		if (src == 'b') {
			ptr_name(q->addr, name, sizeof(name));
			ares_query(rs->channel, name, ns_c_in, ns_t_ptr, dns_answer, q);
			return;
		}
	}
	q->done(q->arg, -1, failure(q->dns_status == ARES_SUCCESS ? ARES_ENOTFOUND :
	    q->dns_status, "no PTR record"));
	free(q);
}

static void
forward_answer(void *arg, int status, int timeouts, struct hostent *h)
{
	struct query *q = arg;
	unsigned char want[16];
	int family, wantlen = ares_addr(q->addr, want, &family);

	(void)timeouts;
	if (void_answer(q, status)) {
		free(q);
		return;
	}
	if (status == ARES_SUCCESS && h != NULL && h->h_addrtype == family &&
	    h->h_length == wantlen) {
		for (char **a = h->h_addr_list; *a != NULL; a++)
			if (memcmp(*a, want, (size_t)wantlen) == 0) {
				q->done(q->arg, 1, "");
				free(q);
				return;
			}
		q->done(q->arg, 0, "its addresses do not include the IP");
	} else if (status == ARES_SUCCESS || status == ARES_ENOTFOUND || status == ARES_ENODATA)
		q->done(q->arg, 0, "no address record");
	else
		q->done(q->arg, -1, failure(status, "no address record"));
	free(q);
}

static int
start_ptr(struct rdns_resolver *r, cidr_ip addr, rdns_done_fn done, void *arg, char *why,
    size_t whylen)
{
	struct resolver *rs = (struct resolver *)r;
	struct query *q;

	if (channel_ready(rs, why, whylen) < 0 ||
	    (q = query_new(rs, done, arg, addr, why, whylen)) == NULL)
		return -1;
	q->next = rs->lookups;
	ptr_next(q);
	return 0;
}

static int
start_forward(struct rdns_resolver *r, const char *name, cidr_ip addr, rdns_done_fn done,
    void *arg, char *why, size_t whylen)
{
	struct resolver *rs = (struct resolver *)r;
	struct query *q;

	if (channel_ready(rs, why, whylen) < 0 ||
	    (q = query_new(rs, done, arg, addr, why, whylen)) == NULL)
		return -1;
	ares_gethostbyname(rs->channel, name, cidr_is_v4(addr) ? AF_INET : AF_INET6,
	    forward_answer, q);
	return 0;
}

static int
wait_answers(struct rdns_resolver *r, double timeout, char *why, size_t whylen)
{
	struct resolver *rs = (struct resolver *)r;
	ares_socket_t socks[ARES_GETSOCK_MAXNUM];
	struct pollfd pfd[ARES_GETSOCK_MAXNUM];
	struct timeval max, tv, *tvp;
	int bits, n = 0, ms, rc;

	if (rs->channel == NULL)
		return 0;
	bits = ares_getsock(rs->channel, socks, ARES_GETSOCK_MAXNUM);
	for (int i = 0; i < ARES_GETSOCK_MAXNUM; i++) {
		/* c-ares' ARES_GETSOCK_WRITABLE shifts a signed 1 into bit 31 (undefined) */
		short ev = (short)(((unsigned)bits & (1u << i) ? POLLIN : 0) |
		    ((unsigned)bits & (1u << (i + ARES_GETSOCK_MAXNUM)) ? POLLOUT : 0));

		if (ev == 0)
			continue;
		pfd[n].fd = socks[i];
		pfd[n].events = ev;
		pfd[n++].revents = 0;
	}
	max.tv_sec = (time_t)timeout;
	max.tv_usec = (suseconds_t)((timeout - (double)max.tv_sec) * 1e6);
	tvp = ares_timeout(rs->channel, &max, &tv);
	/* round up: waking a little early would only spin */
	ms = (int)tvp->tv_sec * 1000 + (int)((tvp->tv_usec + 999) / 1000);
	if ((rc = poll(pfd, (nfds_t)n, ms)) < 0) {
		if (errno == EINTR)
			return 0;
		snprintf(why, whylen, "poll: %s", strerror(errno));
		return -1;
	}
	if (rc == 0) {
		ares_process_fd(rs->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);	/* timers */
		return 0;
	}
	for (int i = 0; i < n; i++)
		if (pfd[i].revents)
			ares_process_fd(rs->channel,
			    pfd[i].revents & (POLLIN | POLLERR | POLLHUP) ? pfd[i].fd :
			    ARES_SOCKET_BAD, pfd[i].revents & POLLOUT ? pfd[i].fd : ARES_SOCKET_BAD);
	return 0;
}

static void
cancel_all(struct rdns_resolver *r)
{
	struct resolver *rs = (struct resolver *)r;

	rs->generation++;
	if (rs->channel != NULL)
		ares_cancel(rs->channel);
	if (rs->files != NULL)
		ares_cancel(rs->files);
}

static double
monotonic_now(struct rdns_resolver *r)
{
	(void)r;
	return clock_mono();
}

struct rdns_resolver *
resolver_new(char *err, size_t errlen)
{
	struct resolver *rs = calloc(1, sizeof(*rs));

	if (rs == NULL) {
		snprintf(err, errlen, "out of memory for the resolver");
		return NULL;
	}
	rs->ops.ptr = start_ptr;
	rs->ops.forward = start_forward;
	rs->ops.wait = wait_answers;
	rs->ops.cancel = cancel_all;
	rs->ops.now = monotonic_now;
	rs->init_status = ARES_SUCCESS;
	return &rs->ops;
}

void
resolver_free(struct rdns_resolver *r)
{
	struct resolver *rs = (struct resolver *)r;

	if (rs == NULL)
		return;
	if (rs->channel != NULL)
		ares_destroy(rs->channel);
	if (rs->files != NULL)
		ares_destroy(rs->files);
	if (rs->library)
		ares_library_cleanup();
	free(rs);
}
