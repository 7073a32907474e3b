/*
 * rdns.c: cache-first reverse DNS with many lookups in flight on one asynchronous resolver.
 *
 * DESIGN: one thread, no blocking call. The misses become jobs; up to cfg->workers of them
 * are in flight at once (a job holds its slot through its PTR lookup and, with verify, its
 * forward lookup), and the resolver's wait delivers answers until every job is done or the
 * deadline passes. Answers are judged in the callback (hostname_normalize, the outcome); a
 * forward lookup is started from the loop, never from inside a callback, so the resolver
 * is never re-entered. At the deadline the resolver cancels what is still in flight, so
 * nothing refers to the jobs afterwards. Not thread-safe: one caller at a time. The window
 * is fixed: a latency-driven one (slow start, closing when answers queued up) was measured
 * slower on a loaded machine and lost as many queries at the DNS server. A busy server drops
 * queries past its socket buffer, and the resolver would wait its whole timeout (resolv.conf,
 * 5 s by default) before asking again; so a PTR lookup still unanswered RDNS_AGAIN_FACTOR
 * times the fastest answer (at least RDNS_AGAIN_MIN_S) after it was last asked is asked
 * again, up to RDNS_AGAIN_MAX times, and whichever answer comes first counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rdns.h"

#define RDNS_AGAIN_FACTOR	8	/* ask again after this many times the fastest answer */
#define RDNS_AGAIN_MAX		2	/* times one PTR lookup is asked again at most */
#define RDNS_AGAIN_MIN_S	0.1	/* ... and never sooner than this, seconds */
#define RDNS_WAIT_MIN_S		0.001	/* shortest wait, seconds: no spinning on a timer */

enum job_state { JOB_PENDING, JOB_PTR, JOB_WANT_FORWARD, JOB_FORWARD, JOB_DONE };

struct run;

struct job {
	struct run		*run;
	struct rdns_answer	*a;		/* the answer it fills in */
	enum job_state		 state;
	int			 asked_again;	/* times, <= RDNS_AGAIN_MAX */
	double			 sent;		/* when its PTR lookup started */
	double			 asked;		/* when it was last asked */
};

struct run {
	const struct rdns_config *cfg;
	struct job		*jobs;
	size_t			 njobs, next, ndone;
	struct job		**forward;	/* jobs waiting for their forward lookup */
	size_t			 nforward;
	unsigned		 in_flight, max_in_flight;
	uint64_t		 started, asked_again;
	size_t			 oldest;	/* no job before it can be asked again */
	double			 fastest;	/* shortest PTR answer time seen, < 0: none yet */
	int			 starting;	/* inside ptr(): an answer now is local (/etc/hosts) */
	struct rdns_resolver	*r;
};

static void
finish(struct job *j, enum rdns_outcome outcome)
{
	j->a->outcome = outcome;
	j->state = JOB_DONE;
	j->run->ndone++;
	j->run->in_flight--;
}

static void
ptr_done(void *arg, int rc, const char *text)
{
	struct job *j = arg;
	struct rdns_answer *a = j->a;
	char why[128], esc[HOSTNAME_ESCAPED_MAX];
	size_t len;

	if (j->state != JOB_PTR)
		return;		/* the answer to the other ask came first */
	if (!j->run->starting) {
		double took = j->run->r->now(j->run->r) - j->sent;

		if (j->run->fastest < 0 || took < j->run->fastest)
			j->run->fastest = took;
	}
	if (rc < 0) {
		snprintf(a->detail, sizeof(a->detail), "%s", text);
		finish(j, RDNS_NONE);
		return;
	}
	len = strnlen(text, RDNS_RAW_MAX);
	if (hostname_normalize(text, len, a->name, sizeof(a->name), why, sizeof(why)) < 0) {
		snprintf(a->detail, sizeof(a->detail), "PTR name \"%s\" rejected: %s",
		    hostname_escape(text, len, esc, sizeof(esc)), why);
		finish(j, RDNS_REJECTED);
		return;
	}
	if (j->run->cfg->verify) {
		j->state = JOB_WANT_FORWARD;
		j->run->forward[j->run->nforward++] = j;
		return;
	}
	snprintf(a->detail, sizeof(a->detail), "PTR name %s", a->name);
	finish(j, RDNS_FOUND);
}

static void
forward_done(void *arg, int rc, const char *text)
{
	struct job *j = arg;
	struct rdns_answer *a = j->a;

	if (rc != 1) {
		snprintf(a->detail, sizeof(a->detail), "PTR name %s not verified: %s", a->name,
		    text);
		a->name[0] = '\0';
		finish(j, RDNS_UNVERIFIED);
		return;
	}
	snprintf(a->detail, sizeof(a->detail), "PTR name %s", a->name);
	finish(j, RDNS_FOUND);
}

