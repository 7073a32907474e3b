/*
 * sockcheck.h: the status of each socket of a -sockets list, checked by the probe engine
 * (prober.c: the same workers, rate limiter and local-failure retries as a scan), each with
 * its own timeout. What "up" means per protocol: tcp* the handshake completes; udp* one
 * empty datagram is not refused (no ICMP unreachable within the timeout); unix* connect to
 * the path succeeds; ip* an ICMP echo reply through an unprivileged ping socket. Names are
 * resolved (A/AAAA) at each run; a name's addresses are tried in turn while they refuse or
 * are unreachable, all within the socket's one timeout. sockcheck_run is called from one
 * thread.
 */
#ifndef SD_SOCKCHECK_H
#define SD_SOCKCHECK_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "sockets.h"

/* A socket's status after a run: up, or why it is down. */
enum sockcheck_status {
	SOCKCHECK_UP, SOCKCHECK_REFUSED, SOCKCHECK_TIMEOUT, SOCKCHECK_UNREACHABLE,
	SOCKCHECK_RESOLVE, SOCKCHECK_LOCAL,
	SOCKCHECK_UNCHECKED,	/* the run was interrupted before this socket's check ended */
	SOCKCHECK_STATUSES
};

#define SOCKCHECK_ADDRS_MAX	4	/* addresses of one name tried in turn, as Go's Dial does */

/*
 * Resolve host for family (AF_INET, AF_INET6 or AF_UNSPEC) into addrs[0..*n), at most max,
 * in the order to try them. 0, or a getaddrinfo EAI_* code. Called from several threads.
 */
typedef int (*sockcheck_resolve_fn)(void *ctx, const char *host, int family,
    struct sockaddr_storage *addrs, unsigned max, unsigned *n);

struct sockcheck_config {
	const struct sockets_list	*list;		/* borrowed */
	unsigned			 workers;	/* >= 1 */
	unsigned			 inflight;	/* >= workers */
	double				 rate;		/* checks per second; 0: unlimited */
	unsigned			 resolvers;	/* name lookups in parallel, >= 1 */
	sockcheck_resolve_fn		 resolve;	/* NULL: getaddrinfo */
	void				*resolve_ctx;
	const volatile sig_atomic_t	*stop;		/* set non-zero to end early */
};

struct sockcheck_result {
	size_t			 n;		/* as the list */
	unsigned char		*status;	/* [n] enum sockcheck_status */
	double			*seconds;	/* [n] duration of each check */
	int			*detail;	/* [n] errno, or the EAI_* code of a resolve failure */
	uint64_t		 count[SOCKCHECK_STATUSES];
	uint64_t		 checked;	/* sockets with a status (all unless interrupted) */
	uint64_t		 retries;	/* local failures retried */
	uint64_t		 ping_denied;	/* ip* sockets refused by net.ipv4.ping_group_range */
	uint64_t		 names;		/* distinct host names looked up */
	int			 interrupted;
	double			 seconds_total;	/* wall time: resolving and checking */
};

/* "up", "refused", "timeout", "unreachable", "resolve", "local_error", "unchecked" */
const char *sockcheck_status_name(enum sockcheck_status s);
/* The in-flight count the engine needs for cfg's list and rate, before fd limits. */
unsigned sockcheck_default_inflight(const struct sockets_list *l, double rate);
/*
 * Check every socket of cfg->list. 0 when the checks ran (completely, or until *stop: see
 * interrupted; a socket never checked has status SOCKCHECK_UNCHECKED); -1 with err set when they could not run (memory, threads). Free the result with
 * sockcheck_result_fini, also after -1.
 */
int	sockcheck_run(const struct sockcheck_config *cfg, struct sockcheck_result *res, char *err,
	    size_t errlen);
void	sockcheck_result_fini(struct sockcheck_result *res);

#endif
