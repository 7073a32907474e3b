/*
 * acceptmedia.h: the Accept request header (RFC 9110 12.5.1), read for one question: does
 * the client prefer the HTML page to the JSON index? Pure function over a buffer:
 * thread-safe and fuzzable.
 */
#ifndef SD_ACCEPTMEDIA_H
#define SD_ACCEPTMEDIA_H

#include <stddef.h>

/*
 * 1 when the len bytes of an Accept value weigh text/html above application/json, else 0
 * (also for NULL or an empty value). Each type takes the weight of its most specific range
 * (text/html, then text/ANY, then ANY/ANY, ANY written as '*'; case-insensitive, parameters
 * other than q ignored). A tie goes to HTML only when text/html is named and
 * application/json is not: a browser's "text/html,ANY/ANY" gets the page, a program's
 * "ANY/ANY" alone and "application/json, text/html" the JSON. A weight of 0 never wins.
 */
int	acceptmedia_html(const char *value, size_t len);

#endif
