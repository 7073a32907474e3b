/*
 * ptrcache.c: the PTR cache: an array of entries, sorted by address on demand (puts append;
 * the next get sorts and drops duplicates, the newest put winning), so a run's many puts cost
 * one sort. The parser reads untrusted bytes: every field is checked, nothing is assumed
 * NUL-terminated, and a bad line only costs that line.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomicfile.h"
#include "cidr.h"
#include "numparse.h"
#include "ptrcache.h"
#include "readfile.h"

#define HEADER "# sd-scan PTR cache: ip<TAB>expiry-unix-seconds<TAB>name (empty: no name)\n"

struct slot {
	struct ptrcache_entry	e;
	uint64_t		seq;	/* 0: loaded from a file; else order of the put */
};

struct ptrcache {
	struct slot	*v;
	size_t		 n, cap;
	uint64_t	 seq;
	int		 dirty;	/* appended since the last sort */
};

struct ptrcache *
ptrcache_new(void)
{
	return calloc(1, sizeof(struct ptrcache));
}

void
ptrcache_free(struct ptrcache *pc)
{
	if (pc == NULL)
		return;
	free(pc->v);
	free(pc);
}

size_t
ptrcache_count(const struct ptrcache *pc)
{
	return pc->n;
}

static int
append(struct ptrcache *pc, cidr_ip addr, int64_t expiry, const char *name, uint64_t seq)
{
	struct slot *s;

	if (pc->n == pc->cap) {
		size_t cap = pc->cap ? pc->cap * 2 : 64;

		if ((s = reallocarray(pc->v, cap, sizeof(*s))) == NULL)
			return -1;
		pc->v = s;
		pc->cap = cap;
	}
	s = &pc->v[pc->n++];
	s->e.addr = addr;
	s->e.expiry = expiry;
	snprintf(s->e.name, sizeof(s->e.name), "%s", name ? name : "");
	s->seq = seq;
	pc->dirty = 1;
	return 0;
}

/* Address order; for one address the winner first: newest put, then latest expiry. */
static int
by_addr_winner_first(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	if (x->e.addr != y->e.addr)
		return cidr_ip_cmp(x->e.addr, y->e.addr);
	if (x->seq != y->seq)
		return x->seq > y->seq ? -1 : 1;
	if (x->e.expiry != y->e.expiry)
		return x->e.expiry > y->e.expiry ? -1 : 1;
	return 0;
}

static void
settle(struct ptrcache *pc)
{
	size_t o = 0;

	if (!pc->dirty)
		return;
	if (pc->n > 1)	/* qsort's array may not be NULL, even empty */
		qsort(pc->v, pc->n, sizeof(*pc->v), by_addr_winner_first);
	for (size_t i = 0; i < pc->n; i++)
		if (o == 0 || pc->v[o - 1].e.addr != pc->v[i].e.addr)
			pc->v[o++] = pc->v[i];
	pc->n = o;
	pc->dirty = 0;
}

