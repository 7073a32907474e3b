/*
 * fuzz_cidr.c: addrset_parse and cidr_parse on arbitrary text, IPv4 and IPv6. Byte 0 picks
 * skip_broadcast (bit 0) and the IPv6 size limit (bit 1: /96, else /112); the rest is the
 * network list. On success the set must be sorted, disjoint and merged,
 * its counts must add up, addrset_nth must walk it in order, and it must hold exactly the
 * union of the items parsed one by one.
 */
#include "cidr.h"
#include "fuzz.h"

struct item {
	cidr_ip		first, last;
};

static void
check_warn(void *ctx, const char *msg)
{
	(void)ctx;
	FUZZ_ASSERT(*msg != '\0' && strchr(msg, '\n') == NULL, "bad warning '%s'", msg);
}

static int
set_contains(const struct addrset *set, cidr_ip a)
{
	size_t lo = 0, hi = set->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a < set->ranges[mid].first)
			hi = mid;
		else if (a > set->ranges[mid].last)
			lo = mid + 1;
		else
			return 1;
	}
	return 0;
}

/* One network by itself: the formatted result must parse back to the same thing. */
static void
check_one(const char *s)
{
	char err[96], buf[64], a[CIDR_IP_LEN];
	struct cidr_net net, net2;
	unsigned bits;
	cidr_ip ip;
	int masked, masked2;

	memset(err, 0, sizeof(err));
	if (cidr_parse(s, &net, &masked, err, sizeof(err)) < 0) {
		fuzz_check_err(err, sizeof(err), s);
		return;
	}
	FUZZ_ASSERT(net.prefix <= (net.v6 ? 128u : 32u), "prefix %u", net.prefix);
	FUZZ_ASSERT(cidr_net_overlaps_v4(&net) ||
	    (cidr_is_v4(net.first) == !net.v6 && cidr_is_v4(net.last) == !net.v6),
	    "family of '%s'", s);
	/* first..last is exactly the aligned block of the prefix */
	bits = net.prefix + (net.v6 ? 0 : 96);
	FUZZ_ASSERT(net.last - net.first == (bits == 128 ? 0 : CIDR_IP_MAX >> bits),
	    "size of '%s'", s);
	FUZZ_ASSERT(bits == 128 || (net.first & (CIDR_IP_MAX >> bits)) == 0, "host bits in '%s'", s);
	snprintf(buf, sizeof(buf), "%s/%u", cidr_format_ip(net.first, a, sizeof(a)), net.prefix);
	FUZZ_ASSERT(cidr_parse(buf, &net2, &masked2, err, sizeof(err)) == 0,
	    "'%s' does not parse back: %s", buf, err);
	FUZZ_ASSERT(net2.first == net.first && net2.last == net.last && net2.prefix == net.prefix &&
	    !masked2, "'%s' round trip", buf);
	FUZZ_ASSERT(cidr_parse_ip(a, &ip) == 0 && ip == net.first, "address '%s' round trip", a);
}

