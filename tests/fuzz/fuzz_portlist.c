/*
 * fuzz_portlist.c: portlist_parse on arbitrary text. On success every port is in 1..65535,
 * strictly ascending, found by portlist_contains, and the set and the port names equal what
 * an independent naive reader makes of the items (names checked by their own rule, a named
 * port never listed twice); the list formatted back as named ranges parses to the same.
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

#define NAIVE_BARE	UINT32_MAX

/* A port name: 1..63 of [a-zA-Z0-9_.-], not starting with a digit, '.' or '-'. */
static int
naive_name_ok(const char *s, size_t len)
{
	if (len == 0 || len > 63 || (s[0] >= '0' && s[0] <= '9') || s[0] == '.' || s[0] == '-')
		return 0;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return 0;
	return 1;
}

/*
 * state[port]: 0 unlisted, NAIVE_BARE listed bare, else 1 + the offset in list of its
 * name's first byte; name_len[offset] is the name's length. A named port met again is an
 * error whatever the names, so names are never compared here.
 */
static size_t name_len[FUZZ_INPUT_MAX + 1];

/* Sets state for each item of list; -1 when an item is not valid. */
static int
naive_parse(const char *list, uint32_t *state)
{
	const char *p = list;

	for (;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *dash, *eq;
		size_t plen;
		uint32_t want = NAIVE_BARE;
		long lo, hi;

		while (len > 0 && (*p == ' ' || *p == '\t'))
			p++, len--;
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
			len--;
		if (len == 0 || len >= 80)
			return -1;
		eq = memchr(p, '=', len);
		plen = eq ? (size_t)(eq - p) : len;
		if (eq) {
			if (!naive_name_ok(eq + 1, len - plen - 1))
				return -1;
			want = (uint32_t)(eq + 1 - list) + 1;
			name_len[want - 1] = len - plen - 1;
		}
		dash = memchr(p, '-', plen);
		lo = naive_port(p, dash ? (size_t)(dash - p) : plen);
		hi = dash ? naive_port(dash + 1, plen - (size_t)(dash + 1 - p)) : lo;
		if (lo < 1 || hi < 1 || lo > hi)
			return -1;
		for (long port = lo; port <= hi; port++) {
			if (state[port] != 0 && (state[port] != NAIVE_BARE || want != NAIVE_BARE))
				return -1;	/* named twice, differently, or named and bare */
			state[port] = want;
		}
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
	size_t cap = pl->n * 80 + 1, len = 0;

	if ((buf = malloc(cap)) == NULL)
		return;
	for (size_t i = 0; i < pl->n;) {
		const char *name = portlist_name(pl, pl->ports[i]);
		size_t j = i;
		int w;

		while (j + 1 < pl->n && pl->ports[j + 1] == pl->ports[j] + 1 &&
		    portlist_name(pl, pl->ports[j + 1]) == name)
			j++;
		if (j > i)
			w = snprintf(buf + len, cap - len, "%s%u-%u", i ? "," : "", pl->ports[i],
			    pl->ports[j]);
		else
			w = snprintf(buf + len, cap - len, "%s%u", i ? "," : "", pl->ports[i]);
		FUZZ_ASSERT(w > 0 && (size_t)w < cap - len, "format buffer");
		len += (size_t)w;
		if (name) {
			w = snprintf(buf + len, cap - len, "=%s", name);
			FUZZ_ASSERT(w > 0 && (size_t)w < cap - len, "format buffer");
			len += (size_t)w;
		}
		i = j + 1;
	}
	FUZZ_ASSERT(portlist_parse(&again, buf, err, sizeof(err)) == 0, "'%.100s' does not parse "
	    "back: %s", buf, err);
	FUZZ_ASSERT(again.n == pl->n && memcmp(again.ports, pl->ports, pl->n * 2) == 0,
	    "'%.100s' parses back to another list", buf);
	for (size_t i = 0; i < pl->n; i++) {
		const char *a = portlist_name(pl, pl->ports[i]), *b = portlist_name(&again,
		    pl->ports[i]);

		FUZZ_ASSERT((a == NULL) == (b == NULL) && (a == NULL || strcmp(a, b) == 0),
		    "port %u's name changed on the way back", pl->ports[i]);
	}
	portlist_fini(&again);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct portlist pl;
	uint32_t *state;
	char err[256], *list;
	size_t count = 0;
	int rc, naive;

	if ((list = fuzz_cstring(data, size)) == NULL)
		return 0;
	if ((state = calloc(65536, sizeof(*state))) == NULL) {
		free(list);
		return 0;
	}
	memset(err, 0, sizeof(err));
	rc = portlist_parse(&pl, list, err, sizeof(err));
	naive = naive_parse(list, state);
	FUZZ_ASSERT((rc == 0) == (naive == 0), "portlist_parse %d, naive reader %d on '%.200s' (%s)",
	    rc, naive, list, rc ? err : "");
	if (rc < 0) {
		fuzz_check_err(err, sizeof(err), list);
		FUZZ_ASSERT(pl.n == 0 && pl.ports == NULL && pl.names == NULL && pl.name_of == NULL,
		    "failed parse left a list");
		goto out;
	}
	FUZZ_ASSERT(pl.n >= 1, "empty list accepted");
	for (size_t i = 0; i < pl.n; i++) {
		FUZZ_ASSERT(pl.ports[i] >= 1, "port 0 at %zu", i);
		FUZZ_ASSERT(i == 0 || pl.ports[i - 1] < pl.ports[i], "not ascending at %zu", i);
		uint32_t st = state[pl.ports[i]];
		const char *name = portlist_name(&pl, pl.ports[i]);

		FUZZ_ASSERT(st != 0, "port %u not in the list", pl.ports[i]);
		FUZZ_ASSERT(portlist_contains(&pl, pl.ports[i]), "contains(%u)", pl.ports[i]);
		FUZZ_ASSERT((st == NAIVE_BARE) == (name == NULL), "port %u named or not", pl.ports[i]);
		FUZZ_ASSERT(name == NULL || (strlen(name) == name_len[st - 1] &&
		    memcmp(name, list + st - 1, strlen(name)) == 0), "port %u named '%s'",
		    pl.ports[i], name);
		FUZZ_ASSERT(name == NULL || portlist_name_valid(name), "invalid name '%s'", name);
	}
	for (unsigned p = 1; p < 65536; p++)
		count += state[p] != 0;
	FUZZ_ASSERT(count == pl.n, "%zu ports parsed, %zu listed", pl.n, count);
	FUZZ_ASSERT(!portlist_contains(&pl, 0), "contains(0)");
	round_trip(&pl);
	portlist_fini(&pl);
out:
	free(state);
	free(list);
	return 0;
}
