/*
 * shard.h: -shard I/N, the share of the probes one of N scanner hosts sends. Shards are
 * 1-based, as masscan's --shard (1/2 and 2/2 are the two halves). Shard I takes the
 * positions I-1, I-1+N, I-1+2N, ... of the run's order, so N shards cover every position
 * exactly once and each share is spread over the whole order. Pure functions: thread-safe.
 */
#ifndef SD_SHARD_H
#define SD_SHARD_H

#include <stddef.h>
#include <stdint.h>

#define SHARD_MAX	65536u	/* most shards of one scan */

/* "I/N" with 1 <= I <= N <= SHARD_MAX, decimal, no blanks. -1 with a reason in err. */
int	 shard_parse(const char *s, unsigned *index, unsigned *count, char *err, size_t errlen);
/* Positions of shard index (1-based) of count in an order of space positions. */
uint64_t shard_size(uint64_t space, unsigned index, unsigned count);
/* The order position of the j-th probe (j < shard_size) of shard index of count. */
uint64_t shard_position(unsigned index, unsigned count, uint64_t j);

#endif
