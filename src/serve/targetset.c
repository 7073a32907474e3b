/*
 * targetset.c: load and pre-render a targets file (see targetset.h). common/httpsd_parse.c
 * validates (Prometheus's http_sd contract) and httpsd_render.c renders each group, the same
 * code sd-scan writes with, so its files are served byte for byte; this file cuts the bodies
 * per port.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "clock.h"
#include "httpsd.h"
#include "readfile.h"
#include "strbuf.h"
#include "targetset.h"

struct portfrag {
	uint16_t	 port;
	int		 in_all;	/* a range of the whole body, not of frags */
	size_t		 off, len;
	size_t		 targets;	/* the targets on this port */
	size_t		 nexamples;	/* the first of them, ranges of examples */
	size_t		 ex_off[TARGETSET_EXAMPLES], ex_len[TARGETSET_EXAMPLES];
};

struct targetset {
	unsigned	 refs;		/* holders (atomic): targetset_ref, targetset_free */
	size_t		 ngroups, ntargets;
	double		 mtime;
	char		*all;		/* the whole body */
	size_t		 all_len;
	struct strbuf	 frags;		/* per port: "\n{group}" joined by "," */
	struct strbuf	 examples;	/* per port: its first targets, back to back */
	struct portfrag	*ports;		/* ascending */
	size_t		 nports;
	struct httpsd_list list;	/* the groups, for the bodies rendered per request */
	char		*file;		/* what list borrows, when it is not all; owned */
	size_t		*lines;		/* lean set: where each group's line starts in all */
};

/* One (port, group, target) triple, sorted to build the per-port fragments. */
struct entry {
	uint16_t	 port;
	uint32_t	 group, target;	/* target: index within the group */
};

/*
 * Split a target address of n bytes: "host:port", "[v6]:port", "[v6]", a bare IPv6 address
 * (two colons or more) or a bare host. The host is [*host, *host + *hlen), the port's
 * digits [*port, *port + *plen) (*plen 0: none). -1 for an unclosed bracket or bytes after it
 * that are not ":port".
 */
static int
split_target(const char *s, size_t n, const char **host, size_t *hlen, const char **port,
    size_t *plen)
{
	const char *end = s + n, *colon = memchr(s, ':', n);

	*host = s;
	*hlen = n;
	*port = end;
	*plen = 0;
	if (n > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', n);

		if (close == NULL || (close + 1 != end && close[1] != ':'))
			return -1;
		*host = s + 1;
		*hlen = (size_t)(close - s - 1);
		if (close + 1 != end)
			*port = close + 2;
	} else if (colon != NULL && memchr(colon + 1, ':', (size_t)(end - colon - 1)) == NULL) {
		*hlen = (size_t)(colon - s);	/* one colon: host:port */
		*port = colon + 1;
	}
	*plen = (size_t)(end - *port);
	return 0;
}

