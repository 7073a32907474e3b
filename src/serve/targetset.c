/*
 * targetset.c: load, validate and pre-render a targets file (see targetset.h). Validation
 * follows Prometheus's http_sd decoder: an array of objects with only "targets" (strings)
 * and "labels" (string values under legacy label names); null for either means absent.
 * Rendering writes each group the way sd-scan does, so its files are served byte for byte.
 */
#include <errno.h>
#include <fcntl.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strbuf.h"
#include "targetset.h"

struct portfrag {
	uint16_t	 port;
	size_t		 off, len;	/* into frags */
};

struct targetset {
	size_t		 ngroups, ntargets;
	double		 mtime;
	struct strbuf	 all;		/* the whole body */
	struct strbuf	 frags;		/* per port: "\n{group}" joined by "," */
	struct portfrag	*ports;		/* ascending */
	size_t		 nports;
};

/* One (port, group, target) triple, sorted to build the per-port fragments. */
struct entry {
	unsigned	 port;
	size_t		 group, target;
};

static int
label_name_ok(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return 0;
	for (s++; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_' ||
		    (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

/* How many bytes of name k an error message shows: at most 64, never half a UTF-8 character
 * (the message is sent in a JSON body, which must stay valid UTF-8). */
static int
shown_len(const char *k)
{
	size_t n = strnlen(k, 65);

	if (n > 64) {
		n = 64;
		while (n > 0 && ((unsigned char)k[n] & 0xc0) == 0x80)
			n--;
	}
	return (int)n;
}

/* The port of "host:port" or "[v6]:port"; 0 when the address names none. */
static unsigned
target_port(const char *s)
{
	const char *colon, *p;
	unsigned long v = 0;

	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close[1] != ':')
			return 0;
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL || memchr(s, ':', (size_t)(colon - s)) != NULL)
			return 0;	/* none, or a bare IPv6 address */
	}
	p = colon + 1;
	if (*p == '\0' || strlen(p) > 5)
		return 0;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	return v >= 1 && v <= 65535 ? (unsigned)v : 0;
}

/* Check one group; counts its targets into *ntargets. */
static int
check_group(struct json_object *g, size_t gi, size_t *ntargets, char *err, size_t errlen)
{
	struct json_object_iterator it, end;
	struct json_object *targets = NULL, *labels = NULL;

	if (!json_object_is_type(g, json_type_object)) {
		snprintf(err, errlen, "group %zu is not an object", gi + 1);
		return -1;
	}
	it = json_object_iter_begin(g);
	end = json_object_iter_end(g);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		const char *k = json_object_iter_peek_name(&it);

		if (strcmp(k, "targets") == 0) {
			targets = json_object_iter_peek_value(&it);
		} else if (strcmp(k, "labels") == 0) {
			labels = json_object_iter_peek_value(&it);
		} else {
			snprintf(err, errlen, "group %zu: unknown key '%.*s' (only targets and labels)",
			    gi + 1, shown_len(k), k);
			return -1;
		}
	}
	if (targets != NULL) {
		size_t n;

		if (!json_object_is_type(targets, json_type_array)) {
			snprintf(err, errlen, "group %zu: targets is not an array", gi + 1);
			return -1;
		}
		n = json_object_array_length(targets);
		for (size_t i = 0; i < n; i++) {
			struct json_object *t = json_object_array_get_idx(targets, i);

			if (!json_object_is_type(t, json_type_string)) {
				snprintf(err, errlen, "group %zu: target %zu is not a string", gi + 1,
				    i + 1);
				return -1;
			}
			if (json_object_get_string_len(t) == 0) {
				snprintf(err, errlen, "group %zu: target %zu is empty", gi + 1, i + 1);
				return -1;
			}
		}
		*ntargets += n;
	}
	if (labels != NULL) {
		if (!json_object_is_type(labels, json_type_object)) {
			snprintf(err, errlen, "group %zu: labels is not an object", gi + 1);
			return -1;
		}
		it = json_object_iter_begin(labels);
		end = json_object_iter_end(labels);
		for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
			const char *k = json_object_iter_peek_name(&it);

			if (!label_name_ok(k)) {
				snprintf(err, errlen,
				    "group %zu: label name '%.*s' is not [a-zA-Z_][a-zA-Z0-9_]*",
				    gi + 1, shown_len(k), k);
				return -1;
			}
			if (!json_object_is_type(json_object_iter_peek_value(&it), json_type_string)) {
				snprintf(err, errlen, "group %zu: label %.*s is not a string", gi + 1,
				    shown_len(k), k);
				return -1;
			}
		}
	}
	return 0;
}

