/*
 * metricnames.h: the names of the metrics in sd-scan's textfile, which sd-scan writes
 * (scan/textfile.c) and sd-serve reads back for /health (serve/lastscan.c): one list, so
 * the writer and the reader cannot disagree on a name. sd-serve's own request metrics
 * start with METRIC_HTTP_PREFIX and never appear in the textfile.
 */
#ifndef SD_METRICNAMES_H
#define SD_METRICNAMES_H

/* counters carried from run to run */
#define METRIC_SCANS			"scanner_scans_total"
#define METRIC_SCAN_ERRORS		"scanner_scan_errors_total"
#define METRIC_SCAN_DURATION		"scanner_scan_duration_seconds"	/* histogram */
#define METRIC_SCAN_DURATION_BUCKET	METRIC_SCAN_DURATION "_bucket"
#define METRIC_SCAN_DURATION_SUM	METRIC_SCAN_DURATION "_sum"
#define METRIC_SCAN_DURATION_COUNT	METRIC_SCAN_DURATION "_count"
#define METRIC_CONNECTION_ATTEMPTS	"scanner_connection_attempts_total"	/* by port */
#define METRIC_CONNECTION_SUCCESSES	"scanner_connection_successes_total"	/* by port */
#define METRIC_CONNECTION_TIMEOUTS	"scanner_connection_timeouts_total"	/* by port */
#define METRIC_DNS_LOOKUPS		"scanner_dns_lookups_total"
#define METRIC_DNS_CACHE_HITS		"scanner_dns_cache_hits_total"
#define METRIC_DNS_LOOKUP_ERRORS	"scanner_dns_lookup_errors_total"

/* gauges of the published targets file, carried until the next one */
#define METRIC_TARGETS			"scanner_targets_total"		/* by port */
#define METRIC_TARGETS_DISCOVERED	"scanner_targets_discovered"
#define METRIC_LAST_SUCCESS		"scanner_last_success_timestamp_seconds"

/* gauges of the last run */
#define METRIC_LAST_SCAN_START		"scanner_last_scan_start_timestamp_seconds"
#define METRIC_LAST_SCAN_END		"scanner_last_scan_end_timestamp_seconds"
#define METRIC_LAST_SCAN_DURATION	"scanner_last_scan_duration_seconds"
#define METRIC_LAST_SCAN_SUCCESS	"scanner_last_scan_success"
#define METRIC_LAST_SCAN_EXIT_STATUS	"scanner_last_scan_exit_status"
#define METRIC_SCAN_INTERVAL		"scanner_scan_interval_seconds"
#define METRIC_LAST_SCAN_PROBES		"scanner_last_scan_probes"	/* by outcome */
#define METRIC_LAST_SCAN_PROBE_RATE	"scanner_last_scan_probe_rate"
#define METRIC_LAST_SCAN_REPROBES	"scanner_last_scan_reprobes"	/* by outcome */
#define METRIC_LAST_SCAN_REPROBES_SKIPPED "scanner_last_scan_reprobes_skipped"
#define METRIC_LAST_SCAN_TARGETS	"scanner_last_scan_targets"	/* by source */

/* sd-serve's own families (scanner_http_requests_total, ...) */
#define METRIC_HTTP_PREFIX		"scanner_http_"

#endif
