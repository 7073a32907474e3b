/*
 * probegen.c: position -> probe index -> (address, port), port-major so each pass spreads
 * over hosts.
 */
#include "probegen.h"
#include "shard.h"

void
probegen_init(struct probegen *g, const struct addrset *hosts, const struct portlist *ports)
{
	g->hosts = hosts;
	g->ports = ports;
	g->space = hosts->total * ports->n;
	g->total = g->space;
	g->shard = g->shards = 1;
	order_init(&g->order, g->space, 0, 1);
}

void
probegen_arrange(struct probegen *g, int random, uint64_t seed, unsigned shard, unsigned shards)
{
	order_init(&g->order, g->space, seed, !random);
	g->shard = shard;
	g->shards = shards;
	g->total = shard_size(g->space, shard, shards);
}

uint64_t
probegen_index(const struct probegen *g, uint64_t pos)
{
	return order_at(&g->order, shard_position(g->shard, g->shards, pos));
}

void
probegen_get(const struct probegen *g, uint64_t i, cidr_ip *addr, uint16_t *port)
{
	*addr = addrset_nth(g->hosts, i % g->hosts->total);
	*port = g->ports->ports[i / g->hosts->total];
}

uint64_t
probegen_default_seed(const struct addrset *hosts, const struct portlist *ports)
{
	uint64_t h = order_mix(hosts->n ^ (uint64_t)ports->n << 32);

	for (size_t i = 0; i < hosts->n; i++) {
		const struct addr_range *r = &hosts->ranges[i];

		/* an IPv4 range hashes as it did before IPv6: its 32-bit ends */
		h = order_mix(h ^ ((uint64_t)(uint32_t)r->first << 32 | (uint32_t)r->last));
		if (!cidr_is_v4(r->first))
			h = order_mix(h ^ (uint64_t)(r->first >> 64) ^ (uint64_t)(r->first >> 32) << 1);
	}
	for (size_t i = 0; i < ports->n; i++)
		h = order_mix(h ^ ports->ports[i]);
	return h;
}
