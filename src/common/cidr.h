/*
 * cidr.h: IPv4 networks as the scanner sees them. A list such as "10.0.0.0/24,10.0.1.7"
 * becomes an addrset: sorted, disjoint ranges of the addresses to probe, so that
 * overlapping networks probe each address once and the k-th address is found by binary
 * search, with no per-address memory. Addresses are uint32_t in host byte order.
 * Parsers are pure (thread-safe, fuzzable); an addrset is read-only once built.
 */
#ifndef SD_CIDR_H
#define SD_CIDR_H

#include <stddef.h>
#include <stdint.h>

#define CIDR_MAX_NETWORKS 4096

struct addr_range {
	uint32_t	first, last;	/* inclusive */
};

struct addrset {
	struct addr_range	*ranges;
	uint64_t		*before;	/* addresses in ranges[0..i-1] */
	size_t			 n;
	uint64_t		 total;
};

/* Strict dotted quad ("10.0.0.1": four decimal parts 0-255, no leading zeros). */
int	cidr_parse_addr(const char *s, uint32_t *addr);
/*
 * One network: "a.b.c.d/len" or a bare address (/32). *masked is set when the base had
 * host bits set; *net is then the real network. -1 with a reason in err.
 */
int	cidr_parse(const char *s, uint32_t *net, unsigned *prefix, int *masked, char *err,
	    size_t errlen);
/* Format addr as a dotted quad into buf (at least 16 bytes); returns buf. */
char   *cidr_format_addr(uint32_t addr, char *buf, size_t len);

typedef void (*cidr_warn_fn)(void *ctx, const char *msg);

/*
 * Parse a comma-separated list (blanks around items allowed) into set. With skip_broadcast,
 * the network and broadcast addresses of networks of /30 and larger are left out (RFC 3021:
 * /31 and /32 use every address). warn (may be NULL) hears each masked base. 0, or -1 with
 * err naming the bad item; set is then empty. Free with addrset_fini.
 */
int	addrset_parse(struct addrset *set, const char *list, int skip_broadcast,
	    cidr_warn_fn warn, void *warn_ctx, char *err, size_t errlen);
/* 1 when addr is in the set, else 0. */
int	addrset_contains(const struct addrset *set, uint32_t addr);
/* The k-th address (0-based, k < total) in ascending order. */
uint32_t addrset_nth(const struct addrset *set, uint64_t k);
/* How many addresses of set lie in [first, last] (first <= last): two binary searches. */
uint64_t addrset_count_within(const struct addrset *set, uint32_t first, uint32_t last);
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
