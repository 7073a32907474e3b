/*
 * targetsjson.h: a targets file (http_sd JSON) parsed to its json-c root for the readers
 * of the previous file (shrink guard, grace period). Pure over a buffer: thread-safe.
 */
#ifndef SD_TARGETSJSON_H
#define SD_TARGETSJSON_H

#include <json.h>
#include <stddef.h>

/*
 * The JSON array in buf (trailing whitespace allowed) into *root, which the caller puts.
 * 0, or -1 with err saying where and why it is not one (not JSON, truncated, trailing
 * data, not an array).
 */
int	targetsjson_parse(const char *buf, size_t len, struct json_object **root, char *err,
	    size_t errlen);

#endif
