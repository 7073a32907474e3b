/*
 * sockmetrics.h: the -sockets part of sd-scan's textfile: connection-status-exporter's
 * connection_status_up{host,name,port,protocol} (the seed's name, labels and HELP), the
 * duration of each check, failed checks by reason (counters carried over from the
 * previous file, as textfile.c does for the scan's), and a summary of the run.
 * Pure (no I/O, no clock): golden-testable. Called from the main thread.
 */
#ifndef SD_SOCKMETRICS_H
#define SD_SOCKMETRICS_H

#include <stddef.h>

#include "expo.h"
#include "sockcheck.h"
#include "sockets.h"

/*
 * Append the families for list l checked as r, ended at finished (seconds since the epoch),
 * to out. prev/prevlen: the previous file (NULL: none); when it cannot be read back the
 * failure counters start from zero and warn says why, else warn is "". 0, or -1 with
 * out->error set.
 */
int	sockmetrics_format(const struct sockets_list *l, const struct sockcheck_result *r,
	    double finished, const char *prev, size_t prevlen, struct expo *out, char *warn,
	    size_t warnlen);

#endif
