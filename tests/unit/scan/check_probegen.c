/*
 * check_probegen.c: probe index -> (address, port) covers every pair exactly once; shards of
 * a random order cover it once between them; the default seed follows the configuration.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "probegen.h"
#include "check_main.h"

START_TEST(covers_every_pair_once)
{
	struct addrset hosts;
	struct portlist ports;
	struct probegen g;
	char err[128];
	unsigned char *seen;

	ck_assert_int_eq(addrset_parse(&hosts, "10.0.0.0/29,10.0.0.6/31,10.0.1.1", 1, 112, NULL, NULL,
	    err, sizeof(err)), 0);
	ck_assert_int_eq(portlist_parse(&ports, "22,9100-9101", err, sizeof(err)), 0);
	probegen_init(&g, &hosts, &ports);
	/* .1-.7 (the /31 adds .7 back) and 10.0.1.1: 8 hosts x 3 ports */
	ck_assert_uint_eq(hosts.total, 8);
	ck_assert_uint_eq(g.total, 24);
	seen = calloc(2 * 256 * 3, 1);
	for (uint64_t i = 0; i < g.total; i++) {
		cidr_ip a;
		uint16_t p;
		size_t pi;

		probegen_get(&g, i, &a, &p);
		ck_assert_uint_eq(a >> 9, CIDR_V4(0x0a000000u) >> 9);
		pi = p == 22 ? 0 : p == 9100 ? 1 : 2;
		ck_assert(p == 22 || p == 9100 || p == 9101);
		ck_assert_uint_eq(seen[(((unsigned)a & 0x1ff) * 3) + pi], 0);
		seen[(((unsigned)a & 0x1ff) * 3) + pi] = 1;
		ck_assert(a != CIDR_V4(0x0a000000u));	/* network address skipped */
	}
	/* port-major: the first pass is port 22 on every host */
	{
		cidr_ip a;
		uint16_t p;

		probegen_get(&g, 7, &a, &p);
		ck_assert_uint_eq(p, 22);
		ck_assert_uint_eq(a, CIDR_V4(0x0a000101u));
		probegen_get(&g, 8, &a, &p);
		ck_assert_uint_eq(p, 9100);
		ck_assert_uint_eq(a, CIDR_V4(0x0a000001u));
	}
	free(seen);
	addrset_fini(&hosts);
	portlist_fini(&ports);
}
END_TEST

