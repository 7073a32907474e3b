/*
 * plan.h: what a run of sd-scan will do, worked out from the configuration alone: the
 * networks after masking, merging and exclusions, the probes, their order and this shard's
 * share, workers and probes in flight, the best-case duration and the files it writes. -dry-run prints it; a real run warns from it when
 * the scan would outlast its interval. No packet, no file, no DNS: main thread only.
 */
#ifndef SD_PLAN_H
#define SD_PLAN_H

#include <stdint.h>
#include <stdio.h>

#include "options.h"
#include "scan_config.h"

#define PLAN_LONG_S	3600.0	/* warn above this estimate when -interval is not set */
#define PLAN_FIRST_PROBES 8	/* probes of the order listed, first first */
#define PLAN_EXCLUSIONS_SHOWN 24	/* exclusions listed before "..." */

struct scan_plan {
	uint64_t	 addresses, probes;	/* probes: this shard's share */
	uint64_t	 space;			/* probes of every shard together */
	size_t		 ports;
	unsigned	 workers;
	unsigned	 inflight;		/* what the run will use */
	unsigned	 inflight_wanted;	/* before the open-files limit */
	double		 seconds;		/* plan_estimate */
};

/*
 * Seconds a scan of probes takes at best when every host is silent and nothing is retried:
 * the rate limiter's pace plus one timeout for the last probes, or, when the in-flight
 * count is the bound, one timeout per round of inflight probes. rate 0: unlimited.
 */
double	plan_estimate(uint64_t probes, double rate, unsigned inflight, double timeout);
/* Fill p from c. Raises RLIMIT_NOFILE as the real run would, to give its in-flight count. */
void	plan_build(const struct scan_config *c, struct scan_plan *p);
/* The estimate above which a run warns: -interval when given (o), else PLAN_LONG_S. */
double	plan_limit(const struct scan_config *c, const struct options *o);
/* The plan as lines of text for -dry-run. */
void	plan_print(FILE *fp, const struct scan_config *c, const struct scan_plan *p);

#endif
