/*
 * prober.h: the probe engine. Worker threads, each with its own epoll set, keep many
 * non-blocking TCP connects in flight; one shared token bucket paces connect attempts for
 * the whole process; probe indices come from a shared atomic counter over a probegen.
 * A probe ends open (handshake completed; closed at once with RST, no data ever sent),
 * closed (refused), unreachable (ICMP), timeout, or error: a local failure (EMFILE,
 * EADDRNOTAVAIL, ENOBUFS, ...) is retried with backoff at lower concurrency and is never
 * reported as closed; it ends as error only after PROBER_RETRY_MAX attempts.
 * Other socket kinds (sd-scan -sockets: UDP, unix, ICMP echo, IPv6, a timeout per probe) run
 * through the same workers, limiter and retries with a struct prober_ops instead of a probegen.
 * With retries > 0, a probe that timed out is probed again (reprobe.h) once the worker has no
 * fresh probes left, up to retries times, within the same rate limit; its outcome is the
 * last probe's. With retry_scope answering over several ports, the first re-probes wait until
 * every worker's first pass has ended, and only the timeouts silentmap_choose keeps are
 * probed again; over one port a timeout is probed again only when it was open before.
 * prober_run is called from one thread; it blocks until the scan ends or *stop is set.
 */
#ifndef SD_PROBER_H
#define SD_PROBER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "probegen.h"
#include "reprobe.h"

#define PROBER_RETRY_MAX	40	/* attempts of one probe that keep failing locally */
#define PROBER_INFLIGHT_UNLIMITED 16384	/* default in-flight count at -rate-limit 0 */

enum probe_outcome {
	PROBE_OPEN, PROBE_CLOSED, PROBE_UNREACHABLE, PROBE_TIMEOUT, PROBE_ERROR, PROBE_OUTCOMES
};

#define PROBER_PENDING	(-2)	/* prober_ops: the probe waits for an event or its timeout */
#define PROBER_LOCAL	(-1)	/* prober_ops: a local failure (errno set): retried */
#define PROBER_AGAIN	(-3)	/* prober_ops: end this attempt, start the probe over now */

/* "open", "closed", "unreachable", "timeout", "error" */
const char *prober_outcome_name(enum probe_outcome);
/* The outcome of a connect that ended with errno e (0: open); PROBE_ERROR when e is local. */
enum probe_outcome prober_classify(int e);
/* 1 when e is a local failure (EMFILE, EADDRNOTAVAIL, ENOBUFS, ...): retry, never "closed". */
int	prober_is_local_error(int e);

/*
 * A list of probes other than a probegen's TCP connects. The callbacks run on the worker
 * threads, each probe index on one worker at a time, so per-index state needs no lock.
 */
struct prober_ops {
	void	*ctx;
	uint64_t total;		/* probes: indices 0..total-1 */
	/*
	 * Begin probe index: open a non-blocking, close-on-exec socket and return PROBER_PENDING
	 * with *fd, *events (EPOLLIN/EPOLLOUT) and *timeout (seconds, > 0) set; or return the
	 * outcome when it is known at once (no fd left open); or PROBER_LOCAL.
	 */
	int	(*start)(void *ctx, uint64_t index, int *fd, uint32_t *events, double *timeout);
	/*
	 * fd of index has revents: PROBER_PENDING to wait on, an outcome, PROBER_LOCAL, or
	 * PROBER_AGAIN to have start called again at once (another address of a name; no token
	 * is taken for it). The engine closes fd.
	 */
	int	(*ready)(void *ctx, uint64_t index, int fd, uint32_t revents);
	/* What a probe without an answer within its timeout is (PROBE_TIMEOUT; UDP: open), or
	 * PROBER_AGAIN as from ready. */
	int	(*expired)(void *ctx, uint64_t index);
	/* Probe index ended with o after seconds of its last attempt. */
	void	(*done)(void *ctx, uint64_t index, enum probe_outcome o, double seconds);
};

/* Live totals for a progress display, updated as probes end (relaxed atomics). */
struct prober_counters {
	_Atomic uint64_t	done;	/* probes finished, every outcome */
	_Atomic uint64_t	open;	/* of them open */
};

struct prober_config {
	const struct probegen		*gen;		/* borrowed; ignored with ops */
	const struct prober_ops		*ops;		/* borrowed; NULL: TCP connects of gen */
	unsigned			 workers;	/* >= 1 */
	unsigned			 inflight;	/* >= workers: probes in flight in all */
	double				 timeout;	/* seconds, > 0; ignored with ops */
	double				 rate;		/* connects per second; 0: unlimited */
	unsigned			 retries;	/* re-probes of a timed-out pair, <= REPROBE_MAX */
	enum reprobe_scope		 retry_scope;	/* which timed-out pairs (ignored with ops) */
	reprobe_known_fn		 was_open;	/* NULL, or: open in the previous targets
							 * file (called from any worker thread) */
	void				*was_open_ctx;
	const volatile sig_atomic_t	*stop;		/* set non-zero to end early */
	struct prober_counters		*counters;	/* NULL, or counted live */
};

struct probe_hit {
	cidr_ip		addr;
	uint16_t	port;
};

struct prober_result {
	struct probe_hit *open;		/* sorted by port, then cidr_ip_cmp; NULL with ops */
	size_t		 nopen;
	uint64_t	 outcome[PROBE_OUTCOMES];
	uint64_t	*port_outcome;	/* [port index * PROBE_OUTCOMES + outcome] */
	size_t		 nports;	/* as in the probegen's portlist; 1 with ops */
	uint64_t	 retries;	/* local failures retried */
	uint64_t	 reprobe_outcome[PROBE_OUTCOMES];	/* how each re-probe (-retries) ended */
	uint64_t	 reprobes;	/* re-probes made (sum of reprobe_outcome) */
	uint64_t	 reprobes_skipped;	/* timeouts -retry-scope did not probe again */
	int		 scope_unmapped;	/* -retry-scope answering over more probes than
						 * SILENTMAP_MAX_PROBES (or no memory for its
						 * map): every timeout was probed again */
	uint64_t	 no_ipv6;	/* IPv6 probes counted unreachable: this kernel has no
					 * IPv6 (socket(AF_INET6): EAFNOSUPPORT) */
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
