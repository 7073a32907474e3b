/*
 * scan.c: the steps of one run, in order, each logging what it did. Exit-status policy lives
 * in the enum. The files touched are the targets file, the PTR cache (rdns) and, from
 * scan_main.c, the metrics textfile: each replaced atomically.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "log.h"
#include "numparse.h"
#include "progress.h"
#include "ptrcache.h"
#include "rdns.h"
#include "scan.h"
#include "shrinkguard.h"
#include "targets.h"

#define FD_RESERVE 64	/* descriptors kept for logs, files, DNS */

static double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Fail before probing when the output could never be written: no wasted scan. */
static int
output_writable(const char *path)
{
	char dir[4096];

	if (access(atomicfile_dirname(path, dir, sizeof(dir)), W_OK | X_OK) < 0) {
		log_error("cannot write the targets file %s: directory %s: %s", path, dir,
		    strerror(errno));
		return 0;
	}
	return 1;
}

static unsigned
size_inflight(const struct scan_config *c)
{
	unsigned want = c->inflight ? c->inflight : prober_default_inflight(c->rate, c->timeout);
	unsigned got = prober_fit_fd_limit(want, FD_RESERVE);

	if (got < want)
		log_warn("file descriptor limit allows %u probes in flight, not %u; the scan runs "
		    "slower (raise it with ulimit -n or LimitNOFILE=)", got, want);
	return got;
}

/* Log one cache load; a damaged file costs a warning, never the run. */
static void
log_cache_load(const char *path, const struct ptrcache_stats *st, int missing)
{
	if (missing)
		log_info("PTR cache %s does not exist yet; it starts empty", path);
	else if (st->bad > 0 && st->first_bad_line > 0)
		log_warn("PTR cache %s: skipped %zu bad line(s) of %zu (first: line %zu: %s)", path,
		    st->bad, st->lines, st->first_bad_line, st->first_bad);
	else if (st->bad > 0)
		log_warn("PTR cache %s: %s", path, st->first_bad);
	log_debug("PTR cache %s: %zu entries loaded, %zu expired", path, st->loaded, st->expired);
}

/*
 * Reverse DNS of the n open targets through the PTR cache file: sets t[].hostname (borrowed
 * from names, which the caller frees after rendering) and the report's DNS counters. Any
 * failure here only costs names: the targets fall back to their IPs.
 */
static void
resolve_names(const struct scan_config *c, struct scan_report *r, struct target *t, size_t n,
    struct rdns_result *names)
{
	struct rdns_config rc = { .timeout = c->dns_timeout, .workers = c->dns_workers,
	    .ttl = (int64_t)c->dns_ttl, .negative_ttl = (int64_t)c->dns_negative_ttl,
	    .verify = c->dns_verify };
	struct ptrcache *cache = NULL;
	struct ptrcache_stats st;
	uint32_t *addrs = NULL;
	int64_t now = (int64_t)wall_now();
	char err[512], ip[16];
	int missing;

