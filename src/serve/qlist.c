/*
 * qlist.c: one comma-separated element at a time (see qlist.h); the weight of an element
 * is the last "q=" among its parameters, 1 when it has none.
 */
#include <string.h>

#include "qlist.h"

static int
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 9110 tchar, and '/' between a media type and its subtype */
static int
is_value_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~/", c) != NULL);
}

/* s[0..n) trimmed of optional whitespace on both sides */
static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && is_ows(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_ows((*s)[*n - 1]))
		(*n)--;
}

/* qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] ), in thousandths; -1 if bad */
static int
qvalue(const char *s, size_t n)
{
	int q, scale = 100;

	if (n == 0 || (s[0] != '0' && s[0] != '1'))
		return -1;
	q = s[0] == '1' ? QLIST_ONE : 0;
	if (n == 1)
		return q;
	if (s[1] != '.' || n > 5)
		return -1;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9' || (q == QLIST_ONE && s[i] != '0'))
			return -1;
		q += (s[i] - '0') * scale;
	}
	return q;
}

/*
 * One element: its value in *val (length *vlen) and its weight, or -1 when the element is
 * malformed or empty.
 */
static int
element(const char *s, size_t n, const char **val, size_t *vlen)
{
	size_t i = 0;
	int q = QLIST_ONE;

	trim(&s, &n);
	while (i < n && is_value_char(s[i]))
		i++;
	if (i == 0)
		return -1;
	*val = s;
	*vlen = i;
	while (i < n) {
		size_t start, end;
		const char *p;

		while (i < n && is_ows(s[i]))
			i++;
		if (i >= n || s[i] != ';')
			return -1;
		start = ++i;
		while (i < n && s[i] != ';')
			i++;
		end = i;
		p = s + start;
		end -= start;
		trim(&p, &end);
		if (end >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
			if ((q = qvalue(p + 2, end - 2)) < 0)
				return -1;
		} else if (end == 0 || memchr(p, '=', end) == NULL) {
			return -1;	/* a parameter is name=value */
		}
	}
	return q;
}

void
qlist_walk(const char *list, size_t len, qlist_fn fn, void *ctx)
{
	size_t i = 0;

	if (list == NULL)
		return;
	while (i <= len) {
		const char *end = memchr(list + i, ',', len - i), *val = NULL;
		size_t elen = end ? (size_t)(end - (list + i)) : len - i, vlen = 0;
		int q = element(list + i, elen, &val, &vlen);

		if (q >= 0)
			fn(ctx, val, vlen, q);
		i += elen + 1;
	}
}