/* The items of list the way the documentation describes them; -1 when one is not valid. */
static int
items_of(const char *list, int skip, unsigned v6max, struct item *it, size_t *n)
{
	const char *p = list;

	*n = 0;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char buf[64], err[96];
		struct cidr_net net;
		int masked;

		while (len > 0 && (*p == ' ' || *p == '\t'))
			p++, len--;
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0 || len >= sizeof(buf) || *n == CIDR_MAX_NETWORKS)
			return -1;
		memcpy(buf, p, len);
		buf[len] = '\0';
		if (strpbrk(buf, " \t#") != NULL ||
		    cidr_parse(buf, &net, &masked, err, sizeof(err)) < 0 ||
		    cidr_net_overlaps_v4(&net) || (net.v6 && net.prefix < v6max) ||
		    (net.v6 && net.prefix >= 10 && cidr_is_link_local(net.first)))
			return -1;
		it[*n].first = net.first;
		it[*n].last = net.last;
		if (skip && !net.v6 && net.prefix <= 30) {
			it[*n].first++;
			it[*n].last--;
		}
		(*n)++;
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct addrset set;
	struct item *it;
	char err[256], *list;
	size_t nitems;
	int skip, rc;
	unsigned v6max;
	uint64_t sum = 0, v6sum = 0;

	if (size < 1)
		return 0;
	skip = data[0] & 1;
	v6max = data[0] & 2 ? CIDR_IPV6_PREFIX_FLOOR : CIDR_IPV6_MAX_PREFIX;
	if ((list = fuzz_cstring(data + 1, size - 1)) == NULL)
		return 0;
	check_one(list);
	memset(err, 0, sizeof(err));
	rc = addrset_parse(&set, list, skip, v6max, check_warn, NULL, err, sizeof(err));
	if ((it = calloc(CIDR_MAX_NETWORKS, sizeof(*it))) == NULL) {
		addrset_fini(&set);
		free(list);
		return 0;
	}
	FUZZ_ASSERT((rc == 0) == (items_of(list, skip, v6max, it, &nitems) == 0),
	    "addrset_parse returned %d for '%s' (%s)", rc, list, rc ? err : "");
	if (rc < 0) {
		fuzz_check_err(err, sizeof(err), list);
		FUZZ_ASSERT(set.n == 0 && set.total == 0 && !set.ranges, "failed parse left a set");
		goto out;
	}
	FUZZ_ASSERT(set.n >= 1 && set.n <= nitems, "%zu ranges from %zu items", set.n, nitems);
	for (size_t i = 0; i < set.n; i++) {
		const struct addr_range *r = &set.ranges[i];

		FUZZ_ASSERT(r->first <= r->last, "range %zu reversed", i);
		FUZZ_ASSERT(i == 0 || set.ranges[i - 1].last + 1 < r->first,
		    "ranges %zu and %zu overlap, touch or are unsorted", i - 1, i);
		FUZZ_ASSERT(set.before[i] == sum, "before[%zu]", i);
		sum += (uint64_t)(r->last - r->first) + 1;
		if (!cidr_is_v4(r->first))
			v6sum += (uint64_t)(r->last - r->first) + 1;
		FUZZ_ASSERT(cidr_is_v4(r->first) == cidr_is_v4(r->last), "range %zu spans families", i);
		FUZZ_ASSERT(addrset_nth(&set, set.before[i]) == r->first, "nth(first of %zu)", i);
		FUZZ_ASSERT(addrset_nth(&set, sum - 1) == r->last, "nth(last of %zu)", i);
		/* every range end comes from an item: nothing outside the list is scanned */
		int first_ok = 0, last_ok = 0;
		for (size_t j = 0; j < nitems; j++) {
			first_ok |= it[j].first <= r->first && r->first <= it[j].last;
			last_ok |= it[j].first <= r->last && r->last <= it[j].last;
		}
		FUZZ_ASSERT(first_ok && last_ok, "range %zu not covered by the items", i);
	}
	FUZZ_ASSERT(set.total == sum, "total %llu != sum %llu", (unsigned long long)set.total,
	    (unsigned long long)sum);
	FUZZ_ASSERT(set.total_v6 == v6sum, "total_v6 %llu != %llu",
	    (unsigned long long)set.total_v6, (unsigned long long)v6sum);
	/* every item is in the set: ends, middle, and the neighbours of merged ranges */
	for (size_t j = 0; j < nitems; j++) {
		cidr_ip mid = it[j].first + (it[j].last - it[j].first) / 2;

		FUZZ_ASSERT(set_contains(&set, it[j].first) && set_contains(&set, it[j].last) &&
		    set_contains(&set, mid), "item %zu missing from the set", j);
	}
	/* addrset_nth is strictly increasing on a spread of indexes */
	for (uint64_t k = 1, step = set.total / 97 + 1; k < set.total; k += step)
		FUZZ_ASSERT(addrset_nth(&set, k - 1) < addrset_nth(&set, k), "nth not increasing at %llu",
		    (unsigned long long)k);
out:
	addrset_fini(&set);
	free(it);
	free(list);
	return 0;
}
