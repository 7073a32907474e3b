/*
 * probegen.c: probe index -> (address, port), port-major so each pass spreads over hosts.
 */
#include "probegen.h"

void
probegen_init(struct probegen *g, const struct addrset *hosts, const struct portlist *ports)
{
	g->hosts = hosts;
	g->ports = ports;
	g->total = hosts->total * ports->n;
}

void
probegen_get(const struct probegen *g, uint64_t i, uint32_t *addr, uint16_t *port)
{
	*addr = addrset_nth(g->hosts, i % g->hosts->total);
	*port = g->ports->ports[i / g->hosts->total];
}
