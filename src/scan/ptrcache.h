/*
 * ptrcache.h: the PTR cache file kept between sd-scan runs. One line per address:
 *   IP <TAB> EXPIRY (unix seconds) <TAB> NAME (empty: the lookup failed) <LF>
 * after a "#" header line. Loading never trusts the file: a bad line (wrong fields, NUL or
 * other binary bytes, absurd timestamps, a name that fails hostname_normalize, a last line
 * cut short) is skipped and counted; expired entries are dropped. Saving goes through
 * atomicfile. Size is bounded (PTRCACHE_MAX entries). Not thread-safe; one owner.
 */
#ifndef SD_PTRCACHE_H
#define SD_PTRCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "cidr.h"
#include "hostname.h"

#define PTRCACHE_MAX		131072	/* entries kept; beyond it the soonest to expire go */
#define PTRCACHE_FILE_MAX	(64 << 20)	/* bytes of a cache file read at most */
#define PTRCACHE_HORIZON_S	(400 * 86400)	/* expiry further ahead than this is absurd */
#define PTRCACHE_LINE_MAX	(CIDR_IP_LEN + 21 + HOSTNAME_MAX + 3)	/* longest valid line */

struct ptrcache_entry {
	cidr_ip		 addr;			/* IPv4 or IPv6 */
	int64_t		 expiry;		/* unix seconds */
	char		 name[HOSTNAME_MAX + 1];	/* "": negative entry (no usable name) */
};

struct ptrcache;

/* What a load found; first_bad describes the first bad line, for one warning. */
struct ptrcache_stats {
	size_t		 lines;		/* entry lines read (not comments or blank lines) */
	size_t		 loaded;	/* entries kept */
	size_t		 expired;	/* dropped: expiry at or before now */
	size_t		 bad;		/* skipped: malformed */
	size_t		 first_bad_line;	/* 1-based; 0 when none */
	char		 first_bad[160];	/* why that line was bad */
};

/* An empty cache; NULL on out of memory. Free with ptrcache_free. */
struct ptrcache *ptrcache_new(void);
void	ptrcache_free(struct ptrcache *);	/* NULL is fine */

/*
 * Add the entries of len bytes of cache-file text (any bytes at all) that are still valid at
 * now; fills st. 0, or -1 on out of memory only: bad input is counted, never fatal.
 */
int	ptrcache_parse(struct ptrcache *, const char *buf, size_t len, int64_t now,
	    struct ptrcache_stats *st);
/*
 * ptrcache_parse of the file at path (at most PTRCACHE_FILE_MAX bytes; more is counted as one
 * bad line). A missing file is an empty cache: 0 and *missing = 1. -1 with err naming path
 * when it cannot be read.
 */
int	ptrcache_load(struct ptrcache *, const char *path, int64_t now, struct ptrcache_stats *st,
	    int *missing, char *err, size_t errlen);

/* The entry for addr, or NULL; valid until the next put. Does not check expiry. */
const struct ptrcache_entry *ptrcache_get(struct ptrcache *, cidr_ip addr);
/*
 * Set addr's entry (replacing any): name NULL or "" for a negative entry, otherwise a name
 * that passed hostname_normalize (-1, EINVAL if not). -1 on out of memory.
 */
int	ptrcache_put(struct ptrcache *, cidr_ip addr, int64_t expiry, const char *name);
/* Entries held (expired ones included until the next format/save). */
size_t	ptrcache_count(const struct ptrcache *);

/*
 * The file text of the entries still valid at now, sorted by address (cidr_ip_cmp: IPv4 first), at most PTRCACHE_MAX
 * (the latest to expire win). *out is malloc'd (caller frees). -1 on out of memory.
 */
int	ptrcache_format(struct ptrcache *, int64_t now, char **out, size_t *len);
/*
 * ptrcache_format, then atomicfile_write to path (mode 0644): 0, ATOMICFILE_UNSYNCED (saved,
 * durability not confirmed; err says so) or -1 with err.
 */
int	ptrcache_save(struct ptrcache *, const char *path, int64_t now, char *err,
	    size_t errlen);

#endif
