/*
 * scan.c: the steps of one run, in order, each logging what it did. Exit-status policy lives
 * in the enum. The files touched are the targets file, the PTR cache (rdns) and, from
 * main.c, the metrics textfile: each replaced atomically.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "atomicfile.h"
#include "clock.h"
#include "log.h"
#include "numparse.h"
#include "progress.h"
#include "ptrcache.h"
#include "rdns.h"
#include "readfile.h"
#include "resolver.h"
#include "scan.h"
#include "silentmap.h"
#include "shrinkguard.h"
#include "targets.h"

#define FD_RESERVE 64	/* descriptors kept for logs, files, DNS */

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
	struct rdns_resolver *resolver = NULL;
	struct ptrcache *cache = NULL;
	struct ptrcache_stats st;
	cidr_ip *addrs = NULL;
	int64_t now = (int64_t)clock_wall();
	char err[512], ip[CIDR_IP_LEN];
	int missing, saved;

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
	if ((resolver = resolver_new(err, sizeof(err))) == NULL) {
		log_warn("reverse DNS skipped: %s", err);
		goto out;
	}
	rc.resolver = resolver;
	if (rdns_resolve(&rc, cache, addrs, n, now, names, err, sizeof(err)) < 0) {
		log_warn("reverse DNS failed, targets keep their IPs: %s", err);
		goto out;
	}
	for (size_t i = 0; i < names->n; i++) {
		const struct rdns_answer *a = &names->v[i];

		cidr_format_ip(a->addr, ip, sizeof(ip));
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
	if (r->dns_lookups)
		log_debug("reverse DNS: at most %u lookups in flight (-dns-workers %u), %llu asked "
		    "again", names->max_in_flight, c->dns_workers,
		    (unsigned long long)names->asked_again);
	if (names->outcome[RDNS_UNFINISHED])
		log_warn("%llu reverse lookups had no answer within -dns-timeout %gs (DNS server slow "
		    "or unreachable?); those targets use their IPs",
		    (unsigned long long)names->outcome[RDNS_UNFINISHED], c->dns_timeout);
	log_info("reverse DNS of %zu hosts: %llu from the cache, %llu lookups, %llu errors "
	    "(%llu without a name, %llu names rejected, %llu not verified, %llu unfinished) "
	    "in %.3fs", names->n, (unsigned long long)r->dns_cache_hits, (unsigned long long)r->dns_lookups,
	    (unsigned long long)r->dns_errors, (unsigned long long)names->outcome[RDNS_NONE],
	    (unsigned long long)names->outcome[RDNS_REJECTED],
	    (unsigned long long)names->outcome[RDNS_UNVERIFIED],
	    (unsigned long long)names->outcome[RDNS_UNFINISHED], names->seconds);
	if ((saved = ptrcache_save(cache, c->dns_cache, now, err, sizeof(err))) < 0)
		log_warn("PTR cache not saved, the next run looks names up again: %s", err);
	else if (saved == ATOMICFILE_UNSYNCED)
		log_warn("%s", err);
	else
		log_debug("PTR cache %s: %zu entries saved", c->dns_cache, ptrcache_count(cache));
out:
	resolver_free(resolver);
	free(addrs);
	ptrcache_free(cache);
}

/*
 * -retry-scope answering: was the pair of a probe index open in the previous targets file
 * (the one this run replaces)? Read on the first question only, so a scan whose silent
 * pairs all belong to answering hosts never reads it; an unreadable file knows no pair.
 */
struct previous_open {
	const struct scan_config	*c;
	const struct probegen		*gen;
	pthread_mutex_t			 mu;	/* the workers ask at once: one loads */
	atomic_int			 loaded;	/* set under mu, after the load */
	struct grace_entry		*v;	/* sorted by port, then address */
	size_t				 n;
};

static void
previous_load(struct previous_open *p)
{
	struct readfile rf;
	char err[600], why[400];

	if (readfile_load(p->c->output, GRACE_MAX_BYTES, 0, &rf, err, sizeof(err)) < 0) {
		if (errno != ENOENT)
			log_warn("-retry-scope: previous targets file unreadable, its targets are not "
			    "re-probed: %s", err);
		return;
	}
	if (grace_parse_pairs(rf.data, rf.len, &p->v, &p->n, why, sizeof(why)) < 0)
		log_warn("-retry-scope: previous targets file %s: %s; its targets are not re-probed",
		    p->c->output, why);
	else
		log_debug("-retry-scope: %zu targets in the previous file %s", p->n, p->c->output);
	free(rf.data);
}

