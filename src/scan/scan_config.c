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
#include "probegen.h"
#include "scan_config.h"
#include "shard.h"

#define WORKERS_MAX	1024
#define INFLIGHT_MAX	1000000
#define RATE_MAX	10000000.0

static const struct optvalue_choice order_choices[] = {
	{ "random", 1 }, { "sequential", 0 },
};

/* -exclude, -exclude-file, cut out of c->hosts; then -order, -seed and -shard. */
static int
build_order(struct scan_config *c, const struct options *o, cidr_warn_fn warn, void *warn_ctx,
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
	if (exclude_apply(&c->excludes, &c->hosts, warn, warn_ctx, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	if (c->hosts.total == 0) {
		snprintf(err, errlen, "nothing to scan: the exclusions remove all %llu addresses of "
		    "-networks", (unsigned long long)c->excludes.scanned_before);
		return -1;
	}
	if (optvalue_choice(o, OPT_ORDER, order_choices, 2, &c->order_random, err, errlen) < 0)
		return -1;
	if (*seed) {
		if (numparse_uint(seed, UINT64_MAX, &c->seed, why, sizeof(why)) < 0)
			return optvalue_bad(o, OPT_SEED, why, err, errlen);
		c->seed_given = 1;
	} else {
		c->seed = probegen_default_seed(&c->hosts, &c->ports);
	}
	if (shard_parse(options_get(o, OPT_SHARD), &c->shard, &c->shards, why, sizeof(why)) < 0)
		return optvalue_bad(o, OPT_SHARD, why, err, errlen);
	return 0;
}

int
scan_config_build(struct scan_config *c, const struct options *o, cidr_warn_fn warn,
    void *warn_ctx, char *err, size_t errlen)
{
	char why[256], dir[1100];
	long ncpu;

	memset(c, 0, sizeof(*c));
	if (optvalue_log_level(o, OPT_LOG_LEVEL, &c->log_level, err, errlen) < 0 ||
	    optvalue_bool(o, OPT_SKIP_BROADCAST, &c->skip_broadcast, err, errlen) < 0)
		return -1;
	if (addrset_parse(&c->hosts, options_get(o, OPT_NETWORKS), c->skip_broadcast, warn, warn_ctx,
	    why, sizeof(why)) < 0)
		return optvalue_bad(o, OPT_NETWORKS, why, err, errlen);
	if (portlist_parse(&c->ports, options_get(o, OPT_PORTS), why, sizeof(why)) < 0)
		goto bad_ports;
	if (build_order(c, o, warn, warn_ctx, err, errlen) < 0)
		goto fail;
	if (optvalue_duration(o, OPT_INTERVAL, &c->interval, err, errlen) < 0 ||
	    optvalue_duration(o, OPT_TIMEOUT, &c->timeout, err, errlen) < 0 ||
	    optvalue_uint(o, OPT_WORKERS, WORKERS_MAX, &c->workers, err, errlen) < 0 ||
	    optvalue_uint(o, OPT_INFLIGHT, INFLIGHT_MAX, &c->inflight, err, errlen) < 0 ||
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
		snprintf(why, sizeof(why), "%s/ptr-cache.tsv",
		    atomicfile_dirname(c->output, dir, sizeof(dir)));
		c->dns_cache = strdup(why);
	}
	if (c->dns_cache == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
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
	exclude_fini(&c->excludes);
	portlist_fini(&c->ports);
	free(c->dns_cache);
	memset(c, 0, sizeof(*c));
}