/* IPv4 and IPv6 in one index space: a random order visits every pair of both once. */
START_TEST(ipv6_in_the_same_space)
{
	struct addrset hosts;
	struct portlist ports;
	struct probegen g;
	char err[128];
	unsigned seen[2][6] = { { 0 } }, v6 = 0;

	ck_assert_int_eq(addrset_parse(&hosts, "fd00::/126,10.0.0.0/30", 1, 112, NULL, NULL, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(portlist_parse(&ports, "22,9100", err, sizeof(err)), 0);
	probegen_init(&g, &hosts, &ports);
	probegen_arrange(&g, 1, 5, 1, 1);
	ck_assert_uint_eq(g.total, (2 + 4) * 2);
	for (uint64_t pos = 0; pos < g.total; pos++) {
		cidr_ip a;
		uint16_t p;
		unsigned h;

		probegen_get(&g, probegen_index(&g, pos), &a, &p);
		if (cidr_is_v4(a)) {
			ck_assert(a == CIDR_V4(0x0a000001u) || a == CIDR_V4(0x0a000002u));
			h = (unsigned)(a - CIDR_V4(0x0a000001u));
		} else {
			ck_assert((a >> 2) == ((cidr_ip)0xfd00 << 110));
			h = 2 + (unsigned)(a & 3);
			v6++;
		}
		ck_assert_uint_eq(seen[p == 22 ? 0 : 1][h]++, 0);
	}
	ck_assert_uint_eq(v6, 8);
	addrset_fini(&hosts);
	portlist_fini(&ports);
}
END_TEST

START_TEST(huge_space_no_memory)
{
	struct addrset hosts;
	struct portlist ports;
	struct probegen g;
	char err[128];
	cidr_ip a;
	uint16_t p;

	ck_assert_int_eq(addrset_parse(&hosts, "10.0.0.0/8", 1, 112, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(portlist_parse(&ports, "1-65535", err, sizeof(err)), 0);
	probegen_init(&g, &hosts, &ports);
	ck_assert_uint_eq(g.total, 16777214ull * 65535);
	probegen_get(&g, g.total - 1, &a, &p);
	ck_assert_uint_eq(a, CIDR_V4(0x0afffffeu));
	ck_assert_uint_eq(p, 65535);
	addrset_fini(&hosts);
	portlist_fini(&ports);
}
END_TEST

/*
 * Shards of a random order: n runs with one seed probe every (address, port) exactly once
 * between them, and one shard's probes are the same whatever n hosts run beside it.
 */
START_TEST(shards_cover_the_space_once)
{
	struct addrset hosts;
	struct portlist ports;
	char err[128];
	unsigned char *seen;

	ck_assert_int_eq(addrset_parse(&hosts, "10.0.0.0/24,10.0.3.0/25", 1, 112, NULL, NULL, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(portlist_parse(&ports, "22,80,9100", err, sizeof(err)), 0);
	seen = calloc(4 * 256 * 3, 1);
	for (unsigned shards = 1; shards <= 7; shards++) {
		uint64_t sum = 0;

		memset(seen, 0, 4 * 256 * 3);
		for (unsigned s = 1; s <= shards; s++) {
			struct probegen g;

			probegen_init(&g, &hosts, &ports);
			probegen_arrange(&g, 1, 99, s, shards);
			for (uint64_t pos = 0; pos < g.total; pos++) {
				uint64_t i = probegen_index(&g, pos);
				cidr_ip a;
				uint16_t p;
				size_t slot;

				probegen_get(&g, i, &a, &p);
				slot = ((unsigned)a & 0x3ff) * 3 + (p == 22 ? 0 : p == 80 ? 1 : 2);
				if (i >= g.space || seen[slot])
					ck_abort_msg("shard %u/%u: probe %llu twice", s, shards,
					    (unsigned long long)i);
				seen[slot] = 1;
			}
			sum += g.total;
		}
		ck_assert_uint_eq(sum, (254 + 126) * 3);
	}
	free(seen);
	addrset_fini(&hosts);
	portlist_fini(&ports);
}
END_TEST

START_TEST(order_and_seed)
{
	struct addrset hosts, other;
	struct portlist ports;
	struct probegen g;
	char err[128];
	uint64_t seed;
	int moved = 0;

	ck_assert_int_eq(addrset_parse(&hosts, "10.0.0.0/24", 1, 112, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(portlist_parse(&ports, "9100,9101", err, sizeof(err)), 0);
	/* sequential with one shard is today's order: the position is the probe index */
	probegen_init(&g, &hosts, &ports);
	probegen_arrange(&g, 0, 123, 1, 1);
	for (uint64_t pos = 0; pos < g.total; pos++)
		if (probegen_index(&g, pos) != pos)
			ck_abort_msg("sequential position %llu", (unsigned long long)pos);
	/* sequential shards interleave today's order */
	probegen_arrange(&g, 0, 123, 2, 3);
	ck_assert_uint_eq(g.total, 169);	/* 508 = 170 + 169 + 169 */
	ck_assert_uint_eq(probegen_index(&g, 0), 1);
	ck_assert_uint_eq(probegen_index(&g, 1), 4);
	probegen_arrange(&g, 1, 123, 1, 1);
	for (uint64_t pos = 0; pos < 16; pos++)
		moved += probegen_index(&g, pos) != pos;
	ck_assert_int_ge(moved, 12);
	/* the default seed follows the configuration: same set, same seed; other set, other */
	seed = probegen_default_seed(&hosts, &ports);
	ck_assert_uint_eq(seed, probegen_default_seed(&hosts, &ports));
	ck_assert_int_eq(addrset_parse(&other, "10.0.0.0/25,10.0.0.128/25", 1, 112, NULL, NULL, err,
	    sizeof(err)), 0);
	ck_assert_uint_ne(seed, probegen_default_seed(&other, &ports));	/* .127, .128 added */
	addrset_fini(&other);
	ck_assert_int_eq(addrset_parse(&other, "10.0.0.0/24,10.0.0.0/25", 1, 112, NULL, NULL, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(seed, probegen_default_seed(&other, &ports));	/* the same set */
	addrset_fini(&other);
	portlist_fini(&ports);
	ck_assert_int_eq(portlist_parse(&ports, "9100,9102", err, sizeof(err)), 0);
	ck_assert_uint_ne(seed, probegen_default_seed(&hosts, &ports));
	addrset_fini(&hosts);
	portlist_fini(&ports);
}
END_TEST

static void
add_tests(void)
{
	ADD(ipv6_in_the_same_space);
	ADD(shards_cover_the_space_once);
	ADD(order_and_seed);
	ADD(covers_every_pair_once);
	ADD(huge_space_no_memory);
}
