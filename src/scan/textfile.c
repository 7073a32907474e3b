/*
 * textfile.c: builds sd-scan's textfile from one run's report plus the values carried
 * over from the previous file, in a fixed order (golden-testable), and replaces the file.
 *
 * DESIGN: sd-scan exits after each run, so its counters live in the file itself: the
 * previous file is read back strictly (exporead) and its counters, histogram, published-
 * targets gauges and last success time are the starting point. A file that cannot be
 * trusted as a whole is not trusted in part: everything restarts from zero, which
 * Prometheus reads as a counter reset. Counters cover the union of the ports configured now
 * and the ports found in the previous file, so no counter series ever goes down.
 */
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomicfile.h"
#include "exporead.h"
#include "metricnames.h"
#include "numparse.h"
#include "readfile.h"
#include "sockmetrics.h"
#include "textfile.h"

#define NPORTS		65536
#define COUNTER_MAX	9007199254740992.0	/* 2^53: above it a double loses counts */

static const double bounds[] = SCANMETRICS_BUCKETS;
#define NBUCKETS (sizeof(bounds) / sizeof(bounds[0]))

struct portstat {
	uint64_t	 attempts, successes, timeouts;
	double		 targets;		/* in the published file */
	unsigned char	 seen, has_targets;
};

/* Everything that survives from one run to the next. */
struct carried {
	uint64_t	 scans, errors;
	uint64_t	 dns_lookups, dns_hits, dns_errors;
	uint64_t	 cum[NBUCKETS], count;
	double		 sum;
	int		 has_discovered;
	double		 discovered;
	double		 last_success;		/* 0: none known */
	struct portstat	*ports;			/* [NPORTS] */
};

static int
counter_value(double v, uint64_t *out)
{
	if (!(v >= 0 && v <= COUNTER_MAX && v == floor(v)))
		return -1;
	*out = (uint64_t)v;
	return 0;
}

static int
port_of(const struct exporead_sample *s, uint16_t *port)
{
	const char *v = exporead_label(s, "port");
	uint64_t n;
	char why[64];

	if (v == NULL || s->nlabels != 1 || v[0] == '0' ||
	    numparse_uint(v, 65535, &n, why, sizeof(why)) < 0)
		return -1;
	*port = (uint16_t)n;
	return 0;
}

static int
bucket_of(const char *le, size_t *i)
{
	char *end;
	double b;

	if (le == NULL)
		return -1;
	if (strcmp(le, "+Inf") == 0) {
		*i = NBUCKETS;
		return 0;
	}
	b = strtod(le, &end);
	if (*end != '\0' || end == le)
		return -1;
	for (*i = 0; *i < NBUCKETS; (*i)++)
		if (bounds[*i] == b)
			return 0;
	return -1;
}

/* The per-port counters: their names, and their fields in a portstat, in the same order. */
#define PERPORT_COUNTERS	3
static const char *const perport_names[PERPORT_COUNTERS] = {
	METRIC_CONNECTION_ATTEMPTS, METRIC_CONNECTION_SUCCESSES, METRIC_CONNECTION_TIMEOUTS,
};

static uint64_t *
portstat_field(struct portstat *ps, size_t i)
{
	uint64_t *const field[PERPORT_COUNTERS] = { &ps->attempts, &ps->successes, &ps->timeouts };

	return field[i];
}