static const char *
jstr(struct json_object *o)
{
	return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
	    JSON_C_TO_STRING_NOSLASHESCAPE);
}

/*
 * Append group g as {"targets":[...],"labels":{...}}, with only the targets whose index is
 * listed in idx[0..n) (all of them when idx is NULL).
 */
static int
render_group(struct strbuf *b, struct json_object *g, const struct entry *idx, size_t n)
{
	struct json_object *targets = NULL, *labels = NULL;
	size_t count;

	json_object_object_get_ex(g, "targets", &targets);
	json_object_object_get_ex(g, "labels", &labels);
	count = idx ? n : (targets ? json_object_array_length(targets) : 0);
	if (strbuf_str(b, "{\"targets\":[") < 0)
		return -1;
	for (size_t i = 0; i < count; i++) {
		struct json_object *t = json_object_array_get_idx(targets, idx ? idx[i].target : i);

		if ((i > 0 && strbuf_str(b, ",") < 0) || strbuf_str(b, jstr(t)) < 0)
			return -1;
	}
	if (strbuf_str(b, "],\"labels\":") < 0 ||
	    strbuf_str(b, labels ? jstr(labels) : "{}") < 0 || strbuf_str(b, "}") < 0)
		return -1;
	return 0;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return x->target < y->target ? -1 : x->target > y->target;
}

/* Every body of ts from the validated array root. */
static int
render(struct targetset *ts, struct json_object *root)
{
	size_t ng = json_object_array_length(root), ne = 0, nports = 0;
	struct entry *e = NULL;
	int rc = -1;

	if (strbuf_str(&ts->all, ng ? "[" : "[]\n") < 0)
		goto out;
	for (size_t gi = 0; gi < ng; gi++) {
		if (strbuf_str(&ts->all, gi ? ",\n" : "\n") < 0 ||
		    render_group(&ts->all, json_object_array_get_idx(root, gi), NULL, 0) < 0)
			goto out;
	}
	if (ng && strbuf_str(&ts->all, "\n]\n") < 0)
		goto out;

	if (ts->ntargets && (e = calloc(ts->ntargets, sizeof(*e))) == NULL)
		goto out;
	for (size_t gi = 0; gi < ng; gi++) {
		struct json_object *t = NULL;

		if (!json_object_object_get_ex(json_object_array_get_idx(root, gi), "targets", &t) ||
		    t == NULL)
			continue;
		for (size_t ti = 0; ti < json_object_array_length(t); ti++) {
			unsigned p = target_port(json_object_get_string(json_object_array_get_idx(t, ti)));

			if (p == 0)
				continue;	/* no port: only in the unfiltered body */
			e[ne].port = p;
			e[ne].group = gi;
			e[ne].target = ti;
			ne++;
		}
	}
	if (ne)
		qsort(e, ne, sizeof(*e), entry_cmp);
	for (size_t i = 0; i < ne; i++)
		if (i == 0 || e[i].port != e[i - 1].port)
			nports++;
	if (nports && (ts->ports = calloc(nports, sizeof(*ts->ports))) == NULL)
		goto out;
	for (size_t i = 0; i < ne;) {
		struct portfrag *pf = &ts->ports[ts->nports++];
		int first = 1;

		pf->port = (uint16_t)e[i].port;
		pf->off = ts->frags.len;
		while (i < ne && e[i].port == pf->port) {
			size_t j = i;

			while (j < ne && e[j].port == e[i].port && e[j].group == e[i].group)
				j++;
			if (strbuf_str(&ts->frags, first ? "\n" : ",\n") < 0 ||
			    render_group(&ts->frags, json_object_array_get_idx(root, e[i].group),
			    &e[i], j - i) < 0)
				goto out;
			first = 0;
			i = j;
		}
		pf->len = ts->frags.len - pf->off;
	}
	rc = 0;
out:
	free(e);
	return rc;
}

