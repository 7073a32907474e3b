/*
 * query.h: the query string of a request to sd-serve, parsed strictly. port is a
 * comma-separated list of TCP ports (1-65535), given once or repeated (?port=9100,8080 or
 * ?port=9100&port=8080); network a list of IPv4 and IPv6 networks
 * (?network=10.0.0.0/8,192.0.2.7,fd00::/64; any prefix length), also repeatable; both together keep the targets that match both. Keys and values are
 * percent-decoded first.
 * Anything else (an unknown key, an empty or bad port, an over-long query) is an error, so a
 * typo never silently widens the answer. Pure function of a buffer: thread-safe, fuzzable.
 */
#ifndef SD_QUERY_H
#define SD_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "cidr.h"

#define QUERY_MAX_BYTES	2048	/* longer query strings are refused */
#define QUERY_PORTS_MAX	1024	/* distinct ports in one query */
#define QUERY_NETS_MAX	64	/* networks in one query */

struct query_net {
	cidr_ip		 first, last;	/* inclusive */
	int		 v6;		/* matches IPv6 addresses only (::/0: all of them) */
};

struct query {
	int		 has_ports;	/* 0: no filter, every target */
	size_t		 nports;
	uint16_t	 ports[QUERY_PORTS_MAX];	/* ascending, distinct */
	size_t		 nnets;		/* 0: no network filter */
	struct query_net nets[QUERY_NETS_MAX];
};

/*
 * Parse len bytes of qs (no leading '?'; NULL or empty means no parameters) into q.
 * 0, or -1 with a one-line reason in err naming the bad parameter or value.
 */
int	query_parse(const char *qs, size_t len, struct query *q, char *err, size_t errlen);
/* 1 when port is one the query asks for (always 1 without a port filter). */
int	query_wants(const struct query *q, unsigned port);
/* 1 when addr (host byte order) lies in one of the query's networks (always 1 without). */
int	query_wants_addr(const struct query *q, cidr_ip addr);

#endif
