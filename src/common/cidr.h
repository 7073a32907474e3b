/*
 * cidr.h: IPv4 and IPv6 networks as the scanner sees them. A list such as
 * "10.0.0.0/24,fd00::/120" becomes an addrset: sorted, disjoint ranges of the addresses to
 * probe, so that overlapping networks probe each address once and the k-th address is
 * found by binary search, with no per-address memory. An address is a cidr_ip, one 128-bit
 * number: IPv6 as its value, IPv4 as its IPv4-mapped form ::ffff:a.b.c.d (RFC 4291), so one
 * set and one index space hold both. Parsers are pure (thread-safe, fuzzable); an addrset is
 * read-only once built.
 */
#ifndef SD_CIDR_H
#define SD_CIDR_H

#include <stddef.h>
#include <stdint.h>

#define CIDR_MAX_NETWORKS	4096
#define CIDR_IP_LEN		46	/* longest formatted address and its NUL (INET6_ADDRSTRLEN) */
#define CIDR_IP_PORT_LEN	(CIDR_IP_LEN + 8)	/* "[addr]:65535" */
#define CIDR_IPV6_MAX_PREFIX	112	/* default: the largest IPv6 network probed is a /112 */
#define CIDR_IPV6_PREFIX_FLOOR	96	/* no limit below /96: 2^32 addresses, as IPv4's /0 */

typedef unsigned __int128 cidr_ip;	/* host order; IPv4 as ::ffff:a.b.c.d */

#define CIDR_V4_BASE	((cidr_ip)0xffff << 32)
#define CIDR_IP_MAX	(~(cidr_ip)0)
#define CIDR_V4(a)	(CIDR_V4_BASE | (uint32_t)(a))	/* as cidr_v4, a constant expression */

/* IPv4 address a (host byte order) as a cidr_ip. */
static inline cidr_ip
cidr_v4(uint32_t a)
{
	return CIDR_V4(a);
}

/* 1 when ip is an IPv4 address (IPv4-mapped form). */
static inline int
cidr_is_v4(cidr_ip ip)
{
	return (ip >> 32) == 0xffff;
}

/* 1 when ip is an IPv6 link-local address (fe80::/10): a TCP connect to one needs its zone
 * (an interface), which a cidr_ip does not carry, and fails with EINVAL without it. */
static inline int
cidr_is_link_local(cidr_ip ip)
{
	return (ip >> 118) == 0x3fa;
}

#define CIDR_LINK_LOCAL	"IPv6 link-local addresses (fe80::/10) need an interface, which " \
	"sd-scan does not take"

struct addr_range {
	cidr_ip		first, last;	/* inclusive; both of one family */
};

/* One parsed network: its addresses first..last, the prefix as written (IPv4 0-32). */
struct cidr_net {
	cidr_ip		first, last;
	unsigned	prefix;
	int		v6;
};

struct addrset {
	struct addr_range	*ranges;	/* ascending by cidr_ip value */
	uint64_t		*before;	/* addresses in ranges[0..i-1] */
	uint32_t		*jump;		/* many ranges: the range of rank b << shift */
	unsigned		 shift, njump;
	size_t			 n;
	uint64_t		 total;
	uint64_t		 total_v6;	/* of total, IPv6 addresses */
};

/* Strict dotted quad ("10.0.0.1": four decimal parts 0-255, no leading zeros). */
int	cidr_parse_addr(const char *s, uint32_t *addr);
/*
 * A strict dotted quad or an IPv6 literal (inet_pton: no zone, no brackets). IPv4-mapped
 * IPv6 literals (::ffff:a.b.c.d) are refused: an IPv4 address has one spelling.
 */
int	cidr_parse_ip(const char *s, cidr_ip *ip);
/*
 * One network: "a.b.c.d/len", "v6addr/len" or a bare address (/32, /128). *masked is set
 * when the base had host bits set; the net is then the real network. -1 with a reason in err.
 * An IPv6 network as short as ::/80 holds the IPv4-mapped block: see cidr_net_overlaps_v4.
 */
int	cidr_parse(const char *s, struct cidr_net *net, int *masked, char *err, size_t errlen);
/*
 * 1 when the IPv6 network n holds addresses of ::ffff:0:0/96, where IPv4 addresses live:
 * an address set or an exclusion refuses it (CIDR_OVERLAP_V4 says why), a filter that keeps
 * the families apart may take it.
 */
int	cidr_net_overlaps_v4(const struct cidr_net *n);
#define CIDR_OVERLAP_V4	"IPv6 network overlaps the IPv4-mapped block ::ffff:0:0/96"
/* Format addr as a dotted quad into buf (at least 16 bytes); returns buf. */
char   *cidr_format_addr(uint32_t addr, char *buf, size_t len);
/* ip as a dotted quad or RFC 5952 text (inet_ntop) into buf (CIDR_IP_LEN); returns buf. */
char   *cidr_format_ip(cidr_ip ip, char *buf, size_t len);
/* "a.b.c.d:port" or "[v6]:port" into buf (CIDR_IP_PORT_LEN); returns buf. */
char   *cidr_format_ip_port(cidr_ip ip, unsigned port, char *buf, size_t len);
/* The 16 bytes of ip in network order (IPv4: the mapped form), and back. */
void	cidr_ip_bytes(cidr_ip ip, uint8_t out[16]);
cidr_ip	cidr_ip_from_bytes(const uint8_t in[16]);
/* Output order: every IPv4 address before every IPv6 one, each by value. -1, 0, 1. */
int	cidr_ip_cmp(cidr_ip a, cidr_ip b);

typedef void (*cidr_warn_fn)(void *ctx, const char *msg);

/*
 * Parse a comma-separated list (blanks around items allowed) into set. With skip_broadcast,
 * the network and broadcast addresses of IPv4 networks of /30 and larger are left out
 * (RFC 3021: /31 and /32 use every address; IPv6 has no broadcast). An IPv6 network with a
 * prefix shorter than ipv6_max_prefix is refused, saying why, and so is one that holds a
 * link-local address (CIDR_LINK_LOCAL). warn (may be NULL) hears each
 * masked base. 0, or -1 with err naming the bad item; set is then empty. Free with
 * addrset_fini.
 */
int	addrset_parse(struct addrset *set, const char *list, int skip_broadcast,
	    unsigned ipv6_max_prefix, cidr_warn_fn warn, void *warn_ctx, char *err,
	    size_t errlen);
/* 1 when addr is in the set, else 0. */
int	addrset_contains(const struct addrset *set, cidr_ip addr);
/* The k-th address (0-based, k < total) in ascending order: O(1) on average (the jump table). */
cidr_ip	addrset_nth(const struct addrset *set, uint64_t k);
/* How many addresses of set lie in [first, last] (first <= last): two binary searches. */
uint64_t addrset_count_within(const struct addrset *set, cidr_ip first, cidr_ip last);
/*
 * Remove from set every address of the n ranges cut (any order, may overlap; cut is
 * sorted in place). The set keeps its order and merged form; memory is per range, never per
 * address. 0, or -1 when memory ran out (set is then unchanged).
 */
int	addrset_subtract(struct addrset *set, struct addr_range *cut, size_t n);
/* Sort and merge overlapping or adjacent ranges of r in place; returns the new count. */
size_t	addr_range_merge(struct addr_range *r, size_t n);
void	addrset_fini(struct addrset *set);

#endif