static int
previous_has(void *ctx, uint64_t index)
{
	struct previous_open *p = ctx;
	cidr_ip addr;
	uint16_t port;

	/* asked at every timeout: the lock only until the file is loaded */
	if (!atomic_load_explicit(&p->loaded, memory_order_acquire)) {
		(void)pthread_mutex_lock(&p->mu);
		if (!atomic_load_explicit(&p->loaded, memory_order_relaxed)) {
			previous_load(p);
			atomic_store_explicit(&p->loaded, 1, memory_order_release);
		}
		(void)pthread_mutex_unlock(&p->mu);
	}
	if (p->n == 0)
		return 0;
	probegen_get(p->gen, index, &addr, &port);
	return grace_find(p->v, p->n, addr, port) != NULL;
}

static int
in_scope(void *ctx, cidr_ip addr, uint16_t port)
{
	const struct scan_config *c = ctx;

	return addrset_contains(&c->hosts, addr) && portlist_contains(&c->ports, port);
}

/*
 * -grace: the targets of the previous file that this scan did not find and that were seen
 * within the grace period go to r->kept. A previous file that cannot be read as sd-scan's
 * own (with last-seen times) costs a warning and keeps nothing; it is never fatal.
 */
static void
keep_by_grace(const struct scan_config *c, struct scan_report *r)
{
	struct grace_entry *prev = NULL;
	struct readfile rf;
	size_t nprev = 0;
	char err[600], why[400];

	if (c->grace <= 0)
		return;
	if (readfile_load(c->output, GRACE_MAX_BYTES, 0, &rf, err, sizeof(err)) < 0) {
		if (errno != ENOENT)
			log_warn("grace period: previous targets file unreadable, nothing kept: %s", err);
		return;
	}
	if (grace_parse(rf.data, rf.len, &prev, &nprev, why, sizeof(why)) < 0)
		log_warn("grace period: previous targets file %s: %s; nothing kept this run", c->output,
		    why);
	else if (grace_select(prev, nprev, r->probes.open, r->probes.nopen, (int64_t)r->started,
	    c->grace, in_scope, (void *)(uintptr_t)c, &r->kept, &r->nkept, &r->grace_expired) < 0)
		log_warn("grace period: out of memory, nothing kept");
	else if (r->nkept > 0 || r->grace_expired > 0)
		log_info("grace period %gs: kept %zu target(s) missing from this scan, dropped %zu "
		    "not seen for longer", c->grace, r->nkept, r->grace_expired);
	free(prev);
	free(rf.data);
}

/* Seen (sorted) and kept (sorted) into one list sorted by port, then address. */
static void
merge_targets(const struct scan_report *r, struct target *t, char (*seen_at)[GRACE_TIME_LEN + 1],
    int with_time)
{
	const struct prober_result *p = &r->probes;
	size_t i = 0, k = 0, n = 0;

	while (i < p->nopen || k < r->nkept) {
		int take_seen = k == r->nkept || (i < p->nopen &&
		    (p->open[i].port != r->kept[k].port ? p->open[i].port < r->kept[k].port :
		    cidr_ip_cmp(p->open[i].addr, r->kept[k].addr) < 0));

		if (take_seen) {
			t[n].addr = p->open[i].addr;
			t[n].port = p->open[i].port;
			grace_format_time((int64_t)r->started, seen_at[n], sizeof(seen_at[n]));
			i++;
		} else {
			t[n].addr = r->kept[k].addr;
			t[n].port = r->kept[k].port;
			grace_format_time(r->kept[k].last_seen, seen_at[n], sizeof(seen_at[n]));
			k++;
		}
		t[n].last_seen = with_time ? seen_at[n] : NULL;
		n++;
	}
}

