/*
 * scan_main.c: sd-scan's entry point. Wires options, logging, the lock and signals to one
 * scan_run, and maps the outcome to the exit status (see sd-scan(1)).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lockfile.h"
#include "log.h"
#include "options.h"
#include "scan.h"
#include "scan_config.h"
#include "textfile.h"

#define EXIT_USAGE	2
#define EXIT_LOCKED	3

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

/* After every run that held or failed to take the lock, so that failures show. 0 or -1. */
static int
write_metrics(const struct scan_config *conf, const struct scan_report *report)
{
	char warn[1400], err[1400];
	int rc = textfile_write(conf, report, warn, sizeof(warn), err, sizeof(err));

	if (rc < 0)
		log_error("metrics textfile not written: %s", err);
	if (warn[0] != '\0')
		log_warn("%s", warn);
	return rc;
}

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: sd-scan [-networks CIDRS] [-ports PORTS] [-rate-limit N] [-output FILE]\n"
	    "               [...]\n"
	    "\n"
	    "Probe every (address, port) of the networks with a TCP connect, and publish the\n"
	    "open ones as a Prometheus http_sd / file_sd targets file; with -sockets FILE, also\n"
	    "check the sockets of connection-status-exporter's config.yaml into the metrics\n"
	    "textfile (-sockets alone: only that). Run it from cron or a systemd timer.\n"
	    "Options (each also -name=value, --name=value, or an environment variable that\n"
	    "overrides the flag; the config file holds the same variables as KEY=value lines):\n"
	    "\n");
	options_usage(fp, OPTION_SCAN);
	fprintf(fp,
	    "  -help, -version\n"
	    "\n"
	    "Exit status: 0 targets written; 1 scan failed; 2 bad usage or configuration;\n"
	    "3 another run holds the lock; 4 interrupted; 5 the shrink guard kept the old\n"
	    "targets; 6 targets file (-sockets alone: the metrics file) not writable.\n"
	    "See sd-scan(1).\n");
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
	case OPTIONS_ERROR:
		fprintf(stderr, "sd-scan: %s\n", log_oneline(err));
		options_fini(&opts);
		return EXIT_USAGE;
	}
	if (scan_config_build(&conf, &opts, warn_note, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "sd-scan: %s\n", log_oneline(err));
		options_fini(&opts);
		return EXIT_USAGE;
	}
	log_set_level(conf.log_level);
	options_log_effective(&opts);
	if (install_signals() < 0) {
		log_error("sigaction failed");
		rc = SCAN_FAILED;
		goto out;
	}
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
		memset(&report, 0, sizeof(report));
		report.status = SCAN_OUTPUT;
		report.started = report.finished = (double)time(NULL);
		if (!conf.sockets_only)	/* no checks: nothing to replace the last ones with */
			write_metrics(&conf, &report);
		goto out;
	}
	rc = scan_run(&conf, &stop_requested, &report);
	if (conf.sockets_only && !report.sockets_checked)
		log_warn("no socket was checked; the metrics textfile is kept as it was");
	else if (write_metrics(&conf, &report) < 0 && conf.sockets_only && rc == SCAN_OK)
		rc = SCAN_OUTPUT;
	scan_report_fini(&report);
out:
	lockfile_release(lockfd);
	scan_config_fini(&conf);
	options_fini(&opts);
	return rc;
}
