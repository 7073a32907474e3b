/*
 * grace.c: the previous targets file read back for -grace and -retry-scope (by
 * httpsd_parse.c's strict parser), and the choice of the targets to keep.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cidr.h"
#include "grace.h"
#include "httpsd.h"

char *
grace_format_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "1970-01-01T00:00:00Z");
	return buf;
}

/* n decimal digits at s, or -1 */
static int
digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
grace_parse_time(const char *s, int64_t *t)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	struct tm tm;
	int y, mo, d, h, mi, sec;
	time_t v;

	if (strlen(s) != GRACE_TIME_LEN || s[4] != '-' || s[7] != '-' || s[10] != 'T' ||
	    s[13] != ':' || s[16] != ':' || s[19] != 'Z')
		return -1;
	y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	h = digits(s + 11, 2), mi = digits(s + 14, 2), sec = digits(s + 17, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || h < 0 || h > 23 ||
	    mi < 0 || mi > 59 || sec < 0 || sec > 59)
		return -1;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if ((v = timegm(&tm)) == (time_t)-1)
		return -1;
	*t = (int64_t)v;
	return 0;
}

/* Label `name` of group gi copied into buf as a C string; NULL when absent, too long or
 * holding a NUL. */
static const char *
label(const struct httpsd_list *l, size_t gi, const char *name, char *buf, size_t len)
{
	const struct httpsd_group *g = &l->groups[gi];
	size_t nlen = strlen(name);

	for (uint32_t k = g->label0; k < g->label0 + g->nlabels; k++) {
		const struct httpsd_label *lb = &l->labels[k];
		const char *v;

		if (lb->name.len != nlen || memcmp(httpsd_bytes(l, lb->name), name, nlen) != 0)
			continue;
		v = httpsd_bytes(l, lb->value);
		if (lb->value.len >= len || memchr(v, '\0', lb->value.len) != NULL)
			return NULL;
		memcpy(buf, v, lb->value.len);
		buf[lb->value.len] = '\0';
		return buf;
	}
	return NULL;
}

static int
entry_cmp(const void *x, const void *y)
{
	const struct grace_entry *a = x, *b = y;

	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return cidr_ip_cmp(a->addr, b->addr);
}

/* Group gi into *e (need_seen 0: last_seen 0 when it has none); NULL, or what is wrong. */
static const char *
parse_group(const struct httpsd_list *l, size_t gi, int need_seen, struct grace_entry *e)
{
	char ip[64], port[16], seen[64], *end;
	unsigned long p;

	if (l->groups[gi].nlabels == 0)
		return "no labels";
	if (label(l, gi, "__meta_sd_ip", ip, sizeof(ip)) == NULL ||
	    cidr_parse_ip(ip, &e->addr) < 0)
		return "no valid __meta_sd_ip";
	if (label(l, gi, "__meta_sd_port", port, sizeof(port)) == NULL || port[0] < '1' ||
	    port[0] > '9' || (p = strtoul(port, &end, 10)) > 65535 || *end != '\0')
		return "no valid __meta_sd_port";
	e->port = (uint16_t)p;
	e->last_seen = 0;
	if (label(l, gi, GRACE_LABEL, seen, sizeof(seen)) == NULL)
		return need_seen ? "no " GRACE_LABEL " (written without -grace?)" : NULL;
	if (grace_parse_time(seen, &e->last_seen) < 0)
		return "bad " GRACE_LABEL " (not YYYY-MM-DDTHH:MM:SSZ)";
	return NULL;
}

static int
parse_file(const char *buf, size_t len, int need_seen, struct grace_entry **out, size_t *n,
    char *err, size_t errlen)
{
	struct httpsd_list l;
	struct grace_entry *v = NULL;
	size_t groups = 0;
	int rc = -1;

	*out = NULL;
	*n = 0;
	httpsd_init(&l);
	if (len > GRACE_MAX_BYTES) {
		snprintf(err, errlen, "larger than %u bytes", GRACE_MAX_BYTES);
		goto out;
	}
	/* the strict parser sd-serve and the shrink guard use */
	if (httpsd_parse(buf, len, &l, err, errlen) < 0)
		goto out;
	groups = l.ngroups;
	if (groups > 0 && (v = calloc(groups, sizeof(*v))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < groups; i++) {
		const char *why = parse_group(&l, i, need_seen, &v[i]);

		if (why != NULL) {
			snprintf(err, errlen, "group %zu: %s", i + 1, why);
			goto out;
		}
	}
	if (groups > 1)
		qsort(v, groups, sizeof(*v), entry_cmp);
	for (size_t i = 1; i < groups; i++)
		if (entry_cmp(&v[i - 1], &v[i]) == 0) {
			char ip[CIDR_IP_PORT_LEN];

			snprintf(err, errlen, "%s is listed twice",
			    cidr_format_ip_port(v[i].addr, v[i].port, ip, sizeof(ip)));
			goto out;
		}
	*out = v;
	*n = groups;
	v = NULL;
	rc = 0;
out:
	free(v);
	httpsd_fini(&l);
	return rc;
}

int
grace_parse(const char *buf, size_t len, struct grace_entry **out, size_t *n, char *err,
    size_t errlen)
{
	return parse_file(buf, len, 1, out, n, err, errlen);
}

int
grace_parse_pairs(const char *buf, size_t len, struct grace_entry **out, size_t *n, char *err,
    size_t errlen)
{
	return parse_file(buf, len, 0, out, n, err, errlen);
}

const struct grace_entry *
grace_find(const struct grace_entry *v, size_t n, cidr_ip addr, uint16_t port)
{
	const struct grace_entry key = { .addr = addr, .port = port };

	return n > 0 ? bsearch(&key, v, n, sizeof(*v), entry_cmp) : NULL;
}

static int
hit_cmp(const void *x, const void *y)
{
	const struct grace_entry *a = x;
	const struct probe_hit *b = y;

	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return cidr_ip_cmp(a->addr, b->addr);
}

int
grace_select(const struct grace_entry *prev, size_t n, const struct probe_hit *seen,
    size_t nseen, int64_t now, double grace, grace_scope_fn in_scope, void *ctx,
    struct grace_entry **kept, size_t *nkept, size_t *expired)
{
	struct grace_entry *v = NULL;
	size_t k = 0;

	*kept = NULL;
	*nkept = 0;
	*expired = 0;
	if (n > 0 && (v = calloc(n, sizeof(*v))) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const struct grace_entry *e = &prev[i];

		if (nseen > 0 && bsearch(e, seen, nseen, sizeof(*seen), hit_cmp) != NULL)
			continue;	/* open again: it is published as seen now */
		if (!in_scope(ctx, e->addr, e->port))
			continue;	/* no longer scanned: nothing to hold on to */
		if ((double)(now - e->last_seen) > grace) {
			(*expired)++;
			continue;
		}
		v[k++] = *e;
	}
	if (k > 1)
		qsort(v, k, sizeof(*v), entry_cmp);
	if (k == 0) {
		free(v);
		v = NULL;
	}
	*kept = v;
	*nkept = k;
	return 0;
}
