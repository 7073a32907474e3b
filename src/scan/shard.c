/*
 * shard.c: parsing -shard and the arithmetic of interleaved shares.
 */
#include <stdio.h>
#include <string.h>

#include "numparse.h"
#include "shard.h"

#define SPEC_MAX 32

int
shard_parse(const char *s, unsigned *index, unsigned *count, char *err, size_t errlen)
{
	const char *slash = strchr(s, '/');
	char left[SPEC_MAX], why[96];
	uint64_t i, n;
	size_t len;

	if (slash == NULL || (len = (size_t)(slash - s)) >= sizeof(left) ||
	    strlen(slash + 1) >= SPEC_MAX) {
		snprintf(err, errlen, "not I/N (shard I of N, 1-based, e.g. 1/3)");
		return -1;
	}
	memcpy(left, s, len);
	left[len] = '\0';
	if (numparse_uint(left, UINT64_MAX, &i, why, sizeof(why)) < 0 ||
	    numparse_uint(slash + 1, UINT64_MAX, &n, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "not I/N (shard I of N, 1-based, e.g. 1/3)");
		return -1;
	}
	if (n == 0 || n > SHARD_MAX) {
		snprintf(err, errlen, "the number of shards must be 1 to %u", SHARD_MAX);
		return -1;
	}
	if (i == 0 || i > n) {
		snprintf(err, errlen, "shards are numbered 1 to %llu", (unsigned long long)n);
		return -1;
	}
	*index = (unsigned)i;
	*count = (unsigned)n;
	return 0;
}

uint64_t
shard_size(uint64_t space, unsigned index, unsigned count)
{
	uint64_t first = index - 1;

	return space > first ? (space - first - 1) / count + 1 : 0;
}

uint64_t
shard_position(unsigned index, unsigned count, uint64_t j)
{
	return (uint64_t)(index - 1) + j * count;
}
