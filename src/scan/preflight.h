/*
 * preflight.h: every check of sd-scan's configuration that needs no packet, run before the
 * first probe (and by -check, -dry-run): the targets file, the metrics textfile and the PTR
 * cache can be written where they are configured. The lock file lives beside -output, so a
 * directory problem is reported here, naming the directory and the option, before any lock
 * is taken. Only stat(2)/access(2); called from the main thread.
 */
#ifndef SD_PREFLIGHT_H
#define SD_PREFLIGHT_H

#include <stddef.h>

#include "confcheck.h"
#include "options.h"
#include "scan_config.h"

/*
 * One finding: opt is the option that names the file, msg one line naming the option, the
 * path, where the value came from and the reason (valid during the call only).
 */
typedef void (*preflight_fn)(void *ctx, enum option_id opt, enum confcheck_level level,
	    const char *msg);

/*
 * Check the files of c (options o give the origins). Calls fn once per file, in the order
 * -output, -metrics-file, -dns-cache: CONFCHECK_ERROR when the run would fail (-output,
 * -metrics-file), CONFCHECK_WARN when it works with less (no PTR cache). Returns the number
 * of errors.
 */
int	preflight_run(const struct scan_config *c, const struct options *o, preflight_fn fn,
	    void *ctx);

#endif