/* Take one sample of the previous file into cr; NULL, or why the file is not trusted. */
static const char *
take(struct carried *cr, const struct exporead_sample *s, unsigned char *hseen)
{
	const struct { const char *name; uint64_t *field; } plain[] = {
		{ METRIC_SCANS, &cr->scans },
		{ METRIC_SCAN_ERRORS, &cr->errors },
		{ METRIC_DNS_LOOKUPS, &cr->dns_lookups },
		{ METRIC_DNS_CACHE_HITS, &cr->dns_hits },
		{ METRIC_DNS_LOOKUP_ERRORS, &cr->dns_errors },
		{ METRIC_SCAN_DURATION_COUNT, &cr->count },
	};
	uint16_t port;
	size_t b;

	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		if (strcmp(s->name, plain[i].name) == 0) {
			if (s->nlabels != 0 || counter_value(s->value, plain[i].field) < 0)
				return "a counter is not a whole number >= 0";
			if (plain[i].field == &cr->count)
				hseen[NBUCKETS + 1] = 1;
			return NULL;
		}
	for (size_t i = 0; i < PERPORT_COUNTERS; i++)
		if (strcmp(s->name, perport_names[i]) == 0) {
			if (port_of(s, &port) < 0)
				return "a per-port counter without a valid port label";
			cr->ports[port].seen = 1;
			if (counter_value(s->value, portstat_field(&cr->ports[port], i)) < 0)
				return "a counter is not a whole number >= 0";
			return NULL;
		}
	if (strcmp(s->name, METRIC_SCAN_DURATION_BUCKET) == 0) {
		if (s->nlabels != 1 || bucket_of(exporead_label(s, "le"), &b) < 0)
			return "scanner_scan_duration_seconds has other buckets than this version";
		if (b < NBUCKETS && counter_value(s->value, &cr->cum[b]) < 0)
			return "a histogram bucket is not a whole number >= 0";
		if (b == NBUCKETS && s->value != floor(s->value))
			return "a histogram bucket is not a whole number >= 0";
		hseen[b] = 1;
		return NULL;
	}
	if (strcmp(s->name, METRIC_SCAN_DURATION_SUM) == 0) {
		if (s->nlabels != 0 || !(s->value >= 0 && isfinite(s->value)))
			return "the histogram sum is not a number >= 0";
		cr->sum = s->value;
		return NULL;
	}
	if (strcmp(s->name, METRIC_TARGETS) == 0) {
		if (port_of(s, &port) < 0 || !(s->value >= 0 && isfinite(s->value)))
			return "scanner_targets_total without a valid port or value";
		cr->ports[port].has_targets = 1;
		cr->ports[port].targets = s->value;
		return NULL;
	}
	if (strcmp(s->name, METRIC_TARGETS_DISCOVERED) == 0 ||
	    strcmp(s->name, METRIC_LAST_SUCCESS) == 0) {
		if (s->nlabels != 0 || !(s->value >= 0 && isfinite(s->value)))
			return "a carried gauge is not a number >= 0";
		if (strcmp(s->name, METRIC_TARGETS_DISCOVERED) == 0) {
			cr->has_discovered = 1;
			cr->discovered = s->value;
		} else
			cr->last_success = s->value;
	}
	return NULL;	/* last-scan gauges and unknown names are not carried */
}

/* Fill cr from the previous file; -1 with why in warn when it cannot be trusted. */
static int
load_prev(struct carried *cr, const char *prev, size_t prevlen, char *warn, size_t warnlen)
{
	struct exporead r;
	unsigned char hseen[NBUCKETS + 2] = { 0 };	/* buckets, +Inf, _count */
	const char *why = NULL;
	double inf = 0;
	int any = 0;

	if (exporead_parse(prev, prevlen, &r, warn, warnlen) < 0) {
		exporead_fini(&r);
		return -1;
	}
	for (size_t i = 0; i < r.nsamples && why == NULL; i++) {
		why = take(cr, &r.samples[i], hseen);
		if (strcmp(r.samples[i].name, METRIC_SCAN_DURATION_BUCKET) == 0 &&
		    why == NULL && strcmp(exporead_label(&r.samples[i], "le"), "+Inf") == 0)
			inf = r.samples[i].value;
	}
	if (why == NULL && exporead_get(&r, METRIC_SCANS, NULL, 0, &(double){ 0 }) < 0)
		why = "no scanner_scans_total in it";
	for (size_t i = 0; i < NBUCKETS + 2; i++)
		any |= hseen[i];
	if (why == NULL && any) {
		for (size_t i = 0; i < NBUCKETS + 2; i++)
			if (!hseen[i])
				why = "scanner_scan_duration_seconds has other buckets than this version";
		for (size_t i = 1; i < NBUCKETS && why == NULL; i++)
			if (cr->cum[i] < cr->cum[i - 1])
				why = "scanner_scan_duration_seconds buckets are not cumulative";
		if (why == NULL && (inf != (double)cr->count || cr->cum[NBUCKETS - 1] > cr->count))
			why = "scanner_scan_duration_seconds +Inf bucket differs from its count";
	}
	exporead_fini(&r);
	if (why != NULL) {
		snprintf(warn, warnlen, "%s", why);
		return -1;
	}
	return 0;
}

/* Round to milliseconds: clean decimals ("1763780940.123") in the file. */
static double
ms(double v)
{
	return round(v * 1000) / 1000;
}

static int
one(struct expo *e, const char *name, enum expo_type type, const char *help, double v)
{
	if (expo_family(e, name, type, help) < 0 || expo_sample(e, NULL, 0, v) < 0)
		return -1;
	return 0;
}

