/*
 * hostname.h: what a PTR answer must look like before it becomes a target's host name: a
 * valid DNS host name (RFC 952/1123 letters, digits, hyphens), lower-cased, without the
 * trailing dot. Everything else is rejected, so a hostile PTR record cannot break the
 * targets JSON, inject a label or yield an address Prometheus refuses. Pure, thread-safe.
 */
#ifndef SD_HOSTNAME_H
#define SD_HOSTNAME_H

#include <stddef.h>

#define HOSTNAME_MAX		253	/* characters of a whole name, without trailing dot */
#define HOSTNAME_LABEL_MAX	63	/* characters of one label */
#define HOSTNAME_ESCAPED_MAX	(4 * 80 + 4)	/* hostname_escape output, with "..." and NUL */

/*
 * Check len bytes of name (which need not be NUL-terminated and may hold any byte) and write
 * its normal form (lower case, trailing dot dropped) to out, which holds at least
 * HOSTNAME_MAX + 1 bytes. 0, or -1 with a short reason in err (out then holds "").
 * Labels are 1..63 letters, digits and hyphens, not starting or ending with a hyphen.
 */
int	hostname_normalize(const char *name, size_t len, char *out, size_t outlen, char *err,
	    size_t errlen);
/*
 * Any bytes as a printable, quote-free ASCII string for a log line: \xNN for bytes outside
 * 0x21..0x7e and for '"' and '\\'; the first 80 bytes only, "..." marks a cut. Returns out.
 */
char   *hostname_escape(const char *name, size_t len, char *out, size_t outlen);

#endif
