/*
 * scan_config.h: sd-scan's typed configuration, built from the options and validated.
 * Every error names the option, the bad value and where it came from. One owner.
 */
#ifndef SD_SCAN_CONFIG_H
#define SD_SCAN_CONFIG_H

#include <stddef.h>

#include "cidr.h"
#include "labels.h"
#include "exclude.h"
#include "log.h"
#include "netnames.h"
#include "options.h"
#include "portlist.h"
#include "reprobe.h"
#include "sockets.h"

struct scan_config {
	struct addrset	 hosts;		/* the CIDRs and the addresses of the names, after exclusions */
	struct netnames	 names;		/* host names of -networks, with what each gave */
	struct exclusions excludes;	/* each with what it removed */
	int		 order_random;	/* -order random */
	uint64_t	 seed;		/* -seed, or probegen_default_seed */
	int		 seed_given;
	unsigned	 shard, shards;	/* -shard I/N, 1-based */
	struct portlist	 ports;		/* with the names of named ports */
	struct labelset	 labels;	/* -labels */
	double		 interval;	/* seconds */
	double		 timeout;	/* seconds */
	double		 rate;		/* probes per second; 0: unlimited */
	unsigned	 workers;	/* 0 resolved to the CPU count */
	unsigned	 inflight;	/* 0: sized from rate x timeout */
	unsigned	 retries;	/* re-probes of a timed-out pair */
	enum reprobe_scope retry_scope;	/* -retry-scope */
	enum log_level	 log_level;
	int		 skip_broadcast;
	unsigned	 ipv6_max_prefix;	/* -ipv6-max-prefix: no IPv6 network above /this */
	const char	*output;	/* borrowed from the options */
	char		*dns_cache;	/* owned: the option, or ptr-cache.tsv beside output */
	double		 dns_ttl, dns_negative_ttl, dns_timeout;	/* seconds */
	unsigned	 dns_workers;
	int		 no_dns, dns_verify;
	const char	*metrics_file;	/* borrowed */
	double		 shrink_limit;	/* share 0..1; 0: guard off */
	double		 grace;		/* seconds a vanished target is kept; 0: off */
	int		 force;
	int		 progress;	/* draw a progress line on stderr (main: a TTY) */
	int		 sockets_only;	/* -sockets alone: no scan, no targets file written */
	int		 check_sockets;	/* -sockets given: sockets holds its list */
	const char	*sockets_path;	/* borrowed */
	struct sockets_list sockets;
};

/*
 * Build c from o; 0, or -1 with one line in err. Host names in -networks are resolved with
 * lookup (NULL: a host name is an error); one that gives no address is a warning, and
 * when no address is left at all the build fails ("nothing to scan"). warn hears the
 * non-fatal notes (masked bases, names that do not resolve).
 */
int	scan_config_build(struct scan_config *c, const struct options *o, netnames_lookup_fn lookup,
	    cidr_warn_fn warn, void *warn_ctx, char *err, size_t errlen);
void	scan_config_fini(struct scan_config *c);

#endif
