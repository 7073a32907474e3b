/*
 * progress.c: the terminal progress line. A thread sleeps on a condition variable (monotonic
 * clock) between redraws, so stopping it is immediate and nothing spins; it draws with "\r"
 * and erase-to-end-of-line, and erases the line when stopped so the summary starts clean.
 */
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "numparse.h"
#include "progress.h"

struct progress {
	FILE				*fp;
	uint64_t			 total;
	const struct prober_counters	*counters;
	double				 t0;
	pthread_t			 thread;
	pthread_mutex_t			 lock;
	pthread_cond_t			 wake;
	int				 stopping;	/* under lock */
};

char *
progress_format(char *buf, size_t len, uint64_t done, uint64_t total, uint64_t open,
    double elapsed)
{
	double rate = elapsed > 0 ? (double)done / elapsed : 0;
	char eta[32];

	if (done >= total)
		snprintf(eta, sizeof(eta), "0s");
	else if (rate > 0)
		numparse_format_duration(ceil((double)(total - done) / rate), eta,
		    sizeof(eta));
	else
		snprintf(eta, sizeof(eta), "?");
	snprintf(buf, len, "probes %llu/%llu (%llu%%), %.1f/s, %llu open, ETA %s",
	    (unsigned long long)done, (unsigned long long)total,
	    (unsigned long long)(total ? done * 100 / total : 100), rate,
	    (unsigned long long)open, eta);
	return buf;
}

static void
draw(struct progress *p)
{
	char line[160];

	progress_format(line, sizeof(line),
	    atomic_load_explicit(&p->counters->done, memory_order_relaxed), p->total,
	    atomic_load_explicit(&p->counters->open, memory_order_relaxed), clock_mono() - p->t0);
	fprintf(p->fp, "\r%s\033[K", line);
	fflush(p->fp);
}

static void *
progress_main(void *arg)
{
	struct progress *p = arg;
	struct timespec until;

	pthread_mutex_lock(&p->lock);
	while (!p->stopping) {
		pthread_mutex_unlock(&p->lock);
		draw(p);
		pthread_mutex_lock(&p->lock);
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += PROGRESS_PERIOD_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		/* 0: woken (stop, or spuriously); anything else (ETIMEDOUT): draw again */
		while (!p->stopping && pthread_cond_timedwait(&p->wake, &p->lock, &until) == 0)
			;
	}
	pthread_mutex_unlock(&p->lock);
	fprintf(p->fp, "\r\033[K");
	fflush(p->fp);
	return NULL;
}

struct progress *
progress_start(FILE *fp, uint64_t total, const struct prober_counters *counters, char *err,
    size_t errlen)
{
	struct progress *p;
	pthread_condattr_t ca;
	sigset_t all, old;
	int e;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->fp = fp;
	p->total = total;
	p->counters = counters;
	p->t0 = clock_mono();
	if ((e = pthread_condattr_init(&ca)) != 0 ||
	    (e = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC)) != 0 ||
	    (e = pthread_cond_init(&p->wake, &ca)) != 0) {
		snprintf(err, errlen, "progress: condition variable: %s", strerror(e));
		free(p);
		return NULL;
	}
	pthread_condattr_destroy(&ca);
	if ((e = pthread_mutex_init(&p->lock, NULL)) != 0) {
		snprintf(err, errlen, "progress: mutex: %s", strerror(e));
		pthread_cond_destroy(&p->wake);
		free(p);
		return NULL;
	}
	/* the thread never takes signals: the main thread hears them */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	e = pthread_create(&p->thread, NULL, progress_main, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e != 0) {
		snprintf(err, errlen, "progress: pthread_create: %s", strerror(e));
		pthread_mutex_destroy(&p->lock);
		pthread_cond_destroy(&p->wake);
		free(p);
		return NULL;
	}
	return p;
}

void
progress_stop(struct progress *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = 1;
	pthread_cond_signal(&p->wake);
	pthread_mutex_unlock(&p->lock);
	(void)pthread_join(p->thread, NULL);	/* joinable, ours: cannot fail */
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->wake);
	free(p);
}
