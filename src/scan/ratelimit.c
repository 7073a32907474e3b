/*
 * ratelimit.c: token bucket. Tokens accrue at per_sec up to burst; taking is all-or-part,
 * so a worker with many free slots gets what is due in one lock round trip.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "ratelimit.h"

struct ratelimit {
	pthread_mutex_t	 lock;
	double		 per_sec;
	double		 burst;
	double		 tokens;
	double		 last;
};

struct ratelimit *
ratelimit_new(double per_sec, double burst, double now)
{
	struct ratelimit *rl;

	if (!(per_sec > 0) || !(burst >= 1)) {
		errno = EINVAL;
		return NULL;
	}
	if ((rl = calloc(1, sizeof(*rl))) == NULL)
		return NULL;
	if ((errno = pthread_mutex_init(&rl->lock, NULL)) != 0) {
		free(rl);
		return NULL;
	}
	rl->per_sec = per_sec;
	rl->burst = burst;
	rl->tokens = 1;	/* the first probe goes at once; the rest follow the rate */
	rl->last = now;
	return rl;
}

unsigned
ratelimit_take(struct ratelimit *rl, unsigned want, double now, double *wait)
{
	unsigned got;

	pthread_mutex_lock(&rl->lock);
	if (now > rl->last) {
		rl->tokens += (now - rl->last) * rl->per_sec;
		if (rl->tokens > rl->burst)
			rl->tokens = rl->burst;
		rl->last = now;
	}
	if (rl->tokens >= want) {
		got = want;
	} else {
		got = (unsigned)rl->tokens;
	}
	rl->tokens -= got;
	*wait = rl->tokens >= 1 ? 0 : (1.0 - rl->tokens) / rl->per_sec;
	pthread_mutex_unlock(&rl->lock);
	return got;
}

void
ratelimit_free(struct ratelimit *rl)
{
	if (rl == NULL)
		return;
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}