const struct ptrcache_entry *
ptrcache_get(struct ptrcache *pc, cidr_ip addr)
{
	size_t lo = 0, hi;

	settle(pc);
	hi = pc->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (pc->v[mid].e.addr == addr)
			return &pc->v[mid].e;
		if (cidr_ip_cmp(pc->v[mid].e.addr, addr) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int
ptrcache_put(struct ptrcache *pc, cidr_ip addr, int64_t expiry, const char *name)
{
	char norm[HOSTNAME_MAX + 1], why[8];

	if (name && *name && (hostname_normalize(name, strlen(name), norm, sizeof(norm), why,
	    sizeof(why)) < 0 || strcmp(norm, name) != 0)) {
		errno = EINVAL;
		return -1;
	}
	return append(pc, addr, expiry, name, ++pc->seq);
}

static void
bad_line(struct ptrcache_stats *st, size_t lineno, const char *why)
{
	if (st->bad++ == 0) {
		st->first_bad_line = lineno;
		snprintf(st->first_bad, sizeof(st->first_bad), "%s", why);
	}
}

/* One entry line (no LF); 1 kept, 0 expired, -1 bad (why set), -2 out of memory. */
static int
parse_line(struct ptrcache *pc, const char *p, size_t len, int64_t now, char *why,
    size_t whylen)
{
	char line[PTRCACHE_LINE_MAX + 1], name[HOSTNAME_MAX + 1], *f[3], *tab;
	cidr_ip addr;
	uint64_t expiry;
	size_t nf = 0;

	if (len > PTRCACHE_LINE_MAX) {
		snprintf(why, whylen, "line longer than %d bytes", PTRCACHE_LINE_MAX);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];

		if ((c < 0x20 && c != '\t') || c >= 0x7f) {
			snprintf(why, whylen, "byte 0x%02x at column %zu", c, i + 1);
			return -1;
		}
	}
	memcpy(line, p, len);
	line[len] = '\0';
	for (char *s = line; nf < 3; s = tab + 1) {
		f[nf++] = s;
		if ((tab = strchr(s, '\t')) == NULL)
			break;
		*tab = '\0';
	}
	if (nf != 3 || tab != NULL) {
		snprintf(why, whylen, "expected 3 tab-separated fields");
		return -1;
	}
	if (cidr_parse_ip(f[0], &addr) < 0) {
		snprintf(why, whylen, "'%.46s' is not an IP address", f[0]);
		return -1;
	}
	if (numparse_uint(f[1], INT64_MAX, &expiry, NULL, 0) < 0) {
		snprintf(why, whylen, "expiry '%.24s' is not a unix time", f[1]);
		return -1;
	}
	if ((int64_t)expiry > now + PTRCACHE_HORIZON_S) {
		snprintf(why, whylen, "expiry %.24s is absurdly far ahead", f[1]);
		return -1;
	}
	if (*f[2] && hostname_normalize(f[2], strlen(f[2]), name, sizeof(name), why,
	    whylen) < 0)
		return -1;
	if ((int64_t)expiry <= now)
		return 0;
	if (pc->n >= PTRCACHE_MAX) {
		snprintf(why, whylen, "more than %d entries", PTRCACHE_MAX);
		return -1;
	}
	return append(pc, addr, (int64_t)expiry, *f[2] ? name : "", 0) < 0 ? -2 : 1;
}

int
ptrcache_parse(struct ptrcache *pc, const char *buf, size_t len, int64_t now,
    struct ptrcache_stats *st)
{
	size_t lineno = 0;
	char why[128];

	memset(st, 0, sizeof(*st));
	for (size_t off = 0; off < len; ) {
		const char *p = buf + off, *nl = memchr(p, '\n', len - off);
		size_t n = nl ? (size_t)(nl - p) : len - off;
		int rc;

		off += n + (nl != NULL);
		lineno++;
		if (n == 0 || *p == '#')
			continue;
		st->lines++;
		if (nl == NULL) {
			bad_line(st, lineno, "last line cut short (no newline)");
			continue;
		}
		rc = parse_line(pc, p, n, now, why, sizeof(why));
		if (rc == -2)
			return -1;
		if (rc == -1)
			bad_line(st, lineno, why);
		else if (rc == 0)
			st->expired++;
		else
			st->loaded++;
	}
	return 0;
}

int
ptrcache_load(struct ptrcache *pc, const char *path, int64_t now, struct ptrcache_stats *st,
    int *missing, char *err, size_t errlen)
{
	struct readfile rf;
	char why[256];
	size_t len;

	memset(st, 0, sizeof(*st));
	*missing = 0;
	if (readfile_load(path, PTRCACHE_FILE_MAX, READFILE_PREFIX, &rf, why, sizeof(why)) < 0) {
		if (errno == ENOENT) {
			*missing = 1;
			return 0;
		}
		snprintf(err, errlen, "cannot read the PTR cache %s", why);
		return -1;
	}
	len = rf.len;
	if (rf.truncated) {
		/* keep what fits, up to its last complete line */
		while (len > 0 && rf.data[len - 1] != '\n')
			len--;
	}
	if (ptrcache_parse(pc, rf.data, len, now, st) < 0) {
		snprintf(err, errlen, "out of memory loading the PTR cache %s", path);
		free(rf.data);
		return -1;
	}
	if (rf.truncated)
		bad_line(st, 0, "file larger than 64 MiB: the rest is ignored");
	free(rf.data);
	return 0;
}

/* Expiry order, latest first: who stays when the cache is over its bound. */
static int
by_expiry_desc(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	if (x->e.expiry != y->e.expiry)
		return x->e.expiry > y->e.expiry ? -1 : 1;
	return cidr_ip_cmp(x->e.addr, y->e.addr);
}

static int
by_addr(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	return cidr_ip_cmp(x->e.addr, y->e.addr);
}

int
ptrcache_format(struct ptrcache *pc, int64_t now, char **out, size_t *len)
{
	size_t o = 0, cap, at = 0;
	char *text, ip[CIDR_IP_LEN];
	int n;

	settle(pc);
	for (size_t i = 0; i < pc->n; i++)
		if (pc->v[i].e.expiry > now)
			pc->v[o++] = pc->v[i];
	pc->n = o;
	if (pc->n > PTRCACHE_MAX) {
		qsort(pc->v, pc->n, sizeof(*pc->v), by_expiry_desc);
		pc->n = PTRCACHE_MAX;
		qsort(pc->v, pc->n, sizeof(*pc->v), by_addr);
	}
	cap = sizeof(HEADER) + pc->n * (PTRCACHE_LINE_MAX + 1);
	if ((text = malloc(cap)) == NULL)
		return -1;
	memcpy(text, HEADER, sizeof(HEADER) - 1);
	at = sizeof(HEADER) - 1;
	for (size_t i = 0; i < pc->n; i++) {
		const struct ptrcache_entry *e = &pc->v[i].e;

		n = snprintf(text + at, cap - at, "%s\t%" PRId64 "\t%s\n",
		    cidr_format_ip(e->addr, ip, sizeof(ip)), e->expiry, e->name);
		if (n < 0 || (size_t)n >= cap - at) {	/* cannot happen: cap is the bound */
			free(text);
			errno = EOVERFLOW;
			return -1;
		}
		at += (size_t)n;
	}
	*out = text;
	*len = at;
	return 0;
}

int
ptrcache_save(struct ptrcache *pc, const char *path, int64_t now, char *err, size_t errlen)
{
	char *text;
	size_t len;
	int rc, saved;

	if (ptrcache_format(pc, now, &text, &len) < 0) {
		snprintf(err, errlen, "out of memory writing the PTR cache %s", path);
		return -1;
	}
	rc = atomicfile_write(path, text, len, 0644, err, errlen);
	saved = errno;
	free(text);
	errno = saved;
	return rc;
}
