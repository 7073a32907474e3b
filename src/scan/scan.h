/*
 * scan.h: one sd-scan run from configuration to published files: probe every (host, port),
 * name the open hosts, publish the targets file atomically. Nothing is published unless the
 * probing completed without local failures: the previous targets file stays as it was.
 * With -sockets, the status of each listed socket too (for the metrics textfile); with
 * -sockets alone, only that, and the targets file is not touched.
 * Called once from the main thread.
 */
#ifndef SD_SCAN_H
#define SD_SCAN_H

#include <signal.h>
#include <stdint.h>

#include "grace.h"
#include "prober.h"
#include "scan_config.h"
#include "sockcheck.h"

/* How a run ended; sd-scan's exit status. */
enum scan_status {
	SCAN_OK		 = 0,	/* targets file written (-sockets alone: sockets checked) */
	SCAN_FAILED	 = 1,	/* probing could not run or probes failed locally */
	SCAN_INTERRUPTED = 4,	/* SIGINT/SIGTERM: stopped early */
	SCAN_SHRUNK	 = 5,	/* shrink guard kept the previous file */
	SCAN_OUTPUT	 = 6,	/* the targets file could not be written */
};

struct scan_report {
	enum scan_status	 status;
	struct prober_result	 probes;
	unsigned		 workers, inflight;
	double			 started, finished;	/* wall clock, seconds since the epoch */
	size_t			 targets;		/* groups in the file written */
	/* -grace: targets missing now but seen within the grace period, kept in the file
	 * (sorted by port, then address); published = probes.nopen + nkept */
	struct grace_entry	*kept;
	size_t			 nkept;
	size_t			 grace_expired;		/* dropped: last seen too long ago */
	/* reverse DNS of this run (issue 3 fills them; the metrics textfile reports them) */
	uint64_t		 dns_lookups;		/* PTR lookups sent to the resolver */
	uint64_t		 dns_cache_hits;	/* names taken from the PTR cache file */
	uint64_t		 dns_errors;		/* failed lookups and rejected names */
	int			 sockets_checked;	/* sockets holds this run's -sockets checks */
	struct sockcheck_result	 sockets;
};

/* Run the scan; always fills report (free with scan_report_fini). Returns report->status. */
enum scan_status scan_run(const struct scan_config *c, const volatile sig_atomic_t *stop,
	    struct scan_report *report);
void	scan_report_fini(struct scan_report *report);

#endif
