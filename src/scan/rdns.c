/*
 * rdns.c: cache-first reverse DNS on a bounded pool of detached threads.
 *
 * DESIGN: the resolver cannot be cancelled, and a run must not wait on a dead DNS server
 * longer than its deadline nor hang the process exit. So the jobs live in one heap "batch"
 * with a reference count: the caller and every worker hold a reference; workers are
 * detached. At the deadline the caller marks the batch abandoned, copies what finished, and
 * drops its reference; a worker still inside getnameinfo later sees the mark, takes no more
 * jobs, drops its reference, and the last one out frees the batch. Nothing a worker touches
 * is ever freed under it, and process exit does not wait for it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "rdns.h"

enum job_state { JOB_PENDING, JOB_RUNNING, JOB_DONE };

struct job {
	uint32_t		 addr;
	enum job_state		 state;
	enum rdns_outcome	 outcome;
	char			 name[HOSTNAME_MAX + 1];
	char			 detail[HOSTNAME_ESCAPED_MAX + 160];
};

struct batch {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;		/* a job finished, or a worker left */
	unsigned	 refs;		/* caller + live workers */
	int		 abandoned;	/* the caller stopped waiting */
	size_t		 njobs, next, ndone;
	int		 verify;
	rdns_ptr_fn	 ptr;
	rdns_forward_fn	 forward;
	struct job	 jobs[];
};

int
rdns_system_ptr(uint32_t addr, char *name, size_t namelen, char *why, size_t whylen)
{
	struct sockaddr_in sin;
	int rc;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(addr);
	rc = getnameinfo((struct sockaddr *)&sin, sizeof(sin), name, (socklen_t)namelen, NULL, 0,
	    NI_NAMEREQD);
	if (rc == 0)
		return 0;
	if (rc == EAI_NONAME)
		snprintf(why, whylen, "no PTR record");
	else if (rc == EAI_SYSTEM)
		snprintf(why, whylen, "%s: %s", gai_strerror(rc), strerror(errno));
	else
		snprintf(why, whylen, "%s", gai_strerror(rc));
	return -1;
}

int
rdns_system_forward(const char *name, uint32_t addr, char *why, size_t whylen)
{
	struct addrinfo hints, *res, *ai;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(name, NULL, &hints, &res)) != 0) {
		int none = rc == EAI_NONAME;

#ifdef EAI_NODATA
		none |= rc == EAI_NODATA;
#endif
		snprintf(why, whylen, "%s", none ? "no address record" : gai_strerror(rc));
		return none ? 0 : -1;
	}
	rc = 0;
	for (ai = res; ai && !rc; ai = ai->ai_next)
		if (ai->ai_family == AF_INET &&
		    ntohl(((const struct sockaddr_in *)(const void *)ai->ai_addr)->sin_addr.s_addr) ==
		    addr)
			rc = 1;
	freeaddrinfo(res);
	if (!rc)
		snprintf(why, whylen, "its addresses do not include the IP");
	return rc;
}

/* One lookup, outside the lock; fills outcome, name and detail of j (a private copy). */
static void
lookup(const struct batch *b, struct job *j)
{
	char raw[RDNS_RAW_MAX], why[128], esc[HOSTNAME_ESCAPED_MAX];

	raw[0] = '\0';
	if (b->ptr(j->addr, raw, sizeof(raw), why, sizeof(why)) < 0) {
		j->outcome = RDNS_NONE;
		snprintf(j->detail, sizeof(j->detail), "%s", why);
		return;
	}
	raw[sizeof(raw) - 1] = '\0';
	if (hostname_normalize(raw, strlen(raw), j->name, sizeof(j->name), why, sizeof(why)) < 0) {
		j->outcome = RDNS_REJECTED;
		snprintf(j->detail, sizeof(j->detail), "PTR name \"%s\" rejected: %s",
		    hostname_escape(raw, strlen(raw), esc, sizeof(esc)), why);
		return;
	}
	if (b->verify) {
		int rc = b->forward(j->name, j->addr, why, sizeof(why));

		if (rc != 1) {
			j->outcome = RDNS_UNVERIFIED;
			snprintf(j->detail, sizeof(j->detail), "PTR name %s not verified: %s",
			    j->name, why);
			j->name[0] = '\0';
			return;
		}
	}
	j->outcome = RDNS_FOUND;
	snprintf(j->detail, sizeof(j->detail), "PTR name %s", j->name);
}

/* Drop one reference; the last one frees. Called with b->mu held; releases it. */
static void
batch_unref(struct batch *b)
{
	int last = --b->refs == 0;

	pthread_mutex_unlock(&b->mu);
	if (last) {
		pthread_cond_destroy(&b->cv);
		pthread_mutex_destroy(&b->mu);
		free(b);
	}
}

static void *
worker(void *arg)
{
	struct batch *b = arg;
	struct job j;
	size_t i;

	pthread_mutex_lock(&b->mu);
	while (!b->abandoned && b->next < b->njobs) {
		i = b->next++;
		b->jobs[i].state = JOB_RUNNING;
		j = b->jobs[i];
		pthread_mutex_unlock(&b->mu);
		lookup(b, &j);	/* b's config fields never change: no lock needed */
		pthread_mutex_lock(&b->mu);
		j.state = JOB_DONE;
		b->jobs[i] = j;
		b->ndone++;
		pthread_cond_signal(&b->cv);
	}
	batch_unref(b);
	return NULL;
}

