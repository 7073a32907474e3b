/*
 * cidr.c: strict IPv4 address and network parsing, and the merged address set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"

#define ITEM_MAX 64

int
cidr_parse_addr(const char *s, uint32_t *addr)
{
	uint32_t a = 0;

	for (int part = 0; part < 4; part++) {
		unsigned v = 0;
		int digits = 0;

		if (part > 0 && *s++ != '.')
			return -1;
		if (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
			return -1;	/* leading zero: octal in inet_aton, ambiguous */
		for (; *s >= '0' && *s <= '9' && digits < 4; s++, digits++)
			v = v * 10 + (unsigned)(*s - '0');
		if (digits == 0 || digits > 3 || v > 255)
			return -1;
		a = a << 8 | v;
	}
	if (*s != '\0')
		return -1;
	*addr = a;
	return 0;
}

char *
cidr_format_addr(uint32_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return buf;
}

static uint32_t
prefix_mask(unsigned prefix)
{
	return prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
}

int
cidr_parse(const char *s, uint32_t *net, unsigned *prefix, int *masked, char *err,
    size_t errlen)
{
	char addr[ITEM_MAX];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned plen = 32;
	uint32_t a;

	if (strchr(s, ':')) {
		snprintf(err, errlen, "IPv6 networks are not supported");
		return -1;
	}
	if (alen == 0 || alen >= sizeof(addr)) {
		snprintf(err, errlen, "not a network (expected a.b.c.d/len)");
		return -1;
	}
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (cidr_parse_addr(addr, &a) < 0) {
		snprintf(err, errlen, "not an IPv4 address");
		return -1;
	}
	if (slash) {
		const char *p = slash + 1;

		if (*p == '\0' || strlen(p) > 2 || (p[0] == '0' && p[1] != '\0')) {
			snprintf(err, errlen, "prefix length must be 0 to 32");
			return -1;
		}
		for (plen = 0; *p; p++) {
			if (*p < '0' || *p > '9') {
				snprintf(err, errlen, "prefix length must be 0 to 32");
				return -1;
			}
			plen = plen * 10 + (unsigned)(*p - '0');
		}
		if (plen > 32) {
			snprintf(err, errlen, "prefix length must be 0 to 32");
			return -1;
		}
	}
	*masked = (a & ~prefix_mask(plen)) != 0;
	*net = a & prefix_mask(plen);
	*prefix = plen;
	return 0;
}

static int
range_cmp(const void *x, const void *y)
{
	const struct addr_range *a = x, *b = y;

	return a->first < b->first ? -1 : a->first > b->first;
}

size_t
addr_range_merge(struct addr_range *r, size_t n)
{
	size_t out = 0;

	if (n > 1)	/* qsort's array may not be NULL, even empty */
		qsort(r, n, sizeof(*r), range_cmp);
	for (size_t i = 0; i < n; i++) {
		if (out > 0 && (uint64_t)r[i].first <= (uint64_t)r[out - 1].last + 1) {
			if (r[i].last > r[out - 1].last)
				r[out - 1].last = r[i].last;
		} else {
			r[out++] = r[i];
		}
	}
	return out;
}

static int
trim_item(const char *start, size_t len, char *buf, size_t buflen)
{
	while (len > 0 && (*start == ' ' || *start == '\t')) {
		start++;
		len--;
	}
	while (len > 0 && (start[len - 1] == ' ' || start[len - 1] == '\t'))
		len--;
	if (len == 0)
		return -1;
	if (len >= buflen)
		return -2;
	memcpy(buf, start, len);
	buf[len] = '\0';
	return 0;
}

