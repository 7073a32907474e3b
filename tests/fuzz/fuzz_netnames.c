/*
 * fuzz_netnames.c: netnames_split on arbitrary -networks text, then a fake resolver (no
 * DNS). Invariants: every name is a host name in normal form (lower case, no final dot),
 * each once; names and CIDR items together are the list's items; a CIDR item is never a
 * name; the list handed to addrset_parse holds every address a name gave and parses
 * whenever the CIDR items alone do.
 */
#include "cidr.h"
#include "fuzz.h"
#include "netnames.h"

/* Names whose first letter is before 'm' give two addresses from their length. */
static int
fake_lookup(const char *name, cidr_ip **v4, size_t *n4, char *err, size_t errlen)
{
	size_t len = strlen(name);

	*v4 = NULL;
	*n4 = 0;
	if (name[0] >= 'm') {
		snprintf(err, errlen, "no such host");
		return -1;
	}
	if ((*v4 = calloc(2, sizeof(**v4))) == NULL)
		return -1;
	(*v4)[0] = CIDR_V4(0x0a000000u) + (uint32_t)len;
	/* odd lengths: the second is an IPv6 address */
	(*v4)[1] = len & 1 ? ((cidr_ip)0xfd00 << 112) + len * 7 :
	    CIDR_V4(0x0a000000u) + (uint32_t)len * 7;
	*n4 = 2;
	return 0;
}

static size_t
items_of(const char *list)
{
	size_t n = 1;

	for (const char *p = list; *p; p++)
		n += *p == ',';
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netnames nn;
	struct addrset whole, cidrs;
	char err[256], *list, *merged;
	size_t named = 0;
	int cidrs_ok;

	if ((list = fuzz_cstring(data, size)) == NULL)
		return 0;
	memset(err, 0, sizeof(err));
	if (netnames_split(&nn, list, err, sizeof(err)) < 0) {
		fuzz_check_err(err, sizeof(err), list);
		netnames_fini(&nn);
		goto out;
	}
	for (size_t i = 0; i < nn.n; i++) {
		const char *n = nn.v[i].name;

		FUZZ_ASSERT(netnames_is_name(n), "'%s' is no name", n);
		for (const char *c = n; *c; c++)
			FUZZ_ASSERT(!(*c >= 'A' && *c <= 'Z'), "'%s' not lower case", n);
		FUZZ_ASSERT(n[strlen(n) - 1] != '.', "'%s' keeps its final dot", n);
		for (size_t j = 0; j < i; j++)
			FUZZ_ASSERT(strcmp(nn.v[j].name, n) != 0, "'%s' twice", n);
	}
	/* each list item went one way: names (maybe repeated) plus CIDR items */
	for (const char *p = list;;) {
		size_t len = strcspn(p, ","), a = 0, b = len;
		char item[HOSTNAME_MAX + 2];

		while (a < b && (p[a] == ' ' || p[a] == '\t'))
			a++;
		while (b > a && (p[b - 1] == ' ' || p[b - 1] == '\t'))
			b--;
		FUZZ_ASSERT(b > a, "an empty item was accepted in '%.100s'", list);
		if (b - a < sizeof(item)) {
			memcpy(item, p + a, b - a);
			item[b - a] = '\0';
			named += netnames_is_name(item);
		}
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	FUZZ_ASSERT(items_of(list) == named + (nn.cidrs[0] ? items_of(nn.cidrs) : 0),
	    "%zu items, %zu names, CIDR items '%.100s'", items_of(list), named, nn.cidrs);
	FUZZ_ASSERT(nn.n <= named, "more names than named items");
	(void)netnames_resolve(&nn, fake_lookup);
	if ((merged = netnames_list(&nn)) == NULL)
		goto fini;
	cidrs_ok = nn.cidrs[0] && addrset_parse(&cidrs, nn.cidrs, 0, 112, NULL, NULL, err,
	    sizeof(err)) == 0;
	if (cidrs_ok)
		addrset_fini(&cidrs);
	if (merged[0] != '\0' && addrset_parse(&whole, merged, 0, 112, NULL, NULL, err,
	    sizeof(err)) == 0) {
		for (size_t i = 0; i < nn.n; i++)
			for (size_t j = 0; j < nn.v[i].naddrs; j++) {
				cidr_ip a = nn.v[i].addrs[j];
				int found = 0;

				for (size_t k = 0; k < whole.n && !found; k++)
					found = a >= whole.ranges[k].first && a <= whole.ranges[k].last;
				FUZZ_ASSERT(found, "an address of %s is not scanned", nn.v[i].name);
			}
		addrset_fini(&whole);
	} else {
		/* only a bad CIDR item, or more than CIDR_MAX_NETWORKS items, fails */
		FUZZ_ASSERT(!cidrs_ok || items_of(merged) > CIDR_MAX_NETWORKS,
		    "'%.100s' fails though its CIDR items parse: %s", merged, err);
	}
	free(merged);
fini:
	netnames_fini(&nn);
out:
	free(list);
	return 0;
}
