/*
 * check_order.c: the probe order is a bijection of [0, n) for every n (primes, powers of
 * two, 1, 2, ...), one seed gives one order, seeds differ, sequential is the identity, and
 * no /24 of a /16 x 2 ports sees a burst: over every window of the order each /24 gets
 * about its share of the probes (the sequential order, by contrast, gives a window to one).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "order.h"
#include "check_main.h"

static const uint64_t sizes[] = {
	1, 2, 3, 4, 5, 6, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 97, 127, 128, 129, 255,
	256, 257, 1000, 1023, 1024, 1025, 4093, 4096, 65521, 65536, 65537, 131072, 1000003,
};

START_TEST(bijection_for_many_sizes)
{
	static const uint64_t seeds[] = { 0, 1, 42, 0xffffffffffffffffull };

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		uint64_t n = sizes[k];
		unsigned char *seen = calloc(n, 1);

		ck_assert_ptr_nonnull(seen);
		for (size_t s = 0; s < sizeof(seeds) / sizeof(seeds[0]); s++) {
			struct order o;

			memset(seen, 0, n);
			order_init(&o, n, seeds[s], 0);
			for (uint64_t i = 0; i < n; i++) {
				uint64_t x = order_at(&o, i);

				/* ck_assert costs a write per call: test, then fail */
				if (x >= n || seen[x])
					ck_abort_msg("n %llu seed %zu: position %llu -> %llu, out of "
					    "range or seen twice", (unsigned long long)n, s,
					    (unsigned long long)i, (unsigned long long)x);
				seen[x] = 1;
			}
		}
		free(seen);
	}
}
END_TEST

START_TEST(same_seed_same_order_other_seed_other_order)
{
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		uint64_t n = sizes[k], same = 0, moved = 0;
		struct order a, b, c;

		order_init(&a, n, 7, 0);
		order_init(&b, n, 7, 0);
		order_init(&c, n, 8, 0);
		for (uint64_t i = 0; i < n && i < 4096; i++) {
			if (order_at(&a, i) != order_at(&b, i))
				ck_abort_msg("n %llu: one seed, two orders", (unsigned long long)n);
			same += order_at(&a, i) == order_at(&c, i);
			moved += order_at(&a, i) != i;
		}
		/* from 16 items on, two seeds agree on few positions and move most items */
		if (n >= 16) {
			uint64_t m = n < 4096 ? n : 4096;

			ck_assert_msg(same < m / 2, "n %llu: seeds 7 and 8 agree on %llu of %llu",
			    (unsigned long long)n, (unsigned long long)same, (unsigned long long)m);
			ck_assert_msg(moved > m / 2, "n %llu: %llu of %llu moved",
			    (unsigned long long)n, (unsigned long long)moved, (unsigned long long)m);
		}
	}
}
END_TEST

START_TEST(sequential_is_the_identity)
{
	struct order o;

	order_init(&o, 1000, 99, 1);
	for (uint64_t i = 0; i < 1000; i++)
		if (order_at(&o, i) != i)
			ck_abort_msg("sequential position %llu", (unsigned long long)i);
	/* huge spaces cost nothing to set up: 2^32 hosts x 65535 ports */
	order_init(&o, 4294967296ull * 65535, 5, 0);
	ck_assert_uint_lt(order_at(&o, 4294967296ull * 65535 - 1), 4294967296ull * 65535);
}
END_TEST

/*
 * The largest count any /24 gets in any window of w consecutive positions, for a probe
 * space of hosts (a multiple of 256) x ports probed port by port (probe index p is host
 * p % hosts): the /24 of p is (p % hosts) / 256.
 */
static unsigned
burst(const struct order *o, uint64_t hosts, uint64_t ports, uint64_t w)
{
	uint64_t n = hosts * ports, nets = hosts / 256;
	unsigned *count = calloc(nets, sizeof(*count)), worst = 0;

	ck_assert_ptr_nonnull(count);
	for (uint64_t start = 0; start + w <= n; start += w) {
		memset(count, 0, nets * sizeof(*count));
		for (uint64_t i = start; i < start + w; i++) {
			unsigned c = ++count[(order_at(o, i) % hosts) / 256];

			if (c > worst)
				worst = c;
		}
	}
	free(count);
	return worst;
}

START_TEST(no_subnet_sees_a_burst)
{
	/* a /16 x 2 ports: windows of 2560 probes give each of the 256 /24s 10 on average */
	uint64_t hosts = 65536, w = 2560;
	struct order o;

	for (uint64_t seed = 1; seed <= 3; seed++) {
		unsigned worst;

		order_init(&o, hosts * 2, seed, 0);
		worst = burst(&o, hosts, 2, w);
		ck_assert_msg(worst <= 4 * 10, "seed %llu: a /24 got %u probes of a window of %llu",
		    (unsigned long long)seed, worst, (unsigned long long)w);
	}
	/* the sequential order sends a whole window to one /24 at a time */
	order_init(&o, hosts * 2, 1, 1);
	ck_assert_uint_eq(burst(&o, hosts, 2, w), 256);
	/* a /20 x 1 port: 16 /24s, windows of 160 */
	order_init(&o, 4096, 11, 0);
	ck_assert_uint_le(burst(&o, 4096, 1, 160), 4 * 10);
}
END_TEST

static void
add_tests(void)
{
	ADD(bijection_for_many_sizes);
	ADD(same_seed_same_order_other_seed_other_order);
	ADD(sequential_is_the_identity);
	ADD(no_subnet_sees_a_burst);
}
