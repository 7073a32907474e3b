/*
 * grace.h: the grace period (-grace) for targets that vanish. The state is the previous
 * targets file itself: each group carries __meta_sd_last_seen, the RFC 3339 UTC time of the
 * last scan that found it open. A pair that this scan did not find open, that this scan
 * still covers, and that was last seen at most `grace` seconds ago is kept, with its old
 * last-seen time. The previous file is read strictly, all or nothing: one bad group and
 * nothing is kept (the caller logs why). Pure functions over buffers: fuzzable, thread-safe.
 */
#ifndef SD_GRACE_H
#define SD_GRACE_H

#include <stddef.h>
#include <stdint.h>

#include "cidr.h"
#include "prober.h"

#define GRACE_LABEL		"__meta_sd_last_seen"
#define GRACE_TIME_LEN		20	/* "2026-12-01T08:00:00Z" */
#define GRACE_MAX_BYTES		(256u * 1024 * 1024)	/* largest previous file read */

struct grace_entry {
	cidr_ip		 addr;
	uint16_t	 port;
	int64_t		 last_seen;	/* seconds since the epoch */
};

/* Whether this scan covers (addr, port): only such pairs can be kept. */
typedef int (*grace_scope_fn)(void *ctx, cidr_ip addr, uint16_t port);

/* Format t as "YYYY-MM-DDTHH:MM:SSZ" into buf (at least GRACE_TIME_LEN + 1 bytes). */
char	*grace_format_time(int64_t t, char *buf, size_t len);
/* Parse exactly that form (UTC, no fraction, no offset); 0, or -1 when s is not one. */
int	 grace_parse_time(const char *s, int64_t *t);
/*
 * The (address, port, last seen) of every group of an sd-scan targets file in buf. *out is
 * malloc'd (caller frees; NULL when n is 0). 0, or -1 with err naming the group and the
 * problem (not JSON, a group without __meta_sd_ip/port/last_seen, a bad value, a pair twice).
 */
int	 grace_parse(const char *buf, size_t len, struct grace_entry **out, size_t *n, char *err,
	    size_t errlen);
/* As grace_parse, for any sd-scan targets file: a group without __meta_sd_last_seen has
 * last_seen 0 (what -retry-scope answering needs: the pairs that were open). */
int	 grace_parse_pairs(const char *buf, size_t len, struct grace_entry **out, size_t *n,
	    char *err, size_t errlen);
/*
 * The entry for (addr, port) in v[0..n-1] as grace_parse/grace_parse_pairs sort them (by
 * port, then cidr_ip_cmp: IPv4 before IPv6, not by the 128-bit value); NULL when absent.
 */
const struct grace_entry *grace_find(const struct grace_entry *v, size_t n, cidr_ip addr,
	    uint16_t port);
/*
 * The entries of prev (n of them) to keep: not in seen (nseen hits sorted by port, then
 * address in cidr_ip_cmp order, as prober_run gives them), in scope, last seen at most grace seconds before now.
 * *kept (malloc'd, caller frees) is sorted like seen; *expired counts the entries dropped
 * because they were last seen too long ago. 0, or -1 on out of memory.
 */
int	 grace_select(const struct grace_entry *prev, size_t n, const struct probe_hit *seen,
	    size_t nseen, int64_t now, double grace, grace_scope_fn in_scope, void *ctx,
	    struct grace_entry **kept, size_t *nkept, size_t *expired);

#endif
