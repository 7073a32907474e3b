/*
 * jsonline.h: a json-c object as the one line of JSON sd-serve answers with, safe to show
 * to a browser that sniffs: '<', '>' and '&' become \u003c, \u003e and \u0026 (as Go's
 * encoding/json does). Pure: thread-safe.
 */
#ifndef SD_JSONLINE_H
#define SD_JSONLINE_H

#include <stddef.h>

struct json_object;

/*
 * o (borrowed) as one line of JSON ending in "\n": malloc'd (the caller frees), *len bytes;
 * NULL when o is NULL or out of memory.
 */
char	*jsonline_format(struct json_object *o, size_t *len);

#endif
