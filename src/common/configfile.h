/*
 * configfile.h: the shared config file, a list of KEY=value lines that systemd's
 * EnvironmentFile= reads too. Blank lines and lines starting with # or ; are skipped,
 * "export " before a key is allowed, values may be "double" (with \" and \\) or 'single'
 * quoted. A '#' that starts an unquoted value or follows a blank in it is an error: it reads
 * as a comment but systemd keeps it in the value. Pure parser over a buffer: thread-safe and fuzzable.
 */
#ifndef SD_CONFIGFILE_H
#define SD_CONFIGFILE_H

#include <stddef.h>

#define CONFIGFILE_MAX_BYTES (1024 * 1024)

/*
 * Called once per assignment with NUL-terminated key and value (valid during the call only)
 * and the 1-based line number. A non-zero return stops parsing and is returned.
 */
typedef int (*configfile_cb)(void *ctx, const char *key, const char *value, int line);

/*
 * Parse len bytes of buf. 0 when every line parsed and cb always returned 0; -1 with
 * "line N: reason" in err on a syntax error; or cb's non-zero value.
 */
int	configfile_parse(const char *buf, size_t len, configfile_cb cb, void *ctx,
	    char *err, size_t errlen);
/* Read path (at most CONFIGFILE_MAX_BYTES) and parse it; err names the path on failure. */
int	configfile_load(const char *path, configfile_cb cb, void *ctx, char *err, size_t errlen);

#endif
