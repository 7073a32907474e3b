/*
 * check_probegen.c: probe index -> (address, port) covers every pair exactly once.
 */
#include <check.h>
#include <stdlib.h>

#include "probegen.h"
#include "check_main.h"

START_TEST(covers_every_pair_once)
{
	struct addrset hosts;
	struct portlist ports;
	struct probegen g;
	char err[128];
	unsigned char *seen;

	ck_assert_int_eq(addrset_parse(&hosts, "10.0.0.0/29,10.0.0.6/31,10.0.1.1", 1, NULL, NULL,
	    err, sizeof(err)), 0);
	ck_assert_int_eq(portlist_parse(&ports, "22,9100-9101", err, sizeof(err)), 0);
	probegen_init(&g, &hosts, &ports);
	/* .1-.7 (the /31 adds .7 back) and 10.0.1.1: 8 hosts x 3 ports */
	ck_assert_uint_eq(hosts.total, 8);
	ck_assert_uint_eq(g.total, 24);
	seen = calloc(2 * 256 * 3, 1);
	for (uint64_t i = 0; i < g.total; i++) {
		uint32_t a;
		uint16_t p;
		size_t pi;

		probegen_get(&g, i, &a, &p);
		ck_assert_uint_eq(a >> 9, 0x0a000000u >> 9);
		pi = p == 22 ? 0 : p == 9100 ? 1 : 2;
		ck_assert(p == 22 || p == 9100 || p == 9101);
		ck_assert_uint_eq(seen[((a & 0x1ff) * 3) + pi], 0);
		seen[((a & 0x1ff) * 3) + pi] = 1;
		ck_assert(a != 0x0a000000u);	/* network address skipped */
	}
	/* port-major: the first pass is port 22 on every host */
	{
		uint32_t a;
		uint16_t p;

		probegen_get(&g, 7, &a, &p);
		ck_assert_uint_eq(p, 22);
		ck_assert_uint_eq(a, 0x0a000101u);
		probegen_get(&g, 8, &a, &p);
		ck_assert_uint_eq(p, 9100);
		ck_assert_uint_eq(a, 0x0a000001u);
	}
	free(seen);
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
	uint32_t a;
	uint16_t p;

	ck_assert_int_eq(addrset_parse(&hosts, "10.0.0.0/8", 1, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_int_eq(portlist_parse(&ports, "1-65535", err, sizeof(err)), 0);
	probegen_init(&g, &hosts, &ports);
	ck_assert_uint_eq(g.total, 16777214ull * 65535);
	probegen_get(&g, g.total - 1, &a, &p);
	ck_assert_uint_eq(a, 0x0afffffeu);
	ck_assert_uint_eq(p, 65535);
	addrset_fini(&hosts);
	portlist_fini(&ports);
}
END_TEST

static void
add_tests(void)
{
	ADD(covers_every_pair_once);
	ADD(huge_space_no_memory);
}
