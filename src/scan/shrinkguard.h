/*
 * shrinkguard.h: keeps a scan that lost most targets (a switch flapping mid-scan, a firewall
 * change) from wiping Prometheus's target list. It counts the targets of the file about to
 * be replaced and refuses a new list below a share of it. Pure functions over a buffer
 * (fuzzable) plus one file reader; thread-safe.
 */
#ifndef SD_SHRINKGUARD_H
#define SD_SHRINKGUARD_H

#include <stddef.h>

#define SHRINKGUARD_MAX_BYTES (256u * 1024 * 1024)

/*
 * Count the targets (entries of every group's "targets" array) in an http_sd JSON buffer.
 * 0, or -1 with a reason in err when it is not a JSON array of groups.
 */
int	shrinkguard_count(const char *buf, size_t len, size_t *count, char *err, size_t errlen);
/* The same for a file; 1 when the file does not exist (*count = 0). */
int	shrinkguard_count_file(const char *path, size_t *count, char *err, size_t errlen);
/*
 * 1 when a new list of `now` targets may replace one of `before`: the guard is off
 * (limit 0, force) or before is 0, or now >= before x limit. 0 when the old file must stay.
 */
int	shrinkguard_allows(size_t before, size_t now, double limit, int force);

#endif
