/*
 * targetsjson.c: json-c's position-aware tokener over a whole targets file.
 */
#include <stdint.h>
#include <stdio.h>

#include "targetsjson.h"

int
targetsjson_parse(const char *buf, size_t len, struct json_object **root, char *err,
    size_t errlen)
{
	struct json_tokener *tok;
	struct json_object *r;
	size_t end;

	*root = NULL;
	if (len > (size_t)INT32_MAX) {
		snprintf(err, errlen, "file too large");
		return -1;
	}
	if ((tok = json_tokener_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	r = json_tokener_parse_ex(tok, buf, (int)len);
	end = json_tokener_get_parse_end(tok);
	while (r != NULL && end < len && (buf[end] == '\n' || buf[end] == ' ' || buf[end] == '\t' ||
	    buf[end] == '\r'))
		end++;
	if (r == NULL || end < len) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		snprintf(err, errlen, "not JSON at byte %zu: %s", end,
		    r != NULL || e == json_tokener_success ? "trailing data" :
		    e == json_tokener_continue ? "truncated" : json_tokener_error_desc(e));
		goto fail;
	}
	if (!json_object_is_type(r, json_type_array)) {
		snprintf(err, errlen, "not a JSON array");
		goto fail;
	}
	json_tokener_free(tok);
	*root = r;
	return 0;
fail:
	json_object_put(r);
	json_tokener_free(tok);
	return -1;
}