/* A gauge family with one sample per probe outcome. */
static int
by_outcome(struct expo *e, const char *name, const char *help, const uint64_t *counts)
{
	if (expo_family(e, name, EXPO_GAUGE, help) < 0)
		return -1;
	for (int k = 0; k < PROBE_OUTCOMES; k++) {
		const struct expo_label l = { "outcome", prober_outcome_name(k) };

		if (expo_sample(e, &l, 1, (double)counts[k]) < 0)
			return -1;
	}
	return 0;
}

static int
per_port(struct expo *e, struct carried *cr, size_t i, const char *help)
{
	char num[8];

	if (expo_family(e, perport_names[i], EXPO_COUNTER, help) < 0)
		return -1;
	for (size_t p = 1; p < NPORTS; p++) {
		const struct expo_label l = { "port", num };

		if (!cr->ports[p].seen)
			continue;
		snprintf(num, sizeof(num), "%zu", p);
		if (expo_sample(e, &l, 1, (double)*portstat_field(&cr->ports[p], i)) < 0)
			return -1;
	}
	return 0;
}

static void
add_run(struct carried *cr, const struct scan_config *c, const struct scan_report *r)
{
	const struct prober_result *p = &r->probes;
	int ok = r->status == SCAN_OK;
	double took = r->finished - r->started;

	cr->scans++;
	cr->errors += !ok;
	if (!p->interrupted && p->done > 0) {
		took = took > 0 ? ms(took) : 0;
		for (size_t i = 0; i < NBUCKETS; i++)
			cr->cum[i] += took <= bounds[i];
		cr->count++;
		cr->sum += took;
	}
	for (size_t i = 0; i < c->ports.n; i++) {
		struct portstat *ps = &cr->ports[c->ports.ports[i]];
		const uint64_t *o;

		ps->seen = 1;
		if (p->port_outcome == NULL || p->nports != c->ports.n)
			continue;
		o = &p->port_outcome[i * PROBE_OUTCOMES];
		for (size_t k = 0; k < PROBE_OUTCOMES; k++)
			ps->attempts += o[k];
		ps->successes += o[PROBE_OPEN];
		ps->timeouts += o[PROBE_TIMEOUT];
	}
	cr->dns_lookups += r->dns_lookups;
	cr->dns_hits += r->dns_cache_hits;
	cr->dns_errors += r->dns_errors;
	if (!ok)
		return;
	/* a new targets file: its gauges replace the carried ones */
	for (size_t port = 0; port < NPORTS; port++) {
		cr->ports[port].has_targets = 0;
		cr->ports[port].targets = 0;
	}
	for (size_t i = 0; i < c->ports.n; i++)
		cr->ports[c->ports.ports[i]].has_targets = 1;
	for (size_t i = 0; i < p->nopen; i++)
		cr->ports[p->open[i].port].targets++;
	for (size_t i = 0; i < r->nkept; i++)
		cr->ports[r->kept[i].port].targets++;
	cr->has_discovered = 1;
	cr->discovered = (double)r->targets;
	cr->last_success = ms(r->finished);
}

