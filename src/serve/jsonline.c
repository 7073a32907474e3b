/*
 * jsonline.c: json-c's plain rendering, then HTML's three special characters as JSON
 * \u escapes (see jsonline.h).
 */
#include <json.h>
#include <stdlib.h>
#include <string.h>

#include "jsonline.h"

/* The JSON escape of a character HTML gives a meaning to, or NULL. */
static const char *
html_special(char c)
{
	switch (c) {
	case '<': return "\\u003c";
	case '>': return "\\u003e";
	case '&': return "\\u0026";
	default: return NULL;
	}
}

char *
jsonline_format(struct json_object *o, size_t *len)
{
	const char *s = o ? json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE) : NULL;
	size_t need = 2, n = 0;
	char *p;

	if (s == NULL)
		return NULL;
	for (const char *c = s; *c; c++)
		need += html_special(*c) ? 6 : 1;
	if ((p = malloc(need)) == NULL)
		return NULL;
	for (const char *c = s; *c; c++) {
		const char *r = html_special(*c);

		if (r != NULL) {
			memcpy(p + n, r, 6);
			n += 6;
		} else {
			p[n++] = *c;
		}
	}
	p[n++] = '\n';
	p[n] = '\0';
	*len = n;
	return p;
}
