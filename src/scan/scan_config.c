/*
 * scan_config.c: options -> struct scan_config, with the one-line errors operators see.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "numparse.h"
#include "optvalue.h"
#include "reprobe.h"
#include "probegen.h"
#include "scan_config.h"
#include "shard.h"

#define WORKERS_MAX	1024
#define INFLIGHT_MAX	1000000
#define RATE_MAX	10000000.0
#define PTR_CACHE_NAME	"ptr-cache.tsv"	/* default -dns-cache, next to -output */

/*
 * -networks: the host names resolved (each a warning when it gives no address), their
 * addresses merged with the CIDRs by addrset_parse. A list without names is parsed as given.
 * A bad CIDR is found before any name is looked up (netnames_split keeps them apart).
 */
static int
build_hosts(struct scan_config *c, const struct options *o, netnames_lookup_fn lookup,
    cidr_warn_fn warn, void *warn_ctx, char *err, size_t errlen)
{
	const char *networks = options_get(o, OPT_NETWORKS);
	char why[512], *list;
	size_t resolved;
	int rc;

	if (netnames_split(&c->names, networks, why, sizeof(why)) < 0)
		return optvalue_bad(o, OPT_NETWORKS, why, err, errlen);
	if (c->names.n == 0)
		list = NULL;
	else if (lookup == NULL) {
		snprintf(why, sizeof(why), "host name '%s': names are not resolved here",
		    c->names.v[0].name);
		return optvalue_bad(o, OPT_NETWORKS, why, err, errlen);
	} else {
		/* a bad CIDR costs no DNS query */
		if (c->names.cidrs[0] != '\0') {
			if (addrset_parse(&c->hosts, c->names.cidrs, c->skip_broadcast,
			    c->ipv6_max_prefix, NULL, NULL, why, sizeof(why)) < 0)
				return optvalue_bad(o, OPT_NETWORKS, why, err, errlen);
			addrset_fini(&c->hosts);
		}
		resolved = netnames_resolve(&c->names, lookup);
		if (resolved == 0 && c->names.cidrs[0] == '\0') {
			snprintf(err, errlen, "nothing to scan: -networks lists no network and no host "
			    "name of it has an address (%s: %s%s)", c->names.v[0].name,
			    c->names.v[0].error, c->names.n > 1 ? "; and the others" : "");
			return -1;
		}
		for (size_t i = 0; i < c->names.n && warn; i++)
			if (c->names.v[i].naddrs == 0) {
				snprintf(why, sizeof(why), "host name %s in -networks does not resolve "
				    "(%s); scanning the rest", c->names.v[i].name, c->names.v[i].error);
				warn(warn_ctx, why);
			}
		if ((list = netnames_list(&c->names)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		networks = list;
	}
	rc = addrset_parse(&c->hosts, networks, c->skip_broadcast, c->ipv6_max_prefix, warn,
	    warn_ctx, why, sizeof(why));
	free(list);
	if (rc < 0)
		return optvalue_bad(o, OPT_NETWORKS, why, err, errlen);
	if (c->hosts.total == 0) {
		snprintf(err, errlen, "nothing to scan: -networks leaves no address");
		return -1;
	}
	return 0;
}

static const struct optvalue_choice retry_scope_choices[] = {
	{ "answering", REPROBE_SCOPE_ANSWERING }, { "all", REPROBE_SCOPE_ALL },
};

static const struct optvalue_choice order_choices[] = {
	{ "random", 1 }, { "sequential", 0 },
};

/* -exclude, -exclude-file, -order, -seed and -shard, read and checked before any name is
 * looked up (bad input sends nothing); order_apply uses them once the hosts are known. */
static int
order_parse(struct scan_config *c, const struct options *o, cidr_warn_fn warn, void *warn_ctx,
    char *err, size_t errlen)
{
	const char *file = options_get(o, OPT_EXCLUDE_FILE), *seed = options_get(o, OPT_SEED);
	char why[512];

	if (exclude_parse_list(&c->excludes, options_get(o, OPT_EXCLUDE), warn, warn_ctx, why,
	    sizeof(why)) < 0)
		return optvalue_bad(o, OPT_EXCLUDE, why, err, errlen);
	if (*file) {
		if (optvalue_path(o, OPT_EXCLUDE_FILE, 0, &file, err, errlen) < 0)
			return -1;
		if (exclude_load_file(&c->excludes, file, warn, warn_ctx, why, sizeof(why)) < 0)
			return optvalue_bad(o, OPT_EXCLUDE_FILE, why, err, errlen);
		if (c->excludes.n == c->excludes.from_list && warn) {
			snprintf(why, sizeof(why), "exclude file %s lists no address", file);
			warn(warn_ctx, why);
		}
	}
	if (optvalue_choice(o, OPT_ORDER, order_choices, 2, &c->order_random, err, errlen) < 0)
		return -1;
	if (*seed) {
		if (numparse_uint(seed, UINT64_MAX, &c->seed, why, sizeof(why)) < 0)
			return optvalue_bad(o, OPT_SEED, why, err, errlen);
		c->seed_given = 1;
	}
	if (shard_parse(options_get(o, OPT_SHARD), &c->shard, &c->shards, why, sizeof(why)) < 0)
		return optvalue_bad(o, OPT_SHARD, why, err, errlen);
	return 0;
}

/* The exclusions cut out of c->hosts (networks and the addresses of names); the seed. */
static int
order_apply(struct scan_config *c, cidr_warn_fn warn, void *warn_ctx, char *err, size_t errlen)
{
	char why[512];

	if (exclude_apply(&c->excludes, &c->hosts, warn, warn_ctx, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	if (c->hosts.total == 0) {
		snprintf(err, errlen, "nothing to scan: the exclusions remove all %llu addresses of "
		    "-networks", (unsigned long long)c->excludes.scanned_before);
		return -1;
	}
	if (!c->seed_given)
		c->seed = probegen_default_seed(&c->hosts, &c->ports);
	return 0;
}

int
scan_config_build(struct scan_config *c, const struct options *o, netnames_lookup_fn lookup,
    cidr_warn_fn warn, void *warn_ctx, char *err, size_t errlen)
{
	char why[768], dir[OPTVALUE_PATH_MAX + 1];
	long ncpu;
	int scope = REPROBE_SCOPE_ANSWERING;

	memset(c, 0, sizeof(*c));
	if (optvalue_log_level(o, OPT_LOG_LEVEL, &c->log_level, err, errlen) < 0 ||
	    optvalue_bool(o, OPT_SKIP_BROADCAST, &c->skip_broadcast, err, errlen) < 0 ||
	    optvalue_uint(o, OPT_IPV6_MAX_PREFIX, 128, &c->ipv6_max_prefix, err, errlen) < 0)
		return -1;
	if (c->ipv6_max_prefix < CIDR_IPV6_PREFIX_FLOOR) {
		optvalue_bad(o, OPT_IPV6_MAX_PREFIX, "must be 96 to 128 (a /96 has 2^32 addresses, "
		    "as much as all of IPv4)", err, errlen);
		return -1;
	}
	if (portlist_parse(&c->ports, options_get(o, OPT_PORTS), why, sizeof(why)) < 0)
		goto bad_ports;
	if (labels_parse(&c->labels, options_get(o, OPT_LABELS), why, sizeof(why)) < 0) {
		optvalue_bad(o, OPT_LABELS, why, err, errlen);
		goto fail;
	}
	if (order_parse(c, o, warn, warn_ctx, err, errlen) < 0)
		goto fail;
	if (optvalue_duration(o, OPT_INTERVAL, &c->interval, err, errlen) < 0 ||
	    optvalue_duration(o, OPT_TIMEOUT, &c->timeout, err, errlen) < 0 ||
	    optvalue_uint(o, OPT_WORKERS, WORKERS_MAX, &c->workers, err, errlen) < 0 ||
	    optvalue_uint(o, OPT_INFLIGHT, INFLIGHT_MAX, &c->inflight, err, errlen) < 0 ||
	    optvalue_uint(o, OPT_RETRIES, REPROBE_MAX, &c->retries, err, errlen) < 0 ||
	    optvalue_choice(o, OPT_RETRY_SCOPE, retry_scope_choices, 2, &scope, err, errlen) < 0 ||
	    (*options_get(o, OPT_GRACE) &&
	    optvalue_duration(o, OPT_GRACE, &c->grace, err, errlen) < 0) ||
	    optvalue_decimal(o, OPT_RATE_LIMIT, RATE_MAX, NULL, &c->rate, err, errlen) < 0)
		goto fail;
	if (optvalue_path(o, OPT_OUTPUT, 0, &c->output, err, errlen) < 0 ||
	    optvalue_path(o, OPT_METRICS_FILE, 0, &c->metrics_file, err, errlen) < 0 ||
	    optvalue_duration(o, OPT_DNS_TTL, &c->dns_ttl, err, errlen) < 0 ||
	    optvalue_duration(o, OPT_DNS_NEGATIVE_TTL, &c->dns_negative_ttl, err, errlen) < 0 ||
	    optvalue_duration(o, OPT_DNS_TIMEOUT, &c->dns_timeout, err, errlen) < 0 ||
	    optvalue_uint(o, OPT_DNS_WORKERS, WORKERS_MAX, &c->dns_workers, err, errlen) < 0 ||
	    optvalue_bool(o, OPT_NO_DNS, &c->no_dns, err, errlen) < 0 ||
	    optvalue_bool(o, OPT_DNS_VERIFY, &c->dns_verify, err, errlen) < 0 ||
	    optvalue_bool(o, OPT_FORCE, &c->force, err, errlen) < 0)
		goto fail;
	c->retry_scope = (enum reprobe_scope)scope;
	if (c->dns_workers == 0) {
		optvalue_bad(o, OPT_DNS_WORKERS, "must be at least 1", err, errlen);
		goto fail;
	}
	if (optvalue_decimal(o, OPT_SHRINK_LIMIT, 1.0, "a share from 0 to 1", &c->shrink_limit, err,
	    errlen) < 0)
		goto fail;
	if (c->workers == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		c->workers = ncpu > 0 ? (unsigned)ncpu : 1;
	}
	/* after the CPU count: -workers 0 -inflight 1 is one worker */
	if (c->inflight > 0 && c->workers > c->inflight)
		c->workers = c->inflight;
	if (*options_get(o, OPT_DNS_CACHE)) {
		const char *p;

		if (optvalue_path(o, OPT_DNS_CACHE, 0, &p, err, errlen) < 0)
			goto fail;
		c->dns_cache = strdup(p);
	} else {
		/* sized for any -output: a fixed buffer would cut the name off a long directory */
		size_t n = strlen(atomicfile_dirname(c->output, dir, sizeof(dir))) +
		    sizeof(PTR_CACHE_NAME) + 1;

		if ((c->dns_cache = malloc(n)) != NULL)
			snprintf(c->dns_cache, n, "%s/%s", dir, PTR_CACHE_NAME);
	}
	if (c->dns_cache == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	/* -sockets alone checks only the sockets: -networks then keeps its default unused */
	if (*options_get(o, OPT_SOCKETS)) {
		if (optvalue_path(o, OPT_SOCKETS, 0, &c->sockets_path, err, errlen) < 0)
			goto fail;
		if (sockets_load(c->sockets_path, &c->sockets, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "bad -sockets file %s", why);
			goto fail;
		}
		c->check_sockets = 1;
		c->sockets_only = strcmp(options_origin(o, OPT_NETWORKS, dir, sizeof(dir)),
		    "default") == 0;
	}
	/* last: names are resolved only once every other option is known to be good */
	if (build_hosts(c, o, lookup, warn, warn_ctx, err, errlen) < 0 ||
	    order_apply(c, warn, warn_ctx, err, errlen) < 0)
		goto fail;
	return 0;
bad_ports:
	optvalue_bad(o, OPT_PORTS, why, err, errlen);
fail:
	scan_config_fini(c);
	return -1;
}

void
scan_config_fini(struct scan_config *c)
{
	addrset_fini(&c->hosts);
	netnames_fini(&c->names);
	exclude_fini(&c->excludes);
	portlist_fini(&c->ports);
	sockets_fini(&c->sockets);
	labels_fini(&c->labels);
	free(c->dns_cache);
	memset(c, 0, sizeof(*c));
}
