/*
 * textfile.h: sd-scan's metrics as a node_exporter textfile, written after every run
 * (also a failed or interrupted one). Batch semantics: counters and the duration histogram
 * are the previous file's values plus this run's; per-scan figures are gauges of the last
 * run; the published-targets gauges and the last success time are carried over from the
 * previous file while a run publishes nothing. With -sockets the sockets' families follow
 * (sockmetrics.h); with -sockets alone they are the whole file. Called from the main thread.
 */
#ifndef SD_TEXTFILE_H
#define SD_TEXTFILE_H

#include <stddef.h>

#include "expo.h"
#include "scan.h"
#include "scan_config.h"

/* Upper bounds (seconds) of scanner_scan_duration_seconds; a change restarts the histogram. */
#define SCANMETRICS_BUCKETS	{ 1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600 }
#define SCANMETRICS_PREV_MAX	(16u << 20)	/* bytes of a previous file worth reading */

/*
 * Append the metrics of run r to out (an initialised writer). Uses c->ports (the order of
 * r->probes.port_outcome) and c->interval. prev/prevlen: the previous file's bytes, NULL
 * when there is none. When prev cannot be trusted (parse error, bad counter, mismatched
 * histogram) every carried value starts from zero and warn says why ("line 3: ..."); warn
 * is "" otherwise. 0, or -1 (ENOMEM) with out->error set. Pure: no I/O, no clock.
 */
int	textfile_format(const struct scan_config *c, const struct scan_report *r,
	    const char *prev, size_t prevlen, struct expo *out, char *warn, size_t warnlen);
/*
 * Read the previous c->metrics_file, format, and replace the file atomically (mode 0644).
 * warn: a non-fatal note for the caller to log (an unreadable or untrusted previous file:
 * counters start from zero; the file written, durability not confirmed), "" when none; a
 * previous file that does not exist (the first run) is not one. 0, or -1 with err naming
 * the path.
 */
int	textfile_write(const struct scan_config *c, const struct scan_report *r, char *warn,
	    size_t warnlen, char *err, size_t errlen);

#endif
