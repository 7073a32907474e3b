/*
 * ratelimit.h: one token bucket shared by every probe worker: connection attempts per
 * second across the whole process, with a small burst. Thread-safe (one mutex). Time is
 * passed in (seconds, any monotonic origin), so tests never sleep.
 */
#ifndef SD_RATELIMIT_H
#define SD_RATELIMIT_H

struct ratelimit;

/* per_sec > 0 and burst >= 1, else NULL with errno EINVAL. The caller frees. */
struct ratelimit *ratelimit_new(double per_sec, double burst, double now);
/*
 * Take up to want tokens at time now; returns how many were granted (0..want). *wait is
 * set to the seconds until the next token is due after this take (0: one is there now).
 */
unsigned ratelimit_take(struct ratelimit *rl, unsigned want, double now, double *wait);
void	 ratelimit_free(struct ratelimit *rl);	/* NULL is fine */

#endif
