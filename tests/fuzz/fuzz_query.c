/*
 * fuzz_query.c: query_parse on any query string (what a client puts after '?'). Accepted
 * ports are distinct, ascending, 1..65535 and each one wanted; accepted networks hold their
 * ends, and an IPv6 one never an IPv4 address; errors are one line.
 */
#include "fuzz.h"
#include "query.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct query q;
	char err[256];

	if (query_parse((const char *)data, size, &q, err, sizeof(err)) == 0) {
		FUZZ_ASSERT(size <= QUERY_MAX_BYTES, "accepted %zu bytes", size);
		FUZZ_ASSERT(q.has_ports || q.nports == 0, "ports without a filter");
		FUZZ_ASSERT(q.nports <= QUERY_PORTS_MAX, "nports %zu", q.nports);
		for (size_t i = 0; i < q.nports; i++) {
			FUZZ_ASSERT(q.ports[i] >= 1, "port 0");
			FUZZ_ASSERT(i == 0 || q.ports[i] > q.ports[i - 1], "not ascending");
			FUZZ_ASSERT(query_wants(&q, q.ports[i]), "port %u not wanted", q.ports[i]);
		}
		if (q.has_ports)
			FUZZ_ASSERT(!query_wants(&q, 0), "port 0 wanted");
		/* each network holds its own ends and is one family */
		for (size_t i = 0; i < q.nnets; i++) {
			FUZZ_ASSERT(q.nets[i].first <= q.nets[i].last, "network %zu reversed", i);
			/* an IPv4 network is all IPv4; an IPv6 one never matches IPv4 */
			FUZZ_ASSERT(q.nets[i].v6 || (cidr_is_v4(q.nets[i].first) &&
			    cidr_is_v4(q.nets[i].last)), "network %zu spans families", i);
			FUZZ_ASSERT(q.nets[i].v6 || (query_wants_addr(&q, q.nets[i].first) &&
			    query_wants_addr(&q, q.nets[i].last)), "network %zu not wanted", i);
			FUZZ_ASSERT(!q.nets[i].v6 || cidr_is_v4(q.nets[i].first) ||
			    query_wants_addr(&q, q.nets[i].first), "network %zu not wanted", i);
		}
	} else {
		FUZZ_ASSERT(strnlen(err, sizeof(err)) > 0, "empty error");
		FUZZ_ASSERT(strchr(err, '\n') == NULL && strchr(err, '\r') == NULL,
		    "error spans lines: %s", err);
	}
	return 0;
}
