/*
 * scan_config.c: options -> struct scan_config, with the one-line errors operators see.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomicfile.h"
#include "numparse.h"
#include "scan_config.h"

#define WORKERS_MAX	1024
#define INFLIGHT_MAX	1000000
#define RATE_MAX	10000000.0

/* "bad -NAME 'VALUE' (from ORIGIN): WHY" */
static int
bad(const struct options *o, const char *flag, const char *why, char *err, size_t errlen)
{
	char where[300];

	snprintf(err, errlen, "bad -%s '%.200s' (from %s): %s", flag, options_get(o, flag),
	    options_origin(o, flag, where, sizeof(where)), why);
	return -1;
}

static int
get_duration(const struct options *o, const char *flag, double *out, char *err, size_t errlen)
{
	char why[128];

	if (numparse_duration(options_get(o, flag), out, why, sizeof(why)) < 0)
		return bad(o, flag, why, err, errlen);
	return 0;
}

static int
get_uint(const struct options *o, const char *flag, uint64_t max, unsigned *out, char *err,
    size_t errlen)
{
	char why[128];
	uint64_t v;

	if (numparse_uint(options_get(o, flag), max, &v, why, sizeof(why)) < 0)
		return bad(o, flag, why, err, errlen);
	*out = (unsigned)v;
	return 0;
}

static int
get_bool(const struct options *o, const char *flag, int *out, char *err, size_t errlen)
{
	char why[128];

	if (numparse_bool(options_get(o, flag), out, why, sizeof(why)) < 0)
		return bad(o, flag, why, err, errlen);
	return 0;
}

static int
get_path(const struct options *o, const char *flag, const char **out, char *err, size_t errlen)
{
	const char *v = options_get(o, flag);

	if (*v == '\0')
		return bad(o, flag, "empty path", err, errlen);
	if (strlen(v) > 1024)
		return bad(o, flag, "path longer than 1024 bytes", err, errlen);
	*out = v;
	return 0;
}

int
scan_config_build(struct scan_config *c, const struct options *o, cidr_warn_fn warn,
    void *warn_ctx, char *err, size_t errlen)
{
	char why[256], dir[1100];
	long ncpu;

	memset(c, 0, sizeof(*c));
	if (log_level_parse(options_get(o, "log-level"), &c->log_level) < 0)
		return bad(o, "log-level", "expected debug, info, warn or error", err, errlen);
	if (get_bool(o, "skip-broadcast", &c->skip_broadcast, err, errlen) < 0)
		return -1;
	if (addrset_parse(&c->hosts, options_get(o, "networks"), c->skip_broadcast, warn, warn_ctx,
	    why, sizeof(why)) < 0)
		return bad(o, "networks", why, err, errlen);
	if (portlist_parse(&c->ports, options_get(o, "ports"), why, sizeof(why)) < 0)
		goto bad_ports;
	if (get_duration(o, "interval", &c->interval, err, errlen) < 0 ||
	    get_duration(o, "timeout", &c->timeout, err, errlen) < 0 ||
	    get_uint(o, "workers", WORKERS_MAX, &c->workers, err, errlen) < 0 ||
	    get_uint(o, "inflight", INFLIGHT_MAX, &c->inflight, err, errlen) < 0)
		goto fail;
	if (numparse_udouble(options_get(o, "rate-limit"), RATE_MAX, &c->rate, why,
	    sizeof(why)) < 0) {
		bad(o, "rate-limit", why, err, errlen);
		goto fail;
	}
	if (get_path(o, "output", &c->output, err, errlen) < 0 ||
	    get_path(o, "metrics-file", &c->metrics_file, err, errlen) < 0 ||
	    get_duration(o, "dns-ttl", &c->dns_ttl, err, errlen) < 0 ||
	    get_duration(o, "dns-negative-ttl", &c->dns_negative_ttl, err, errlen) < 0 ||
	    get_duration(o, "dns-timeout", &c->dns_timeout, err, errlen) < 0 ||
	    get_uint(o, "dns-workers", WORKERS_MAX, &c->dns_workers, err, errlen) < 0 ||
	    get_bool(o, "no-dns", &c->no_dns, err, errlen) < 0 ||
	    get_bool(o, "dns-verify", &c->dns_verify, err, errlen) < 0 ||
	    get_bool(o, "force", &c->force, err, errlen) < 0)
		goto fail;
	if (c->dns_workers == 0) {
		bad(o, "dns-workers", "must be at least 1", err, errlen);
		goto fail;
	}
	if (numparse_udouble(options_get(o, "shrink-limit"), 1.0, &c->shrink_limit, why,
	    sizeof(why)) < 0) {
		bad(o, "shrink-limit", strstr(why, "maximum") ? "a share from 0 to 1" : why, err,
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

		if (get_path(o, "dns-cache", &p, err, errlen) < 0)
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
	bad(o, "ports", why, err, errlen);
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
