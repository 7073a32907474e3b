/*
 * acceptenc.c: Accept-Encoding, one comma-separated element at a time (see acceptenc.h).
 * Weights are kept in thousandths; -1 stands for "not named".
 */
#include <string.h>
#include <strings.h>

#include "acceptenc.h"

#define Q_ONE		1000	/* q=1 */
#define Q_UNNAMED	(-1)

static int
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 9110 tchar */
static int
is_tchar(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
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
	q = s[0] == '1' ? Q_ONE : 0;
	if (n == 1)
		return q;
	if (s[1] != '.' || n > 5)
		return -1;
	for (size_t i = 2; i < n; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9' || (q == Q_ONE && s[i] != '0'))
			return -1;
		q += (s[i] - '0') * scale;
	}
	return q;
}

/*
 * One element "coding *( OWS ; OWS param )": the coding in *tok (length *toklen) and its
 * weight, or -1 when the element is malformed or empty.
 */
static int
element(const char *s, size_t n, const char **tok, size_t *toklen)
{
	size_t i = 0;
	int q = Q_ONE;

	trim(&s, &n);
	while (i < n && is_tchar(s[i]))
		i++;
	if (i == 0)
		return -1;
	*tok = s;
	*toklen = i;
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

static int
token_is(const char *tok, size_t len, const char *name)
{
	return strlen(name) == len && strncasecmp(tok, name, len) == 0;
}

int
acceptenc_gzip(const char *value, size_t len)
{
	int q_gzip = Q_UNNAMED, q_identity = Q_UNNAMED, q_star = Q_UNNAMED, qg, qi;
	size_t i = 0;

	if (value == NULL)
		return 0;
	while (i <= len) {
		const char *end = memchr(value + i, ',', len - i), *tok = NULL;
		size_t elen = end ? (size_t)(end - (value + i)) : len - i, toklen = 0;
		int q = element(value + i, elen, &tok, &toklen);

		if (q >= 0) {
			if (token_is(tok, toklen, "gzip") || token_is(tok, toklen, "x-gzip"))
				q_gzip = q;
			else if (token_is(tok, toklen, "identity"))
				q_identity = q;
			else if (token_is(tok, toklen, "*"))
				q_star = q;
		}
		i += elen + 1;
	}
	qg = q_gzip != Q_UNNAMED ? q_gzip : q_star;
	qi = q_identity != Q_UNNAMED ? q_identity : q_star;
	return qg > 0 && (qi == Q_UNNAMED || qg >= qi);
}
