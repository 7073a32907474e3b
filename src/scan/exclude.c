/*
 * exclude.c: parsing exclusions and cutting them out of the address set.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "exclude.h"

#define LINE_SHOWN	40	/* bytes of a bad line quoted in an error */

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* "FILE: line N: " (or "" for a list item), what messages start with; formatted only for one. */
static const char *
where_of(const char *name, unsigned line, char *buf, size_t len)
{
	if (name == NULL)
		return "";
	snprintf(buf, len, "%.200s: line %u: ", name, line);
	return buf;
}

/* Append one item (NUL-terminated, trimmed) of file name's line (name NULL: of a list). */
static int
add_item(struct exclusions *ex, const char *item, const char *name, unsigned line,
    cidr_warn_fn warn, void *warn_ctx, char *err, size_t errlen)
{
	struct exclusion *e;
	char why[96], msg[420], a[CIDR_IP_LEN], wb[300];
	const char *where = "";
	struct cidr_net net;
	int masked, rc = -1;

	if (strlen(item) >= EXCLUDE_TEXT_MAX)
		snprintf(why, sizeof(why), "not a network (expected a.b.c.d/len or an IPv6 net/len)");
	else if ((rc = cidr_parse(item, &net, &masked, why, sizeof(why))) == 0 &&
	    cidr_net_overlaps_v4(&net)) {
		snprintf(why, sizeof(why), "%s", CIDR_OVERLAP_V4);
		rc = -1;
	}
	if (rc < 0 || ex->n == EXCLUDE_MAX || (masked && warn))
		where = where_of(name, line, wb, sizeof(wb));
	if (rc < 0) {
		snprintf(err, errlen, "%s'%.*s': %s", where, LINE_SHOWN, item, why);
		return -1;
	}
	if (ex->n == EXCLUDE_MAX) {
		snprintf(err, errlen, "%smore than %d exclusions", where, EXCLUDE_MAX);
		return -1;
	}
	if (ex->n == ex->alloc) {
		size_t n = ex->alloc ? ex->alloc * 2 : 64;
		struct exclusion *v = realloc(ex->v, n * sizeof(*v));

		if (v == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		ex->v = v;
		ex->alloc = n;
	}
	if (masked && warn) {
		snprintf(msg, sizeof(msg), "%sexclusion %s has host bits set; excluding %s/%u", where,
		    item, cidr_format_ip(net.first, a, sizeof(a)), net.prefix);
		warn(warn_ctx, msg);
	}
	e = &ex->v[ex->n++];
	memset(e, 0, sizeof(*e));
	e->first = net.first;
	e->last = net.last;
	e->line = line;
	memcpy(e->text, item, strlen(item) + 1);
	return 0;
}

static int
parse_list(struct exclusions *ex, const char *list, cidr_warn_fn warn, void *warn_ctx,
    char *err, size_t errlen)
{
	const char *p = list;

	if (*list == '\0')
		return 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char item[EXCLUDE_TEXT_MAX + 1];

		while (len > 0 && is_blank(*p))
			p++, len--;
		while (len > 0 && is_blank(p[len - 1]))
			len--;
		if (len == 0) {
			snprintf(err, errlen, "empty item in list '%.200s'", list);
			return -1;
		}
		if (len > EXCLUDE_TEXT_MAX)
			len = EXCLUDE_TEXT_MAX;	/* too long to be valid: add_item says so */
		memcpy(item, p, len);
		item[len] = '\0';
		if (strpbrk(item, " \t#") != NULL) {
			snprintf(err, errlen, "'%s': separate exclusions with commas; '#' starts no "
			    "comment in a value", item);
			return -1;
		}
		if (add_item(ex, item, NULL, 0, warn, warn_ctx, err, errlen) < 0)
			return -1;
		ex->from_list++;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

int
exclude_parse_list(struct exclusions *ex, const char *list, cidr_warn_fn warn, void *warn_ctx,
    char *err, size_t errlen)
{
	size_t n = ex->n, from_list = ex->from_list;

	if (parse_list(ex, list, warn, warn_ctx, err, errlen) == 0)
		return 0;
	ex->n = n;	/* all or nothing */
	ex->from_list = from_list;
	return -1;
}

static int
parse_text(struct exclusions *ex, const char *text, size_t len, const char *name,
    cidr_warn_fn warn, void *warn_ctx, char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	unsigned line = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end, *hash = memchr(p, '#', (size_t)(eol - p));
		const char *s = p, *e = hash ? hash : eol;
		char item[EXCLUDE_TEXT_MAX + 1], where[300];
		size_t n;

		line++;
		p = nl ? nl + 1 : end;
		while (s < e && is_blank(*s))
			s++;
		while (e > s && is_blank(e[-1]))
			e--;
		if (s == e)
			continue;
		n = (size_t)(e - s);
		if (memchr(s, '\0', n) != NULL) {
			snprintf(err, errlen, "%sa NUL byte in the line",
			    where_of(name, line, where, sizeof(where)));
			return -1;
		}
		if (n > EXCLUDE_TEXT_MAX)
			n = EXCLUDE_TEXT_MAX;
		memcpy(item, s, n);
		item[n] = '\0';
		if (strpbrk(item, " \t,") != NULL) {
			snprintf(err, errlen, "%s'%.*s': one network or address per line",
			    where_of(name, line, where, sizeof(where)), LINE_SHOWN, item);
			return -1;
		}
		if (add_item(ex, item, name, line, warn, warn_ctx, err, errlen) < 0)
			return -1;
	}
	return 0;
}

int
exclude_parse_text(struct exclusions *ex, const char *text, size_t len, const char *name,
    cidr_warn_fn warn, void *warn_ctx, char *err, size_t errlen)
{
	size_t n = ex->n;

	ex->file = name;
	if (parse_text(ex, text, len, name, warn, warn_ctx, err, errlen) == 0)
		return 0;
	ex->n = n;	/* all or nothing */
	return -1;
}

int
exclude_load_file(struct exclusions *ex, const char *path, cidr_warn_fn warn, void *warn_ctx,
    char *err, size_t errlen)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	ssize_t r;
	int fd, rc = -1, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is not a regular file", path);
		goto out;
	}
	if ((uint64_t)st.st_size > EXCLUDE_FILE_MAX) {
		snprintf(err, errlen, "%s is larger than %u bytes", path, EXCLUDE_FILE_MAX);
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		snprintf(err, errlen, "out of memory reading %s", path);
		goto out;
	}
	while (got < (size_t)st.st_size &&
	    (r = read(fd, buf + got, (size_t)st.st_size - got)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
			goto out;
		}
		got += (size_t)r;
	}
	rc = exclude_parse_text(ex, buf, got, path, warn, warn_ctx, err, errlen);