static enum scan_status
publish(const struct scan_config *c, struct scan_report *r)
{
	size_t n = r->probes.nopen + r->nkept;
	struct target *t = NULL;
	char (*seen_at)[GRACE_TIME_LEN + 1] = NULL;
	struct rdns_result names = { 0 };
	char *json = NULL, err[512];
	size_t len;
	enum scan_status st = SCAN_OUTPUT;

	if (n && ((t = calloc(n, sizeof(*t))) == NULL ||
	    (seen_at = calloc(n, sizeof(*seen_at))) == NULL)) {
		log_error("out of memory building %zu targets", n);
		free(t);
		return SCAN_FAILED;
	}
	merge_targets(r, t, seen_at, c->grace > 0);
	for (size_t i = 0; i < n; i++)
		t[i].port_name = portlist_name(&c->ports, t[i].port);
	resolve_names(c, r, t, n, &names);
	if (targets_format_labels(t, n, c->labels.v, c->labels.n, &json, &len) < 0) {
		log_error("out of memory rendering %zu targets", n);
		st = SCAN_FAILED;
		goto out;
	}
	switch (atomicfile_write(c->output, json, len, 0644, err, sizeof(err))) {
	case -1:
		log_error("targets file not written, the previous one is kept: %s", err);
		goto out;
	case ATOMICFILE_UNSYNCED:
		log_warn("%s", err);
		break;
	}
	r->targets = n;
	if (r->nkept > 0)
		log_info("wrote %zu targets to %s (%zu bytes): %zu seen in this scan, %zu kept by "
		    "-grace", n, c->output, len, r->probes.nopen, r->nkept);
	else
		log_info("wrote %zu targets to %s (%zu bytes)", n, c->output, len);
	st = SCAN_OK;
out:
	free(json);
	free(t);
	free(seen_at);
	rdns_result_fini(&names);
	return st;
}

/* The shrink guard: 0 when the previous file must stay (see shrinkguard.h). */
static int
shrink_guard_allows(const struct scan_config *c, const struct scan_report *r)
{
	size_t before;
	char err[512], kept[64];

	if (c->shrink_limit <= 0 || c->force)
		return 1;
	if (shrinkguard_count_file(c->output, &before, err, sizeof(err)) < 0) {
		log_warn("shrink guard: previous targets file unreadable, replacing it: %s", err);
		return 1;
	}
	if (shrinkguard_allows(before, r->probes.nopen, c->shrink_limit, c->force))
		return 1;
	snprintf(kept, sizeof(kept), " (%zu more kept by -grace do not count)", r->nkept);
	log_error("shrink guard: this scan found %zu targets, fewer than %g of the %zu in %s%s; "
	    "keeping that file (run with -force to replace it, or set -shrink-limit)",
	    r->probes.nopen, c->shrink_limit, before, c->output, r->nkept ? kept : "");
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

	/* the re-probes first: "scan done" stays the run's last line (tail -1 of a log) */
	if (p->reprobes > 0 || p->reprobes_skipped > 0)
		log_info("re-probes of timeouts (-retries): %llu made, %llu skipped by -retry-scope "
		    "(host silent on every port, not in the previous targets), found %llu open, "
		    "%llu closed, %llu unreachable; %llu timed out again",
		    (unsigned long long)p->reprobes, (unsigned long long)p->reprobes_skipped,
		    (unsigned long long)p->reprobe_outcome[PROBE_OPEN],
		    (unsigned long long)p->reprobe_outcome[PROBE_CLOSED],
		    (unsigned long long)p->reprobe_outcome[PROBE_UNREACHABLE],
		    (unsigned long long)p->reprobe_outcome[PROBE_TIMEOUT]);
	log_info("scan %s: %llu probes, %llu open, %llu closed, %llu unreachable, %llu timeouts, "
	    "%llu local errors (%llu retries), %s, %.0f probes/s",
	    summary_word(r), (unsigned long long)p->done,
	    (unsigned long long)p->outcome[PROBE_OPEN], (unsigned long long)p->outcome[PROBE_CLOSED],
	    (unsigned long long)p->outcome[PROBE_UNREACHABLE],
	    (unsigned long long)p->outcome[PROBE_TIMEOUT], (unsigned long long)p->outcome[PROBE_ERROR],
	    (unsigned long long)p->retries, numparse_format_duration(p->seconds, took, sizeof(took)),
	    p->seconds > 0 ? (double)p->done / p->seconds : 0.0);
}