int
addrset_parse(struct addrset *set, const char *list, int skip_broadcast, cidr_warn_fn warn,
    void *warn_ctx, char *err, size_t errlen)
{
	struct addr_range *r = NULL;
	size_t n = 0;
	const char *p = list;

	memset(set, 0, sizeof(*set));
	if ((r = calloc(CIDR_MAX_NETWORKS, sizeof(*r))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char item[ITEM_MAX], why[96], msg[160];
		unsigned prefix;
		uint32_t net, last;
		int masked;

		switch (trim_item(p, len, item, sizeof(item))) {
		case -1:
			snprintf(err, errlen, "empty network in list '%.200s'", list);
			goto fail;
		case -2:
			snprintf(err, errlen, "network '%.*s' is too long", (int)(len > 64 ? 64 : len), p);
			goto fail;
		}
		if (strchr(item, '#') != NULL) {
			snprintf(err, errlen, "network '%s': '#' starts no comment in a value", item);
			goto fail;
		}
		if (strpbrk(item, " \t") != NULL) {
			snprintf(err, errlen, "network '%s': separate networks with commas, not "
			    "spaces", item);
			goto fail;
		}
		if (cidr_parse(item, &net, &prefix, &masked, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "network '%s': %s", item, why);
			goto fail;
		}
		if (n == CIDR_MAX_NETWORKS) {
			snprintf(err, errlen, "more than %d networks", CIDR_MAX_NETWORKS);
			goto fail;
		}
		if (masked && warn) {
			char a[16];

			snprintf(msg, sizeof(msg), "network %s has host bits set; scanning %s/%u",
			    item, cidr_format_addr(net, a, sizeof(a)), prefix);
			warn(warn_ctx, msg);
		}
		last = net | ~prefix_mask(prefix);
		if (skip_broadcast && prefix <= 30) {
			net++;
			last--;
		}
		r[n].first = net;
		r[n].last = last;
		n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	n = addr_range_merge(r, n);
	if ((set->before = calloc(n, sizeof(*set->before))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		set->before[i] = set->total;
		set->total += (uint64_t)r[i].last - r[i].first + 1;
	}
	set->ranges = r;
	set->n = n;
	return 0;
fail:
	free(r);
	return -1;
}

uint32_t
addrset_nth(const struct addrset *set, uint64_t k)
{
	size_t lo = 0, hi = set->n;

	/* the last range whose first index is <= k */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->before[mid] <= k)
			lo = mid;
		else
			hi = mid;
	}
	return set->ranges[lo].first + (uint32_t)(k - set->before[lo]);
}

int
addrset_contains(const struct addrset *set, uint32_t addr)
{
	size_t lo = 0, hi = set->n;

	/* ranges are sorted and disjoint: find the last one starting at or below addr */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->ranges[mid].first <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && addr <= set->ranges[lo - 1].last;
}

/* Addresses of set below a (a may be 2^32): the rank of a. */
static uint64_t
rank_of(const struct addrset *set, uint64_t a)
{
	size_t lo = 0, hi = set->n;

	/* the first range that starts at or above a */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->ranges[mid].first < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return 0;
	/* range lo-1 starts below a: count its part below a */
	{
		const struct addr_range *r = &set->ranges[lo - 1];
		uint64_t end = (uint64_t)r->last + 1 < a ? (uint64_t)r->last + 1 : a;

		return set->before[lo - 1] + (end - r->first);
	}
}

uint64_t
addrset_count_within(const struct addrset *set, uint32_t first, uint32_t last)
{
	return rank_of(set, (uint64_t)last + 1) - rank_of(set, first);
}

int
addrset_subtract(struct addrset *set, struct addr_range *cut, size_t n)
{
	struct addr_range *out;
	uint64_t *before;
	size_t nout = 0, j = 0;
	uint64_t total = 0;

	n = addr_range_merge(cut, n);
	/* each cut splits at most one range in two */
	if ((out = calloc(set->n + n + 1, sizeof(*out))) == NULL)
		return -1;
	for (size_t i = 0; i < set->n; i++) {
		uint64_t lo = set->ranges[i].first, hi = set->ranges[i].last;

		while (j < n && cut[j].last < lo)
			j++;
		/* cuts are sorted and disjoint: walk those that touch [lo, hi] */
		for (size_t k = j; k < n && cut[k].first <= hi && lo <= hi; k++) {
			if (cut[k].first > lo)
				out[nout++] = (struct addr_range){ (uint32_t)lo,
				    (uint32_t)(cut[k].first - 1) };
			lo = (uint64_t)cut[k].last + 1;
		}
		if (lo <= hi)
			out[nout++] = (struct addr_range){ (uint32_t)lo, (uint32_t)hi };
	}
	if ((before = calloc(nout ? nout : 1, sizeof(*before))) == NULL) {
		free(out);
		return -1;
	}
	for (size_t i = 0; i < nout; i++) {
		before[i] = total;
		total += (uint64_t)out[i].last - out[i].first + 1;
	}
	free(set->ranges);
	free(set->before);
	set->ranges = out;
	set->before = before;
	set->n = nout;
	set->total = total;
	return 0;
}

void
addrset_fini(struct addrset *set)
{
	free(set->ranges);
	free(set->before);
	memset(set, 0, sizeof(*set));
}
