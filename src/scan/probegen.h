/*
 * probegen.h: the probe space as a function from a probe index to (address, port), so that
 * no probe list is ever built: memory is the same for 256 addresses or 16 million. Index i
 * probes port ports[i / hosts] on host i % hosts, so one pass touches each host once per
 * port before the next port starts. A later permutation of i (seeded order, shards) slots in
 * here. Read-only after init: thread-safe.
 */
#ifndef SD_PROBEGEN_H
#define SD_PROBEGEN_H

#include <stdint.h>

#include "cidr.h"
#include "portlist.h"

struct probegen {
	const struct addrset	*hosts;		/* borrowed */
	const struct portlist	*ports;		/* borrowed */
	uint64_t		 total;		/* hosts x ports */
};

/* Both sets are borrowed and must outlive the generator. */
void	probegen_init(struct probegen *g, const struct addrset *hosts, const struct portlist *ports);
/* The probe with index i < total. */
void	probegen_get(const struct probegen *g, uint64_t i, uint32_t *addr, uint16_t *port);

#endif
