/*
 * probegen.h: the probe space as a function from a probe index to (address, port), so that
 * no probe list is ever built: memory is the same for 256 addresses or 16 million. Probe
 * index i probes port ports[i / hosts] on host i % hosts. A run walks positions 0..total-1
 * of its shard; probegen_index maps a position through the order (order.h) and the shard
 * (shard.h) to a probe index. Read-only after init and arrange: thread-safe.
 */
#ifndef SD_PROBEGEN_H
#define SD_PROBEGEN_H

#include <stdint.h>

#include "cidr.h"
#include "order.h"
#include "portlist.h"

struct probegen {
	const struct addrset	*hosts;		/* borrowed */
	const struct portlist	*ports;		/* borrowed */
	uint64_t		 space;		/* hosts x ports: every probe of every shard */
	uint64_t		 total;		/* positions of this run (its shard's share) */
	struct order		 order;
	unsigned		 shard, shards;	/* 1-based shard of shards */
};

/* Both sets are borrowed and must outlive the generator. Sequential order, one shard. */
void	probegen_init(struct probegen *g, const struct addrset *hosts, const struct portlist *ports);
/*
 * The order of positions: random (seeded) or sequential, and the run's shard (1-based, of
 * shards >= 1; see shard.h). Sets total to the shard's share.
 */
void	probegen_arrange(struct probegen *g, int random, uint64_t seed, unsigned shard,
	    unsigned shards);
/* The probe index at position pos < total. */
uint64_t probegen_index(const struct probegen *g, uint64_t pos);
/* The probe with probe index i < space. */
void	probegen_get(const struct probegen *g, uint64_t i, cidr_ip *addr, uint16_t *port);
/*
 * The default seed: a hash of the address ranges (after exclusions) and the ports, so that
 * one configuration always probes in one order, every shard of it in the same order, and a
 * change of networks, exclusions or ports changes the order.
 */
uint64_t probegen_default_seed(const struct addrset *hosts, const struct portlist *ports);

#endif