static void
format_rate(double per_sec, char *buf, size_t len)
{
	if (per_sec > 0)
		snprintf(buf, len, "%g/s", per_sec);
	else
		snprintf(buf, len, "unlimited");
}

/* The network scan and the targets file: the status of the run. */
static enum scan_status
scan_networks(const struct scan_config *c, const volatile sig_atomic_t *stop,
    struct scan_report *r)
{
	struct probegen gen;
	struct prober_config pc;
	struct prober_counters live = { 0 };
	struct previous_open prev = { .c = c, .gen = &gen, .mu = PTHREAD_MUTEX_INITIALIZER };
	struct progress *progress = NULL;
	char err[1024], rate[32];
	int swept, ran;

	r->status = SCAN_OUTPUT;
	if (!output_writable(c->output))
		goto done;
	if ((swept = atomicfile_sweep(c->output)) > 0)
		log_info("removed %d temp file(s) of %s left by dead runs", swept, c->output);

	for (size_t i = 0; i < c->names.n; i++)
		log_debug("host name %s", netnames_describe(&c->names.v[i], err, sizeof(err)));
	probegen_init(&gen, &c->hosts, &c->ports);
	probegen_arrange(&gen, c->order_random, c->seed, c->shard, c->shards);
	r->inflight = size_inflight(c);
	r->workers = c->workers < r->inflight ? c->workers : r->inflight;
	pc = (struct prober_config){ .gen = &gen, .workers = r->workers, .inflight = r->inflight,
	    .timeout = c->timeout, .rate = c->rate, .retries = c->retries,
	    .retry_scope = c->retry_scope, .was_open = previous_has, .was_open_ctx = &prev,
	    .stop = stop };
	format_rate(c->rate, rate, sizeof(rate));
	log_info("scanning %llu address%s x %zu port%s = %llu probes: %u workers, %u in flight, "
	    "rate %s, timeout %gs, %u retr%s (scope %s)", (unsigned long long)c->hosts.total,
	    c->hosts.total == 1 ? "" : "es", c->ports.n, c->ports.n == 1 ? "" : "s",
	    (unsigned long long)gen.space, r->workers, r->inflight, rate, c->timeout, c->retries,
	    c->retries == 1 ? "y" : "ies", c->retry_scope == REPROBE_SCOPE_ALL ? "all" : "answering");
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
	if (ran == 0 && r->probes.scope_unmapped)
		log_warn("-retry-scope answering: %llu probes are more than its map of silent "
		    "pairs holds (%llu) or it found no memory; every timeout was probed again",
		    (unsigned long long)gen.space, (unsigned long long)SILENTMAP_MAX_PROBES);
	progress_stop(progress);
	free(prev.v);
	if (ran < 0) {
		log_error("scan failed: %s", err);
		goto done;
	}
	if (r->probes.no_ipv6 > 0)
		log_warn("this host has no IPv6 (socket: %s): %llu IPv6 probes counted unreachable",
		    strerror(EAFNOSUPPORT), (unsigned long long)r->probes.no_ipv6);
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
	keep_by_grace(c, r);
	if (!shrink_guard_allows(c, r)) {
		r->status = SCAN_SHRUNK;
		goto done;
	}
	r->status = publish(c, r);
done:
	log_summary(r);
	return r->status;
}

#define RESOLVE_WARN_MAX 10	/* unresolved names logged one by one; the rest are counted */