static int
emit(struct expo *e, struct carried *cr, const struct scan_config *c,
    const struct scan_report *r)
{
	const struct prober_result *p = &r->probes;
	const struct expo_label *none = NULL;
	char num[8];
	int any_targets = 0;

	if (one(e, METRIC_SCANS, EXPO_COUNTER,
	    "Runs of sd-scan that wrote this file, whatever their outcome.",
	    (double)cr->scans) < 0 ||
	    one(e, METRIC_SCAN_ERRORS, EXPO_COUNTER,
	    "Runs of sd-scan that did not publish a new targets file (failed, interrupted, "
	    "output not writable, shrink guard).", (double)cr->errors) < 0 ||
	    expo_family(e, METRIC_SCAN_DURATION, EXPO_HISTOGRAM,
	    "Wall time of the runs that probed every target, from start to end (interrupted "
	    "runs and runs that failed before probing are not observed).") < 0 ||
	    expo_histogram(e, none, 0, bounds, cr->cum, NBUCKETS, cr->count, cr->sum) < 0)
		return -1;

	for (size_t port = 1; port < NPORTS; port++)
		any_targets |= cr->ports[port].has_targets;
	if (any_targets) {
		/* untyped, not gauge: the seed's name ends in _total, which promtool reserves
		 * for counters; PromQL treats both alike */
		if (expo_family(e, METRIC_TARGETS, EXPO_UNTYPED,
		    "Targets by port in the published targets file (a gauge, set by the last run "
		    "that published the file).") < 0)
			return -1;
		for (size_t port = 1; port < NPORTS; port++) {
			const struct expo_label l = { "port", num };

			if (!cr->ports[port].has_targets)
				continue;
			snprintf(num, sizeof(num), "%zu", port);
			if (expo_sample(e, &l, 1, cr->ports[port].targets) < 0)
				return -1;
		}
	}
	if (cr->has_discovered && one(e, METRIC_TARGETS_DISCOVERED, EXPO_GAUGE,
	    "Unique address:port targets in the published targets file.", cr->discovered) < 0)
		return -1;
	if (per_port(e, cr, 0,
	    "TCP connect probes finished, by port (a probe retried after local failures "
	    "counts once).") < 0 ||
	    per_port(e, cr, 1,
	    "TCP connect probes that completed the handshake (port open), by port.") < 0 ||
	    per_port(e, cr, 2,
	    "TCP connect probes that got no answer within the timeout, by port.") < 0 ||
	    one(e, METRIC_DNS_LOOKUPS, EXPO_COUNTER,
	    "Reverse DNS (PTR) lookups sent to the resolver.", (double)cr->dns_lookups) < 0 ||
	    one(e, METRIC_DNS_CACHE_HITS, EXPO_COUNTER,
	    "Host names taken from the PTR cache instead of a lookup.",
	    (double)cr->dns_hits) < 0 ||
	    one(e, METRIC_DNS_LOOKUP_ERRORS, EXPO_COUNTER,
	    "Reverse DNS lookups that failed or returned a rejected name.",
	    (double)cr->dns_errors) < 0)
		return -1;

	if (one(e, METRIC_LAST_SCAN_START, EXPO_GAUGE,
	    "Start of the last run, seconds since the epoch.", ms(r->started)) < 0 ||
	    one(e, METRIC_LAST_SCAN_END, EXPO_GAUGE,
	    "End of the last run, seconds since the epoch.", ms(r->finished)) < 0 ||
	    one(e, METRIC_LAST_SCAN_DURATION, EXPO_GAUGE,
	    "Wall time of the last run, from start to end.",
	    r->finished > r->started ? ms(r->finished - r->started) : 0) < 0 ||
	    one(e, METRIC_LAST_SCAN_SUCCESS, EXPO_GAUGE,
	    "1 when the last run published a new targets file, 0 when it failed or was "
	    "interrupted (the previous targets file is then still served).",
	    r->status == SCAN_OK) < 0 ||
	    one(e, METRIC_LAST_SCAN_EXIT_STATUS, EXPO_GAUGE,
	    "Exit status of the last run: 0 ok, 1 scan failed, 4 interrupted, 5 shrink guard "
	    "kept the old targets, 6 targets file not writable (see sd-scan(1)).",
	    (double)r->status) < 0 ||
	    one(e, METRIC_LAST_SUCCESS, EXPO_GAUGE,
	    "End of the last run that published the targets file, seconds since the epoch "
	    "(0: none known).", cr->last_success) < 0 ||
	    one(e, METRIC_SCAN_INTERVAL, EXPO_GAUGE,
	    "The configured interval between runs (-interval).", c->interval) < 0 ||
	    by_outcome(e, METRIC_LAST_SCAN_PROBES,
	    "Probes of the last run by outcome: open, closed (refused), unreachable (ICMP), "
	    "timeout, error (local failure after retries).", p->outcome) < 0 ||
	    one(e, METRIC_LAST_SCAN_PROBE_RATE, EXPO_GAUGE,
	    "Probes per second the last run achieved while probing.",
	    p->seconds > 0 ? ms((double)p->done / p->seconds) : 0) < 0 ||
	    by_outcome(e, METRIC_LAST_SCAN_REPROBES,
	    "Re-probes of the last run (-retries: pairs that timed out, probed again) by "
	    "outcome; open counts the targets that only a re-probe found.",
	    p->reprobe_outcome) < 0 ||
	    one(e, METRIC_LAST_SCAN_REPROBES_SKIPPED, EXPO_GAUGE,
	    "Timed-out pairs of the last run that -retry-scope answering did not probe again: "
	    "the host was silent on every port and the pair was not in the previous targets.",
	    (double)p->reprobes_skipped) < 0)
		return -1;
	if (expo_family(e, METRIC_LAST_SCAN_TARGETS, EXPO_GAUGE,
	    "Targets the last run published, by source: seen (open in this run) or grace "
	    "(missing now, kept by -grace); 0 when it published nothing.") < 0)
		return -1;
	{
		const struct expo_label seen = { "source", "seen" }, kept = { "source", "grace" };
		int ok = r->status == SCAN_OK;

		if (expo_sample(e, &kept, 1, ok ? (double)r->nkept : 0) < 0 ||
		    expo_sample(e, &seen, 1, ok ? (double)p->nopen : 0) < 0)
			return -1;
	}
	return 0;
}

