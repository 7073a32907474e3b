/*
 * fuzz_exclude.c: exclude_parse_list (byte 0 even) or exclude_parse_text (odd) on arbitrary
 * text, then exclude_apply to a fixed set. A failed parse adds nothing; on success the set
 * after apply must be sorted and merged, hold exactly the old addresses that no exclusion
 * covers (checked on a spread of addresses), and its count must match what was removed.
 */
#include "exclude.h"
#include "fuzz.h"

#define NETWORKS "10.0.0.0/16,10.1.2.0/24,192.168.7.7,fd00::/112,fd00:1::7,2001:db8::ff00/120"

static void
check_warn(void *ctx, const char *msg)
{
	(void)ctx;
	FUZZ_ASSERT(*msg != '\0', "empty warning");
}

static int
contains(const struct addrset *set, cidr_ip a)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->ranges[i].first <= a && a <= set->ranges[i].last)
			return 1;
	return 0;
}

static int
excluded(const struct exclusions *ex, cidr_ip a)
{
	for (size_t i = 0; i < ex->n; i++)
		if (ex->v[i].first <= a && a <= ex->v[i].last)
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct exclusions ex = { 0 };
	struct addrset before, after;
	char err[512], *text;
	int rc;

	if (size < 1)
		return 0;
	if ((text = fuzz_cstring(data + 1, size - 1)) == NULL)
		return 0;
	memset(err, 0, sizeof(err));
	if (data[0] & 1)
		rc = exclude_parse_text(&ex, (const char *)data + 1, size - 1 > FUZZ_INPUT_MAX ?
		    FUZZ_INPUT_MAX : size - 1, "fuzz.txt", check_warn, NULL, err, sizeof(err));
	else
		rc = exclude_parse_list(&ex, text, check_warn, NULL, err, sizeof(err));
	if (rc < 0) {
		fuzz_check_err(err, sizeof(err), (data[0] & 1) ? "\n" : text);
		FUZZ_ASSERT(ex.n == 0 && ex.from_list == 0, "a failed parse kept %zu items", ex.n);
		goto out;
	}
	for (size_t i = 0; i < ex.n; i++) {
		FUZZ_ASSERT(ex.v[i].first <= ex.v[i].last, "item %zu reversed", i);
		FUZZ_ASSERT(strlen(ex.v[i].text) < EXCLUDE_TEXT_MAX, "item %zu text", i);
		FUZZ_ASSERT((ex.v[i].line == 0) == !(data[0] & 1), "item %zu line %u", i,
		    ex.v[i].line);
	}
	FUZZ_ASSERT(addrset_parse(&before, NETWORKS, 1, 112, NULL, NULL, err, sizeof(err)) == 0 &&
	    addrset_parse(&after, NETWORKS, 1, 112, NULL, NULL, err, sizeof(err)) == 0, "%s", err);
	FUZZ_ASSERT(exclude_apply(&ex, &after, check_warn, NULL, err, sizeof(err)) == 0, "%s", err);
	FUZZ_ASSERT(ex.scanned_before == before.total && after.total + ex.removed == before.total,
	    "counts: %llu before, %llu after, %llu removed", (unsigned long long)before.total,
	    (unsigned long long)after.total, (unsigned long long)ex.removed);
	{
		uint64_t sum = 0;

		for (size_t i = 0; i < after.n; i++) {
			FUZZ_ASSERT(after.ranges[i].first <= after.ranges[i].last, "range reversed");
			FUZZ_ASSERT(i == 0 || after.ranges[i - 1].last + 1 < after.ranges[i].first,
			    "ranges %zu, %zu unmerged", i - 1, i);
			FUZZ_ASSERT(after.before[i] == sum, "before[%zu]", i);
			sum += (uint64_t)(after.ranges[i].last - after.ranges[i].first) + 1;
		}
		FUZZ_ASSERT(sum == after.total, "total");
	}
	for (size_t i = 0; i < ex.n; i++)
		FUZZ_ASSERT(ex.v[i].removed == addrset_count_within(&before, ex.v[i].first,
		    ex.v[i].last), "item %zu removed", i);
	/* a spread of the old addresses, and every item's ends */
	for (uint64_t k = 0; k < before.total; k += 97) {
		cidr_ip a = addrset_nth(&before, k);
		char ip[CIDR_IP_LEN];

		FUZZ_ASSERT(contains(&after, a) == !excluded(&ex, a), "address %s",
		    cidr_format_ip(a, ip, sizeof(ip)));
	}
	for (size_t i = 0; i < ex.n; i++)
		FUZZ_ASSERT(!contains(&after, ex.v[i].first) && !contains(&after, ex.v[i].last),
		    "item %zu still scanned", i);
	addrset_fini(&before);
	addrset_fini(&after);
out:
	exclude_fini(&ex);
	free(text);
	return 0;
}