static int
by_addr(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int
answer_by_addr(const void *key, const void *elem)
{
	uint32_t x = *(const uint32_t *)key, y = ((const struct rdns_answer *)elem)->addr;

	return x < y ? -1 : x > y;
}

/* Distinct addresses of addrs into res->v, sorted. */
static int
distinct(const uint32_t *addrs, size_t n, struct rdns_result *res)
{
	uint32_t *tmp;

	if (n == 0)
		return 0;
	if ((tmp = malloc(n * sizeof(*tmp))) == NULL)
		return -1;
	memcpy(tmp, addrs, n * sizeof(*tmp));
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

static struct timespec
deadline_after(double seconds)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += (time_t)seconds;
	ts.tv_nsec += (long)((seconds - (double)(time_t)seconds) * 1e9);
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return ts;
}

static struct batch *
batch_new(const struct rdns_config *cfg, size_t njobs)
{
	struct batch *b = calloc(1, sizeof(*b) + njobs * sizeof(b->jobs[0]));
	pthread_condattr_t ca;

	if (b == NULL)
		return NULL;
	if (pthread_mutex_init(&b->mu, NULL) != 0)
		goto fail;
	if (pthread_condattr_init(&ca) != 0)
		goto fail_mu;
	if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&b->cv, &ca) != 0) {
		pthread_condattr_destroy(&ca);
		goto fail_mu;
	}
	pthread_condattr_destroy(&ca);
	b->refs = 1;
	b->njobs = njobs;
	b->verify = cfg->verify;
	b->ptr = cfg->ptr ? cfg->ptr : rdns_system_ptr;
	b->forward = cfg->forward ? cfg->forward : rdns_system_forward;
	return b;
fail_mu:
	pthread_mutex_destroy(&b->mu);
fail:
	free(b);
	return NULL;
}

/* Start up to want detached workers with every signal blocked; returns how many started. */
static unsigned
start_workers(struct batch *b, unsigned want, int *error)
{
	pthread_attr_t attr;
	sigset_t all, old;
	unsigned started = 0;

	*error = 0;
	if ((*error = pthread_attr_init(&attr)) != 0)
		return 0;
	if ((*error = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED)) != 0)
		goto out;
	sigfillset(&all);
	if ((*error = pthread_sigmask(SIG_SETMASK, &all, &old)) != 0)
		goto out;
	for (; started < want; started++) {
		pthread_t t;

		pthread_mutex_lock(&b->mu);
		b->refs++;
		pthread_mutex_unlock(&b->mu);
		if ((*error = pthread_create(&t, &attr, worker, b)) != 0) {
			pthread_mutex_lock(&b->mu);
			b->refs--;
			pthread_mutex_unlock(&b->mu);
			break;
		}
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
out:
	pthread_attr_destroy(&attr);
	return started;
}

/* Run the lookups of the answers in miss[0..nmiss) within cfg->timeout. */
static int
lookup_all(const struct rdns_config *cfg, struct rdns_answer **miss, size_t nmiss,
    struct rdns_result *res, char *err, size_t errlen)
{
	struct batch *b;
	struct timespec deadline;
	unsigned want, started;
	int error;

	if ((b = batch_new(cfg, nmiss)) == NULL) {
		snprintf(err, errlen, "out of memory for %zu reverse lookups", nmiss);
		return -1;
	}
	for (size_t i = 0; i < nmiss; i++)
		b->jobs[i].addr = miss[i]->addr;
	want = nmiss < cfg->workers ? (unsigned)nmiss : cfg->workers;
	deadline = deadline_after(cfg->timeout);
	started = start_workers(b, want, &error);
	pthread_mutex_lock(&b->mu);
	if (started == 0) {
		b->abandoned = 1;
		batch_unref(b);
		snprintf(err, errlen, "cannot start reverse DNS threads: %s", strerror(error));
		return -1;
	}
	while (b->ndone < b->njobs)
		if (pthread_cond_timedwait(&b->cv, &b->mu, &deadline) == ETIMEDOUT)
			break;
	for (size_t i = 0; i < nmiss; i++) {
		const struct job *j = &b->jobs[i];
		struct rdns_answer *a = miss[i];

		if (j->state != JOB_PENDING)
			res->lookups++;
		if (j->state != JOB_DONE) {
			a->outcome = RDNS_UNFINISHED;
			snprintf(a->detail, sizeof(a->detail), "no answer within %gs",
			    cfg->timeout);
			continue;
		}
		a->outcome = j->outcome;
		memcpy(a->name, j->name, sizeof(a->name));
		memcpy(a->detail, j->detail, sizeof(a->detail));
	}
	b->abandoned = 1;
	batch_unref(b);
	return 0;
}

int
rdns_resolve(const struct rdns_config *cfg, struct ptrcache *cache, const uint32_t *addrs,
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
rdns_name(const struct rdns_result *res, uint32_t addr)
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
