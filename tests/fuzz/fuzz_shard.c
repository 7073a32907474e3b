/*
 * fuzz_shard.c: shard_parse on arbitrary text. On success 1 <= I <= N <= SHARD_MAX, the
 * canonical "I/N" parses back to the same shard, and the N shares of a small space (from
 * the input's length) cover it exactly once.
 */
#include "fuzz.h"
#include "shard.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[128], buf[32], *s;
	unsigned i, n, i2, n2;
	uint64_t space = size % 50, sum = 0;

	if ((s = fuzz_cstring(data, size)) == NULL)
		return 0;
	memset(err, 0, sizeof(err));
	if (shard_parse(s, &i, &n, err, sizeof(err)) < 0) {
		fuzz_check_err(err, sizeof(err), NULL);
		goto out;
	}
	FUZZ_ASSERT(i >= 1 && i <= n && n <= SHARD_MAX, "'%s' gave %u/%u", s, i, n);
	snprintf(buf, sizeof(buf), "%u/%u", i, n);
	FUZZ_ASSERT(shard_parse(buf, &i2, &n2, err, sizeof(err)) == 0 && i2 == i && n2 == n,
	    "'%s' does not parse back", buf);
	if (n <= 64) {
		unsigned char seen[50] = { 0 };

		for (unsigned k = 1; k <= n; k++)
			for (uint64_t j = 0; j < shard_size(space, k, n); j++) {
				uint64_t pos = shard_position(k, n, j);

				FUZZ_ASSERT(pos < space && !seen[pos], "shard %u/%u position %llu", k,
				    n, (unsigned long long)pos);
				seen[pos] = 1;
				sum++;
			}
		FUZZ_ASSERT(sum == space, "shares of %llu sum to %llu", (unsigned long long)space,
		    (unsigned long long)sum);
	}
out:
	free(s);
	return 0;
}