/* The port of "host:port" or "[v6]:port" (n bytes); 0 when the address names none. */
static unsigned
target_port(const char *s, size_t n)
{
	const char *host, *port;
	size_t hlen, plen;
	unsigned long v = 0;

	if (split_target(s, n, &host, &hlen, &port, &plen) < 0 || plen == 0 || plen > 5)
		return 0;
	for (size_t i = 0; i < plen; i++) {
		if (port[i] < '0' || port[i] > '9')
			return 0;
		v = v * 10 + (unsigned long)(port[i] - '0');
	}
	return v >= 1 && v <= 65535 ? (unsigned)v : 0;
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

/*
 * Every targeted (port, group, target) of l in that order, in *out; -1 on out of memory.
 * Files sorted by port (sd-scan's) come out in order and skip the sort.
 */
static int
entries(const struct httpsd_list *l, struct entry **out, size_t *n)
{
	struct entry *e = NULL;
	size_t ne = 0;
	int sorted = 1;

	if (l->ntargets && (e = calloc(l->ntargets, sizeof(*e))) == NULL)
		return -1;
	for (size_t gi = 0; gi < l->ngroups; gi++) {
		const struct httpsd_group *g = &l->groups[gi];

		for (uint32_t ti = 0; ti < g->ntargets; ti++) {
			struct httpsd_str t = l->targets[g->target0 + ti];
			unsigned p = target_port(httpsd_bytes(l, t), t.len);

			if (p == 0)
				continue;	/* no port: only in the unfiltered body */
			e[ne].port = (uint16_t)p;
			e[ne].group = (uint32_t)gi;
			e[ne].target = ti;
			if (ne > 0 && e[ne].port < e[ne - 1].port)
				sorted = 0;
			ne++;
		}
	}
	if (!sorted)
		qsort(e, ne, sizeof(*e), entry_cmp);
	*out = e;
	*n = ne;
	return 0;
}

/* The group's TARGETSET_ADDR_LABEL, or NULL when it has none. */
static const struct httpsd_label *
addr_label(const struct httpsd_list *l, const struct httpsd_group *g)
{
	static const char name[] = TARGETSET_ADDR_LABEL;

	for (uint32_t i = 0; i < g->nlabels; i++) {
		const struct httpsd_label *lb = &l->labels[g->label0 + i];

		if (lb->name.len == sizeof(name) - 1 &&
		    memcmp(httpsd_bytes(l, lb->name), name, sizeof(name) - 1) == 0)
			return lb;
	}
	return NULL;
}

/*
 * Where group gi's line ends in the whole body of all_len bytes, given where each line
 * starts (offs): before the ",\n" of the next group, or the "\n]\n" of the last.
 */
static size_t
line_end(const size_t *offs, size_t ngroups, size_t gi, size_t all_len)
{
	return gi + 1 < ngroups ? offs[gi + 1] - 2 : all_len - 3;
}

/*
 * Group gi of ts rendered with only its n targets only[] (all of them when only is NULL)
 * appended to out. A lean set has given up its labels: a whole group is its line of the
 * body, a part of one is rendered from that line parsed again. -1 on out of memory.
 */
static int
group_format(const struct targetset *ts, const struct httpsd_list *l, size_t gi,
    const uint32_t *only, size_t n, struct strbuf *out)
{
	struct strbuf one = { 0 };
	struct httpsd_list g;
	size_t at, end;
	char err[128];
	int rc;

	if (ts->lines == NULL)
		return httpsd_group_format(out, l, gi, only, n);
	at = ts->lines[gi];
	end = line_end(ts->lines, l->ngroups, gi, ts->all_len);
	if (only == NULL)
		return strbuf_add(out, ts->all + at, end - at);
	httpsd_init(&g);
	rc = strbuf_str(&one, "[") < 0 || strbuf_add(&one, ts->all + at, end - at) < 0 ||
	    strbuf_str(&one, "]") < 0 || httpsd_parse(one.p, one.len, &g, err, sizeof(err)) < 0 ||
	    httpsd_group_format(out, &g, 0, only, n) < 0 ? -1 : 0;
	httpsd_fini(&g);
	free(one.p);
	return rc;
}

/*
 * Make l lean: keep of each group's labels only its TARGETSET_ADDR_LABEL (what the network
 * filter reads), moved down in place; the rest stay in the body, each group's line of it.
 */
static void
lean_labels(struct httpsd_list *l)
{
	size_t w = 0;
	void *p;

	for (size_t gi = 0; gi < l->ngroups; gi++) {
		struct httpsd_group *g = &l->groups[gi];
		const struct httpsd_label *lb = addr_label(l, g);

		if (lb != NULL)
			l->labels[w] = *lb;	/* w <= its index: never ahead */
		g->label0 = (uint32_t)w;
		g->nlabels = lb != NULL;
		w += lb != NULL;
	}
	l->nlabels = w;
	if (w > 0 && (p = realloc(l->labels, w * sizeof(*l->labels))) != NULL) {
		l->labels = p;
		l->labels_cap = w;
	}
}

/*
 * The fragment of one port, entries e[0..n): when its groups follow each other in the whole
 * body and hold no target on another port (every file sd-scan writes), it is a range of that
 * body and costs no memory; otherwise its groups are rendered into frags.
 */
static int
port_fragment(struct targetset *ts, const struct httpsd_list *l, const size_t *offs,
    const struct entry *e, size_t n, struct portfrag *pf, uint32_t **only, size_t ne)
{
	size_t first = e[0].group, last = e[n - 1].group;
	int whole = last - first + 1 <= n;

	for (size_t i = 0, gi = first; whole && i < n; gi++) {
		size_t j = i;

		while (j < n && e[j].group == gi)
			j++;
		whole = j > i && j - i == l->groups[gi].ntargets;
		i = j;
	}
	pf->port = e[0].port;
	pf->targets = n;
	for (size_t i = 0; i < n && i < TARGETSET_EXAMPLES; i++) {
		struct httpsd_str t = l->targets[l->groups[e[i].group].target0 + e[i].target];

		pf->ex_off[i] = ts->examples.len;
		pf->ex_len[i] = t.len;
		if (strbuf_add(&ts->examples, httpsd_bytes(l, t), t.len) < 0)
			return -1;
		pf->nexamples = i + 1;
	}
	if (whole) {
		size_t end = line_end(offs, l->ngroups, last, ts->all_len);

		pf->in_all = 1;
		pf->off = offs[first] - 1;	/* from the "\n" before the first group */
		pf->len = end - pf->off;
		return 0;
	}
	if (*only == NULL && (*only = calloc(ne, sizeof(**only))) == NULL)
		return -1;
	pf->off = ts->frags.len;
	for (size_t i = 0; i < n;) {
		size_t j = i;

		while (j < n && e[j].group == e[i].group) {
			(*only)[j - i] = e[j].target;
			j++;
		}
		/* a group whole on this port needs no list of its targets (nor a new parse) */
		if (strbuf_str(&ts->frags, i ? ",\n" : "\n") < 0 ||
		    group_format(ts, l, e[i].group, j - i == l->groups[e[i].group].ntargets ?
		    NULL : *only, j - i, &ts->frags) < 0)
			return -1;
		i = j;
	}
	pf->len = ts->frags.len - pf->off;
	return 0;
}

/*
 * The whole body into ts, and where each group starts in it: the file itself when it is
 * already in that form and ours to keep (*kept = 1), else rendered.
 */
static int
whole_body(struct targetset *ts, const struct httpsd_list *l, char *file, size_t len,
    size_t **offs, int *kept)
{
	int r;

	*kept = 0;
	if (file != NULL) {
		if (l->ngroups && (*offs = calloc(l->ngroups, sizeof(**offs))) == NULL)
			return -1;
		if ((r = httpsd_format_is(l, file, len, *offs)) < 0)
			return -1;
		if (r == 1) {
			ts->all = file;
			ts->all_len = len;
			*kept = 1;
			return 0;
		}
		free(*offs);
		*offs = NULL;
	}
	return httpsd_format(l, &ts->all, &ts->all_len, offs);
}

/*
 * Every body of ts from the parsed list (and the file, see whole_body). lean: when the file
 * is kept as the body, l keeps only what the network filter needs (see lean_labels).
 */
static int
render(struct targetset *ts, struct httpsd_list *l, char *file, size_t len, int lean,
    int *kept)
{
	struct entry *e = NULL;
	size_t *offs = NULL, ne = 0, nports = 0;
	uint32_t *only = NULL;
	int rc = -1;

	if (whole_body(ts, l, file, len, &offs, kept) < 0)
		goto out;
	if (lean && *kept && l->ngroups > 0) {
		lean_labels(l);
		ts->lines = offs;
	}
	if (entries(l, &e, &ne) < 0)
		goto out;
	for (size_t i = 0; i < ne; i++)
		if (i == 0 || e[i].port != e[i - 1].port)
			nports++;
	if (nports && (ts->ports = calloc(nports, sizeof(*ts->ports))) == NULL)
		goto out;
	for (size_t i = 0; i < ne;) {
		size_t j = i;

		while (j < ne && e[j].port == e[i].port)
			j++;
		if (port_fragment(ts, l, offs, e + i, j - i, &ts->ports[ts->nports++], &only,
		    ne) < 0)
			goto out;
		i = j;
	}
	rc = 0;
out:
	free(e);
	if (offs != ts->lines)
		free(offs);
	free(only);
	return rc;
}

int
targetset_adopt(struct httpsd_list *l, char *file, size_t len, int flags,
    struct targetset **out, char *err, size_t errlen)
{
	struct targetset *ts = calloc(1, sizeof(*ts));
	int kept = 0;

	*out = NULL;
	if (ts != NULL)
		ts->refs = 1;
	if (ts == NULL || render(ts, l, file, len, flags & TARGETSET_LEAN, &kept) < 0) {
		if (ts != NULL && kept)
			ts->all = NULL;	/* freed below, once */
		targetset_free(ts);
		httpsd_fini(l);
		free(file);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ts->ngroups = l->ngroups;
	ts->ntargets = l->ntargets;
	ts->list = *l;
	httpsd_init(l);
	ts->file = kept ? NULL : file;
	*out = ts;
	return 0;
}

int
targetset_parse(const char *buf, size_t len, int flags, struct targetset **out, char *err,
    size_t errlen)
{
	struct httpsd_list l;
	char *copy = malloc(len + 1);

	*out = NULL;
	if (copy == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(copy, buf, len);
	copy[len] = '\0';
	httpsd_init(&l);
	if (httpsd_parse(copy, len, &l, err, errlen) < 0) {
		httpsd_fini(&l);
		free(copy);
		return -1;
	}
	return targetset_adopt(&l, copy, len, flags, out, err, errlen);
}

struct targetset *
targetset_ref(struct targetset *ts)
{
	if (ts != NULL)
		__atomic_add_fetch(&ts->refs, 1, __ATOMIC_RELAXED);
	return ts;
}

void
targetset_free(struct targetset *ts)
{
	/* the last holder frees; acquire-release orders the others' reads before it */
	if (ts == NULL || __atomic_sub_fetch(&ts->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	free(ts->all);
	free(ts->frags.p);
	free(ts->examples.p);
	free(ts->ports);
	httpsd_fini(&ts->list);
	free(ts->file);
	free(ts->lines);
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

size_t
targetset_nports(const struct targetset *ts)
{
	return ts->nports;
}

void
targetset_port(const struct targetset *ts, size_t i, struct targetset_port *out)
{
	const struct portfrag *pf = &ts->ports[i];

	out->port = pf->port;
	out->targets = pf->targets;
	out->nexamples = pf->nexamples;
	for (size_t k = 0; k < pf->nexamples; k++) {
		out->example[k] = ts->examples.p + pf->ex_off[k];
		out->example_len[k] = pf->ex_len[k];
	}
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
		iov[0].iov_base = ts->all;
		iov[0].iov_len = ts->all_len;
		*len = ts->all_len;
		return 1;
	}
	for (size_t i = 0; i < q->nports; i++) {
		const struct portfrag *pf = find_port(ts, q->ports[i]);

		if (pf == NULL)
			continue;
		iov[n].iov_base = n ? comma_s : open_s;
		iov[n++].iov_len = 1;
		iov[n].iov_base = (pf->in_all ? ts->all : ts->frags.p) + pf->off;
		iov[n++].iov_len = pf->len;
	}
	iov[n].iov_base = n ? close_s : empty_s;
	iov[n++].iov_len = 3;
	for (size_t i = 0; i < n; i++)
		total += iov[i].iov_len;
	*len = total;
	return n;
}

/*
 * The address of "a.b.c.d:port", "a.b.c.d", "[v6]:port", "[v6]" or a bare IPv6 address
 * (n bytes): 0, or -1 for anything else (a host name).
 */
static int
host_addr(const char *s, size_t n, cidr_ip *addr)
{
	char buf[CIDR_IP_LEN];
	const char *host, *port;
	size_t hlen, plen;

	if (split_target(s, n, &host, &hlen, &port, &plen) < 0 || hlen == 0 || hlen >= sizeof(buf))
		return -1;
	memcpy(buf, host, hlen);
	buf[hlen] = '\0';
	return cidr_parse_ip(buf, addr);
}

/* The group's __meta_sd_ip label as an address: 0, or -1 when absent or not an address. */
static int
group_addr(const struct httpsd_list *l, const struct httpsd_group *g, cidr_ip *addr)
{
	const struct httpsd_label *lb = addr_label(l, g);

	return lb == NULL ? -1 : host_addr(httpsd_bytes(l, lb->value), lb->value.len, addr);
}

int
targetset_filter_append(const struct targetset *ts, const struct query *q, struct strbuf *out,
    size_t *shown)
{
	const struct httpsd_list *l = &ts->list;
	uint32_t *only = NULL;
	cidr_ip addr;
	size_t cap = 0;
	int rc = -1;

	for (size_t gi = 0; gi < l->ngroups; gi++) {
		const struct httpsd_group *g = &l->groups[gi];
		int by_label = group_addr(l, g, &addr) == 0;
		size_t n = 0;

		if (g->ntargets > cap) {
			uint32_t *p = realloc(only, g->ntargets * sizeof(*only));

			if (p == NULL)
				goto out;
			only = p;
			cap = g->ntargets;
		}
		for (uint32_t ti = 0; ti < g->ntargets; ti++) {
			struct httpsd_str t = l->targets[g->target0 + ti];
			const char *s = httpsd_bytes(l, t);

			if (q->has_ports && !query_wants(q, target_port(s, t.len)))
				continue;
			if (q->nnets > 0 && !by_label && host_addr(s, t.len, &addr) < 0)
				continue;
			if (q->nnets > 0 && !query_wants_addr(q, addr))
				continue;
			only[n++] = ti;
		}
		if (n == 0)
			continue;
		if (strbuf_str(out, (*shown)++ ? ",\n" : "\n") < 0 ||
		    group_format(ts, l, gi, n == g->ntargets ? NULL : only, n, out) < 0)
			goto out;
	}
	rc = 0;
out:
	free(only);
	return rc;
}

int
targetset_filter(const struct targetset *ts, const struct query *q, struct strbuf *out)
{
	size_t shown = 0;

	out->len = 0;
	if (strbuf_str(out, "[") < 0 || targetset_filter_append(ts, q, out, &shown) < 0)
		return -1;
	return strbuf_str(out, shown ? "\n]\n" : "]\n");
}

void
targetset_drop_groups(struct targetset *ts)
{
	httpsd_fini(&ts->list);
	free(ts->file);
	ts->file = NULL;
	free(ts->lines);
	ts->lines = NULL;
}

const struct httpsd_list *
targetset_list(const struct targetset *ts)
{
	return ts->lines != NULL ? NULL : &ts->list;
}

/* ---- the cache ---- */

void
targetset_key_of(const struct stat *st, struct targetset_key *k)
{
	memset(k, 0, sizeof(*k));
	k->dev = st->st_dev;
	k->ino = st->st_ino;
	k->size = st->st_size;
	k->mtime = st->st_mtim;
	k->ctime = st->st_ctim;
}

int
targetset_key_eq(const struct targetset_key *a, const struct targetset_key *b)
{
	return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
	    a->mtime.tv_sec == b->mtime.tv_sec && a->mtime.tv_nsec == b->mtime.tv_nsec &&
	    a->ctime.tv_sec == b->ctime.tv_sec && a->ctime.tv_nsec == b->ctime.tv_nsec;
}

int
targetset_key_stat(const char *path, struct targetset_key *key, char *err, size_t errlen)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		snprintf(err, errlen, "targets file %s: %s", path, strerror(errno));
		return -1;
	}
	targetset_key_of(&st, key);
	return 0;
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
	if (!c->keep_sets)
		targetset_free(c->cur);
	memset(c, 0, sizeof(*c));
}

/*
 * Read, parse and render the file: 0 and *out, 1 when it changed while read (try again),
 * -1 with *kind. A file in sd-scan's form is its own whole body: a reload then holds the
 * old set, the file and the parsed list (about half the file) at most.
 */
static int
load(struct targetset_cache *c, struct targetset_key *key, struct targetset **out,
    enum targetset_error *kind, char *err, size_t errlen)
{
	struct readfile rf;
	struct httpsd_list l;
	char why[256];
	int rc;

	if (readfile_load(c->path, TARGETSET_MAX_BYTES, 0, &rf, why, sizeof(why)) < 0) {
		*kind = TARGETSET_MISSING;
		snprintf(err, errlen, "targets file %s", why);
		return -1;
	}
	targetset_key_of(&rf.st, key);
	if (rf.changed) {
		free(rf.data);
		return 1;
	}
	httpsd_init(&l);
	rc = httpsd_parse(rf.data, rf.len, &l, err, errlen);
	if (rc == 0) {
		rc = targetset_adopt(&l, rf.data, rf.len, TARGETSET_LEAN, out, err, errlen);
	} else {
		httpsd_fini(&l);
		free(rf.data);
	}
	*kind = rc == 0 ? TARGETSET_OK : TARGETSET_CORRUPT;
	return rc;
}

const struct targetset *
targetset_cache_get(struct targetset_cache *c, enum targetset_error *kind, char *err,
    size_t errlen)
{
	struct targetset_key key;
	struct targetset *ts;
	double t0, t1;
	char why[400];
	int attempt;

	if (targetset_key_stat(c->path, &key, err, errlen) < 0) {
		*kind = TARGETSET_MISSING;
		return NULL;
	}
	if (c->cur && targetset_key_eq(&key, &c->cur_key)) {
		*kind = TARGETSET_OK;
		return c->cur;
	}
	if (c->failed && targetset_key_eq(&key, &c->failed_key)) {
		*kind = TARGETSET_CORRUPT;
		snprintf(err, errlen, "%s", c->failed_err);
		return NULL;
	}
	for (attempt = 0; attempt < 3; attempt++) {
		int r;

		t0 = clock_mono();
		r = load(c, &key, &ts, kind, why, sizeof(why));
		t1 = clock_mono();
		if (r == 1)
			continue;
		if (r < 0 && *kind == TARGETSET_MISSING) {
			snprintf(err, errlen, "%s", why);
			return NULL;
		}
		c->load_cost = t1 - t0;
		if (r < 0) {
			c->failed = 1;
			c->failures++;
			c->failed_key = key;
			snprintf(c->failed_err, sizeof(c->failed_err), "%s", why);
			snprintf(err, errlen, "%s", why);
			return NULL;
		}
		ts->mtime = (double)key.mtime.tv_sec + (double)key.mtime.tv_nsec / 1e9;
		if (!c->keep_sets)
			targetset_free(c->cur);	/* nothing borrows it past a request */
		c->cur = ts;
		c->cur_key = key;
		c->failed = 0;
		c->loads++;
		*kind = TARGETSET_OK;
		return c->cur;
	}
	*kind = TARGETSET_CHANGING;
	snprintf(err, errlen, "targets file %s: replaced each time it was read", c->path);
	return NULL;
}

const struct targetset_key *
targetset_cache_key(const struct targetset_cache *c)
{
	return c->cur ? &c->cur_key : NULL;
}
