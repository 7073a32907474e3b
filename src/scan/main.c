/*
 * main.c: sd-scan's entry point. Wires options, logging, the lock and signals to one
 * scan_run, and maps the outcome to the exit status (see sd-scan(1)).
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lockfile.h"
#include "log.h"
#include "options.h"
#include "plan.h"
#include "preflight.h"
#include "scan.h"
#include "scan_config.h"
#include "textfile.h"

#define EXIT_USAGE	2
#define EXIT_LOCKED	3
#define EXIT_METRICS	7	/* the run itself succeeded; its metrics textfile was not written */

static volatile sig_atomic_t stop_requested;

static void
on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void
warn_note(void *ctx, const char *msg)
{
	(void)ctx;
	log_warn("%s", msg);
}

/* What each exclusion removed (debug), and all of them together. */
static void
log_exclusions(const struct scan_config *conf)
{
	const struct exclusions *ex = &conf->excludes;
	char where[300];

	if (ex->n == 0)
		return;
	for (size_t i = 0; i < ex->n; i++)
		log_debug("exclusion %s (%s) removes %llu address%s", ex->v[i].text,
		    exclude_where(ex, &ex->v[i], where, sizeof(where)),
		    (unsigned long long)ex->v[i].removed, ex->v[i].removed == 1 ? "" : "es");
	log_info("%zu exclusion%s remove %llu of %llu addresses; %llu left to scan", ex->n,
	    ex->n == 1 ? "" : "s", (unsigned long long)ex->removed,
	    (unsigned long long)ex->scanned_before, (unsigned long long)conf->hosts.total);
}

/*
 * After every run that held or failed to take the lock, so that failures show. -1 when the
 * textfile was not written: a failure the exit status shows, since nobody reads the log.
 */
static int
write_metrics(const struct scan_config *conf, const struct scan_report *report)
{
	char warn[1400], err[1400];
	struct stat st;
	int first = stat(conf->metrics_file, &st) < 0;

	if (textfile_write(conf, report, warn, sizeof(warn), err, sizeof(err)) < 0) {
		log_error("metrics textfile not written: %s", err);
		return -1;
	}
	if (warn[0] != '\0')
		log_warn("%s", warn);
	else if (first)
		log_info("metrics textfile %s written for the first time; counters start from zero",
		    conf->metrics_file);
	return 0;
}

/* The status of a run whose metrics textfile failed: the run's own failure comes first. */
static int
with_metrics(int rc, int metrics_rc)
{
	return rc == 0 && metrics_rc < 0 ? EXIT_METRICS : rc;
}

/* A real run logs what preflight finds; bad is the set of options in error (1 << id). */
_Static_assert(OPT_COUNT <= 64, "bad in log_finding is a 64-bit set of option ids");
static void
log_finding(void *ctx, enum option_id opt, enum confcheck_level level, const char *msg)
{
	uint64_t *bad = ctx;

	if (level == CONFCHECK_ERROR) {
		*bad |= UINT64_C(1) << opt;
		log_error("%s", msg);
	} else if (level == CONFCHECK_WARN) {
		log_warn("%s; reverse DNS names are looked up again every run", msg);
	}
}

static void
report_finding(void *ctx, enum option_id opt, enum confcheck_level level, const char *msg)
{
	(void)opt;
	confcheck_add(ctx, level, msg);
}

/* "an hour" or "-interval": what a long estimate is measured against. */
static const char *
limit_name(const struct options *opts)
{
	return opts->source[OPT_INTERVAL] == OPTION_DEFAULT ? "an hour" : "-interval";
}

/* The plan's finding on its length, for -check and -dry-run. */
static void
add_plan_finding(struct confcheck *cc, const struct options *opts,
    const struct scan_config *conf, const struct scan_plan *plan)
{
	char msg[300];
	double limit = plan_limit(conf, opts);

	snprintf(msg, sizeof(msg), "plan: %llu probes, at least %.0fs%s%s",
	    (unsigned long long)plan->probes, plan->seconds,
	    plan->seconds > limit ? ", longer than " : "", plan->seconds > limit ?
	    limit_name(opts) : "");
	confcheck_add(cc, plan->seconds > limit ? CONFCHECK_WARN : CONFCHECK_OK, msg);
}

/*
 * -check and -dry-run: the effective configuration, the plan (in full for -dry-run) and the
 * file checks on stdout, each error also on stderr. Nothing is sent or written. 0 or 2.
 */
static int
run_report(const struct options *opts, const struct scan_config *conf, const char *build_err)
{
	struct confcheck cc;
	struct scan_plan plan;

	confcheck_begin(&cc, stdout, stderr, "sd-scan",
	    opts->actions & OPTIONS_ACTION_CHECK ? "-check" : "-dry-run", opts);
	if (build_err != NULL) {
		confcheck_add(&cc, CONFCHECK_ERROR, build_err);
		return confcheck_end(&cc);
	}
	plan_build(conf, &plan);
	if (opts->actions & OPTIONS_ACTION_DRY_RUN) {
		printf("plan (nothing is sent and no file is written):\n");
		plan_print(stdout, conf, &plan);
	}
	add_plan_finding(&cc, opts, conf, &plan);
	(void)preflight_run(conf, opts, report_finding, &cc);
	return confcheck_end(&cc);
}

