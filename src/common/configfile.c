/*
 * configfile.c: KEY=value line parser for the shared config / EnvironmentFile.
 * Every line is copied into a bounded scratch buffer, so no input can overrun anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "configfile.h"
#include "readfile.h"

#define LINE_MAX_BYTES 8192

static int
is_key_start(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int
is_key_char(int c)
{
	return is_key_start(c) || (c >= '0' && c <= '9');
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* Parses one line (without '\n', NUL-free, writable) into key/value; -1 with reason. */
static int
parse_line(char *line, char **key, char **value, const char **why)
{
	char *p = line, *k, *v, *out;

	while (is_blank(*p))
		p++;
	if (*p == '\0' || *p == '#' || *p == ';') {
		*key = NULL;
		return 0;
	}
	if (strncmp(p, "export", 6) == 0 && is_blank(p[6]))
		for (p += 6; is_blank(*p); p++)
			;
	if (!is_key_start((unsigned char)*p)) {
		*why = "expected KEY=value";
		return -1;
	}
	for (k = p; is_key_char((unsigned char)*p); p++)
		;
	if (is_blank(*p)) {
		*p++ = '\0';
		while (is_blank(*p))
			p++;
		if (*p != '=') {
			*why = "expected '=' after the key";
			return -1;
		}
	} else if (*p != '=') {
		*why = "expected KEY=value";
		return -1;
	}
	*p++ = '\0';
	while (is_blank(*p))
		p++;
	v = out = p;
	if (*p == '"' || *p == '\'') {
		char quote = *p++;

		for (; *p && *p != quote; p++) {
			if (quote == '"' && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
				p++;
			*out++ = *p;
		}
		if (*p != quote) {
			*why = "unterminated quoted value";
			return -1;
		}
		for (p++; is_blank(*p); p++)
			;
		if (*p != '\0') {
			*why = "text after the closing quote";
			return -1;
		}
		*out = '\0';
	} else {
		size_t n = strlen(v);

		/* systemd's EnvironmentFile= keeps an inline comment in the value: so would we */
		for (const char *h = v; (h = strchr(h, '#')) != NULL; h++)
			if (h == v || is_blank(h[-1])) {
				*why = "inline '# comment' after a value: the '#' would be part of the "
				    "value (for systemd's EnvironmentFile= too); put the comment on a "
				    "line of its own, or quote the value";
				return -1;
			}
		while (n > 0 && is_blank(v[n - 1]))
			v[--n] = '\0';
	}
	*key = k;
	*value = v;
	return 0;
}

int
configfile_parse(const char *buf, size_t len, configfile_cb cb, void *ctx, char *err,
    size_t errlen)
{
	char line[LINE_MAX_BYTES];
	size_t pos = 0;
	int lineno = 0, rc;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		const char *why = NULL;
		char *key, *value;

		lineno++;
		if (n >= sizeof(line))
			why = "line too long";
		else if (memchr(buf + pos, '\0', n))
			why = "NUL byte in line";
		if (!why) {
			memcpy(line, buf + pos, n);
			line[n] = '\0';
			if (parse_line(line, &key, &value, &why) == 0 && key &&
			    (rc = cb(ctx, key, value, lineno)) != 0)
				return rc;
		}
		if (why) {
			snprintf(err, errlen, "line %d: %s", lineno, why);
			return -1;
		}
		pos += n + 1;
	}
	return 0;
}

int
configfile_load(const char *path, configfile_cb cb, void *ctx, char *err, size_t errlen)
{
	struct readfile rf;
	char sub[256];
	int rc;

	if (readfile_load(path, CONFIGFILE_MAX_BYTES, 0, &rf, sub, sizeof(sub)) < 0) {
		snprintf(err, errlen, "config file %s", sub);
		return -1;
	}
	rc = configfile_parse(rf.data, rf.len, cb, ctx, sub, sizeof(sub));
	if (rc == -1)
		snprintf(err, errlen, "config file %s: %s", path, sub);
	free(rf.data);
	return rc;
}