	if (c->no_dns || n == 0)
		return;
	if ((cache = ptrcache_new()) == NULL || (addrs = calloc(n, sizeof(*addrs))) == NULL) {
		log_warn("reverse DNS skipped: out of memory");
		goto out;
	}
	if (atomicfile_sweep(c->dns_cache) > 0)
		log_info("removed temp files of %s left by dead runs", c->dns_cache);
	if (ptrcache_load(cache, c->dns_cache, now, &st, &missing, err, sizeof(err)) < 0)
		log_warn("%s; looking every name up", err);
	else
		log_cache_load(c->dns_cache, &st, missing);
	for (size_t i = 0; i < n; i++)
		addrs[i] = t[i].addr;
	if (rdns_resolve(&rc, cache, addrs, n, now, names, err, sizeof(err)) < 0) {
		log_warn("reverse DNS failed, targets keep their IPs: %s", err);
		goto out;
	}
	for (size_t i = 0; i < names->n; i++) {
		const struct rdns_answer *a = &names->v[i];

		cidr_format_addr(a->addr, ip, sizeof(ip));
		if (a->outcome == RDNS_REJECTED || a->outcome == RDNS_UNVERIFIED)
			log_warn("reverse DNS of %s: %s; using the IP", ip, a->detail);
		else if (a->outcome == RDNS_NONE && strcmp(a->detail, "no PTR record") != 0)
			log_info("reverse DNS of %s: %s; using the IP", ip, a->detail);
		else
			log_debug("reverse DNS of %s: %s", ip, a->detail);
	}
	for (size_t i = 0; i < n; i++)
		t[i].hostname = rdns_name(names, t[i].addr);
	r->dns_lookups = names->lookups;
	r->dns_cache_hits = names->cache_hits;
	r->dns_errors = names->errors;
	if (names->outcome[RDNS_UNFINISHED])
		log_warn("%llu reverse lookups had no answer within -dns-timeout %gs (DNS server slow "
		    "or unreachable?); those targets use their IPs",
		    (unsigned long long)names->outcome[RDNS_UNFINISHED], c->dns_timeout);
	log_info("reverse DNS of %zu hosts: %llu from the cache, %llu lookups, %llu errors "
	    "(%llu without a name, %llu names rejected, %llu not verified, %llu unfinished)",
	    names->n, (unsigned long long)r->dns_cache_hits, (unsigned long long)r->dns_lookups,
	    (unsigned long long)r->dns_errors, (unsigned long long)names->outcome[RDNS_NONE],
	    (unsigned long long)names->outcome[RDNS_REJECTED],
	    (unsigned long long)names->outcome[RDNS_UNVERIFIED],
	    (unsigned long long)names->outcome[RDNS_UNFINISHED]);
	if (ptrcache_save(cache, c->dns_cache, now, err, sizeof(err)) < 0)
		log_warn("PTR cache not saved, the next run looks names up again: %s", err);
	else
		log_debug("PTR cache %s: %zu entries saved", c->dns_cache, ptrcache_count(cache));
out:
	free(addrs);
	ptrcache_free(cache);
}

static enum scan_status
publish(const struct scan_config *c, struct scan_report *r)
{
	const struct prober_result *p = &r->probes;
	struct target *t = NULL;
	struct rdns_result names = { 0 };
	char *json = NULL, err[512];
	size_t len;
	enum scan_status st = SCAN_OUTPUT;

	if (p->nopen && (t = calloc(p->nopen, sizeof(*t))) == NULL) {
		log_error("out of memory building %zu targets", p->nopen);
		return SCAN_FAILED;
	}
	for (size_t i = 0; i < p->nopen; i++) {
		t[i].addr = p->open[i].addr;
		t[i].port = p->open[i].port;
	}
	resolve_names(c, r, t, p->nopen, &names);
	if (targets_format(t, p->nopen, &json, &len) < 0) {
		log_error("out of memory rendering %zu targets", p->nopen);
		st = SCAN_FAILED;
		goto out;
	}
	if (atomicfile_write(c->output, json, len, 0644, err, sizeof(err)) < 0) {
		log_error("targets file not written, the previous one is kept: %s", err);
		goto out;
	}
	r->targets = p->nopen;
	log_info("wrote %zu targets to %s (%zu bytes)", p->nopen, c->output, len);
	st = SCAN_OK;
out:
	free(json);
	free(t);
	rdns_result_fini(&names);
	return st;
}

/* The shrink guard: 0 when the previous file must stay (see shrinkguard.h). */
static int
shrink_guard_allows(const struct scan_config *c, const struct scan_report *r)
{
	size_t before;
	char err[512];

	if (c->shrink_limit <= 0 || c->force)
		return 1;
	if (shrinkguard_count_file(c->output, &before, err, sizeof(err)) < 0) {
		log_warn("shrink guard: previous targets file unreadable, replacing it: %s", err);
		return 1;
	}
	if (shrinkguard_allows(before, r->probes.nopen, c->shrink_limit, c->force))
		return 1;
	log_error("shrink guard: this scan found %zu targets, fewer than %g of the %zu in %s; "
	    "keeping that file (run with -force to replace it, or set -shrink-limit)",
	    r->probes.nopen, c->shrink_limit, before, c->output);
	return 0;
}

/* How the run ended, in words: a scan that probed everything says so, whatever followed. */
static const char *
summary_word(const struct scan_report *r)
{
	switch (r->status) {
	case SCAN_OK:
		return "done";
	case SCAN_SHRUNK:
		return "complete, but the shrink guard kept the previous targets file";
	case SCAN_OUTPUT:
		return r->probes.done > 0 ? "complete, but the targets file could not be written" :
		    "not started: the targets file cannot be written";
	default:
		return "incomplete";
	}
}

