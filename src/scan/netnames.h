/*
 * netnames.h: host names in -networks ("10.0.0.0/24,printer-gw.example.net"). The list is
 * split into names and the CIDR items; each name is resolved at the start of the run to
 * every address it has (A and AAAA), and those go to cidr.c as /32 and /128 networks,
 * merged with the CIDRs before probe indices are assigned. The split is pure; resolving goes through a lookup function, so tests need no DNS.
 * A netnames has one owner; not thread-safe.
 */
#ifndef SD_NETNAMES_H
#define SD_NETNAMES_H

#include <stddef.h>
#include <stdint.h>

#include "cidr.h"
#include "hostname.h"

#define NETNAMES_MAX		64	/* host names in one -networks list */
#define NETNAMES_ADDRS_MAX	256	/* addresses kept of one name (the lowest) */

struct netname {
	char		 name[HOSTNAME_MAX + 1];	/* normal form: lower case, no final dot */
	cidr_ip		*addrs;		/* naddrs addresses, ascending, unique */
	size_t		 naddrs;
	size_t		 dropped;	/* addresses over NETNAMES_ADDRS_MAX */
	size_t		 link_local;	/* IPv6 link-local addresses left out (no zone) */
	char		 error[160];	/* why it gave no address; "" when it did */
};

struct netnames {
	struct netname	*v;		/* n names, in the order first given */
	size_t		 n;
	char		*cidrs;		/* the other items joined by ","; "" when none */
};

/*
 * Resolve name: *addrs (malloc'd, the caller frees; NULL when none) gets its *n IPv4 and
 * IPv6 addresses. 0, or -1 with a short reason in err ("no such host"). Called from the
 * main thread only.
 */
typedef int (*netnames_lookup_fn)(const char *name, cidr_ip **addrs, size_t *n, char *err,
    size_t errlen);

/*
 * 1 when the item (no blanks around it) is a host name, not an address or CIDR: a valid DNS
 * name (hostname.h) whose last label starts with a letter, as every top-level domain does.
 */
int	netnames_is_name(const char *item);
/*
 * Split the comma-separated list into nn: names (normalised, each once) and the rest, kept
 * as given for addrset_parse (cidrs is "" only when there is none). 0, or -1 with err (an
 * empty item, more than NETNAMES_MAX names, out of memory). Free with netnames_fini in
 * every case.
 */
int	netnames_split(struct netnames *nn, const char *list, char *err, size_t errlen);
/* Resolve every name with lookup; the number of names that gave an address. */
size_t	netnames_resolve(struct netnames *nn, netnames_lookup_fn lookup);
/* The system resolver (getaddrinfo, A and AAAA). */
int	netnames_getaddrinfo(const char *name, cidr_ip **addrs, size_t *n, char *err,
	    size_t errlen);
/*
 * The list addrset_parse reads: the CIDR items, then every address of every name, joined
 * by ","; "" when there is neither. malloc'd (the caller frees); NULL when out of memory.
 */
char   *netnames_list(const struct netnames *nn);
/*
 * One line about n: "printer-gw.example.net: 10.0.0.7, 10.0.0.8, fd00::7"
 * or "nas.example.net: does not resolve (no such host)". The addresses shown are cut with
 * "..." to fit len. Returns buf.
 */
char   *netnames_describe(const struct netname *n, char *buf, size_t len);
void	netnames_fini(struct netnames *nn);	/* an all-zero netnames is fine */

#endif
