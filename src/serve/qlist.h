/*
 * qlist.h: the weighted lists of HTTP's content negotiation (RFC 9110 12.4.2: Accept,
 * Accept-Encoding): comma-separated elements "value *( OWS ; OWS param )" with an optional
 * "q=" weight. Pure functions over a buffer: thread-safe and fuzzable (through the readers
 * built on them, acceptenc.h and acceptmedia.h).
 */
#ifndef SD_QLIST_H
#define SD_QLIST_H

#include <stddef.h>

#define QLIST_ONE	1000	/* weights are in thousandths: q=1 */

/*
 * One value of the list and its weight, 0 to QLIST_ONE; value (not NUL-terminated, n bytes)
 * is borrowed from the list.
 */
typedef void (*qlist_fn)(void *ctx, const char *value, size_t n, int q);

/*
 * Call fn for each well-formed element of the len bytes at list, in order. A value is one
 * or more RFC 9110 tchars and '/' ("gzip", "text/html"); an element whose value or
 * parameters are malformed (a weight that is not a qvalue, a parameter without '=') and an
 * empty element are skipped. NULL list: no call.
 */
void	qlist_walk(const char *list, size_t len, qlist_fn fn, void *ctx);

#endif
