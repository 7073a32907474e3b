/*
 * httpsd_parse.c: the strict one-pass parser of the http_sd JSON list (see httpsd.h). Pure
 * over the buffer: thread-safe, fuzzable.
 *
 * DESIGN: the parser reads the buffer once, recursing only into the containers it meets
 * (at most HTTPSD_MAX_DEPTH deep). A string without escapes stays where it is in the input;
 * one with escapes is decoded into the arena; nothing is allocated per value. A syntax error anywhere wins over a contract error ("group 2: ..."),
 * as with a parser that builds the whole tree first, so the first contract error is kept
 * aside while the rest of the input is still checked. Within a group the errors come in
 * the order json-c's checks gave them: an unknown key, then targets, then labels.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "httpsd.h"
#include "httpsd_internal.h"

#define NOT_A_STRING	UINT32_MAX	/* value.len of a label whose value is not a string */
#define SHOWN_MAX	64		/* bytes of a name an error message shows */

struct parser {
	const char		*buf, *p, *end;
	struct httpsd_list	*l;
	char			*err;
	size_t			 errlen;
	int			 failed;	/* a contract error is in err */
	int			 depth;
	size_t			 group_at;	/* where the group being read starts */
	size_t			 at;		/* where the reported error is */
};

/* What one group got wrong, reported once it is read (see DESIGN). */
struct group_errs {
	char		 unknown[SHOWN_MAX + 1];	/* the first unknown key */
	int		 has_unknown;
	enum { T_OK, T_NOT_ARRAY, T_NOT_STRING, T_EMPTY } targets;
	size_t		 target;			/* which one, from 1 */
	int		 labels_not_object;
};

static int
syntax(struct parser *ps, const char *what)
{
	ps->at = (size_t)((ps->p < ps->end ? ps->p : ps->end) - ps->buf);
	if (ps->p >= ps->end)
		snprintf(ps->err, ps->errlen, "JSON ends early at byte %zu (truncated or empty file)",
		    (size_t)(ps->end - ps->buf));
	else
		snprintf(ps->err, ps->errlen, "JSON syntax error at byte %zu: %s",
		    (size_t)(ps->p - ps->buf), what);
	return -1;
}

static int
nomem(struct parser *ps)
{
	snprintf(ps->err, ps->errlen, "out of memory");
	return -1;
}

/* Keep the first contract error; parsing goes on for syntax errors. */
static void __attribute__((format(printf, 2, 3)))
contract(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	if (ps->failed)
		return;
	ps->failed = 1;
	ps->at = ps->group_at;
	va_start(ap, fmt);
	vsnprintf(ps->err, ps->errlen, fmt, ap);
	va_end(ap);
}

static void
ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\n' || *ps->p == '\r' ||
	    *ps->p == '\t'))
		ps->p++;
}

