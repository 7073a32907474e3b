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
#include "scan_config.h"

#define WORKERS_MAX	1024
#define INFLIGHT_MAX	1000000
#define RATE_MAX	10000000.0

int
scan_config_build(struct scan_config *c, const struct options *o, cidr_warn_fn warn,
    void *warn_ctx, char *err, size_t errlen)
{
	char why[256], dir[1100];
	long ncpu;

	memset(c, 0, sizeof(*c));
	if (log_level_parse(options_get(o, "log-level"), &c->log_level) < 0)
		return optvalue_bad(o, "log-level", "expected debug, info, warn or error", err, errlen);
	if (optvalue_bool(o, "skip-broadcast", &c->skip_broadcast, err, errlen) < 0)
		return -1;
	if (addrset_parse(&c->hosts, options_get(o, "networks"), c->skip_broadcast, warn, warn_ctx,
	    why, sizeof(why)) < 0)
		return optvalue_bad(o, "networks", why, err, errlen);
	if (portlist_parse(&c->ports, options_get(o, "ports"), why, sizeof(why)) < 0)
		goto bad_ports;
	if (optvalue_duration(o, "interval", &c->interval, err, errlen) < 0 ||
	    optvalue_duration(o, "timeout", &c->timeout, err, errlen) < 0 ||
	    optvalue_uint(o, "workers", WORKERS_MAX, &c->workers, err, errlen) < 0 ||
	    optvalue_uint(o, "inflight", INFLIGHT_MAX, &c->inflight, err, errlen) < 0 ||
	    optvalue_uint(o, "retries", REPROBE_MAX, &c->retries, err, errlen) < 0 ||
	    (*options_get(o, "grace") && optvalue_duration(o, "grace", &c->grace, err, errlen) < 0))
		goto fail;
	if (numparse_udouble(options_get(o, "rate-limit"), RATE_MAX, &c->rate, why,
	    sizeof(why)) < 0) {
		optvalue_bad(o, "rate-limit", why, err, errlen);
		goto fail;
	}
	if (optvalue_path(o, "output", 0, &c->output, err, errlen) < 0 ||
	    optvalue_path(o, "metrics-file", 0, &c->metrics_file, err, errlen) < 0 ||
	    optvalue_duration(o, "dns-ttl", &c->dns_ttl, err, errlen) < 0 ||
	    optvalue_duration(o, "dns-negative-ttl", &c->dns_negative_ttl, err, errlen) < 0 ||
	    optvalue_duration(o, "dns-timeout", &c->dns_timeout, err, errlen) < 0 ||
	    optvalue_uint(o, "dns-workers", WORKERS_MAX, &c->dns_workers, err, errlen) < 0 ||
	    optvalue_bool(o, "no-dns", &c->no_dns, err, errlen) < 0 ||
	    optvalue_bool(o, "dns-verify", &c->dns_verify, err, errlen) < 0 ||
	    optvalue_bool(o, "force", &c->force, err, errlen) < 0)
		goto fail;
	if (c->dns_workers == 0) {
		optvalue_bad(o, "dns-workers", "must be at least 1", err, errlen);
		goto fail;
	}
	if (numparse_udouble(options_get(o, "shrink-limit"), 1.0, &c->shrink_limit, why,
	    sizeof(why)) < 0) {
		optvalue_bad(o, "shrink-limit", strstr(why, "maximum") ? "a share from 0 to 1" : why, err,
		    errlen);
		goto fail;
	}
	if (c->workers == 0) {
		ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		c->workers = ncpu > 0 ? (unsigned)ncpu : 1;
	}
	/* after the CPU count: -workers 0 -inflight 1 is one worker */
	if (c->inflight > 0 && c->workers > c->inflight)
		c->workers = c->inflight;
	if (*options_get(o, "dns-cache")) {
		const char *p;

		if (optvalue_path(o, "dns-cache", 0, &p, err, errlen) < 0)
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
	optvalue_bad(o, "ports", why, err, errlen);
fail:
	scan_config_fini(c);
	return -1;
}

void
scan_config_fini(struct scan_config *c)
{
	addrset_fini(&c->hosts);
	portlist_fini(&c->ports);
	free(c->dns_cache);
	memset(c, 0, sizeof(*c));
}
