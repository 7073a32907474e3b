/*
 * targetset.h: a loaded targets file, validated against the http_sd contract and rendered
 * once into response bodies: the whole list, and one fragment per target port, so a request
 * costs a stat and a write. A set is immutable once built; a reload builds a new set and
 * the cache swaps it in whole and frees the old one, so a request never sees a half-loaded
 * set. Not thread-safe: one cache per process (or per thread) and one owner.
 *
 * DESIGN: bodies are plain byte ranges ("[", fragments joined by ",", "\n]\n"), described by
 * an iovec list, so they could as well be files on disk sent by the web server (X-Sendfile).
 * common/httpsd_parse.c parses, httpsd_render.c renders. A file already in rendered form (every
 * file sd-scan writes) is kept as the whole body, and a port whose groups follow each other
 * there is a range of it, so a set of such a file costs about the file's size and nothing per
 * port.
 */
#ifndef SD_TARGETSET_H
#define SD_TARGETSET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>

#include "httpsd.h"
#include "query.h"
#include "strbuf.h"

#define TARGETSET_MAX_BYTES	HTTPSD_MAX_BYTES	/* larger files are refused */
/* Room for the iovec list of any body: "[" + fragment and "," per port + "\n]\n". */
#define TARGETSET_IOV_MAX	(2 * QUERY_PORTS_MAX + 2)

/* What identifies one version of the file: any change means a reload. */
struct targetset_key {
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
	struct timespec	 ctime;		/* a rewrite that puts the old mtime back moves it */
};

/* The key of a file's stat; 1 when two keys name the same version. */
void	targetset_key_of(const struct stat *st, struct targetset_key *k);
int	targetset_key_eq(const struct targetset_key *a, const struct targetset_key *b);

struct targetset;

/*
 * Parse and validate len bytes of a targets file and render its bodies. 0 and *out (the
 * caller frees it with targetset_free), or -1 and a one-line reason in err ("group 3: label
 * name 'a-b' is not [a-zA-Z_][a-zA-Z0-9_]*", "JSON syntax error at byte 12: ..."). Pure:
 * thread-safe and fuzzable. flags: 0 or TARGETSET_LEAN.
 */
#define TARGETSET_LEAN	1	/* a set only served, never listed: when the file is in
				 * sd-scan's form, its groups' labels are not kept apart
				 * from its body (about 0.3 x the file less memory) */
int	targetset_parse(const char *buf, size_t len, int flags, struct targetset **out,
	    char *err, size_t errlen);
/*
 * The set of an already parsed list l: the set takes over l (left empty) and file (malloc'd,
 * len bytes, what l borrows strings from, or NULL), which it frees. 0 and *out, or -1 and
 * "out of memory" in err (l and file freed then too).
 */
int	targetset_adopt(struct httpsd_list *l, char *file, size_t len, int flags,
	    struct targetset **out, char *err, size_t errlen);
/* The groups of the set (borrowed, valid until ts is freed); NULL for a lean set. */
const struct httpsd_list *targetset_list(const struct targetset *);
/*
 * A set may have several holders (trees that share an unchanged source's set): ref adds
 * one and returns ts, free drops one and frees the set with the last. Both thread-safe
 * (atomic); NULL is fine.
 */
struct targetset *targetset_ref(struct targetset *ts);
void	targetset_free(struct targetset *);

/* Number of groups and of target addresses in the set. */
size_t	targetset_groups(const struct targetset *);
size_t	targetset_targets(const struct targetset *);
/* The file's modification time (0 for a set not loaded from a file). */
double	targetset_mtime(const struct targetset *);

/* Up to this many targets of each port are kept as examples, for the status page. */
#define TARGETSET_EXAMPLES	3

/* One target port of a set: how many targets are on it, and the first few of them. */
struct targetset_port {
	unsigned	 port;
	size_t		 targets;
	size_t		 nexamples;
	const char	*example[TARGETSET_EXAMPLES];	/* borrowed from the set; not */
	size_t		 example_len[TARGETSET_EXAMPLES]; /* NUL-terminated, may hold NUL */
};

