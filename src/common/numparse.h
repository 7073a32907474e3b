/*
 * numparse.h: strict parsers for the numbers operators type: whole numbers, decimals,
 * durations ("1m30s", "500ms") and booleans. The whole string must be consumed; no sign,
 * no blanks, no hex. Each returns 0, or NUMPARSE_SYNTAX / NUMPARSE_RANGE (both < 0) with a
 * short reason in err (never NULL-terminated past errlen), so a caller can word a range
 * its own way without reading the reason. Pure functions, thread-safe, fuzzable.
 */
#ifndef SD_NUMPARSE_H
#define SD_NUMPARSE_H

#include <stddef.h>
#include <stdint.h>

#define NUMPARSE_SYNTAX	(-1)	/* not a number of the kind asked for */
#define NUMPARSE_RANGE	(-2)	/* uint, udouble: a well-formed number above max */

/* Decimal digits only, value in [0, max]. */
int	numparse_uint(const char *s, uint64_t max, uint64_t *out, char *err, size_t errlen);
/* Non-negative decimal number such as "0.5" or "200", at most max. */
int	numparse_udouble(const char *s, double max, double *out, char *err, size_t errlen);
/*
 * Go-style duration: one or more <number><unit> with units ns, us, ms, s, m, h, e.g. "5m",
 * "1m30s", "1.5s". A unit is required; the result (seconds) must be above zero and at most
 * one year.
 */
int	numparse_duration(const char *s, double *seconds, char *err, size_t errlen);
/* true/false, yes/no, on/off, 1/0 (case-insensitive). */
int	numparse_bool(const char *s, int *out, char *err, size_t errlen);
/* Format seconds the Go way ("5m0s", "1.5s", "250ms") into buf; returns buf. */
char   *numparse_format_duration(double seconds, char *buf, size_t buflen);

#endif
