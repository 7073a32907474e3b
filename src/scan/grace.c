/*
 * grace.c: the previous targets file read back for -grace (targetsjson.c parses it), and
 * the choice of the targets to keep.
 */
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cidr.h"
#include "grace.h"
#include "targetsjson.h"

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

/* The string label `name` of labels, or NULL when absent or not a string. */
static const char *
label(struct json_object *labels, const char *name)
{
	struct json_object *v;

	if (!json_object_object_get_ex(labels, name, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static int
entry_cmp(const void *x, const void *y)
{
	const struct grace_entry *a = x, *b = y;

	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

/* One group into *e; NULL, or what is wrong with it. */
static const char *
parse_group(struct json_object *g, struct grace_entry *e)
{
	struct json_object *labels;
	const char *ip, *port, *seen;
	char *end;
	unsigned long p;

	if (!json_object_is_type(g, json_type_object))
		return "not an object";
	if (!json_object_object_get_ex(g, "labels", &labels) ||
	    !json_object_is_type(labels, json_type_object))
		return "no labels object";
	if ((ip = label(labels, "__meta_sd_ip")) == NULL || cidr_parse_addr(ip, &e->addr) < 0)
		return "no valid __meta_sd_ip";
	if ((port = label(labels, "__meta_sd_port")) == NULL || port[0] < '1' || port[0] > '9' ||
	    (p = strtoul(port, &end, 10)) > 65535 || *end != '\0')
		return "no valid __meta_sd_port";
	e->port = (uint16_t)p;
	if ((seen = label(labels, GRACE_LABEL)) == NULL)
		return "no " GRACE_LABEL " (written without -grace?)";
	if (grace_parse_time(seen, &e->last_seen) < 0)
		return "bad " GRACE_LABEL " (not YYYY-MM-DDTHH:MM:SSZ)";
	return NULL;
}

int
grace_parse(const char *buf, size_t len, struct grace_entry **out, size_t *n, char *err,
    size_t errlen)
{
	struct json_object *root = NULL;
	struct grace_entry *v = NULL;
	size_t groups = 0;
	int rc = -1;

	*out = NULL;
	*n = 0;
	if (len > GRACE_MAX_BYTES) {
		snprintf(err, errlen, "larger than %u bytes", GRACE_MAX_BYTES);
		return -1;
	}
	if (targetsjson_parse(buf, len, &root, err, errlen) < 0)
		return -1;
	groups = json_object_array_length(root);
	if (groups > 0 && (v = calloc(groups, sizeof(*v))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < groups; i++) {
		const char *why = parse_group(json_object_array_get_idx(root, i), &v[i]);

		if (why != NULL) {
			snprintf(err, errlen, "group %zu: %s", i + 1, why);
			goto out;
		}
	}
	if (groups > 1)
		qsort(v, groups, sizeof(*v), entry_cmp);
	for (size_t i = 1; i < groups; i++)
		if (entry_cmp(&v[i - 1], &v[i]) == 0) {
			char ip[16];

			snprintf(err, errlen, "%s:%u is listed twice",
			    cidr_format_addr(v[i].addr, ip, sizeof(ip)), v[i].port);
			goto out;
		}
	*out = v;
	*n = groups;
	v = NULL;
	rc = 0;
out:
	free(v);
	json_object_put(root);
	return rc;
}

static int
hit_cmp(const void *x, const void *y)
{
	const struct grace_entry *a = x;
	const struct probe_hit *b = y;

	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	return a->addr < b->addr ? -1 : a->addr > b->addr;
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