/* The number of distinct target ports, and port i of them (ascending, i < nports). */
size_t	targetset_nports(const struct targetset *);
void	targetset_port(const struct targetset *, size_t i, struct targetset_port *out);

/*
 * The body answering q, as up to TARGETSET_IOV_MAX byte ranges borrowed from ts (valid until
 * ts is freed). Returns the number of ranges and the total length in *len. Without a port
 * filter: every group; with one: only the targets on those ports (groups with none are
 * left out, a group with several matching ports may appear once per port); "[]\n" when none.
 */
size_t	targetset_body(const struct targetset *ts, const struct query *q, struct iovec *iov,
	    size_t *len);
/*
 * The body answering a query with networks (q->nnets > 0), rendered now into out (emptied
 * first): the groups in file order, each with its targets that are on the query's ports (if
 * any) and whose address lies in one of its networks; groups left empty are left out ("[]\n"
 * when none). A target's address is its group's TARGETSET_ADDR_LABEL when that label is an
 * IPv4 address, otherwise the host part of the target when that is one (names never
 * match). -1 on out of memory.
 */
#define TARGETSET_ADDR_LABEL	"__meta_sd_ip"
int	targetset_filter(const struct targetset *ts, const struct query *q, struct strbuf *out);
/*
 * The groups of that body alone, appended to out: each after "\n" (the first of all, when
 * *shown is 0) or ",\n"; *shown counts the groups written. For a body merged from several
 * sets: "[", each set's groups, then "\n]\n" (or "]\n" when *shown is 0). -1 on out of memory.
 */
int	targetset_filter_append(const struct targetset *ts, const struct query *q,
	    struct strbuf *out, size_t *shown);
/*
 * Free the groups of a set whose bodies are rendered (its owner renders filtered bodies
 * from other sets): targetset_list is empty and targetset_filter finds nothing afterwards.
 * Only before the set is shared.
 */
void	targetset_drop_groups(struct targetset *ts);

/*
 * The cache of one targets file: targetset_cache_get stats path and reuses the loaded set
 * while the key is unchanged, or loads the new file and swaps it in. A failed load is
 * remembered under its key too, so a corrupt file is not parsed again on every request. The
 * sets it loads are lean (TARGETSET_LEAN).
 */
struct targetset_cache {
	char			*path;
	struct targetset	*cur;
	struct targetset_key	 cur_key;	/* the version cur was loaded from */
	int			 failed;	/* last load failed: err and key below */
	struct targetset_key	 failed_key;
	char			 failed_err[512];
	unsigned long		 loads;		/* successful loads, for tests and debug */
	unsigned long		 failures;	/* failed loads (a cached failure is not one) */
	double			 load_cost;	/* seconds the last successful load took */
	int			 keep_sets;	/* 1: the caller takes each set loaded and
						 * frees it; the cache never does */
};

/* The version of the file at path now: 0, or -1 and "targets file PATH: why" in err. */
int	targetset_key_stat(const char *path, struct targetset_key *key, char *err,
	    size_t errlen);

/* path is copied. -1 on out of memory. */
int	targetset_cache_init(struct targetset_cache *, const char *path);
void	targetset_cache_fini(struct targetset_cache *);
/*
 * The current set (borrowed until the next call), or NULL with a reason in err: kind is set
 * to TARGETSET_MISSING (absent or unreadable), TARGETSET_CORRUPT (read but invalid) or
 * TARGETSET_CHANGING (replaced each time it was read, three times: the set loaded before, if
 * any, is still the cache's, and the file is read again at the next call).
 */
enum targetset_error {
	TARGETSET_OK, TARGETSET_MISSING, TARGETSET_CORRUPT, TARGETSET_CHANGING
};
const struct targetset *targetset_cache_get(struct targetset_cache *, enum targetset_error *kind,
	    char *err, size_t errlen);
/*
 * The version of the file the current set was loaded from (borrowed from the cache, valid
 * until its next get); NULL before the first successful load.
 */
const struct targetset_key *targetset_cache_key(const struct targetset_cache *);

#endif
