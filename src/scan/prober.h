/*
 * prober.h: the probe engine. Worker threads, each with its own epoll set, keep many
 * non-blocking TCP connects in flight; one shared token bucket paces connect attempts for
 * the whole process; probe indices come from a shared atomic counter over a probegen.
 * A probe ends open (handshake completed; closed at once with RST, no data ever sent),
 * closed (refused), unreachable (ICMP), timeout, or error: a local failure (EMFILE,
 * EADDRNOTAVAIL, ENOBUFS, ...) is retried with backoff at lower concurrency and is never
 * reported as closed; it ends as error only after PROBER_RETRY_MAX attempts. With
 * retries > 0, a probe that timed out is probed again (reprobe.h) once the worker has no
 * fresh probes left, up to retries times, within the same rate limit; its outcome is the
 * last probe's.
 * prober_run is called from one thread; it blocks until the scan ends or *stop is set.
 */
#ifndef SD_PROBER_H
#define SD_PROBER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "probegen.h"

#define PROBER_RETRY_MAX	40	/* attempts of one probe that keep failing locally */
#define PROBER_INFLIGHT_UNLIMITED 16384	/* default in-flight count at -rate-limit 0 */

enum probe_outcome {
	PROBE_OPEN, PROBE_CLOSED, PROBE_UNREACHABLE, PROBE_TIMEOUT, PROBE_ERROR, PROBE_OUTCOMES
};

/* "open", "closed", "unreachable", "timeout", "error" */
const char *prober_outcome_name(enum probe_outcome);

struct prober_config {
	const struct probegen		*gen;		/* borrowed */
	unsigned			 workers;	/* >= 1 */
	unsigned			 inflight;	/* >= workers: probes in flight in all */
	double				 timeout;	/* seconds, > 0 */
	double				 rate;		/* connects per second; 0: unlimited */
	unsigned			 retries;	/* re-probes of a timed-out pair, <= REPROBE_MAX */
	const volatile sig_atomic_t	*stop;		/* set non-zero to end early */
};

struct probe_hit {
	uint32_t	addr;
	uint16_t	port;
};

struct prober_result {
	struct probe_hit *open;		/* sorted by port, then address */
	size_t		 nopen;
	uint64_t	 outcome[PROBE_OUTCOMES];
	uint64_t	*port_outcome;	/* [port index * PROBE_OUTCOMES + outcome] */
	size_t		 nports;	/* as in the probegen's portlist */
	uint64_t	 retries;	/* local failures retried */
	uint64_t	 reprobe_outcome[PROBE_OUTCOMES];	/* how each re-probe (-retries) ended */
	uint64_t	 reprobes;	/* re-probes made (sum of reprobe_outcome) */
	uint64_t	 done;		/* (address, port) pairs finished (sum of outcome) */
	int		 interrupted;	/* *stop ended the scan early */
	double		 seconds;	/* wall time of the probing */
};

/*
 * Run every probe of cfg->gen. 0 when the probing ran (completely, or until *stop: see
 * interrupted); -1 with err set when it could not run at all (threads, epoll). Free the
 * result with prober_result_fini, also after -1.
 */
int	prober_run(const struct prober_config *cfg, struct prober_result *res, char *err,
	    size_t errlen);
void	prober_result_fini(struct prober_result *res);
/* The in-flight count for a rate (0: unlimited) and timeout, before fd limits. */
unsigned prober_default_inflight(double rate, double timeout);
/* Raise RLIMIT_NOFILE toward inflight + reserve; returns the in-flight count that fits. */
unsigned prober_fit_fd_limit(unsigned inflight, unsigned reserve);

#endif
