/*
 * expo.c: the exposition-format writer. Every public call either appends a complete, valid
 * piece of text or appends nothing and makes the writer fail for good, so a caller checks
 * once at the end. Not thread-safe: one writer per thread.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expo.h"

static const char *const type_names[] = { "counter", "gauge", "histogram", "untyped" };
static const char *const hist_suffixes[] = { "_bucket", "_sum", "_count" };

void
expo_init(struct expo *e)
{
	memset(e, 0, sizeof(*e));
}

void
expo_fini(struct expo *e)
{
	for (size_t i = 0; i < e->ndeclared; i++)
		free(e->declared[i]);
	free(e->declared);
	free(e->declared_type);
	free(e->buf);
	memset(e, 0, sizeof(*e));
}

int
expo_take(struct expo *e, char **out, size_t *outlen)
{
	if (e->failed) {
		expo_fini(e);
		return -1;
	}
	*out = e->buf;
	*outlen = e->len;
	e->buf = NULL;
	expo_fini(e);
	return 0;
}

static int
fail(struct expo *e, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
fail(struct expo *e, int err, const char *fmt, ...)
{
	va_list ap;

	if (!e->failed) {
		e->failed = err;
		va_start(ap, fmt);
		vsnprintf(e->error, sizeof(e->error), fmt, ap);
		va_end(ap);
	}
	errno = e->failed;
	return -1;
}

static int
reserve(struct expo *e, size_t more)
{
	size_t cap;
	char *p;

	if (more < e->cap - e->len)
		return 0;
	if (more > SIZE_MAX / 2 - e->len)
		return fail(e, ENOMEM, "out of memory");
	for (cap = e->cap ? e->cap : 4096; cap - e->len <= more; cap *= 2)
		;
	if ((p = realloc(e->buf, cap)) == NULL)
		return fail(e, ENOMEM, "out of memory");
	e->buf = p;
	e->cap = cap;
	return 0;
}

/* Appends are staged past e->len and committed only when a whole piece is valid. */
static int
put(struct expo *e, size_t *at, const char *s, size_t n)
{
	if (reserve(e, *at - e->len + n) < 0)
		return -1;
	memcpy(e->buf + *at, s, n);
	*at += n;
	e->buf[*at] = '\0';
	return 0;
}

static int
puts_(struct expo *e, size_t *at, const char *s)
{
	return put(e, at, s, strlen(s));
}

static int
commit(struct expo *e, size_t at)
{
	e->len = at;
	return 0;
}

static int
valid_utf8(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		unsigned c = *p, n, min;
		unsigned long cp;

		if (c < 0x80) {
			p++;
			continue;
		}
		if ((c & 0xe0) == 0xc0)
			n = 1, min = 0x80, cp = c & 0x1f;
		else if ((c & 0xf0) == 0xe0)
			n = 2, min = 0x800, cp = c & 0x0f;
		else if ((c & 0xf8) == 0xf0)
			n = 3, min = 0x10000, cp = c & 0x07;
		else
			return 0;
		for (unsigned i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		p += n + 1;
	}
	return 1;
}

static int
valid_name(const char *s, int colon)
{
	size_t i;

	for (i = 0; s[i]; i++) {
		char c = s[i];
		int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
		    (colon && c == ':');

		if (!alpha && (i == 0 || c < '0' || c > '9'))
			return 0;
	}
	return i > 0 && i <= EXPO_NAME_MAX;
}

int
expo_valid_metric_name(const char *s)
{
	return valid_name(s, 1);
}

int
expo_valid_label_name(const char *s)
{
	return valid_name(s, 0);
}

char *
expo_format_value(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "NaN");
	else if (isinf(v))
		snprintf(buf, len, v > 0 ? "+Inf" : "-Inf");
	else if (v == trunc(v) && fabs(v) < 1e15)
		snprintf(buf, len, "%.0f", v);
	else {
		snprintf(buf, len, "%.15g", v);
		if (strtod(buf, NULL) != v)
			snprintf(buf, len, "%.17g", v);
	}
	return buf;
}

/* Escape a HELP text (\\ and \n) or a label value (also \"). */
static int
put_escaped(struct expo *e, size_t *at, const char *s, int quote)
{
	for (; *s; s++) {
		const char *esc = NULL;

		if (*s == '\\')
			esc = "\\\\";
		else if (*s == '\n')
			esc = "\\n";
		else if (*s == '"' && quote)
			esc = "\\\"";
		if ((esc ? puts_(e, at, esc) : put(e, at, s, 1)) < 0)
			return -1;
	}
	return 0;
}

static int
collides(const char *a, enum expo_type ta, const char *b)
{
	size_t n = strlen(a);

	if (strcmp(a, b) == 0)
		return 1;
	if (ta != EXPO_HISTOGRAM || strncmp(a, b, n) != 0)
		return 0;
	for (size_t i = 0; i < 3; i++)
		if (strcmp(b + n, hist_suffixes[i]) == 0)
			return 1;
	return 0;
}