/*
 * Start the forward lookups asked for, then PTR lookups while a slot is free; again while an
 * answer given at once (from /etc/hosts) asked for a forward lookup.
 */
static void
start_lookups(struct run *run, struct rdns_resolver *r)
{
	char why[128];

again:
	while (run->nforward > 0) {
		struct job *j = run->forward[--run->nforward];

		j->state = JOB_FORWARD;
		if (r->forward(r, j->a->name, j->a->addr, forward_done, j, why, sizeof(why)) < 0)
			forward_done(j, -1, why);
	}
	while (run->in_flight < run->cfg->workers && run->next < run->njobs) {
		struct job *j = &run->jobs[run->next++];

		j->state = JOB_PTR;
		run->in_flight++;
		run->started++;
		if (run->in_flight > run->max_in_flight)
			run->max_in_flight = run->in_flight;
		j->sent = j->asked = r->now(r);
		run->starting = 1;
		if (r->ptr(r, j->a->addr, ptr_done, j, why, sizeof(why)) < 0)
			ptr_done(j, -1, why);
		run->starting = 0;
	}
	if (run->nforward > 0)
		goto again;
}

/*
 * Ask again for the PTR lookups overdue; returns when the next one falls due, or -1 when
 * none can (no answer to measure by yet, or nothing left to ask again).
 */
static double
ask_again(struct run *run, struct rdns_resolver *r)
{
	double now = r->now(r), after, due = -1;
	char why[128];

	if (run->fastest < 0)
		return -1;
	after = RDNS_AGAIN_FACTOR * run->fastest;
	if (after < RDNS_AGAIN_MIN_S)
		after = RDNS_AGAIN_MIN_S;
	while (run->oldest < run->next && (run->jobs[run->oldest].state != JOB_PTR ||
	    run->jobs[run->oldest].asked_again == RDNS_AGAIN_MAX))
		run->oldest++;
	for (size_t i = run->oldest; i < run->next; i++) {
		struct job *j = &run->jobs[i];

		if (j->state != JOB_PTR || j->asked_again == RDNS_AGAIN_MAX)
			continue;
		if (j->asked + after <= now) {
			j->asked_again++;
			j->asked = now;
			run->asked_again++;
			run->starting = 1;
			(void)r->ptr(r, j->a->addr, ptr_done, j, why, sizeof(why));	/* others stand */
			run->starting = 0;
			if (j->state != JOB_PTR || j->asked_again == RDNS_AGAIN_MAX)
				continue;
		}
		if (due < 0 || j->asked + after < due)
			due = j->asked + after;
	}
	return due;
}

/* Run the lookups of the answers in miss[0..nmiss) within cfg->timeout. */
static int
lookup_all(const struct rdns_config *cfg, struct rdns_answer **miss, size_t nmiss,
    struct rdns_result *res, char *err, size_t errlen)
{
	struct rdns_resolver *r = cfg->resolver;
	struct run run = { .cfg = cfg, .njobs = nmiss, .fastest = -1, .r = r };
	double start, deadline, left, due;
	char why[128];
	int rc = 0;

	if (r == NULL) {
		snprintf(err, errlen, "no resolver for %zu reverse lookups", nmiss);
		return -1;
	}
	if ((run.jobs = calloc(nmiss, sizeof(*run.jobs))) == NULL ||
	    (run.forward = calloc(nmiss, sizeof(*run.forward))) == NULL) {
		free(run.jobs);
		snprintf(err, errlen, "out of memory for %zu reverse lookups", nmiss);
		return -1;
	}
	for (size_t i = 0; i < nmiss; i++) {
		run.jobs[i].run = &run;
		run.jobs[i].a = miss[i];
	}
	start = r->now(r);
	deadline = start + cfg->timeout;
	for (;;) {
		start_lookups(&run, r);
		if (run.ndone == run.njobs || (left = deadline - r->now(r)) <= 0)
			break;
		due = ask_again(&run, r);
		if (due > 0 && due - r->now(r) < left)
			left = due - r->now(r);
		if (left < RDNS_WAIT_MIN_S)
			left = RDNS_WAIT_MIN_S;
		if (r->wait(r, left, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "reverse DNS stopped waiting: %s", why);
			rc = -1;
			break;
		}
	}
	r->cancel(r);	/* from here on no callback refers to run */
	res->seconds = r->now(r) - start;
	for (size_t i = 0; i < nmiss; i++) {
		if (run.jobs[i].state == JOB_DONE)
			continue;
		miss[i]->outcome = RDNS_UNFINISHED;
		miss[i]->name[0] = '\0';
		snprintf(miss[i]->detail, sizeof(miss[i]->detail), "no answer within %gs",
		    cfg->timeout);
	}
	res->lookups = run.started;
	res->max_in_flight = run.max_in_flight;
	res->asked_again = run.asked_again;
	free(run.forward);
	free(run.jobs);
	return rc;
}

