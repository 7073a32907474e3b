/*
 * cidr.c: strict IPv4 and IPv6 address and network parsing, and the merged address set.
 * Address arithmetic is on 128-bit numbers: an IPv4 range is a range of the ::ffff:0:0/96
 * block, so merging, counting and subtracting need no family cases.
 */
#include <arpa/inet.h>
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

void
cidr_ip_bytes(cidr_ip ip, uint8_t out[16])
{
	for (int i = 15; i >= 0; i--, ip >>= 8)
		out[i] = (uint8_t)ip;
}

cidr_ip
cidr_ip_from_bytes(const uint8_t in[16])
{
	cidr_ip ip = 0;

	for (int i = 0; i < 16; i++)
		ip = ip << 8 | in[i];
	return ip;
}

int
cidr_parse_ip(const char *s, cidr_ip *ip)
{
	uint8_t b[16];
	uint32_t a;
	cidr_ip v;

	if (strchr(s, ':') == NULL) {
		if (cidr_parse_addr(s, &a) < 0)
			return -1;
		*ip = cidr_v4(a);
		return 0;
	}
	if (strlen(s) >= CIDR_IP_LEN || inet_pton(AF_INET6, s, b) != 1)
		return -1;
	v = cidr_ip_from_bytes(b);
	if (cidr_is_v4(v))
		return -1;	/* ::ffff:a.b.c.d: write a.b.c.d */
	*ip = v;
	return 0;
}

char *
cidr_format_addr(uint32_t a, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return buf;
}

char *
cidr_format_ip(cidr_ip ip, char *buf, size_t len)
{
	uint8_t b[16];

	if (cidr_is_v4(ip))
		return cidr_format_addr((uint32_t)ip, buf, len);
	cidr_ip_bytes(ip, b);
	if (inet_ntop(AF_INET6, b, buf, (socklen_t)len) == NULL && len > 0)
		buf[0] = '\0';
	return buf;
}

char *
cidr_format_ip_port(cidr_ip ip, unsigned port, char *buf, size_t len)
{
	char a[CIDR_IP_LEN];

	cidr_format_ip(ip, a, sizeof(a));
	snprintf(buf, len, cidr_is_v4(ip) ? "%s:%u" : "[%s]:%u", a, port);
	return buf;
}

int
cidr_ip_cmp(cidr_ip a, cidr_ip b)
{
	int a4 = cidr_is_v4(a), b4 = cidr_is_v4(b);

	if (a4 != b4)
		return a4 ? -1 : 1;
	return a < b ? -1 : a > b;
}

/* The host bits of a network of bits leading bits (0-128) of the 128-bit number. */
static cidr_ip
host_mask(unsigned bits)
{
	return bits == 0 ? CIDR_IP_MAX : bits >= 128 ? 0 : CIDR_IP_MAX >> bits;
}

/* The prefix length after "/" (at most max, no leading zeros); -1 when it is not one. */
static int
parse_prefix(const char *p, unsigned max)
{
	unsigned v = 0;

	if (*p == '\0' || strlen(p) > 3 || (p[0] == '0' && p[1] != '\0'))
		return -1;
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned)(*p - '0');
	}
	return v > max ? -1 : (int)v;
}

int
cidr_parse(const char *s, struct cidr_net *n, int *masked, char *err, size_t errlen)
{
	char addr[ITEM_MAX];
	const char *slash = strchr(s, '/');
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	int v6 = memchr(s, ':', alen) != NULL, plen;
	unsigned max = v6 ? 128 : 32, bits;
	cidr_ip a, hostbits;
	uint8_t b[16];

	if (alen == 0 || alen >= sizeof(addr)) {
		snprintf(err, errlen, "not a network (expected a.b.c.d/len or an IPv6 net/len)");
		return -1;
	}
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (cidr_parse_ip(addr, &a) < 0) {
		if (!v6)
			snprintf(err, errlen, "not an IPv4 address");
		else if (inet_pton(AF_INET6, addr, b) == 1)	/* valid, but in ::ffff:0:0/96 */
			snprintf(err, errlen, "IPv4-mapped IPv6 address: write the IPv4 address");
		else
			snprintf(err, errlen, "not an IPv6 address");
		return -1;
	}
	plen = slash ? parse_prefix(slash + 1, max) : (int)max;
	if (plen < 0) {
		snprintf(err, errlen, "prefix length must be 0 to %u", max);
		return -1;
	}
	bits = (unsigned)plen + (v6 ? 0 : 96);
	hostbits = host_mask(bits);
	*masked = (a & hostbits) != 0;
	n->first = a & ~hostbits;
	n->last = n->first | hostbits;
	n->prefix = (unsigned)plen;
	n->v6 = v6;
	return 0;
}