out:
	saved = errno;
	free(buf);
	close(fd);
	errno = saved;
	return rc;
}

static int
by_first(const void *x, const void *y)
{
	const struct exclusion *a = *(const struct exclusion *const *)x;
	const struct exclusion *b = *(const struct exclusion *const *)y;

	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return a->last < b->last ? -1 : a->last > b->last;
}

/* One warning for the exclusions that overlap another one, naming the first pair. */
static int
warn_overlaps(const struct exclusions *ex, cidr_warn_fn warn, void *warn_ctx)
{
	const struct exclusion **s, *widest = NULL, *pa = NULL, *pb = NULL;
	size_t count = 0;
	char msg[1024], wa[300], wb[300];

	if (ex->n < 2 || warn == NULL)
		return 0;
	if ((s = calloc(ex->n, sizeof(*s))) == NULL)
		return -1;
	for (size_t i = 0; i < ex->n; i++)
		s[i] = &ex->v[i];
	if (ex->n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(s, ex->n, sizeof(*s), by_first);
	for (size_t i = 0; i < ex->n; i++) {
		if (widest != NULL && s[i]->first <= widest->last) {
			if (count++ == 0) {
				pa = widest;
				pb = s[i];
			}
		}
		if (widest == NULL || s[i]->last > widest->last)
			widest = s[i];
	}
	if (count > 0) {
		snprintf(msg, sizeof(msg), "exclusions overlap: %s (%s) and %s (%s)", pa->text,
		    exclude_where(ex, pa, wa, sizeof(wa)), pb->text,
		    exclude_where(ex, pb, wb, sizeof(wb)));
		if (count > 1)
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
			    "; %zu exclusions overlap an earlier one", count);
		warn(warn_ctx, msg);
	}
	free(s);
	return 0;
}

int
exclude_apply(struct exclusions *ex, struct addrset *set, cidr_warn_fn warn, void *warn_ctx,
    char *err, size_t errlen)
{
	struct addr_range *cut;
	const struct exclusion *first_empty = NULL;
	size_t empty = 0;
	char msg[1024], w[300];

	ex->scanned_before = set->total;
	ex->removed = 0;
	if (ex->n == 0)
		return 0;
	if (warn_overlaps(ex, warn, warn_ctx) < 0 ||
	    (cut = calloc(ex->n, sizeof(*cut))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < ex->n; i++) {
		struct exclusion *e = &ex->v[i];

		e->removed = addrset_count_within(set, e->first, e->last);
		if (e->removed == 0 && empty++ == 0)
			first_empty = e;
		cut[i] = (struct addr_range){ e->first, e->last };
	}
	if (addrset_subtract(set, cut, ex->n) < 0) {
		free(cut);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	free(cut);
	ex->removed = ex->scanned_before - set->total;
	if (empty > 0 && warn) {
		snprintf(msg, sizeof(msg), "exclusion %s (%s) removes no address of -networks",
		    first_empty->text, exclude_where(ex, first_empty, w, sizeof(w)));
		if (empty > 1)
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg),
			    "; %zu exclusions remove none", empty);
		warn(warn_ctx, msg);
	}
	return 0;
}

const char *
exclude_where(const struct exclusions *ex, const struct exclusion *e, char *buf, size_t len)
{
	if (e->line == 0)
		snprintf(buf, len, "-exclude");
	else
		snprintf(buf, len, "%.200s:%u", ex->file ? ex->file : "?", e->line);
	return buf;
}

void
exclude_fini(struct exclusions *ex)
{
	free(ex->v);
	memset(ex, 0, sizeof(*ex));
}
