/*
 * order.h: the order in which a run sends its probes. A seeded bijection of [0, n): probes
 * to one subnet or one host spread over the whole run instead of arriving together, and one
 * seed always gives one order (so shards that share a seed split one order between them).
 * O(1) memory; read-only after order_init, so thread-safe.
 */
#ifndef SD_ORDER_H
#define SD_ORDER_H

#include <stdint.h>

#define ORDER_ROUNDS	6	/* Feistel rounds: even, so the halves end as they began */

struct order {
	uint64_t	 n;
	int		 sequential;	/* order_at is the identity */
	unsigned	 bits;		/* the permuted domain is [0, 2^bits) >= [0, n) */
	unsigned	 left_bits;	/* of the first round; the right half has the rest */
	uint64_t	 key[ORDER_ROUNDS];
};

/* An order of n items (n < 2^62) from seed; sequential: 0, 1, ..., n-1. */
void	 order_init(struct order *o, uint64_t n, uint64_t seed, int sequential);
/* The item at position i < n. Every item appears at exactly one position. */
uint64_t order_at(const struct order *o, uint64_t i);
/* A well-mixed 64-bit value of x (splitmix64's finalizer): for seeds and round keys. */
uint64_t order_mix(uint64_t x);

#endif
