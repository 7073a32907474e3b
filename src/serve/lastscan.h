/*
 * lastscan.h: sd-scan's metrics textfile as sd-serve reads it: the few gauges /health needs
 * (read with exporead: none from a damaged file) and the text /metrics passes on,
 * minus the scanner_http_* families that belong to sd-serve itself. Reloaded only when the
 * file changes. The parser is a pure function of a buffer: thread-safe and fuzzable; a
 * cache has one owner.
 */
#ifndef SD_LASTSCAN_H
#define SD_LASTSCAN_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "metricnames.h"

#define SCANFILE_MAX_BYTES	(4u * 1024 * 1024)
/* Metric names starting so are sd-serve's own and dropped from the passed-on text. */
#define SCANFILE_OWN_PREFIX	METRIC_HTTP_PREFIX

struct lastscan_state {
	int	has_start, has_end, has_success, has_duration, has_interval;
	double	start, end;		/* unix seconds */
	double	success;		/* 1 or 0 */
	double	duration, interval;	/* seconds */
};

/* Read the gauges of len bytes of text into *st (fields absent keep has_x = 0). */
void	lastscan_parse(const char *buf, size_t len, struct lastscan_state *st);
/*
 * The text to pass on: buf without the lines of SCANFILE_OWN_PREFIX metrics and without
 * NUL bytes, ending in "\n" unless empty. *out is malloc'd (caller frees). -1 on no memory.
 */
int	lastscan_filter(const char *buf, size_t len, char **out, size_t *outlen);

struct lastscan_cache {
	char			*path;
	int			 present;	/* the file was read */
	struct lastscan_state	 state;
	char			*text;		/* filtered, see lastscan_filter */
	size_t			 textlen;
	dev_t			 dev;
	ino_t			 ino;
	off_t			 size;
	struct timespec		 mtime;
};

/* path is copied (NULL or "": no file). -1 on out of memory. */
int	lastscan_cache_init(struct lastscan_cache *, const char *path);
void	lastscan_cache_fini(struct lastscan_cache *);
/*
 * Bring the cache up to date with the file: present = 0 when it is absent or unreadable
 * (then err says why, "" when there is no such file). Returns the cache's present.
 */
int	lastscan_cache_refresh(struct lastscan_cache *, char *err, size_t errlen);

#endif
