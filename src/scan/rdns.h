/*
 * rdns.h: reverse DNS of a set of IPv4 addresses for one run: answers from the PTR cache
 * first, then PTR lookups through an asynchronous resolver (resolver.h: c-ares with the
 * system's resolv.conf and /etc/hosts), up to cfg->workers of them in flight at once, all
 * within one deadline; at the deadline the lookups still in flight are cancelled and their
 * addresses fall back to the IP. Names must pass hostname_normalize. Called from one thread;
 * the resolver and its clock are injected (struct rdns_resolver), so tests never touch the
 * network or sleep.
 */
#ifndef SD_RDNS_H
#define SD_RDNS_H

#include <stddef.h>
#include <stdint.h>

#include "hostname.h"
#include "ptrcache.h"

#define RDNS_RAW_MAX	1025	/* bytes of a PTR answer looked at (NI_MAXHOST) */

/*
 * The answer to one lookup, called exactly once per lookup started, unless cancel came
 * first: from inside the resolver's wait, or before ptr/forward returns when the answer is
 * at hand (/etc/hosts).
 * PTR: rc 0 with the raw answer in text (NUL-terminated, any bytes), or -1 with a short
 * reason. Forward: rc 1 when one of the name's addresses is the IP, 0 when none,
 * -1 on error; text says why when rc != 1. text is borrowed for the call.
 */
typedef void	(*rdns_done_fn)(void *arg, int rc, const char *text);

/*
 * An asynchronous resolver. Lookups started with ptr/forward are answered through done
 * during wait; cancel ends every lookup in flight (done is never called for them). The
 * functions are called from the rdns_resolve thread only.
 */
struct rdns_resolver {
	/* Start a PTR lookup of addr (in-addr.arpa or ip6.arpa). 0, or -1 with why (done not
	 * called). */
	int	(*ptr)(struct rdns_resolver *, cidr_ip addr, rdns_done_fn done, void *arg,
		    char *why, size_t whylen);
	/* Start a forward lookup of name (A for IPv4, AAAA for IPv6), to be compared with addr.
	 * As ptr. */
	int	(*forward)(struct rdns_resolver *, const char *name, cidr_ip addr,
		    rdns_done_fn done, void *arg, char *why, size_t whylen);
	/* Wait at most timeout seconds for answers, calling done for each. 0, or -1 with why. */
	int	(*wait)(struct rdns_resolver *, double timeout, char *why, size_t whylen);
	void	(*cancel)(struct rdns_resolver *);
	double	(*now)(struct rdns_resolver *);	/* monotonic seconds */
};

struct rdns_config {
	double		 timeout;	/* seconds for all lookups of the call, > 0 */
	unsigned	 workers;	/* most lookups in flight at once (PTR + forward), >= 1 */
	int64_t		 ttl;		/* seconds a name found stays in the cache */
	int64_t		 negative_ttl;	/* seconds a failed lookup stays in the cache */
	int		 verify;	/* accept a name only if it resolves forward to the IP */
	struct rdns_resolver *resolver;	/* borrowed; used only when a lookup is needed */
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
	cidr_ip			 addr;
	enum rdns_outcome	 outcome;
	char			 name[HOSTNAME_MAX + 1];	/* "": use the IP */
	char			 detail[HOSTNAME_ESCAPED_MAX + 160];	/* why, for the log */
};

struct rdns_result {
	struct rdns_answer	*v;		/* sorted by address, one per distinct address */
	size_t			 n;
	uint64_t		 lookups;	/* PTR lookups started */
	uint64_t		 cache_hits;	/* answers from the cache */
	uint64_t		 errors;	/* lookups that gave no usable name */
	uint64_t		 outcome[RDNS_UNFINISHED + 1];
	unsigned		 max_in_flight;	/* the most lookups in flight at once */
	uint64_t		 asked_again;	/* PTR lookups asked a second time (overdue) */
	double			 seconds;	/* spent on lookups (resolver clock), 0 if none */
};

/*
 * Resolve the distinct addresses among the n of addrs (repeats are fine) at unix time now:
 * cache hits, then lookups; puts every finished lookup into cache (names for ttl, failures
 * for negative_ttl). Returns within about cfg->timeout. 0, or -1 with err on out of memory
 * or when the resolver cannot wait; free res with rdns_result_fini in both cases.
 */
int	rdns_resolve(const struct rdns_config *cfg, struct ptrcache *cache, const cidr_ip *addrs,
	    size_t n, int64_t now, struct rdns_result *res, char *err, size_t errlen);
/* The host name of addr in res, or NULL when the IP is the name (borrowed from res). */
const char *rdns_name(const struct rdns_result *res, cidr_ip addr);
void	rdns_result_fini(struct rdns_result *res);

#endif
