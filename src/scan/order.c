/*
 * order.c: a format-preserving permutation of [0, n).
 *
 * DESIGN. An unbalanced Feistel network permutes [0, 2^bits), the smallest power of two
 * that holds n: each round replaces the left half by the right half and the right by
 * left XOR F(right), so every round is invertible whatever F is, and the composition is a
 * bijection. Positions that land at or past n are walked on (cycle-walking) until they fall
 * inside: the walk stays on the cycle of the start, which holds an item below n (the start
 * itself), so it ends, after fewer than two steps on average since 2^bits < 2n. F mixes the
 * half with a per-round key; the keys come from the seed.
 */
#include "order.h"

uint64_t
order_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

void
order_init(struct order *o, uint64_t n, uint64_t seed, int sequential)
{
	uint64_t k = seed;

	o->n = n;
	o->sequential = sequential || n <= 1;
	o->bits = 1;
	while (o->bits < 62 && (1ull << o->bits) < n)
		o->bits++;
	o->left_bits = o->bits / 2;
	for (int r = 0; r < ORDER_ROUNDS; r++) {
		k = order_mix(k + (uint64_t)r);
		o->key[r] = k;
	}
}

static uint64_t
mask(unsigned bits)
{
	return bits == 0 ? 0 : (1ull << bits) - 1;
}

/* One pass of the network over [0, 2^bits). */
static uint64_t
permute(const struct order *o, uint64_t x)
{
	unsigned lb = o->left_bits, rb = o->bits - o->left_bits, t;

	for (int r = 0; r < ORDER_ROUNDS; r++) {
		uint64_t left = x >> rb, right = x & mask(rb);
		uint64_t f = order_mix(right ^ o->key[r]) & mask(lb);

		/* (left: lb bits, right: rb bits) -> (right: rb bits, left ^ F: lb bits) */
		x = right << lb | (left ^ f);
		t = lb;
		lb = rb;
		rb = t;
	}
	return x;
}

uint64_t
order_at(const struct order *o, uint64_t i)
{
	uint64_t x = i;

	if (o->sequential)
		return i;
	do
		x = permute(o, x);
	while (x >= o->n);
	return x;
}
