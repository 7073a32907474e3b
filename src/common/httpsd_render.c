/*
 * httpsd_render.c: the renderer of the http_sd list, the one writer of its JSON bytes (see
 * httpsd.h). A group as one line, the whole list as a file, and whether a file is already
 * exactly that. Reads the list only: thread-safe for a list no one is changing.
 */
#include <stdlib.h>
#include <string.h>

#include "httpsd.h"

/* s as a JSON string: the escapes json-c writes, '/' left alone. */
static int
quote(struct strbuf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0;

	if (strbuf_add(b, "\"", 1) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[6] = { '\\', 0, '0', '0', 0, 0 };
		size_t elen = 2;

		switch (c) {
		case '"':	e[1] = '"'; break;
		case '\\':	e[1] = '\\'; break;
		case '\b':	e[1] = 'b'; break;
		case '\f':	e[1] = 'f'; break;
		case '\n':	e[1] = 'n'; break;
		case '\r':	e[1] = 'r'; break;
		case '\t':	e[1] = 't'; break;
		default:
			if (c >= 0x20)
				continue;
			e[1] = 'u';
			e[4] = hex[c >> 4];
			e[5] = hex[c & 15];
			elen = 6;
		}
		if (strbuf_add(b, s + run, i - run) < 0 || strbuf_add(b, e, elen) < 0)
			return -1;
		run = i + 1;
	}
	return strbuf_add(b, s + run, n - run) < 0 ? -1 : strbuf_add(b, "\"", 1);
}

static int
quote_str(struct strbuf *b, const struct httpsd_list *l, struct httpsd_str s)
{
	return quote(b, httpsd_bytes(l, s), s.len);
}

int
httpsd_group_format(struct strbuf *b, const struct httpsd_list *l, size_t gi,
    const uint32_t *only, size_t n)
{
	const struct httpsd_group *g = &l->groups[gi];
	size_t count = only ? n : g->ntargets;

	if (strbuf_str(b, "{\"targets\":[") < 0)
		return -1;
	for (size_t i = 0; i < count; i++)
		if ((i > 0 && strbuf_add(b, ",", 1) < 0) ||
		    quote_str(b, l, l->targets[g->target0 + (only ? only[i] : i)]) < 0)
			return -1;
	if (strbuf_str(b, "],\"labels\":{") < 0)
		return -1;
	for (uint32_t i = 0; i < g->nlabels; i++) {
		const struct httpsd_label *lb = &l->labels[g->label0 + i];

		if ((i > 0 && strbuf_add(b, ",", 1) < 0) || quote_str(b, l, lb->name) < 0 ||
		    strbuf_add(b, ":", 1) < 0 || quote_str(b, l, lb->value) < 0)
			return -1;
	}
	return strbuf_str(b, "}}");
}

int
httpsd_format(const struct httpsd_list *l, char **out, size_t *len, size_t **offs)
{
	struct strbuf b = { 0 };
	size_t *o = NULL;

	if (offs && l->ngroups && (o = calloc(l->ngroups, sizeof(*o))) == NULL)
		return -1;
	if (strbuf_str(&b, l->ngroups ? "[" : "[]\n") < 0)
		goto fail;
	for (size_t gi = 0; gi < l->ngroups; gi++) {
		if (strbuf_str(&b, gi ? ",\n" : "\n") < 0)
			goto fail;
		if (o)
			o[gi] = b.len;
		if (httpsd_group_format(&b, l, gi, NULL, 0) < 0)
			goto fail;
	}
	if (l->ngroups && strbuf_str(&b, "\n]\n") < 0)
		goto fail;
	*out = b.p;
	*len = b.len;
	if (offs)
		*offs = o;
	return 0;
fail:
	free(b.p);
	free(o);
	return -1;
}

int
httpsd_format_is(const struct httpsd_list *l, const char *buf, size_t len, size_t *offs)
{
	struct strbuf b = { 0 };
	size_t at;
	int rc = 0;

	if (l->ngroups == 0)
		return len == 3 && memcmp(buf, "[]\n", 3) == 0;
	if (len < 4 || buf[0] != '[')
		return 0;
	at = 1;
	for (size_t gi = 0; gi < l->ngroups; gi++) {
		const char *sep = gi ? ",\n" : "\n";
		size_t seplen = gi ? 2 : 1;

		if (len - at < seplen || memcmp(buf + at, sep, seplen) != 0)
			goto out;
		at += seplen;
		offs[gi] = at;
		b.len = 0;
		if (httpsd_group_format(&b, l, gi, NULL, 0) < 0) {
			rc = -1;
			goto out;
		}
		if (len - at < b.len || memcmp(buf + at, b.p, b.len) != 0)
			goto out;
		at += b.len;
	}
	rc = len - at == 3 && memcmp(buf + at, "\n]\n", 3) == 0;
out:
	free(b.p);
	return rc;
}
