/*
 * loader.c: background loads of a set (see loader.h). Invariant: a set is freed only by the
 * thread that holds the mutex's verdict that it is neither the newest set nor the one the
 * request thread borrows; a request never sees a set that is being built.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "loader.h"

static struct timespec
abs_time(double t)
{
	struct timespec ts;

	ts.tv_sec = (time_t)t;
	ts.tv_nsec = (long)((t - (double)ts.tv_sec) * 1e9);
	return ts;
}

/* Wait on l->cv until woken or monotonic time t (held: l->mu). */
static void
wait_until(struct loader *l, double t)
{
	struct timespec ts = abs_time(t);

	(void)pthread_cond_timedwait(&l->cv, &l->mu, &ts);
}

/* Move the retired sets nobody uses into out (held: l->mu); returns how many. */
static size_t
sweep(struct loader *l, void **out)
{
	size_t n = 0, keep = 0;

	for (size_t i = 0; i < l->nretired; i++)
		if (l->retired[i] == l->in_use)
			l->retired[keep++] = l->retired[i];
		else
			out[n++] = l->retired[i];
	l->nretired = keep;
	return n;
}

static void
free_all(struct loader *l, void **sets, size_t n)
{
	for (size_t i = 0; i < n; i++)
		l->src.free(sets[i]);
}

/* One load, with l->mu held on entry and on return (released while loading). */
static void
load_once(struct loader *l)
{
	unsigned char ver[LOADER_VERSION_MAX];
	void *set = NULL, *garbage[LOADER_RETIRED_MAX + 1];
	enum loader_kind kind = LOADER_OK;
	char err[LOADER_ERR_MAX];
	double t0 = clock_mono(), t1;
	size_t n;
	int r;

	l->want = 0;
	l->loading = 1;
	l->load_started = t0;
	pthread_mutex_unlock(&l->mu);
	memset(ver, 0, sizeof(ver));
	err[0] = '\0';
	r = l->src.load(l->src.arg, &set, ver, &kind, err, sizeof(err));
	t1 = clock_mono();
	pthread_mutex_lock(&l->mu);
	if (r == 1) {
		if (l->set != NULL)
			l->retired[l->nretired++] = l->set;	/* sweep leaves one at most */
		l->set = set;
		l->generation++;
	}
	l->failed = r < 0;
	if (r < 0) {
		l->failures++;
		l->kind = kind;
		snprintf(l->err, sizeof(l->err), "%s", err);
	}
	memcpy(l->version, ver, sizeof(ver));
	l->have_result = 1;
	l->loading = 0;
	l->last_cost = t1 - t0;
	l->last_end = t1;
	n = sweep(l, garbage);
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
	free_all(l, garbage, n);
	pthread_mutex_lock(&l->mu);
}

static void *
loader_main(void *arg)
{
	struct loader *l = arg;

	pthread_mutex_lock(&l->mu);
	while (!l->stop) {
		double pace = l->last_cost < LOADER_PACE_MAX_S ? l->last_cost : LOADER_PACE_MAX_S;

		if (!l->want) {
			pthread_cond_wait(&l->cv, &l->mu);
			continue;
		}
		/* a file replaced faster than it loads: spend at most about half the time loading */
		if (l->have_result && clock_mono() < l->last_end + pace) {
			wait_until(l, l->last_end + pace);
			continue;
		}
		load_once(l);
	}
	pthread_mutex_unlock(&l->mu);
	return NULL;
}

int
loader_init(struct loader *l, const struct loader_source *src)
{
	pthread_condattr_t ca;

	memset(l, 0, sizeof(*l));
	l->src = *src;
	if (pthread_condattr_init(&ca) != 0)
		return -1;
	if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&l->cv, &ca) != 0) {
		(void)pthread_condattr_destroy(&ca);
		return -1;
	}
	(void)pthread_condattr_destroy(&ca);
	if (pthread_mutex_init(&l->mu, NULL) != 0) {
		(void)pthread_cond_destroy(&l->cv);
		return -1;
	}
	return 0;
}

void
loader_fini(struct loader *l)
{
	pthread_mutex_lock(&l->mu);
	l->stop = 1;
	pthread_cond_broadcast(&l->cv);
	pthread_mutex_unlock(&l->mu);
	if (l->started)
		(void)pthread_join(l->thread, NULL);
	if (l->set != NULL)
		l->src.free(l->set);
	free_all(l, l->retired, l->nretired);
	(void)pthread_mutex_destroy(&l->mu);
	(void)pthread_cond_destroy(&l->cv);
	memset(l, 0, sizeof(*l));
}

/* The loader thread, with every signal blocked: they are the request thread's (held: mu). */
static int
start(struct loader *l, char *err, size_t errlen)
{
	sigset_t all, old;
	int e;

	sigfillset(&all);
	if ((e = pthread_sigmask(SIG_SETMASK, &all, &old)) == 0) {
		e = pthread_create(&l->thread, NULL, loader_main, l);
		(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	}
	if (e != 0) {
		snprintf(err, errlen, "cannot start the loader thread: %s", strerror(e));
		return -1;
	}
	l->started = 1;
	return 0;
}

int
loader_get(struct loader *l, struct loader_view *v)
{
	unsigned char ver[LOADER_VERSION_MAX];

	memset(ver, 0, sizeof(ver));
	v->set = NULL;
	v->err[0] = '\0';
	if (l->src.probe(l->src.arg, ver, &v->kind, v->err, sizeof(v->err)) < 0) {
		pthread_mutex_lock(&l->mu);
		v->generation = l->generation;
		v->failures = l->failures;
		v->last_cost = l->last_cost;
		pthread_mutex_unlock(&l->mu);
		return -1;
	}
	pthread_mutex_lock(&l->mu);
	if (!l->started && start(l, v->err, sizeof(v->err)) < 0) {
		pthread_mutex_unlock(&l->mu);
		v->kind = LOADER_MISSING;
		return -1;
	}
	if (!l->have_result || memcmp(ver, l->version, sizeof(ver)) != 0) {
		if (!l->want && !l->loading) {
			l->want = 1;
			l->load_started = clock_mono();	/* counts from the request that asked */
			pthread_cond_broadcast(&l->cv);
		}
		/* the first load is waited for; later ones LOADER_WAIT_S at most */
		while ((l->want || l->loading) &&
		    (!l->have_result || clock_mono() < l->load_started + LOADER_WAIT_S)) {
			if (l->have_result)
				wait_until(l, l->load_started + LOADER_WAIT_S);
			else
				pthread_cond_wait(&l->cv, &l->mu);
		}
	}
	v->set = l->failed ? NULL : l->set;
	v->kind = l->failed ? l->kind : LOADER_OK;
	if (l->failed)
		snprintf(v->err, sizeof(v->err), "%s", l->err);
	memcpy(v->version, l->version, sizeof(v->version));
	v->generation = l->generation;
	v->failures = l->failures;
	v->last_cost = l->last_cost;
	l->in_use = v->set;
	pthread_mutex_unlock(&l->mu);
	return 0;
}

void
loader_put(struct loader *l)
{
	void *garbage[LOADER_RETIRED_MAX];
	size_t n;

	pthread_mutex_lock(&l->mu);
	l->in_use = NULL;
	n = sweep(l, garbage);
	pthread_mutex_unlock(&l->mu);
	free_all(l, garbage, n);
}
