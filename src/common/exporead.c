/*
 * exporead.c: a strict reader of the text exposition format, one line at a time. Owns
 * copies of every name and value it returns; the input buffer is only borrowed.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exporead.h"

struct cursor {
	const char	*p, *end;	/* the current line, without its '\n' */
};

static const char *const type_names[] = { "counter", "gauge", "histogram", "untyped" };

static int
bad(char *err, size_t errlen, unsigned long line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int
bad(char *err, size_t errlen, unsigned long line, const char *fmt, ...)
{
	va_list ap;
	int n;

	n = snprintf(err, errlen, "line %lu: ", line);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	errno = EINVAL;
	return -1;
}

static void
skip_blanks(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static int
is_name_char(char ch, int first, int colon)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_' ||
	    (colon && ch == ':') || (!first && ch >= '0' && ch <= '9');
}

/* n bytes of s as a new string (NULL when out of memory); s need not be NUL-terminated. */
static char *
copy_range(const char *s, size_t n)
{
	char *out = malloc(n + 1);

	if (out) {
		memcpy(out, s, n);
		out[n] = '\0';
	}
	return out;
}

/*
 * The name at c->p (a metric name when colon, else a label name), copied into a new string;
 * NULL with errno EINVAL when there is none or it is longer than EXPO_NAME_MAX, ENOMEM.
 */
static char *
take_name(struct cursor *c, int colon)
{
	const char *s = c->p;
	char *out;

	while (c->p < c->end && is_name_char(*c->p, c->p == s, colon))
		c->p++;
	if (c->p == s || (size_t)(c->p - s) > EXPO_NAME_MAX) {
		errno = EINVAL;
		return NULL;
	}
	if ((out = copy_range(s, (size_t)(c->p - s))) == NULL)
		errno = ENOMEM;
	return out;
}

/* A token up to the next blank or the end of the line, as a new string. */
static char *
take_token(struct cursor *c)
{
	const char *s = c->p;
	char *out;

	while (c->p < c->end && *c->p != ' ' && *c->p != '\t')
		c->p++;
	if ((out = copy_range(s, (size_t)(c->p - s))) == NULL)
		errno = ENOMEM;
	return out;
}

static int
parse_double(const char *s, double *v)
{
	char *end;

	if (*s == '\0' || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtod(s, &end);
	return *end == '\0' ? 0 : -1;
}

/* Milliseconds since the epoch: an optional minus and 1 to 19 digits. */
static int
valid_timestamp(const char *s)
{
	size_t n;

	if (*s == '-')
		s++;
	n = strspn(s, "0123456789");
	return n > 0 && n <= 19 && s[n] == '\0';
}

/*
 * The quoted label value at c->p (after the opening quote), unescaped; c->p ends past the
 * closing quote. NULL with errno EINVAL on a bad escape or a missing quote.
 */
static char *
take_quoted(struct cursor *c)
{
	char *out = malloc((size_t)(c->end - c->p) + 1), *o = out;

	if (out == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	while (c->p < c->end && *c->p != '"') {
		if (*c->p == '\\') {
			if (++c->p == c->end)
				break;
			if (*c->p == 'n')
				*o++ = '\n';
			else if (*c->p == '\\' || *c->p == '"')
				*o++ = *c->p;
			else
				break;
			c->p++;
		} else
			*o++ = *c->p++;
	}
	if (c->p == c->end || *c->p != '"') {
		free(out);
		errno = EINVAL;
		return NULL;
	}
	c->p++;
	*o = '\0';
	return out;
}

static void
sample_free(struct exporead_sample *s)
{
	for (size_t i = 0; i < s->nlabels; i++) {
		free(s->labels[i].name);
		free(s->labels[i].value);
	}
	free(s->labels);
	free(s->name);
}

void
exporead_fini(struct exporead *r)
{
	for (size_t i = 0; i < r->nsamples; i++)
		sample_free(&r->samples[i]);
	free(r->samples);
	for (size_t i = 0; i < r->nfamilies; i++)
		free(r->families[i].name);
	free(r->families);
	memset(r, 0, sizeof(*r));
}

static int
add_label(struct exporead_sample *s, char *name, char *value)
{
	struct exporead_label *l;

	if ((l = realloc(s->labels, (s->nlabels + 1) * sizeof(*l))) == NULL) {
		free(name);
		free(value);
		errno = ENOMEM;
		return -1;
	}
	s->labels = l;
	l[s->nlabels].name = name;
	l[s->nlabels++].value = value;
	return 0;
}

static const char *
parse_labels(struct cursor *c, struct exporead_sample *s)
{
	char *name, *value;

	for (;;) {
		skip_blanks(c);
		if (c->p < c->end && *c->p == '}') {
			c->p++;
			return NULL;
		}
		if ((name = take_name(c, 0)) == NULL)
			return errno == ENOMEM ? "" : "bad label name";
		for (size_t i = 0; i < s->nlabels; i++)
			if (strcmp(s->labels[i].name, name) == 0) {
				free(name);
				return "label given twice";
			}
		skip_blanks(c);
		if (c->p == c->end || *c->p != '=') {
			free(name);
			return "expected = after a label name";
		}
		c->p++;
		skip_blanks(c);
		if (c->p == c->end || *c->p != '"') {
			free(name);
			return "expected a quoted label value";
		}
		c->p++;
		if ((value = take_quoted(c)) == NULL) {
			free(name);
			return errno == ENOMEM ? "" : "bad escape or unterminated label value";
		}
		if (add_label(s, name, value) < 0)
			return "";
		skip_blanks(c);
		if (c->p < c->end && *c->p == ',')
			c->p++;
		else if (c->p == c->end || *c->p != '}')
			return "expected , or } after a label";
	}
}

/* A sample line; the reason on error ("" for ENOMEM). */
static const char *
parse_sample(struct cursor *c, struct exporead_sample *s)
{
	const char *why, *after;
	char *tok;
	int rc;

	if ((s->name = take_name(c, 1)) == NULL)
		return errno == ENOMEM ? "" : "bad metric name";
	after = c->p;
	skip_blanks(c);
	if (c->p < c->end && *c->p == '{') {
		c->p++;
		if ((why = parse_labels(c, s)) != NULL)
			return why;
	} else
		c->p = after;
	if (c->p == c->end || (*c->p != ' ' && *c->p != '\t'))
		return "expected a blank before the value";
	skip_blanks(c);
	if ((tok = take_token(c)) == NULL)
		return "";
	rc = parse_double(tok, &s->value);
	free(tok);
	if (rc < 0)
		return "bad sample value";
	skip_blanks(c);
	if (c->p < c->end) {
		/* a timestamp is legal text; sd-scan never writes one (it voids a textfile) */
		if ((tok = take_token(c)) == NULL)
			return "";
		rc = valid_timestamp(tok);
		free(tok);
		if (!rc)
			return "bad timestamp";
		skip_blanks(c);
		if (c->p < c->end)
			return "text after the timestamp";
	}
	return NULL;
}

/* The family a sample name belongs to: itself, or a histogram's base for its suffixes. */
static int
belongs(const char *sample, const struct exporead_family *f)
{
	size_t n = strlen(f->name);

	if (strncmp(sample, f->name, n) != 0)
		return 0;
	if (sample[n] == '\0')
		return 1;
	return f->type == EXPO_HISTOGRAM && (strcmp(sample + n, "_bucket") == 0 ||
	    strcmp(sample + n, "_sum") == 0 || strcmp(sample + n, "_count") == 0);
}

/* "# HELP name text" and "# TYPE name type"; other comments are ignored. */
static const char *
parse_comment(struct cursor *c, struct exporead *r)
{
	struct exporead_family *f;
	char *word, *name;
	int help, type = -1;

	c->p++;
	skip_blanks(c);
	if ((word = take_token(c)) == NULL)
		return "";
	help = strcmp(word, "HELP") == 0;
	if (!help && strcmp(word, "TYPE") != 0) {
		free(word);
		return NULL;
	}
	free(word);
	skip_blanks(c);
	if ((name = take_name(c, 1)) == NULL)
		return errno == ENOMEM ? "" : "bad metric name after HELP or TYPE";
	if (help) {
		free(name);
		for (; c->p < c->end; c->p++)
			if (*c->p == '\\' && (++c->p == c->end || (*c->p != '\\' && *c->p != 'n')))
				return "bad escape in HELP";
		return NULL;
	}
	skip_blanks(c);
	if ((word = take_token(c)) == NULL) {
		free(name);
		return "";
	}
	skip_blanks(c);
	for (int i = 0; i <= EXPO_UNTYPED; i++)
		if (strcmp(word, type_names[i]) == 0)
			type = i;
	if (strcmp(word, "summary") == 0)
		type = EXPO_UNTYPED;
	free(word);
	if (type < 0 || c->p < c->end) {
		free(name);
		return "unknown TYPE";
	}
	for (size_t i = 0; i < r->nfamilies; i++)
		if (strcmp(r->families[i].name, name) == 0) {
			free(name);
			return "second TYPE line for one family";
		}
	if ((f = realloc(r->families, (r->nfamilies + 1) * sizeof(*f))) == NULL) {
		free(name);
		return "";
	}
	r->families = f;
	f[r->nfamilies] = (struct exporead_family){ .name = name, .type = (enum expo_type)type };
	for (size_t i = 0; i < r->nsamples; i++)
		if (belongs(r->samples[i].name, &f[r->nfamilies])) {
			free(name);
			return "TYPE after samples of its family";
		}
	r->nfamilies++;
	return NULL;
}

static const char *
add_sample(struct cursor *c, struct exporead *r, size_t *cap)
{
	const char *why;

	if (r->nsamples == *cap) {
		struct exporead_sample *s;
		size_t ncap = *cap ? *cap * 2 : 64;

		if ((s = realloc(r->samples, ncap * sizeof(*s))) == NULL)
			return "";
		r->samples = s;
		*cap = ncap;
	}
	memset(&r->samples[r->nsamples], 0, sizeof(r->samples[0]));
	if ((why = parse_sample(c, &r->samples[r->nsamples])) != NULL)
		sample_free(&r->samples[r->nsamples]);
	else
		r->nsamples++;
	return why;
}

int
exporead_parse(const char *buf, size_t len, struct exporead *r, char *err, size_t errlen)
{
	const char *p = buf, *end = buf + len, *nl, *why;
	unsigned long line = 0;
	size_t cap = 0;

	memset(r, 0, sizeof(*r));
	if (memchr(buf, '\0', len) != NULL) {
		snprintf(err, errlen, "NUL byte in the text");
		errno = EINVAL;
		return -1;
	}
	while (p < end) {
		struct cursor c;

		line++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			bad(err, errlen, line, "no newline at the end (truncated?)");
			goto fail;
		}
		c = (struct cursor){ .p = p, .end = nl };
		p = nl + 1;
		skip_blanks(&c);
		if (c.p == c.end)
			continue;
		why = *c.p == '#' ? parse_comment(&c, r) : add_sample(&c, r, &cap);
		if (why == NULL)
			continue;
		if (*why == '\0') {
			snprintf(err, errlen, "out of memory");
			errno = ENOMEM;
			goto fail;
		}
		bad(err, errlen, line, "%s", why);
		goto fail;
	}
	return 0;
fail:
	{
		int saved = errno;

		exporead_fini(r);
		errno = saved;
	}
	return -1;
}

const char *
exporead_label(const struct exporead_sample *s, const char *name)
{
	for (size_t i = 0; i < s->nlabels; i++)
		if (strcmp(s->labels[i].name, name) == 0)
			return s->labels[i].value;
	return NULL;
}

int
exporead_get(const struct exporead *r, const char *name, const struct expo_label *labels,
    size_t n, double *value)
{
	for (size_t i = 0; i < r->nsamples; i++) {
		const struct exporead_sample *s = &r->samples[i];
		size_t k;

		if (strcmp(s->name, name) != 0 || s->nlabels != n)
			continue;
		for (k = 0; k < n; k++) {
			const char *v = exporead_label(s, labels[k].name);

			if (v == NULL || strcmp(v, labels[k].value) != 0)
				break;
		}
		if (k == n) {
			*value = s->value;
			return 0;
		}
	}
	return -1;
}