static void
log_sockets(const struct scan_config *c, const struct sockcheck_result *s)
{
	const struct sockets_list *l = &c->sockets;
	size_t warned = 0;
	char took[32];

	for (size_t i = 0; i < l->n; i++) {
		const struct sockets_entry *e = &l->v[i];

		if (s->status[i] == SOCKCHECK_RESOLVE && warned++ < RESOLVE_WARN_MAX)
			log_warn("socket %s (line %d): host %s does not resolve: %s; reported down",
			    e->name, e->line, e->host, gai_strerror(s->detail[i]));
		else if (s->status[i] != SOCKCHECK_UP)
			log_debug("socket %s %s port %u %s: %s", e->name, e->host, e->port,
			    sockets_proto_name(e->proto),
			    sockcheck_status_name((enum sockcheck_status)s->status[i]));
	}
	if (warned > RESOLVE_WARN_MAX)
		log_warn("%zu more socket hosts do not resolve", warned - RESOLVE_WARN_MAX);
	if (s->ping_denied > 0)
		log_warn("ICMP echo is not allowed for this process's group (sysctl "
		    "net.ipv4.ping_group_range): %llu ip/ip4/ip6 socket%s reported down",
		    (unsigned long long)s->ping_denied, s->ping_denied == 1 ? "" : "s");
	log_info("sockets %s: %llu of %zu checked, %llu up, %llu refused, %llu timeouts, "
	    "%llu unreachable, %llu unresolved, %llu local errors (%llu retries), %s",
	    s->interrupted ? "interrupted" : "done", (unsigned long long)s->checked, l->n,
	    (unsigned long long)s->count[SOCKCHECK_UP],
	    (unsigned long long)s->count[SOCKCHECK_REFUSED],
	    (unsigned long long)s->count[SOCKCHECK_TIMEOUT],
	    (unsigned long long)s->count[SOCKCHECK_UNREACHABLE],
	    (unsigned long long)s->count[SOCKCHECK_RESOLVE],
	    (unsigned long long)s->count[SOCKCHECK_LOCAL], (unsigned long long)s->retries,
	    numparse_format_duration(s->seconds_total, took, sizeof(took)));
}

/* The -sockets checks into r->sockets: SCAN_OK, SCAN_INTERRUPTED or SCAN_FAILED. */
static enum scan_status
check_sockets(const struct scan_config *c, const volatile sig_atomic_t *stop,
    struct scan_report *r)
{
	struct sockcheck_config sc = { .list = &c->sockets, .rate = c->rate,
	    .resolvers = c->dns_workers, .stop = stop };
	unsigned want = c->inflight ? c->inflight : sockcheck_default_inflight(&c->sockets, c->rate);
	char err[256], rate[32];

	sc.inflight = prober_fit_fd_limit(want, FD_RESERVE);
	if (sc.inflight < want)
		log_warn("file descriptor limit allows %u socket checks in flight, not %u",
		    sc.inflight, want);
	sc.workers = c->workers < sc.inflight ? c->workers : sc.inflight;
	format_rate(c->rate, rate, sizeof(rate));
	log_info("checking %zu socket%s of %s: %u workers, %u in flight, rate %s, timeouts up "
	    "to %gs", c->sockets.n, c->sockets.n == 1 ? "" : "s", c->sockets_path,
	    sc.workers, sc.inflight, rate, c->sockets.max_timeout);
	r->sockets_checked = 1;
	if (sockcheck_run(&sc, &r->sockets, err, sizeof(err)) < 0) {
		log_error("socket checks failed: %s", err);
		r->sockets_checked = 0;
		return SCAN_FAILED;
	}
	log_sockets(c, &r->sockets);
	return r->sockets.interrupted ? SCAN_INTERRUPTED : SCAN_OK;
}

enum scan_status
scan_run(const struct scan_config *c, const volatile sig_atomic_t *stop,
    struct scan_report *r)
{
	enum scan_status st = SCAN_OK;

	memset(r, 0, sizeof(*r));
	r->started = clock_wall();
	r->status = SCAN_OK;
	if (!c->sockets_only)
		r->status = scan_networks(c, stop, r);
	/* the sockets are checked whatever the scan found: their status is data of its own */
	if (c->check_sockets && !*stop)
		st = check_sockets(c, stop, r);
	if (c->sockets_only)
		r->status = st;
	else if (r->status == SCAN_OK && st == SCAN_INTERRUPTED)
		r->status = SCAN_INTERRUPTED;
	r->finished = clock_wall();
	return r->status;
}

void
scan_report_fini(struct scan_report *r)
{
	prober_result_fini(&r->probes);
	sockcheck_result_fini(&r->sockets);
	free(r->kept);
	r->kept = NULL;
	r->nkept = 0;
}
