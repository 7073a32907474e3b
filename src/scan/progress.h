/*
 * progress.h: a one-line progress display of a running scan on a terminal: probes done of
 * total, rate, open found, ETA, redrawn a few times a second by a thread of its own that
 * only reads the prober's counters. main starts it only when stderr is a TTY, so nothing of
 * it reaches cron, systemd or a pipe. progress_start/progress_stop: one thread, in turn.
 */
#ifndef SD_PROGRESS_H
#define SD_PROGRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "prober.h"

#define PROGRESS_PERIOD_MS	250	/* between redraws */

struct progress;

/*
 * The line for done of total probes, open of them open, after elapsed seconds:
 * "probes 1200/2550 (47%), 49.8/s, 3 open, ETA 27s". Pure; returns buf.
 */
char	*progress_format(char *buf, size_t len, uint64_t done, uint64_t total, uint64_t open,
	    double elapsed);
/*
 * Start redrawing the line on fp (borrowed, a terminal) from counters (borrowed; both must
 * outlive progress_stop). NULL with err set when the thread could not start.
 */
struct progress *progress_start(FILE *fp, uint64_t total, const struct prober_counters *counters,
	    char *err, size_t errlen);
/* Stop the thread and erase the line. NULL is fine. */
void	 progress_stop(struct progress *p);

#endif
