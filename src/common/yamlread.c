/*
 * yamlread.c: the libyaml event reader that sockets.c and yamlsd.c are written over (see
 * yamlread.h). It holds one event at a time and stops at the first problem, so no input
 * makes it hold more; aliases (and with YAMLREAD_NO_ANCHORS anchors) end the read.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "yamlread.h"

int
yamlread_init(struct yamlread *r, const char *buf, size_t len, int flags, char *err,
    size_t errlen)
{
	memset(r, 0, sizeof(*r));
	r->flags = flags;
	r->err = err;
	r->errlen = errlen;
	if (!yaml_parser_initialize(&r->parser))
		return -1;
	r->ready = 1;
	yaml_parser_set_input_string(&r->parser, (const unsigned char *)buf, len);
	return 0;
}

void
yamlread_fini(struct yamlread *r)
{
	if (r->have)
		yaml_event_delete(&r->ev);
	r->have = 0;
	if (r->ready)
		yaml_parser_delete(&r->parser);
	r->ready = 0;
}

const char *
yamlread_shown(const char *s, char buf[YAMLREAD_SHOWN_MAX + 1])
{
	size_t n = strlen(s);

	if (n > YAMLREAD_SHOWN_MAX) {
		n = YAMLREAD_SHOWN_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	buf[n] = '\0';
	return buf;
}

size_t
yamlread_line(const struct yamlread *r)
{
	return r->ev.start_mark.line + 1;
}

static int __attribute__((format(printf, 3, 0)))
vfail(struct yamlread *r, size_t line, const char *fmt, va_list ap)
{
	char why[300];

	vsnprintf(why, sizeof(why), fmt, ap);
	r->line = line;
	if (line > 0)
		snprintf(r->err, r->errlen, "line %zu: %s", line, why);
	else
		snprintf(r->err, r->errlen, "%s", why);
	return -1;
}

int
yamlread_fail(struct yamlread *r, size_t line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(r, line, fmt, ap);
	va_end(ap);
	return -1;
}

int
yamlread_fail_here(struct yamlread *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(r, yamlread_line(r), fmt, ap);
	va_end(ap);
	return -1;
}

/* The anchor the current event defines, or NULL. */
static const yaml_char_t *
anchor_of(const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		return ev->data.scalar.anchor;
	case YAML_SEQUENCE_START_EVENT:
		return ev->data.sequence_start.anchor;
	case YAML_MAPPING_START_EVENT:
		return ev->data.mapping_start.anchor;
	default:
		return NULL;
	}
}

static int
syntax_error(struct yamlread *r)
{
	const yaml_parser_t *p = &r->parser;
	size_t line = (p->problem ? p->problem_mark.line : p->mark.line) + 1;

	if (p->error == YAML_MEMORY_ERROR)
		return yamlread_fail(r, line, "out of memory");
	if (r->flags & YAMLREAD_TERSE_SYNTAX)
		return yamlread_fail(r, line, "YAML syntax error: %s",
		    p->problem ? p->problem : "unknown");
	return yamlread_fail(r, line, "not YAML: %s%s%s",
	    p->problem ? p->problem : "syntax error",
	    p->context ? " " : "", p->context ? p->context : "");
}

int
yamlread_next(struct yamlread *r)
{
	char buf[YAMLREAD_SHOWN_MAX + 1];

	if (r->have)
		yaml_event_delete(&r->ev);
	r->have = 0;
	if (!yaml_parser_parse(&r->parser, &r->ev))
		return syntax_error(r);
	r->have = 1;
	if (r->flags & YAMLREAD_NO_ANCHORS) {
		if (r->ev.type == YAML_ALIAS_EVENT || anchor_of(&r->ev) != NULL)
			return yamlread_fail_here(r, "anchors and aliases are not allowed");
	} else if (r->ev.type == YAML_ALIAS_EVENT) {
		return yamlread_fail_here(r, "YAML aliases (*%s) are not supported",
		    yamlread_shown((const char *)r->ev.data.alias.anchor, buf));
	}
	return 0;
}