static int
by_addr(const void *a, const void *b)
{
	return cidr_ip_cmp(*(const cidr_ip *)a, *(const cidr_ip *)b);
}

static int
answer_by_addr(const void *key, const void *elem)
{
	return cidr_ip_cmp(*(const cidr_ip *)key, ((const struct rdns_answer *)elem)->addr);
}

/* Distinct addresses of addrs into res->v, sorted. */
static int
distinct(const cidr_ip *addrs, size_t n, struct rdns_result *res)
{
	cidr_ip *tmp;

	if (n == 0)
		return 0;
	if ((tmp = malloc(n * sizeof(*tmp))) == NULL)
		return -1;
	memcpy(tmp, addrs, n * sizeof(*tmp));
	if (n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(tmp, n, sizeof(*tmp), by_addr);
	if ((res->v = calloc(n, sizeof(*res->v))) == NULL) {
		free(tmp);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (res->n == 0 || res->v[res->n - 1].addr != tmp[i])
			res->v[res->n++].addr = tmp[i];
	free(tmp);
	return 0;
}

int
rdns_resolve(const struct rdns_config *cfg, struct ptrcache *cache, const cidr_ip *addrs,
    size_t n, int64_t now, struct rdns_result *res, char *err, size_t errlen)
{
	struct rdns_answer **miss = NULL;
	unsigned char *clamp = NULL;
	size_t nmiss = 0;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	if (distinct(addrs, n, res) < 0) {
		snprintf(err, errlen, "out of memory for %zu addresses", n);
		return -1;
	}
	if (res->n && ((miss = calloc(res->n, sizeof(*miss))) == NULL ||
	    (clamp = calloc(res->n, 1)) == NULL))
		goto nomem;
	for (size_t i = 0; i < res->n; i++) {
		struct rdns_answer *a = &res->v[i];
		const struct ptrcache_entry *e = ptrcache_get(cache, a->addr);

		if (e == NULL || e->expiry <= now) {
			miss[nmiss++] = a;
			continue;
		}
		a->outcome = RDNS_CACHED;
		memcpy(a->name, e->name, sizeof(a->name));
		snprintf(a->detail, sizeof(a->detail), "cached %s", *e->name ? e->name :
		    "failure");
		/* a TTL lowered since the entry was written takes effect now */
		clamp[i] = e->expiry > now + (*e->name ? cfg->ttl : cfg->negative_ttl);
	}
	if (nmiss && lookup_all(cfg, miss, nmiss, res, err, errlen) < 0)
		goto out;
	for (size_t i = 0; i < res->n; i++) {
		struct rdns_answer *a = &res->v[i];

		res->outcome[a->outcome]++;
		if (a->outcome == RDNS_CACHED) {
			res->cache_hits++;
			if (clamp[i] && ptrcache_put(cache, a->addr, now + (*a->name ? cfg->ttl :
			    cfg->negative_ttl), a->name) < 0)
				goto nomem;
			continue;
		}
		if (a->outcome != RDNS_FOUND)
			res->errors++;
		if (a->outcome == RDNS_UNFINISHED)
			continue;	/* unknown, not failed: ask again next run */
		if (ptrcache_put(cache, a->addr, now + (a->outcome == RDNS_FOUND ? cfg->ttl :
		    cfg->negative_ttl), a->outcome == RDNS_FOUND ? a->name : NULL) < 0)
			goto nomem;
	}
	rc = 0;
	goto out;
nomem:
	snprintf(err, errlen, "out of memory resolving %zu addresses", res->n);
out:
	free(clamp);
	free(miss);
	return rc;
}

const char *
rdns_name(const struct rdns_result *res, cidr_ip addr)
{
	const struct rdns_answer *a;

	if (res->n == 0)
		return NULL;
	a = bsearch(&addr, res->v, res->n, sizeof(*res->v), answer_by_addr);
	return a && a->name[0] ? a->name : NULL;
}

void
rdns_result_fini(struct rdns_result *res)
{
	free(res->v);
	memset(res, 0, sizeof(*res));
}