int
expo_family(struct expo *e, const char *name, enum expo_type type, const char *help)
{
	size_t at = e->len;
	char **d;
	enum expo_type *dt;

	if (e->failed)
		return fail(e, e->failed, "%s", e->error);
	if (!expo_valid_metric_name(name) || (unsigned)type > EXPO_UNTYPED)
		return fail(e, EINVAL, "bad metric name \"%.*s\"", 64, name);
	if (help == NULL || !valid_utf8(help))
		return fail(e, EINVAL, "HELP of %s is not UTF-8", name);
	for (size_t i = 0; i < e->ndeclared; i++)
		if (collides(e->declared[i], e->declared_type[i], name) ||
		    collides(name, type, e->declared[i]))
			return fail(e, EINVAL, "family %s clashes with %s declared before", name,
			    e->declared[i]);
	if ((d = realloc(e->declared, (e->ndeclared + 1) * sizeof(*d))) == NULL)
		return fail(e, ENOMEM, "out of memory");
	e->declared = d;
	if ((dt = realloc(e->declared_type, (e->ndeclared + 1) * sizeof(*dt))) == NULL)
		return fail(e, ENOMEM, "out of memory");
	e->declared_type = dt;
	if ((d[e->ndeclared] = strdup(name)) == NULL)
		return fail(e, ENOMEM, "out of memory");
	dt[e->ndeclared++] = type;

	if (puts_(e, &at, "# HELP ") < 0 || puts_(e, &at, name) < 0 || put(e, &at, " ", 1) < 0 ||
	    put_escaped(e, &at, help, 0) < 0 || puts_(e, &at, "\n# TYPE ") < 0 ||
	    puts_(e, &at, name) < 0 || put(e, &at, " ", 1) < 0 ||
	    puts_(e, &at, type_names[type]) < 0 || put(e, &at, "\n", 1) < 0)
		return -1;
	memcpy(e->family, name, strlen(name) + 1);
	e->type = type;
	return commit(e, at);
}

static int
check_labels(struct expo *e, const struct expo_label *labels, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *ln = labels[i].name;

		if (ln == NULL || !expo_valid_label_name(ln) || strncmp(ln, "__", 2) == 0)
			return fail(e, EINVAL, "%s: bad label name \"%.*s\"", e->family, 64,
			    ln ? ln : "");
		if (e->type == EXPO_HISTOGRAM && strcmp(ln, "le") == 0)
			return fail(e, EINVAL, "%s: label le is the histogram's own", e->family);
		if (labels[i].value == NULL || !valid_utf8(labels[i].value))
			return fail(e, EINVAL, "%s: value of label %s is not UTF-8", e->family, ln);
		for (size_t j = 0; j < i; j++)
			if (strcmp(labels[j].name, ln) == 0)
				return fail(e, EINVAL, "%s: label %s given twice", e->family, ln);
	}
	return 0;
}

/* name{labels[,le="le"]} value\n */
static int
put_line(struct expo *e, size_t *at, const char *suffix, const struct expo_label *labels,
    size_t n, const char *le, double value)
{
	char num[32];

	if (puts_(e, at, e->family) < 0 || puts_(e, at, suffix) < 0)
		return -1;
	if (n > 0 || le) {
		if (put(e, at, "{", 1) < 0)
			return -1;
		for (size_t i = 0; i < n; i++)
			if ((i > 0 && put(e, at, ",", 1) < 0) || puts_(e, at, labels[i].name) < 0 ||
			    puts_(e, at, "=\"") < 0 || put_escaped(e, at, labels[i].value, 1) < 0 ||
			    put(e, at, "\"", 1) < 0)
				return -1;
		if (le && ((n > 0 && put(e, at, ",", 1) < 0) || puts_(e, at, "le=\"") < 0 ||
		    puts_(e, at, le) < 0 || put(e, at, "\"", 1) < 0))
			return -1;
		if (put(e, at, "}", 1) < 0)
			return -1;
	}
	expo_format_value(value, num, sizeof(num));
	if (put(e, at, " ", 1) < 0 || puts_(e, at, num) < 0 || put(e, at, "\n", 1) < 0)
		return -1;
	return 0;
}

int
expo_sample(struct expo *e, const struct expo_label *labels, size_t n, double value)
{
	size_t at = e->len;

	if (e->failed)
		return fail(e, e->failed, "%s", e->error);
	if (e->family[0] == '\0')
		return fail(e, EINVAL, "sample before any family");
	if (e->type == EXPO_HISTOGRAM)
		return fail(e, EINVAL, "%s is a histogram: use expo_histogram", e->family);
	if (e->type == EXPO_COUNTER && !(value >= 0))
		return fail(e, EINVAL, "counter %s cannot be negative or NaN", e->family);
	if (check_labels(e, labels, n) < 0 || put_line(e, &at, "", labels, n, NULL, value) < 0)
		return -1;
	return commit(e, at);
}

int
expo_histogram(struct expo *e, const struct expo_label *labels, size_t n,
    const double *bounds, const uint64_t *cumulative, size_t nbounds, uint64_t count,
    double sum)
{
	size_t at = e->len;
	char le[32];

	if (e->failed)
		return fail(e, e->failed, "%s", e->error);
	if (e->family[0] == '\0' || e->type != EXPO_HISTOGRAM)
		return fail(e, EINVAL, "histogram series outside a histogram family");
	if (check_labels(e, labels, n) < 0)
		return -1;
	for (size_t i = 0; i < nbounds; i++) {
		if (!isfinite(bounds[i]) || (i > 0 && !(bounds[i] > bounds[i - 1])))
			return fail(e, EINVAL, "%s: bucket bounds must be finite and ascending",
			    e->family);
		if ((i > 0 && cumulative[i] < cumulative[i - 1]) || cumulative[i] > count)
			return fail(e, EINVAL, "%s: bucket counts must be cumulative", e->family);
		if (put_line(e, &at, "_bucket", labels, n,
		    expo_format_value(bounds[i], le, sizeof(le)), (double)cumulative[i]) < 0)
			return -1;
	}
	if (put_line(e, &at, "_bucket", labels, n, "+Inf", (double)count) < 0 ||
	    put_line(e, &at, "_sum", labels, n, NULL, sum) < 0 ||
	    put_line(e, &at, "_count", labels, n, NULL, (double)count) < 0)
		return -1;
	return commit(e, at);
}
