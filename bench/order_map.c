/*
 * order_map.c: the CPU cost of mapping a probe position to (address, port), the only work
 * the order, shards and exclusions add to a probe: ns per probe for today's sequential
 * order, the random order, and the random order over a set cut into many ranges by
 * exclusions. usage: order_map EXCLUDE_FILE (bench/order.sh passes its 10,000 lines).
 */
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "exclude.h"
#include "probegen.h"

#define ROUNDS 20


/* ns per position over ROUNDS passes of the whole space; sum keeps the work from being dropped */
static double
time_map(const struct addrset *hosts, const struct portlist *ports, int random, unsigned shards,
    uint64_t *sum)
{
	struct probegen g;
	double t0 = clock_mono();
	uint64_t n = 0;

	for (int r = 0; r < ROUNDS; r++) {
		for (unsigned s = 1; s <= shards; s++) {
			probegen_init(&g, hosts, ports);
			probegen_arrange(&g, random, 12345, s, shards);
			for (uint64_t pos = 0; pos < g.total; pos++, n++) {
				cidr_ip a;
				uint16_t p;

				probegen_get(&g, probegen_index(&g, pos), &a, &p);
				*sum += (uint64_t)a + p;
			}
		}
	}
	return (clock_mono() - t0) * 1e9 / (double)n;
}

int
main(int argc, char **argv)
{
	struct addrset plain, cut;
	struct portlist ports;
	struct exclusions ex = { 0 };
	char err[512];
	uint64_t sum = 0;
	double seq, rnd, excl, shard;

	if (argc != 2) {
		fprintf(stderr, "usage: order_map EXCLUDE_FILE\n");
		return 2;
	}
	if (addrset_parse(&plain, "127.3.0.0/16", 0, CIDR_IPV6_MAX_PREFIX, NULL, NULL, err,
	    sizeof(err)) < 0 ||
	    addrset_parse(&cut, "127.3.0.0/16", 0, CIDR_IPV6_MAX_PREFIX, NULL, NULL, err,
	    sizeof(err)) < 0 ||
	    portlist_parse(&ports, "7000,7001", err, sizeof(err)) < 0 ||
	    exclude_load_file(&ex, argv[1], NULL, NULL, err, sizeof(err)) < 0 ||
	    exclude_apply(&ex, &cut, NULL, NULL, err, sizeof(err)) < 0) {
		fprintf(stderr, "order_map: %s\n", err);
		return 1;
	}
	seq = time_map(&plain, &ports, 0, 1, &sum);
	rnd = time_map(&plain, &ports, 1, 1, &sum);
	excl = time_map(&cut, &ports, 1, 1, &sum);
	shard = time_map(&cut, &ports, 1, 2, &sum);
	printf("sequential %.1f random %.1f excluded %.1f shards %.1f ns/probe; %zu ranges "
	    "(checksum %llu)\n", seq, rnd, excl, shard, cut.n, (unsigned long long)(sum & 0xffff));
	return 0;
}
