/*
 * fuzz_portlist.c: portlist_parse on arbitrary text. On success every port is in 1..65535,
 * strictly ascending, found by portlist_contains, and the set equals the union of the items
 * read by an independent naive reader; the list formatted back as ranges parses to the same.
 */
#include "fuzz.h"
#include "portlist.h"

/* A decimal port 0..65535 of digits only; -1 otherwise. */
static long
naive_port(const char *s, size_t len)
{
	long v = 0;

	if (len == 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
		if (v > 65535)
			return -1;
	}
	return v;
}

/* Sets bits for each item of list; -1 when an item is not valid. */
static int
naive_parse(const char *list, unsigned char *bits)
{
	const char *p = list;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *dash;
		long lo, hi;

		while (len > 0 && (*p == ' ' || *p == '\t'))
			p++, len--;
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0 || len >= 32)
			return -1;
		dash = memchr(p, '-', len);
		lo = naive_port(p, dash ? (size_t)(dash - p) : len);
		hi = dash ? naive_port(dash + 1, len - (size_t)(dash + 1 - p)) : lo;
		if (lo < 1 || hi < 1 || lo > hi)
			return -1;
		for (long port = lo; port <= hi; port++)
			bits[port / 8] |= (unsigned char)(1u << (port % 8));
		if (!comma)
			return 0;
		p = comma + 1;
	}
}

static void
round_trip(const struct portlist *pl)
{
	struct portlist again;
	char *buf, err[128];
	size_t cap = pl->n * 12 + 1, len = 0;

	if ((buf = malloc(cap)) == NULL)
		return;
	for (size_t i = 0; i < pl->n;) {
		size_t j = i;
		int w;

		while (j + 1 < pl->n && pl->ports[j + 1] == pl->ports[j] + 1)
			j++;
		if (j > i)
			w = snprintf(buf + len, cap - len, "%s%u-%u", i ? "," : "", pl->ports[i],
			    pl->ports[j]);
		else
			w = snprintf(buf + len, cap - len, "%s%u", i ? "," : "", pl->ports[i]);
		FUZZ_ASSERT(w > 0 && (size_t)w < cap - len, "format buffer");
		len += (size_t)w;
		i = j + 1;
	}
	FUZZ_ASSERT(portlist_parse(&again, buf, err, sizeof(err)) == 0, "'%.100s' does not parse "
	    "back: %s", buf, err);
	FUZZ_ASSERT(again.n == pl->n && memcmp(again.ports, pl->ports, pl->n * 2) == 0,
	    "'%.100s' parses back to another list", buf);
	portlist_fini(&again);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct portlist pl;
	unsigned char *bits;
	char err[256], *list;
	size_t count = 0;
	int rc, naive;

	if ((list = fuzz_cstring(data, size)) == NULL)
		return 0;
	if ((bits = calloc(65536 / 8, 1)) == NULL) {
		free(list);
		return 0;
	}
	memset(err, 0, sizeof(err));
	rc = portlist_parse(&pl, list, err, sizeof(err));
	naive = naive_parse(list, bits);
	FUZZ_ASSERT((rc == 0) == (naive == 0), "portlist_parse %d, naive reader %d on '%.200s' (%s)",
	    rc, naive, list, rc ? err : "");
	if (rc < 0) {
		fuzz_check_err(err, sizeof(err), list);
		FUZZ_ASSERT(pl.n == 0 && pl.ports == NULL, "failed parse left a list");
		goto out;
	}
	FUZZ_ASSERT(pl.n >= 1, "empty list accepted");
	for (size_t i = 0; i < pl.n; i++) {
		FUZZ_ASSERT(pl.ports[i] >= 1, "port 0 at %zu", i);
		FUZZ_ASSERT(i == 0 || pl.ports[i - 1] < pl.ports[i], "not ascending at %zu", i);
		FUZZ_ASSERT(bits[pl.ports[i] / 8] & (1u << (pl.ports[i] % 8)), "port %u not in the "
		    "list", pl.ports[i]);
		FUZZ_ASSERT(portlist_contains(&pl, pl.ports[i]), "contains(%u)", pl.ports[i]);
	}
	for (unsigned p = 1; p < 65536; p++)
		count += (bits[p / 8] >> (p % 8)) & 1;
	FUZZ_ASSERT(count == pl.n, "%zu ports parsed, %zu listed", pl.n, count);
	FUZZ_ASSERT(!portlist_contains(&pl, 0), "contains(0)");
	round_trip(&pl);
	portlist_fini(&pl);
out:
	free(bits);
	free(list);
	return 0;
}
