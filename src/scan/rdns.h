/*
 * rdns.h: reverse DNS of a set of IPv4 addresses for one run: answers from the PTR cache
 * first, then PTR lookups through the system resolver (getnameinfo NI_NAMEREQD, so
 * /etc/hosts and resolv.conf apply) on a bounded pool of detached threads, all within one
 * deadline. A lookup still running at the deadline is left to finish on its own (its thread
 * holds a reference to the shared state and frees it last); its address falls back to the IP.
 * Names must pass hostname_normalize. Called from one thread; the resolver is injectable.
 */
#ifndef SD_RDNS_H
#define SD_RDNS_H

#include <stddef.h>
#include <stdint.h>

#include "hostname.h"
#include "ptrcache.h"

#define RDNS_RAW_MAX	1025	/* bytes of a resolver answer kept (NI_MAXHOST) */

/*
 * PTR lookup of addr (host byte order): 0 with the raw answer in name (NUL-terminated, any
 * bytes), or -1 with a short reason in why. Called from worker threads: must be thread-safe.
 */
typedef int	(*rdns_ptr_fn)(uint32_t addr, char *name, size_t namelen, char *why,
		    size_t whylen);
/* Forward lookup of name: 1 when one of its IPv4 addresses is addr, 0 when none, -1 error. */
typedef int	(*rdns_forward_fn)(const char *name, uint32_t addr, char *why, size_t whylen);

struct rdns_config {
	double		 timeout;	/* seconds for all lookups of the call, > 0 */
	unsigned	 workers;	/* lookups in parallel, >= 1 */
	int64_t		 ttl;		/* seconds a name found stays in the cache */
	int64_t		 negative_ttl;	/* seconds a failed lookup stays in the cache */
	int		 verify;	/* accept a name only if it resolves forward to the IP */
	rdns_ptr_fn	 ptr;		/* NULL: rdns_system_ptr */
	rdns_forward_fn	 forward;	/* NULL: rdns_system_forward */
};

enum rdns_outcome {
	RDNS_FOUND,		/* looked up: name valid (and verified) */
	RDNS_CACHED,		/* from the cache: name, or "" when the cached lookup failed */
	RDNS_NONE,		/* looked up: no name (no PTR record, resolver error) */
	RDNS_REJECTED,		/* looked up: the answer is not a valid host name */
	RDNS_UNVERIFIED,	/* looked up: the name does not resolve forward to the IP */
	RDNS_UNFINISHED,	/* no answer by the deadline (not cached) */
};

struct rdns_answer {
	uint32_t		 addr;
	enum rdns_outcome	 outcome;
	char			 name[HOSTNAME_MAX + 1];	/* "": use the IP */
	char			 detail[HOSTNAME_ESCAPED_MAX + 160];	/* why, for the log */
};

struct rdns_result {
	struct rdns_answer	*v;		/* sorted by address, one per distinct address */
	size_t			 n;
	uint64_t		 lookups;	/* lookups started */
	uint64_t		 cache_hits;	/* answers from the cache */
	uint64_t		 errors;	/* lookups that gave no usable name */
	uint64_t		 outcome[RDNS_UNFINISHED + 1];
};

/*
 * Resolve the distinct addresses among the n of addrs (repeats are fine) at unix time now:
 * cache hits, then lookups; puts every finished lookup into cache (names for ttl, failures
 * for negative_ttl). Returns within about cfg->timeout. 0, or -1 with err on out of memory
 * or when no thread could be started; free res with rdns_result_fini in both cases.
 */
int	rdns_resolve(const struct rdns_config *cfg, struct ptrcache *cache, const uint32_t *addrs,
	    size_t n, int64_t now, struct rdns_result *res, char *err, size_t errlen);
/* The host name of addr in res, or NULL when the IP is the name (borrowed from res). */
const char *rdns_name(const struct rdns_result *res, uint32_t addr);
void	rdns_result_fini(struct rdns_result *res);

/* The system resolver: getnameinfo(NI_NAMEREQD), and getaddrinfo(AF_INET). */
int	rdns_system_ptr(uint32_t addr, char *name, size_t namelen, char *why, size_t whylen);
int	rdns_system_forward(const char *name, uint32_t addr, char *why, size_t whylen);

#endif
