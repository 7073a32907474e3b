/*
 * percent.h: percent-decoding (RFC 3986) of the parts of a request: the query string and
 * the target path. Pure: thread-safe, fuzzed through query.c and sdpath.c.
 */
#ifndef SD_PERCENT_H
#define SD_PERCENT_H

#include <stddef.h>

/*
 * Decode s[0..len) into out (room for len + 1; NUL-terminated, *outlen bytes, which may
 * hold NUL); with plus_space, '+' is a space (form encoding, for query strings). -1 on a
 * '%' not followed by two hex digits.
 */
int	percent_decode(const char *s, size_t len, int plus_space, char *out, size_t *outlen);

#endif
