/*
 * shrinkguard.h: keeps a scan that lost most targets (a switch flapping mid-scan, a firewall
 * change) from wiping Prometheus's target list. It counts the targets of the file about to
 * be replaced (with httpsd_count, sd-serve's parser) and refuses a new list below a share of
 * it. Thread-safe.
 */
#ifndef SD_SHRINKGUARD_H
#define SD_SHRINKGUARD_H

#include <stddef.h>

#include "httpsd.h"

#define SHRINKGUARD_MAX_BYTES	HTTPSD_MAX_BYTES

/*
 * Count the targets of the http_sd file at path: 0, 1 when the file does not exist
 * (*count = 0), or -1 with a reason naming the path in err (unreadable, not a valid list).
 */
int	shrinkguard_count_file(const char *path, size_t *count, char *err, size_t errlen);
/*
 * 1 when a new list of `now` targets may replace one of `before`: the guard is off
 * (limit 0, force) or before is 0, or now >= before x limit. 0 when the old file must stay.
 */
int	shrinkguard_allows(size_t before, size_t now, double limit, int force);

#endif
