/*
 * scan.c: the steps of one run, in order, each logging what it did. Exit-status policy lives
 * in the enum; the files touched are only the targets file (and later the PTR cache and the
 * metrics textfile), each replaced atomically.
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

static enum scan_status
publish(const struct scan_config *c, struct scan_report *r)
{
	const struct prober_result *p = &r->probes;
	struct target *t = NULL;
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

static void
log_summary(const struct scan_report *r)
{
	const struct prober_result *p = &r->probes;
	char took[32];

	log_info("scan %s: %llu probes, %llu open, %llu closed, %llu unreachable, %llu timeouts, "
	    "%llu local errors (%llu retries), %s, %.0f probes/s",
	    r->status == SCAN_OK ? "done" : "incomplete", (unsigned long long)p->done,
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
	char err[256], rate[32];
	int swept;

	memset(r, 0, sizeof(*r));
	r->started = wall_now();
	r->status = SCAN_OUTPUT;
	if (!output_writable(c->output))
		goto done;
	if ((swept = atomicfile_sweep(c->output)) > 0)
		log_info("removed %d temp file(s) of %s left by dead runs", swept, c->output);

	probegen_init(&gen, &c->hosts, &c->ports);
	r->inflight = size_inflight(c);
	r->workers = c->workers < r->inflight ? c->workers : r->inflight;
	pc = (struct prober_config){ .gen = &gen, .workers = r->workers, .inflight = r->inflight,
	    .timeout = c->timeout, .rate = c->rate, .stop = stop };
	if (c->rate > 0)
		snprintf(rate, sizeof(rate), "%g/s", c->rate);
	else
		snprintf(rate, sizeof(rate), "unlimited");
	log_info("scanning %llu addresses x %zu ports = %llu probes: %u workers, %u in flight, "
	    "rate %s, timeout %gs", (unsigned long long)c->hosts.total, c->ports.n,
	    (unsigned long long)gen.total, r->workers, r->inflight, rate, c->timeout);

	r->status = SCAN_FAILED;
	if (prober_run(&pc, &r->probes, err, sizeof(err)) < 0) {
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
