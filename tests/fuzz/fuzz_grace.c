/*
 * fuzz_grace.c: grace_parse (the previous targets file read back for -grace) on arbitrary
 * bytes. On success the entries are sorted by port, then address, without a pair twice,
 * and sd-scan's own rendering of them parses back to the same entries; every last-seen time
 * formats back to the text it came from; grace_select keeps only entries it was given.
 * On failure nothing is returned and the message is one line. grace_parse_pairs (the
 * -retry-scope reader) accepts whatever grace_parse accepts and gives the same entries, and
 * grace_find finds each of them.
 */
#include "fuzz.h"
#include "grace.h"
#include "targets.h"

static int
all_in_scope(void *ctx, cidr_ip addr, uint16_t port)
{
	(void)ctx;
	return (unsigned)((addr ^ port) % 3) != 0;
}

static void
round_trip(const struct grace_entry *e, size_t n)
{
	struct target *t = calloc(n ? n : 1, sizeof(*t));
	char (*at)[GRACE_TIME_LEN + 1] = calloc(n ? n : 1, sizeof(*at));
	struct grace_entry *again;
	size_t len, n2;
	char *json, err[300];

	if (t == NULL || at == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		t[i].addr = e[i].addr;
		t[i].port = e[i].port;
		t[i].last_seen = grace_format_time(e[i].last_seen, at[i], sizeof(at[i]));
	}
	if (targets_format(t, n, &json, &len) < 0)
		goto out;
	FUZZ_ASSERT(grace_parse(json, len, &again, &n2, err, sizeof(err)) == 0,
	    "sd-scan's own file does not parse back: %s", err);
	FUZZ_ASSERT(n2 == n && (n == 0 || memcmp(again, e, n * sizeof(*e)) == 0),
	    "round trip changed the entries");
	free(again);
	free(json);
out:
	free(t);
	free(at);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct grace_entry *e = NULL, *kept, *pairs;
	struct probe_hit seen[4];
	size_t npairs, n = 99, nkept, expired, nseen = 0;
	char err[300], text[GRACE_TIME_LEN + 1], back[GRACE_TIME_LEN + 1];
	int64_t t;

	if (size > FUZZ_INPUT_MAX)
		size = FUZZ_INPUT_MAX;
	memset(text, 0, sizeof(text));
	memcpy(text, data, size < GRACE_TIME_LEN ? size : GRACE_TIME_LEN);
	if (grace_parse_time(text, &t) == 0)
		FUZZ_ASSERT(strcmp(grace_format_time(t, back, sizeof(back)), text) == 0,
		    "time '%s' formats back as '%s'", text, back);

	/* the -retry-scope reader accepts every file grace_parse accepts, with the same pairs */
	memset(err, 0, sizeof(err));
	if (grace_parse_pairs((const char *)data, size, &e, &n, err, sizeof(err)) < 0) {
		FUZZ_ASSERT(e == NULL && n == 0, "a failed pair parse returned entries");
		fuzz_check_err(err, sizeof(err), NULL);
	}
	pairs = e;
	npairs = n;
	e = NULL;
	n = 99;
	memset(err, 0, sizeof(err));
	if (grace_parse((const char *)data, size, &e, &n, err, sizeof(err)) < 0) {
		free(pairs);
		FUZZ_ASSERT(e == NULL && n == 0, "a failed parse returned entries");
		fuzz_check_err(err, sizeof(err), NULL);
		return 0;
	}
	FUZZ_ASSERT(npairs == n, "grace_parse gave %zu pairs, grace_parse_pairs %zu", n, npairs);
	for (size_t i = 0; i < n; i++)
		FUZZ_ASSERT(pairs[i].addr == e[i].addr && pairs[i].port == e[i].port &&
		    pairs[i].last_seen == e[i].last_seen, "pair %zu differs", i);
	for (size_t i = 0; i < npairs; i++)	/* -retry-scope's lookup finds every pair */
		FUZZ_ASSERT(grace_find(pairs, npairs, pairs[i].addr, pairs[i].port) == &pairs[i],
		    "grace_find misses pair %zu", i);
	free(pairs);
	for (size_t i = 0; i < n; i++) {
		FUZZ_ASSERT(e[i].port >= 1, "port 0 at %zu", i);
		FUZZ_ASSERT(i == 0 || e[i - 1].port < e[i].port ||
		    (e[i - 1].port == e[i].port && cidr_ip_cmp(e[i - 1].addr, e[i].addr) < 0), "not sorted at %zu", i);
		FUZZ_ASSERT(strlen(grace_format_time(e[i].last_seen, back, sizeof(back))) ==
		    GRACE_TIME_LEN && grace_parse_time(back, &t) == 0 && t == e[i].last_seen,
		    "last seen %lld does not round-trip", (long long)e[i].last_seen);
	}
	round_trip(e, n);
	for (size_t i = 0; i < n && nseen < 4; i += 2) {
		seen[nseen].addr = e[i].addr;
		seen[nseen++].port = e[i].port;
	}
	if (grace_select(e, n, seen, nseen, n ? e[0].last_seen + 60 : 0, 120, all_in_scope, NULL,
	    &kept, &nkept, &expired) == 0) {
		FUZZ_ASSERT(nkept + expired + nseen <= n, "kept %zu + expired %zu of %zu", nkept,
		    expired, n);
		for (size_t k = 0; k < nkept; k++) {
			FUZZ_ASSERT(all_in_scope(NULL, kept[k].addr, kept[k].port), "kept out of scope");
			for (size_t s = 0; s < nseen; s++)
				FUZZ_ASSERT(kept[k].addr != seen[s].addr || kept[k].port != seen[s].port,
				    "kept a pair that was seen");
		}
		free(kept);
	}
	free(e);
	return 0;
}