int
targetset_parse(const char *buf, size_t len, struct targetset **out, char *err, size_t errlen)
{
	struct json_tokener *tok = NULL;
	struct json_object *root = NULL;
	struct targetset *ts = NULL;
	enum json_tokener_error je;
	size_t end, ng;
	int rc = -1;

	*out = NULL;
	if (len > TARGETSET_MAX_BYTES) {
		snprintf(err, errlen, "larger than %u bytes", TARGETSET_MAX_BYTES);
		return -1;
	}
	if (len > INT32_MAX || (tok = json_tokener_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, buf, (int)len);
	je = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (root == NULL && je == json_tokener_continue && len > 0) {
		/* a top-level literal ("null", "12") ends only at the end of input: say so */
		root = json_tokener_parse_ex(tok, "", 1);
		je = json_tokener_get_error(tok);
		end = len;
		if (root == NULL && je != json_tokener_success)
			je = json_tokener_continue;
	}
	if (root == NULL) {
		if (je == json_tokener_continue || len == 0)
			snprintf(err, errlen, "JSON ends early at byte %zu (truncated or empty file)",
			    len);
		else if (je == json_tokener_success)
			snprintf(err, errlen, "null instead of a list of groups");
		else
			snprintf(err, errlen, "JSON syntax error at byte %zu: %s", end,
			    json_tokener_error_desc(je));
		goto out;
	}
	for (; end < len; end++)
		if (buf[end] != ' ' && buf[end] != '\n' && buf[end] != '\r' && buf[end] != '\t') {
			snprintf(err, errlen, "JSON syntax error at byte %zu: data after the list", end);
			goto out;
		}
	if (!json_object_is_type(root, json_type_array)) {
		snprintf(err, errlen, "not a JSON array of target groups");
		goto out;
	}
	if ((ts = calloc(1, sizeof(*ts))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	ng = json_object_array_length(root);
	for (size_t gi = 0; gi < ng; gi++)
		if (check_group(json_object_array_get_idx(root, gi), gi, &ts->ntargets, err,
		    errlen) < 0)
			goto out;
	ts->ngroups = ng;
	if (render(ts, root) < 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	*out = ts;
	ts = NULL;
	rc = 0;
out:
	targetset_free(ts);
	json_object_put(root);
	json_tokener_free(tok);
	return rc;
}

void
targetset_free(struct targetset *ts)
{
	if (ts == NULL)
		return;
	free(ts->all.p);
	free(ts->frags.p);
	free(ts->ports);
	free(ts);
}

size_t
targetset_groups(const struct targetset *ts)
{
	return ts->ngroups;
}

size_t
targetset_targets(const struct targetset *ts)
{
	return ts->ntargets;
}

double
targetset_mtime(const struct targetset *ts)
{
	return ts->mtime;
}

static const struct portfrag *
find_port(const struct targetset *ts, unsigned port)
{
	size_t lo = 0, hi = ts->nports;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ts->ports[mid].port == port)
			return &ts->ports[mid];
		if (ts->ports[mid].port < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

size_t
targetset_body(const struct targetset *ts, const struct query *q, struct iovec *iov,
    size_t *len)
{
	/* iovec wants char *; these are never written through */
	static char open_s[] = "[", comma_s[] = ",", close_s[] = "\n]\n", empty_s[] = "[]\n";
	size_t n = 0, total = 0;

	if (!q->has_ports) {
		iov[0].iov_base = ts->all.p;
		iov[0].iov_len = ts->all.len;
		*len = ts->all.len;
		return 1;
	}
	for (size_t i = 0; i < q->nports; i++) {
		const struct portfrag *pf = find_port(ts, q->ports[i]);

		if (pf == NULL)
			continue;
		iov[n].iov_base = n ? comma_s : open_s;
		iov[n++].iov_len = 1;
		iov[n].iov_base = ts->frags.p + pf->off;
		iov[n++].iov_len = pf->len;
	}
	iov[n].iov_base = n ? close_s : empty_s;
	iov[n++].iov_len = 3;
	for (size_t i = 0; i < n; i++)
		total += iov[i].iov_len;
	*len = total;
	return n;
}

/* ---- the cache ---- */

static void
key_of(const struct stat *st, struct targetset_key *k)
{
	memset(k, 0, sizeof(*k));
	k->dev = st->st_dev;
	k->ino = st->st_ino;
	k->size = st->st_size;
	k->mtime = st->st_mtim;
}

static int
key_eq(const struct targetset_key *a, const struct targetset_key *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	    a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec;
}

int
targetset_cache_init(struct targetset_cache *c, const char *path)
{
	memset(c, 0, sizeof(*c));
	return (c->path = strdup(path)) == NULL ? -1 : 0;
}

void
targetset_cache_fini(struct targetset_cache *c)
{
	free(c->path);
	targetset_free(c->cur);
	memset(c, 0, sizeof(*c));
}

/*
 * Read the open file into a new buffer; *key from fstat before, checked again after, so
 * a file rewritten in place while read is noticed (1: changed, try again).
 */
static int
read_whole(int fd, struct targetset_key *key, char **out, size_t *outlen, char *err,
    size_t errlen, const char *path)
{
	struct stat st;
	struct targetset_key after;
	size_t cap, len = 0;
	char *p;

	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "targets file %s: %s", path, strerror(errno));
		return -1;
	}
	key_of(&st, key);
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "targets file %s: not a regular file", path);
		return -1;
	}
	if ((uint64_t)st.st_size > TARGETSET_MAX_BYTES) {
		snprintf(err, errlen, "targets file %s: larger than %u bytes", path,
		    TARGETSET_MAX_BYTES);
		return -1;
	}
	cap = (size_t)st.st_size + 1;
	if ((p = malloc(cap)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (;;) {
		ssize_t r = read(fd, p + len, cap - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "targets file %s: read: %s", path, strerror(errno));
			free(p);
			return -1;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len == cap) {	/* grew while we read */
			free(p);
			return 1;
		}
	}
	if (fstat(fd, &st) < 0 || (key_of(&st, &after), !key_eq(key, &after)) ||
	    len != (size_t)st.st_size) {
		free(p);
		return 1;
	}
	*out = p;
	*outlen = len;
	return 0;
}

const struct targetset *
targetset_cache_get(struct targetset_cache *c, enum targetset_error *kind, char *err,
    size_t errlen)
{
	struct targetset_key key;
	struct targetset *ts;
	struct stat st;
	struct timespec t0, t1;
	char why[400];
	int attempt;

	if (stat(c->path, &st) < 0) {
		*kind = TARGETSET_MISSING;
		snprintf(err, errlen, "targets file %s: %s", c->path, strerror(errno));
		return NULL;
	}
	key_of(&st, &key);
	if (c->cur && key_eq(&key, &c->cur_key)) {
		*kind = TARGETSET_OK;
		return c->cur;
	}
	if (c->failed && key_eq(&key, &c->failed_key)) {
		*kind = TARGETSET_CORRUPT;
		snprintf(err, errlen, "%s", c->failed_err);
		return NULL;
	}
	for (attempt = 0; attempt < 3; attempt++) {
		char *buf = NULL;
		size_t len = 0;
		int fd, r;

		/* O_NONBLOCK: a FIFO put in the file's place must not hang us in open() */
		if ((fd = open(c->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) < 0) {
			*kind = TARGETSET_MISSING;
			snprintf(err, errlen, "targets file %s: %s", c->path, strerror(errno));
			return NULL;
		}
		r = read_whole(fd, &key, &buf, &len, err, errlen, c->path);
		close(fd);	/* read-only: nothing to lose on close */
		if (r < 0) {
			*kind = TARGETSET_MISSING;
			return NULL;
		}
		if (r == 1)
			continue;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		r = targetset_parse(buf, len, &ts, why, sizeof(why));
		clock_gettime(CLOCK_MONOTONIC, &t1);
		c->load_cost = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
		free(buf);
		if (r < 0) {
			c->failed = 1;
			c->failures++;
			c->failed_key = key;
			snprintf(c->failed_err, sizeof(c->failed_err), "%s", why);
			*kind = TARGETSET_CORRUPT;
			snprintf(err, errlen, "%s", why);
			return NULL;
		}
		ts->mtime = (double)key.mtime.tv_sec + (double)key.mtime.tv_nsec / 1e9;
		targetset_free(c->cur);	/* nothing borrows it past a request */
		c->cur = ts;
		c->cur_key = key;
		c->failed = 0;
		c->loads++;
		*kind = TARGETSET_OK;
		return c->cur;
	}
	*kind = TARGETSET_MISSING;
	snprintf(err, errlen, "targets file %s: keeps changing while read", c->path);
	return NULL;
}

const struct targetset *
targetset_cache_get_paced(struct targetset_cache *c, double now, enum targetset_error *kind,
    char *err, size_t errlen)
{
	double pace = c->load_cost < TARGETSET_PACE_MAX_S ? c->load_cost : TARGETSET_PACE_MAX_S;
	unsigned long loads = c->loads;
	const struct targetset *ts;

	if (c->cur != NULL && now >= c->loaded_at && now - c->loaded_at < pace) {
		*kind = TARGETSET_OK;
		return c->cur;
	}
	ts = targetset_cache_get(c, kind, err, errlen);
	if (c->loads != loads)
		c->loaded_at = now + c->load_cost;	/* now is when the load began */
	return ts;
}

const struct targetset_key *
targetset_cache_key(const struct targetset_cache *c)
{
	return c->cur ? &c->cur_key : NULL;
}
