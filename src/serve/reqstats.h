/*
 * reqstats.h: sd-serve's request counters and duration histogram, kept in a small file
 * mapped shared (under /dev/shm by default) so that every sd-serve process of one web
 * server adds to the same totals, and the totals outlive restarts until reboot. Updates are
 * lock-free atomic adds on the mapping; a reader sees each counter whole. Recording and
 * formatting are safe across processes and threads; open and close one thread at a time.
 */
#ifndef SD_REQSTATS_H
#define SD_REQSTATS_H

#include <stddef.h>

/* The path label: a fixed set, so a scan of random URLs cannot grow the series. */
enum reqstats_path {
	REQSTATS_ROOT, REQSTATS_TARGETS, REQSTATS_HEALTH, REQSTATS_METRICS, REQSTATS_OTHER,
	REQSTATS_NPATHS
};

struct reqstats;

#define REQSTATS_TARGET_SLOTS	256	/* target paths counted apart; the rest: "other" */
#define REQSTATS_LABEL_MAX	128	/* longer path labels count as "other" */

/*
 * Map the counters file at path, creating it (mode 0600) when absent. NULL path: counters
 * private to this process. NULL and a one-line reason in err when the file cannot be used:
 * not a regular file, not owned by the effective uid, writable by group or others, or not
 * of this layout (then the caller may fall back to reqstats_open(NULL, ...)). The caller
 * closes.
 */
struct reqstats *reqstats_open(const char *path, char *err, size_t errlen);
void	reqstats_close(struct reqstats *);	/* NULL is fine */
/* 1 when the counters are shared through a file. */
int	reqstats_shared(const struct reqstats *);
/* Count one answered request; status is the HTTP status, seconds its duration. */
void	reqstats_record(struct reqstats *, enum reqstats_path, int status, double seconds);
/* Count one answer sent gzip-compressed, and the compressions it took (0: none). */
void	reqstats_count_gzip(struct reqstats *, enum reqstats_path, unsigned long compressions);
/*
 * Append the scanner_http_requests_total counter and scanner_http_request_duration_seconds
 * histogram families, scanner_http_gzip_responses_total and scanner_http_compressions_total,
 * in the text exposition format to a malloc'd string (*out, caller
 * frees). -1 on out of memory.
 */
int	reqstats_format(const struct reqstats *, char **out, size_t *outlen);
/*
 * Count one answered request for a target path of -targets-dir under its label
 * ("/targets.json", "/targets/sub"); "" or NULL (a path that does not exist) counts as other.
 * The first REQSTATS_TARGET_SLOTS labels get counters of their own, shared like the others.
 */
void	reqstats_record_target(struct reqstats *, const char *label, int status);
/* 1 when label names a path that exists now. */
typedef int (*reqstats_exists_fn)(void *ctx, const char *label);
/*
 * Append scanner_http_target_path_requests_total{path,status} to a malloc'd string (*out,
 * caller frees): a series per label that exists(ctx, label) says exists, every other count
 * in path="other". -1 on out of memory.
 */
int	reqstats_format_targets(const struct reqstats *, reqstats_exists_fn exists, void *ctx,
	    char **out, size_t *outlen);
/* The label value of a path ("/targets.json", ..., "other"). */
const char *reqstats_path_label(enum reqstats_path);

#endif
