/*
 * sdpath.h: the part of a request path after /targets (raw, as in REQUEST_URI) mapped to the
 * key of a path of the targets directory: "" for the whole tree, "sub" for a directory,
 * "sub/a" for a source. Percent-escapes are decoded first, so an encoded "..", "/" or "."
 * is seen for what it is. Pure function of a buffer: thread-safe, fuzzable.
 */
#ifndef SD_SDPATH_H
#define SD_SDPATH_H

#include <stddef.h>

#define SDPATH_MAX	1024	/* longest key, in bytes */

/*
 * Map p[0..n) ("", "/", "/sub/a", "/sub%2Fa/") to its key in out (room outlen, NUL
 * terminated): empty segments are dropped; a segment that is "." or "..", or starts with
 * '.' or '_' (an ignored name), a bad or NUL escape, a control byte, or a key longer than
 * SDPATH_MAX or outlen - 1 is refused. 0, or -1 with a one-line reason in err.
 */
int	sdpath_parse(const char *p, size_t n, char *out, size_t outlen, char *err, size_t errlen);

#endif
