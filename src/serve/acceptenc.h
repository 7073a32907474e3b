/*
 * acceptenc.h: the Accept-Encoding request header (RFC 9110 12.5.3), read for one question:
 * may the answer be sent gzip-compressed? Pure function over a buffer: thread-safe and
 * fuzzable.
 */
#ifndef SD_ACCEPTENC_H
#define SD_ACCEPTENC_H

#include <stddef.h>

/*
 * 1 when the len bytes of an Accept-Encoding value let gzip be sent and the client does not
 * prefer identity to it, else 0 (also for NULL or an empty value). Codings are
 * case-insensitive tokens, each with an optional ";q=" weight (0 to 1, up to three
 * decimals; q=0 means "not acceptable"); "x-gzip" counts as gzip; "*" stands for every coding
 * not named, identity included. gzip wins a tie with identity; identity that is not named
 * (nor "*") is acceptable at any weight below gzip's. An element whose weight is malformed
 * is ignored; when a coding is named twice the last one counts.
 */
int	acceptenc_gzip(const char *value, size_t len);

#endif