int
cidr_net_overlaps_v4(const struct cidr_net *n)
{
	return n->v6 && n->first <= (CIDR_V4_BASE | 0xffffffffu) && n->last >= CIDR_V4_BASE;
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
		if (out > 0 && (r[out - 1].last == CIDR_IP_MAX ||
		    r[i].first <= r[out - 1].last + 1)) {
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

#define JUMP_MIN_RANGES	16	/* fewer: a binary search of before[] is as quick */

/*
 * The jump table of a set of many ranges: rank k's range is at or after jump[k >> shift]
 * and at or before jump[(k >> shift) + 1], with at least as many entries as ranges, so
 * addrset_nth searches about one range instead of log2(n) of them (a probe's address,
 * with thousands of exclusions, took 1.5 % of a scan's CPU by binary search).
 */
static int
build_jump(struct addrset *set)
{
	size_t r = 0;

	set->jump = NULL;
	set->shift = set->njump = 0;
	if (set->n < JUMP_MIN_RANGES || set->n > UINT32_MAX / 2)
		return 0;
	while (set->shift < 63 && ((set->total - 1) >> set->shift) + 1 > 2 * set->n)
		set->shift++;
	set->njump = (unsigned)(((set->total - 1) >> set->shift) + 1);
	if ((set->jump = calloc(set->njump, sizeof(*set->jump))) == NULL)
		return -1;
	for (unsigned b = 0; b < set->njump; b++) {
		uint64_t k = (uint64_t)b << set->shift;

		while (r + 1 < set->n && set->before[r + 1] <= k)
			r++;
		set->jump[b] = (uint32_t)r;
	}
	return 0;
}

/* Index the merged ranges of set: before[], the totals, the jump table. -1 when memory ran out. */
static int
count_ranges(struct addrset *set)
{
	if ((set->before = calloc(set->n ? set->n : 1, sizeof(*set->before))) == NULL)
		return -1;
	set->total = set->total_v6 = 0;
	for (size_t i = 0; i < set->n; i++) {
		uint64_t size = (uint64_t)(set->ranges[i].last - set->ranges[i].first) + 1;

		set->before[i] = set->total;
		set->total += size;
		if (!cidr_is_v4(set->ranges[i].first))
			set->total_v6 += size;
	}
	if (build_jump(set) < 0) {
		free(set->before);
		set->before = NULL;
		return -1;
	}
	return 0;
}

/* One item of the list into *r; -1 with err. */
static int
parse_item(const char *item, int skip_broadcast, unsigned ipv6_max_prefix, cidr_warn_fn warn,
    void *warn_ctx, struct addr_range *r, char *err, size_t errlen)
{
	struct cidr_net net;
	char why[96], msg[200], a[CIDR_IP_LEN];
	int masked;

	if (strchr(item, '#') != NULL) {
		snprintf(err, errlen, "network '%s': '#' starts no comment in a value", item);
		return -1;
	}
	if (strpbrk(item, " \t") != NULL) {
		snprintf(err, errlen, "network '%s': separate networks with commas, not spaces",
		    item);
		return -1;
	}
	if (cidr_parse(item, &net, &masked, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "network '%s': %s", item, why);
		return -1;
	}
	if (cidr_net_overlaps_v4(&net)) {
		snprintf(err, errlen, "network '%s': %s", item, CIDR_OVERLAP_V4);
		return -1;
	}
	/* a /10 or smaller lies inside fe80::/10 or outside it; a larger one fails on size */
	if (net.v6 && net.prefix >= 10 && cidr_is_link_local(net.first)) {
		snprintf(err, errlen, "network '%s': %s", item, CIDR_LINK_LOCAL);
		return -1;
	}
	if (net.v6 && net.prefix < ipv6_max_prefix) {
		snprintf(err, errlen, "network '%s': an IPv6 /%u has 2^%u addresses; IPv6 networks "
		    "larger than /%u are refused (-ipv6-max-prefix %u)", item, net.prefix,
		    128 - net.prefix, ipv6_max_prefix, ipv6_max_prefix);
		return -1;
	}
	if (masked && warn) {
		snprintf(msg, sizeof(msg), "network %s has host bits set; scanning %s/%u", item,
		    cidr_format_ip(net.first, a, sizeof(a)), net.prefix);
		warn(warn_ctx, msg);
	}
	if (skip_broadcast && !net.v6 && net.prefix <= 30) {
		net.first++;
		net.last--;
	}
	r->first = net.first;
	r->last = net.last;
	return 0;
}

int
addrset_parse(struct addrset *set, const char *list, int skip_broadcast,
    unsigned ipv6_max_prefix, cidr_warn_fn warn, void *warn_ctx, char *err, size_t errlen)
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
		char item[ITEM_MAX];

		switch (trim_item(p, len, item, sizeof(item))) {
		case -1:
			snprintf(err, errlen, "empty network in list '%.200s'", list);
			goto fail;
		case -2:
			snprintf(err, errlen, "network '%.*s' is too long", (int)(len > 64 ? 64 : len), p);
			goto fail;
		}
		if (n == CIDR_MAX_NETWORKS) {
			snprintf(err, errlen, "more than %d networks", CIDR_MAX_NETWORKS);
			goto fail;
		}
		if (parse_item(item, skip_broadcast, ipv6_max_prefix, warn, warn_ctx, &r[n], err,
		    errlen) < 0)
			goto fail;
		n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	set->ranges = r;
	set->n = addr_range_merge(r, n);
	if (count_ranges(set) < 0) {
		snprintf(err, errlen, "out of memory");
		memset(set, 0, sizeof(*set));
		goto fail;
	}
	return 0;
fail:
	free(r);
	return -1;
}

cidr_ip
addrset_nth(const struct addrset *set, uint64_t k)
{
	size_t lo = 0, hi = set->n;

	if (set->jump != NULL) {
		size_t b = (size_t)(k >> set->shift);

		lo = set->jump[b];
		hi = b + 1 < set->njump ? (size_t)set->jump[b + 1] + 1 : set->n;
	}
	/* the last range whose first index is <= k */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->before[mid] <= k)
			lo = mid;
		else
			hi = mid;
	}
	return set->ranges[lo].first + (k - set->before[lo]);
}