static void
log_summary(const struct scan_report *r)
{
	const struct prober_result *p = &r->probes;
	char took[32];

	log_info("scan %s: %llu probes, %llu open, %llu closed, %llu unreachable, %llu timeouts, "
	    "%llu local errors (%llu retries), %s, %.0f probes/s",
	    summary_word(r), (unsigned long long)p->done,
	    (unsigned long long)p->outcome[PROBE_OPEN], (unsigned long long)p->outcome[PROBE_CLOSED],
	    (unsigned long long)p->outcome[PROBE_UNREACHABLE],
	    (unsigned long long)p->outcome[PROBE_TIMEOUT], (unsigned long long)p->outcome[PROBE_ERROR],
	    (unsigned long long)p->retries, numparse_format_duration(p->seconds, took, sizeof(took)),
	    p->seconds > 0 ? (double)p->done / p->seconds : 0.0);
}

enum scan_status
scan_run(const struct scan_config *c, const volatile sig_atomic_t *stop,
    struct scan_report *r)
{
	struct probegen gen;
	struct prober_config pc;
	struct prober_counters live = { 0 };
	struct progress *progress = NULL;
	char err[256], rate[32];
	int swept, ran;

	memset(r, 0, sizeof(*r));
	r->started = wall_now();
	r->status = SCAN_OUTPUT;
	if (!output_writable(c->output))
		goto done;
	if ((swept = atomicfile_sweep(c->output)) > 0)
		log_info("removed %d temp file(s) of %s left by dead runs", swept, c->output);

	probegen_init(&gen, &c->hosts, &c->ports);
	probegen_arrange(&gen, c->order_random, c->seed, c->shard, c->shards);
	r->inflight = size_inflight(c);
	r->workers = c->workers < r->inflight ? c->workers : r->inflight;
	pc = (struct prober_config){ .gen = &gen, .workers = r->workers, .inflight = r->inflight,
	    .timeout = c->timeout, .rate = c->rate, .stop = stop };
	if (c->rate > 0)
		snprintf(rate, sizeof(rate), "%g/s", c->rate);
	else
		snprintf(rate, sizeof(rate), "unlimited");
	log_info("scanning %llu address%s x %zu port%s = %llu probes: %u workers, %u in flight, "
	    "rate %s, timeout %gs", (unsigned long long)c->hosts.total,
	    c->hosts.total == 1 ? "" : "es", c->ports.n, c->ports.n == 1 ? "" : "s",
	    (unsigned long long)gen.space, r->workers, r->inflight, rate, c->timeout);
	{
		char order[64] = "sequential";

		if (c->order_random)
			snprintf(order, sizeof(order), "random, seed %llu",
			    (unsigned long long)c->seed);
		log_info("order %s; shard %u/%u sends %llu of them", order, c->shard, c->shards,
		    (unsigned long long)gen.total);
	}

	r->status = SCAN_FAILED;
	if (c->progress) {
		pc.counters = &live;
		if ((progress = progress_start(stderr, gen.total, &live, err, sizeof(err))) == NULL)
			log_warn("no progress display: %s", err);
	}
	ran = prober_run(&pc, &r->probes, err, sizeof(err));
	progress_stop(progress);
	if (ran < 0) {
		log_error("scan failed: %s", err);
		goto done;
	}
	if (r->probes.interrupted) {
		log_warn("scan interrupted after %llu of %llu probes; the targets file is kept as it "
		    "was", (unsigned long long)r->probes.done, (unsigned long long)gen.total);
		r->status = SCAN_INTERRUPTED;
		goto done;
	}
	if (r->probes.outcome[PROBE_ERROR] > 0) {
		log_error("%llu probes failed locally after %d attempts each (file descriptors, "
		    "ephemeral ports or buffers exhausted); the targets file is kept as it was",
		    (unsigned long long)r->probes.outcome[PROBE_ERROR], PROBER_RETRY_MAX);
		goto done;
	}
	if (!shrink_guard_allows(c, r)) {
		r->status = SCAN_SHRUNK;
		goto done;
	}
	r->status = publish(c, r);
done:
	r->finished = wall_now();
	log_summary(r);
	return r->status;
}

void
scan_report_fini(struct scan_report *r)
{
	prober_result_fini(&r->probes);
}