/* Before a real scan: the plan's warning when it would outlast its interval. */
static void
warn_if_long(const struct options *opts, const struct scan_config *conf)
{
	struct scan_plan plan;
	double limit = plan_limit(conf, opts);

	plan_build(conf, &plan);
	if (plan.seconds > limit)
		log_warn("this scan of %llu probes takes at least %.0fs, longer than %s (%.0fs); "
		    "raise -rate-limit, lower -timeout or scan less (see -dry-run)",
		    (unsigned long long)plan.probes, plan.seconds,
		    limit_name(opts), limit);
}

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: sd-scan [-networks CIDRS] [-ports PORTS] [-rate-limit N] [-output FILE]\n"
	    "               [...]\n"
	    "\n"
	    "Probe every (address, port) of the networks with a TCP connect, and publish the\n"
	    "open ones as a Prometheus http_sd / file_sd targets file; with -sockets FILE,\n"
	    "also check the sockets of connection-status-exporter's config.yaml into the\n"
	    "metrics textfile (-sockets alone: only that). Run it from cron or a systemd\n"
	    "timer. Options (each also -name=value, --name=value, or an environment variable\n"
	    "that overrides the flag; the config file holds the same variables as KEY=value\n"
	    "lines):\n"
	    "\n");
	options_usage(fp, OPTION_SCAN);
	fprintf(fp,
	    "  -help, -version\n"
	    "\n"
	    "Exit status: 0 targets written; 1 scan failed; 2 bad usage or configuration\n"
	    "(also -check or -dry-run finding a problem); 3 another run holds the lock;\n"
	    "4 interrupted; 5 the shrink guard kept the old targets; 6 targets file not\n"
	    "writable; 7 metrics textfile not written. See sd-scan(1).\n");
}

static int
install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;	/* no SA_RESTART: waits return EINTR */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		return -1;
	sa.sa_handler = SIG_IGN;
	return sigaction(SIGPIPE, &sa, NULL);
}

int
main(int argc, char **argv)
{
	struct options opts;
	struct scan_config conf;
	struct scan_report report;
	uint64_t bad = 0;	/* the options in error, by (1 << id) */
	char err[1024], lockpath[1100];
	int rc, lockfd = -1;

	umask(022);
	log_init("sd-scan");
	switch (options_load(&opts, OPTION_SCAN, argc, (const char *const *)argv, err, sizeof(err))) {
	case OPTIONS_HELP:
		usage(stdout);
		options_fini(&opts);
		return 0;
	case OPTIONS_VERSION:
		printf("sd-scan %s\n", SD_VERSION);
		options_fini(&opts);
		return 0;
	case OPTIONS_MARKDOWN:
		options_markdown(stdout, OPTION_SCAN);
		options_fini(&opts);
		return 0;
	case OPTIONS_ERROR:
		fprintf(stderr, "sd-scan: %s\n", log_oneline(err));
		options_fini(&opts);
		return EXIT_USAGE;
	}
	if (scan_config_build(&conf, &opts, netnames_getaddrinfo, warn_note, NULL, err,
	    sizeof(err)) < 0) {
		if (opts.actions & (OPTIONS_ACTION_CHECK | OPTIONS_ACTION_DRY_RUN))
			(void)run_report(&opts, NULL, log_oneline(err));
		else
			fprintf(stderr, "sd-scan: %s\n", log_oneline(err));
		options_fini(&opts);
		return EXIT_USAGE;
	}
	log_set_level(conf.log_level);
	if (opts.actions & (OPTIONS_ACTION_CHECK | OPTIONS_ACTION_DRY_RUN)) {
		rc = run_report(&opts, &conf, NULL);
		goto out;
	}
	options_log_effective(&opts);
	log_exclusions(&conf);
	if (install_signals() < 0) {
		log_error("sigaction failed");
		rc = SCAN_FAILED;
		goto out;
	}
	memset(&report, 0, sizeof(report));
	report.started = report.finished = (double)time(NULL);
	/* every check that needs no packet, before the lock (which lives beside -output) */
	if (preflight_run(&conf, &opts, log_finding, &bad) > 0) {
		/* the metrics show the failure, when they can be written */
		report.status = SCAN_OUTPUT;
		rc = bad & (UINT64_C(1) << OPT_OUTPUT) ? SCAN_OUTPUT : EXIT_METRICS;
		if (!(bad & (UINT64_C(1) << OPT_METRICS_FILE)) && !conf.sockets_only)
			(void)write_metrics(&conf, &report);
		goto out;
	}
	warn_if_long(&opts, &conf);
	conf.progress = isatty(STDERR_FILENO);
	/* -sockets alone writes only the metrics file: the lock goes beside it */
	snprintf(lockpath, sizeof(lockpath), "%s.lock",
	    conf.sockets_only ? conf.metrics_file : conf.output);
	switch (lockfile_acquire(lockpath, &lockfd, err, sizeof(err))) {
	case 1:
		log_error("%s; not starting a second scan", err);
		rc = EXIT_LOCKED;
		goto out;
	case -1:
		log_error("%s", err);
		rc = SCAN_OUTPUT;
		report.status = SCAN_OUTPUT;
		if (!conf.sockets_only)	/* no checks: nothing to replace the last ones with */
			(void)write_metrics(&conf, &report);
		goto out;
	}
	rc = scan_run(&conf, &stop_requested, &report);
	if (conf.sockets_only && !report.sockets_checked)
		log_warn("no socket was checked; the metrics textfile is kept as it was");
	else
		rc = with_metrics(rc, write_metrics(&conf, &report));
	scan_report_fini(&report);
out:
	lockfile_release(lockfd);
	scan_config_fini(&conf);
	options_fini(&opts);
	return rc;
}