/* The -sockets families after the scan's (alone with -sockets alone). */
static int
format_sockets(const struct scan_config *c, const struct scan_report *r, const char *prev,
    size_t prevlen, struct expo *out, char *warn, size_t warnlen)
{
	char why[256];

	if (!c->check_sockets || !r->sockets_checked)
		return 0;
	if (sockmetrics_format(&c->sockets, &r->sockets, r->finished, prev, prevlen, out, why,
	    sizeof(why)) < 0)
		return -1;
	if (why[0] != '\0' && warn[0] == '\0')
		snprintf(warn, warnlen, "%s", why);
	return 0;
}

int
textfile_format(const struct scan_config *c, const struct scan_report *r,
    const char *prev, size_t prevlen, struct expo *out, char *warn, size_t warnlen)
{
	struct carried cr;
	int rc;

	memset(&cr, 0, sizeof(cr));
	warn[0] = '\0';
	if (c->sockets_only)
		return format_sockets(c, r, prev, prevlen, out, warn, warnlen);
	if ((cr.ports = calloc(NPORTS, sizeof(*cr.ports))) == NULL) {
		snprintf(out->error, sizeof(out->error), "out of memory");
		errno = ENOMEM;
		return -1;
	}
	if (prev != NULL && load_prev(&cr, prev, prevlen, warn, warnlen) < 0) {
		struct portstat *ports = cr.ports;

		memset(&cr, 0, sizeof(cr));
		memset(ports, 0, NPORTS * sizeof(*ports));
		cr.ports = ports;
		if (warn[0] == '\0')
			snprintf(warn, warnlen, "out of memory");
	}
	add_run(&cr, c, r);
	rc = emit(out, &cr, c, r);
	free(cr.ports);
	if (rc == 0)
		rc = format_sockets(c, r, prev, prevlen, out, warn, warnlen);
	return rc;
}

/* The previous file into *buf: 0, 1 when there is none, -1 with why in warn. */
static int
read_prev(const char *path, char **buf, size_t *len, char *warn, size_t warnlen)
{
	struct readfile rf;

	*buf = NULL;
	*len = 0;
	if (readfile_load(path, SCANMETRICS_PREV_MAX, 0, &rf, warn, warnlen) < 0)
		return errno == ENOENT ? 1 : -1;
	*buf = rf.data;
	*len = rf.len;
	return 0;
}

int
textfile_write(const struct scan_config *c, const struct scan_report *r, char *warn,
    size_t warnlen, char *err, size_t errlen)
{
	struct expo e;
	char *prev, why[256];
	size_t prevlen;
	int rc = -1;

	warn[0] = '\0';
	switch (read_prev(c->metrics_file, &prev, &prevlen, why, sizeof(why))) {
	case 1:		/* the first run: nothing to warn about (sd-scan logs it as info) */
		break;
	case -1:
		snprintf(warn, warnlen, "cannot read the previous metrics file %s; counters "
		    "start from zero", why);
		break;
	}
	expo_init(&e);
	if (textfile_format(c, r, prev, prevlen, &e, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "metrics for %s: %s", c->metrics_file, e.error);
		goto out;
	}
	if (why[0] != '\0')
		snprintf(warn, warnlen, "previous metrics file %s not trusted (%s); counters and "
		    "the duration histogram start from zero", c->metrics_file, why);
	(void)atomicfile_sweep(c->metrics_file);
	if ((rc = atomicfile_write(c->metrics_file, e.buf, e.len, 0644, err, errlen)) < 0)
		goto out;
	if (rc == ATOMICFILE_UNSYNCED) {
		size_t used = strlen(warn);

		snprintf(warn + used, warnlen - used, "%s%s", used ? "; " : "", err);
	}
	rc = 0;
out:
	expo_fini(&e);
	free(prev);
	return rc;
}