int
addrset_contains(const struct addrset *set, cidr_ip addr)
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

/* Addresses of set at or below a. */
static uint64_t
rank_upto(const struct addrset *set, cidr_ip a)
{
	size_t lo = 0, hi = set->n;
	const struct addr_range *r;

	/* the first range that starts above a */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (set->ranges[mid].first <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return 0;
	/* range lo-1 starts at or below a: count its part up to a */
	r = &set->ranges[lo - 1];
	return set->before[lo - 1] + (uint64_t)((r->last < a ? r->last : a) - r->first) + 1;
}

uint64_t
addrset_count_within(const struct addrset *set, cidr_ip first, cidr_ip last)
{
	return rank_upto(set, last) - (first == 0 ? 0 : rank_upto(set, first - 1));
}

int
addrset_subtract(struct addrset *set, struct addr_range *cut, size_t n)
{
	struct addrset out = { 0 };
	size_t j = 0;

	n = addr_range_merge(cut, n);
	/* each cut splits at most one range in two */
	if ((out.ranges = calloc(set->n + n + 1, sizeof(*out.ranges))) == NULL)
		return -1;
	for (size_t i = 0; i < set->n; i++) {
		cidr_ip lo = set->ranges[i].first, hi = set->ranges[i].last;
		int left = 1;	/* [lo, hi] still holds addresses */

		while (j < n && cut[j].last < lo)
			j++;
		/* cuts are sorted and disjoint: walk those that touch [lo, hi] */
		for (size_t k = j; k < n && cut[k].first <= hi && left; k++) {
			if (cut[k].first > lo)
				out.ranges[out.n++] = (struct addr_range){ lo, cut[k].first - 1 };
			if (cut[k].last >= hi)
				left = 0;
			else
				lo = cut[k].last + 1;
		}
		if (left)
			out.ranges[out.n++] = (struct addr_range){ lo, hi };
	}
	if (count_ranges(&out) < 0) {
		free(out.ranges);
		return -1;
	}
	addrset_fini(set);
	*set = out;
	return 0;
}

void
addrset_fini(struct addrset *set)
{
	free(set->ranges);
	free(set->before);
	free(set->jump);
	memset(set, 0, sizeof(*set));
}