static int
hex4(const char *s, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		unsigned c = (unsigned char)s[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			d = (c | 0x20) - 'a' + 10;
		else
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

static size_t
utf8_put(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * The escape at p (just past its backslash) decoded into out (room for 4 bytes); advances p.
 * A lone UTF-16 surrogate becomes U+FFFD, as json-c and Go's decoder make it.
 */
static int
escape(struct parser *ps, char *out, size_t *n)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	unsigned cp, lo;

	if (ps->p >= ps->end)
		return syntax(ps, "");
	if (*ps->p != 'u') {
		if (*ps->p == '\0' || (e = strchr(from, *ps->p)) == NULL)
			return syntax(ps, "invalid string sequence");
		out[0] = to[e - from];
		*n = 1;
		ps->p++;
		return 0;
	}
	if (ps->end - ps->p < 5) {
		ps->p = ps->end;
		return syntax(ps, "");
	}
	if (hex4(ps->p + 1, &cp) < 0)
		return syntax(ps, "invalid string sequence");
	ps->p += 5;
	if (cp >= 0xd800 && cp <= 0xdbff && ps->end - ps->p >= 6 && ps->p[0] == '\\' &&
	    ps->p[1] == 'u' && hex4(ps->p + 2, &lo) == 0 && lo >= 0xdc00 && lo <= 0xdfff) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		ps->p += 6;
	} else if (cp >= 0xd800 && cp <= 0xdfff)
		cp = 0xfffd;
	*n = utf8_put(out, cp);
	return 0;
}

/*
 * A byte that stands for itself in a string: all but NUL, '"', '\\' and the bytes of
 * multi-byte UTF-8 (checked apart). Raw control characters pass, as json-c let them: they
 * are rendered escaped.
 */
static inline int
plain(unsigned char c)
{
	return (unsigned char)(c - 1) < 0x7f && c != '"' && c != '\\';
}

/*
 * The string at p (on its opening quote) as *out when out is not NULL, else only checked:
 * its bytes in the input while it has no escape, decoded into the arena from its first.
 */
static int
string(struct parser *ps, struct httpsd_str *out)
{
	struct httpsd_list *l = ps->l;
	const char *s0 = ps->p + 1;
	size_t start = 0;
	int copying = 0;

	ps->p++;
	for (;;) {
		const char *run = ps->p;
		char dec[4];
		size_t n = 0;

		while (ps->p < ps->end && plain((unsigned char)*ps->p))
			ps->p++;
		if (out && copying && httpsd_arena_add(l, run, (size_t)(ps->p - run)) < 0)
			return nomem(ps);
		if (ps->p >= ps->end)
			return syntax(ps, "");
		if (*ps->p == '"')
			break;
		if (*ps->p == '\\') {
			if (out && !copying) {
				copying = 1;
				start = l->arena_len;
				if (httpsd_arena_add(l, s0, (size_t)(ps->p - s0)) < 0)
					return nomem(ps);
			}
			ps->p++;
			if (escape(ps, dec, &n) < 0)
				return -1;
			if (out && httpsd_arena_add(l, dec, n) < 0)
				return nomem(ps);
			continue;
		}
		if (*ps->p == '\0')
			return syntax(ps, "unexpected end of data");
		if ((n = httpsd_utf8_len((const unsigned char *)ps->p, (size_t)(ps->end - ps->p))) == 0)
			return syntax(ps, "invalid utf-8 string");
		if (out && copying && httpsd_arena_add(l, ps->p, n) < 0)
			return nomem(ps);
		ps->p += n;
	}
	if (out && copying) {
		out->off = (uint32_t)start;
		out->len = (uint32_t)(l->arena_len - start);
	} else if (out) {
		out->off = (uint32_t)(s0 - ps->buf) | HTTPSD_IN_INPUT;
		out->len = (uint32_t)(ps->p - s0);
	}
	ps->p++;
	return 0;
}

static int
literal(struct parser *ps, const char *word, const char *what)
{
	for (; *word; word++, ps->p++)
		if (ps->p >= ps->end || *ps->p != *word)
			return syntax(ps, what);
	return 0;
}

static int
digits(struct parser *ps)
{
	const char *s = ps->p;

	while (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
		ps->p++;
	return ps->p > s ? 0 : syntax(ps, "number expected");
}

static int
number(struct parser *ps)
{
	if (*ps->p == '-')
		ps->p++;
	if (ps->p < ps->end && *ps->p == '0')
		ps->p++;
	else if (digits(ps) < 0)
		return -1;
	if (ps->p < ps->end && *ps->p == '.') {
		ps->p++;
		if (digits(ps) < 0)
			return -1;
	}
	if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
		ps->p++;
		if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
			ps->p++;
		if (digits(ps) < 0)
			return -1;
	}
	/* the end of input ends a number only at the top level; let the caller say so */
	if (ps->p < ps->end && *ps->p >= '0' && *ps->p <= '9')
		return syntax(ps, "number expected");
	return 0;
}

static int value(struct parser *ps);

/*
 * Enter the container at p ('[' or '{', closed by close): 0 when it is empty (p past it),
 * 1 with p on its first element, -1.
 */
static int
enter(struct parser *ps, char close)
{
	if (++ps->depth > HTTPSD_MAX_DEPTH)
		return syntax(ps, "nesting too deep");
	ps->p++;
	ws(ps);
	if (ps->p >= ps->end)
		return syntax(ps, "");
	if (*ps->p != close)
		return 1;
	ps->p++;
	ps->depth--;
	return 0;
}

/* After an element: 1 for another one (p on it), 0 at the end (p past close), -1. */
static int
next_element(struct parser *ps, char close, const char *what)
{
	ws(ps);
	if (ps->p >= ps->end)
		return syntax(ps, "");
	if (*ps->p == close) {
		ps->p++;
		ps->depth--;
		return 0;
	}
	if (*ps->p != ',')
		return syntax(ps, what);
	ps->p++;
	ws(ps);
	if (ps->p >= ps->end)
		return syntax(ps, "");
	return 1;
}

#define ARRAY_SEP	"array value separator ',' expected"
#define OBJECT_SEP	"object value separator ',' expected"

/* A key and its colon, at p on the key's quote: decoded into out when not NULL. */
static int
key(struct parser *ps, struct httpsd_str *out)
{
	if (*ps->p != '"')
		return syntax(ps, "quoted object property name expected");
	if (string(ps, out) < 0)
		return -1;
	ws(ps);
	if (ps->p >= ps->end || *ps->p != ':')
		return syntax(ps, "object property name separator ':' expected");
	ps->p++;
	ws(ps);
	return ps->p >= ps->end ? syntax(ps, "") : 0;
}

/* Any JSON value at p (after ws), checked and dropped. */
static int
value(struct parser *ps)
{
	int r;

	switch (*ps->p) {
	case '"':
		return string(ps, NULL);
	case 't':
		return literal(ps, "true", "boolean expected");
	case 'f':
		return literal(ps, "false", "boolean expected");
	case 'n':
		return literal(ps, "null", "null expected");
	case '[':
		if ((r = enter(ps, ']')) <= 0)
			return r;
		do {
			if (value(ps) < 0)
				return -1;
		} while ((r = next_element(ps, ']', ARRAY_SEP)) == 1);
		return r;
	case '{':
		if ((r = enter(ps, '}')) <= 0)
			return r;
		do {
			if (key(ps, NULL) < 0 || value(ps) < 0)
				return -1;
		} while ((r = next_element(ps, '}', OBJECT_SEP)) == 1);
		return r;
	default:
		if (*ps->p == '-' || (*ps->p >= '0' && *ps->p <= '9'))
			return number(ps);
		if (*ps->p == '\0')
			return syntax(ps, "unexpected end of data");
		if ((unsigned char)*ps->p >= 0x80 &&
		    httpsd_utf8_len((const unsigned char *)ps->p, (size_t)(ps->end - ps->p)) == 0)
			return syntax(ps, "invalid utf-8 string");
		return syntax(ps, "unexpected character");
	}
}

static int
is_null(const struct parser *ps)
{
	return *ps->p == 'n';
}

/* The value of "targets" at p: an array of non-empty strings, or null. */
static int
targets(struct parser *ps, struct group_errs *ge)
{
	size_t i = 0;
	int r;

	if (*ps->p != '[') {
		if (!is_null(ps))
			ge->targets = T_NOT_ARRAY;
		return value(ps);
	}
	if ((r = enter(ps, ']')) <= 0)
		return r;
	do {
		struct httpsd_str t;

		i++;
		if (*ps->p != '"') {
			if (ge->targets == T_OK) {
				ge->targets = T_NOT_STRING;
				ge->target = i;
			}
			if (value(ps) < 0)
				return -1;
			continue;
		}
		if (string(ps, &t) < 0)
			return -1;
		if (t.len == 0 && ge->targets == T_OK) {
			ge->targets = T_EMPTY;
			ge->target = i;
		}
		if (httpsd_push_target(ps->l, t) < 0)
			return nomem(ps);
	} while ((r = next_element(ps, ']', ARRAY_SEP)) == 1);
	return r;
}

/* The value of "labels" at p: an object, or null. Names and values are checked later. */
static int
labels(struct parser *ps, struct group_errs *ge)
{
	int r;

	if (*ps->p != '{') {
		if (!is_null(ps))
			ge->labels_not_object = 1;
		return value(ps);
	}
	if ((r = enter(ps, '}')) <= 0)
		return r;
	do {
		struct httpsd_label lb = { { 0, 0 }, { 0, NOT_A_STRING } };

		if (key(ps, &lb.name) < 0)
			return -1;
		httpsd_share_name(ps->l, &lb.name);
		if (*ps->p == '"') {
			if (string(ps, &lb.value) < 0)
				return -1;
		} else if (value(ps) < 0)
			return -1;
		if (httpsd_push_label(ps->l, lb) < 0)
			return nomem(ps);
	} while ((r = next_element(ps, '}', OBJECT_SEP)) == 1);
	return r;
}

/* How many bytes of name s a message shows: at most SHOWN_MAX, never half a character. */
static int
shown_len(const char *s, size_t n)
{
	if (n > SHOWN_MAX) {
		n = SHOWN_MAX;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	return (int)n;
}

/* The shown part of a name, control characters as '?' so a message stays one line. */
static void
shown(char *out, const char *s, size_t n)
{
	int m = shown_len(s, n);

	for (int i = 0; i < m; i++)
		out[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	out[m] = '\0';
}

static int
str_eq(const struct httpsd_list *l, struct httpsd_str a, struct httpsd_str b)
{
	return a.len == b.len && memcmp(httpsd_bytes(l, a), httpsd_bytes(l, b), a.len) == 0;
}

/* A label's name and place, to sort a large group's labels by name. */
struct label_ix {
	const char	*name;
	uint32_t	 len, ix;
};

static int
label_ix_cmp(const void *a, const void *b)
{
	const struct label_ix *x = a, *y = b;
	int c = memcmp(x->name, y->name, x->len < y->len ? x->len : y->len);

	if (c != 0)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->ix < y->ix ? -1 : 1;
}

#define DEDUP_QUADRATIC_MAX	16	/* labels in a group compared pairwise; more are sorted */

/*
 * A repeated label name keeps its first place and takes its last value, as a JSON object
 * read into a map does (and json-c's objects did).
 */
static int
dedup_labels(struct httpsd_list *l, struct httpsd_group *g)
{
	struct httpsd_label *v;
	uint32_t n = g->nlabels, keep = 0;
	unsigned char few[DEDUP_QUADRATIC_MAX], *gone = few;

	if (n < 2)
		return 0;
	v = l->labels + g->label0;
	if (n <= DEDUP_QUADRATIC_MAX)
		memset(few, 0, n);
	else if ((gone = calloc(n, 1)) == NULL)
		return -1;
	if (n <= DEDUP_QUADRATIC_MAX) {
		for (uint32_t i = 1; i < n; i++)
			for (uint32_t j = 0; j < i; j++)
				if (!gone[j] && str_eq(l, v[j].name, v[i].name)) {
					v[j].value = v[i].value;
					gone[i] = 1;
					break;
				}
	} else {
		struct label_ix *ix = calloc(n, sizeof(*ix));

		if (ix == NULL) {
			free(gone);	/* not few: n is over DEDUP_QUADRATIC_MAX here */
			return -1;
		}
		for (uint32_t i = 0; i < n; i++) {
			ix[i].name = httpsd_bytes(l, v[i].name);
			ix[i].len = v[i].name.len;
			ix[i].ix = i;
		}
		qsort(ix, n, sizeof(*ix), label_ix_cmp);
		for (uint32_t i = 0; i < n;) {
			uint32_t j = i + 1;

			while (j < n && str_eq(l, v[ix[j].ix].name, v[ix[i].ix].name)) {
				gone[ix[j].ix] = 1;
				j++;
			}
			v[ix[i].ix].value = v[ix[j - 1].ix].value;
			i = j;
		}
		free(ix);
	}
	for (uint32_t i = 0; i < n; i++)
		if (!gone[i])
			v[keep++] = v[i];
	if (gone != few)
		free(gone);
	l->nlabels -= n - keep;
	g->nlabels = keep;
	return 0;
}

/* Report what group gi (from 0) got wrong, in json-c's order (see DESIGN). */
static int
check_group(struct parser *ps, size_t gi, const struct group_errs *ge)
{
	struct httpsd_list *l = ps->l;
	struct httpsd_group *g = &l->groups[l->ngroups - 1];
	char name[SHOWN_MAX + 1];

	if (ps->failed)
		return 0;
	if (ge->has_unknown) {
		contract(ps, "group %zu: unknown key '%s' (only targets and labels)", gi + 1,
		    ge->unknown);
		return 0;
	}
	switch (ge->targets) {
	case T_NOT_ARRAY:
		contract(ps, "group %zu: targets is not an array", gi + 1);
		return 0;
	case T_NOT_STRING:
		contract(ps, "group %zu: target %zu is not a string", gi + 1, ge->target);
		return 0;
	case T_EMPTY:
		contract(ps, "group %zu: target %zu is empty", gi + 1, ge->target);
		return 0;
	case T_OK:
		break;
	}
	if (ge->labels_not_object) {
		contract(ps, "group %zu: labels is not an object", gi + 1);
		return 0;
	}
	if (dedup_labels(l, g) < 0)
		return nomem(ps);
	for (uint32_t i = 0; i < g->nlabels; i++) {
		const struct httpsd_label *lb = &l->labels[g->label0 + i];
		const char *s = httpsd_bytes(l, lb->name);

		if (!httpsd_label_name_valid(s, lb->name.len)) {
			shown(name, s, lb->name.len);
			contract(ps, "group %zu: label name '%s' is not [a-zA-Z_][a-zA-Z0-9_]*",
			    gi + 1, name);
			return 0;
		}
		if (lb->value.len == NOT_A_STRING) {
			shown(name, s, lb->name.len);
			contract(ps, "group %zu: label %s is not a string", gi + 1, name);
			return 0;
		}
	}
	return 0;
}

static int
is_key(const struct parser *ps, struct httpsd_str k, const char *word)
{
	return k.len == strlen(word) && memcmp(httpsd_bytes(ps->l, k), word, k.len) == 0;
}

/* Group gi (from 0) at p: an object with targets and labels. */
static int
group(struct parser *ps, size_t gi)
{
	struct httpsd_list *l = ps->l;
	struct group_errs ge;
	int r;

	ps->group_at = (size_t)(ps->p - ps->buf);
	if (*ps->p != '{') {
		contract(ps, "group %zu is not an object", gi + 1);
		return value(ps);
	}
	memset(&ge, 0, sizeof(ge));
	if (httpsd_group_add(l) < 0)
		return nomem(ps);
	if ((r = enter(ps, '}')) < 0)
		return -1;
	if (r == 0)
		return check_group(ps, gi, &ge);
	do {
		struct httpsd_str k;
		struct httpsd_group *g = &l->groups[l->ngroups - 1];

		if (key(ps, &k) < 0)
			return -1;
		if (httpsd_in_arena(k))
			l->arena_len = k.off;	/* the key is not kept */
		if (is_key(ps, k, "targets")) {
			/* a repeated key: the last value counts */
			l->ntargets = g->target0;
			g->ntargets = 0;
			ge.targets = T_OK;
			r = targets(ps, &ge);
		} else if (is_key(ps, k, "labels")) {
			l->nlabels = g->label0;
			g->nlabels = 0;
			ge.labels_not_object = 0;
			r = labels(ps, &ge);
		} else {
			if (!ge.has_unknown) {
				ge.has_unknown = 1;
				shown(ge.unknown, httpsd_bytes(l, k), k.len);
			}
			r = value(ps);
		}
		if (r < 0)
			return -1;
	} while ((r = next_element(ps, '}', OBJECT_SEP)) == 1);
	if (r < 0)
		return -1;
	return check_group(ps, gi, &ge);
}

/* Only white space may follow the list. */
static int
trailing(struct parser *ps)
{
	ws(ps);
	if (ps->p < ps->end)
		return syntax(ps, *ps->p == '\0' ? "data after the list" : "unexpected character");
	return 0;
}

static int
parse(struct parser *ps)
{
	size_t gi = 0;
	int r;

	ws(ps);
	if (ps->p >= ps->end)
		return syntax(ps, "");
	if (*ps->p != '[') {
		int null = is_null(ps);

		if (value(ps) < 0)
			return -1;
		if (trailing(ps) < 0)
			return -1;
		snprintf(ps->err, ps->errlen, null ? "null instead of a list of groups" :
		    "not a JSON array of target groups");
		return -1;
	}
	if ((r = enter(ps, ']')) < 0)
		return -1;
	if (r == 1) {
		do {
			if (group(ps, gi++) < 0)
				return -1;
		} while ((r = next_element(ps, ']', ARRAY_SEP)) == 1);
		if (r < 0)
			return -1;
	}
	if (trailing(ps) < 0)
		return -1;
	return ps->failed ? -1 : 0;
}

int
httpsd_parse_at(const char *buf, size_t len, struct httpsd_list *out, char *err, size_t errlen,
    size_t *at)
{
	struct parser ps = { buf, buf, buf + len, out, err, errlen, 0, 0, 0, 0 };
	int rc;

	out->input = buf;
	if (at != NULL)
		*at = 0;
	if (len > HTTPSD_MAX_BYTES) {
		snprintf(err, errlen, "larger than %u bytes", HTTPSD_MAX_BYTES);
		return -1;
	}
	rc = parse(&ps);
	if (rc < 0 && at != NULL)
		*at = ps.at;
	return rc;
}

int
httpsd_parse(const char *buf, size_t len, struct httpsd_list *out, char *err, size_t errlen)
{
	return httpsd_parse_at(buf, len, out, err, errlen, NULL);
}

int
httpsd_count(const char *buf, size_t len, size_t *count, char *err, size_t errlen)
{
	struct httpsd_list l;
	int rc;

	httpsd_init(&l);
	rc = httpsd_parse(buf, len, &l, err, errlen);
	*count = rc == 0 ? l.ntargets : 0;
	httpsd_fini(&l);
	return rc;
}
