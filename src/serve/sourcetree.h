/*
 * sourcetree.h: -targets-dir: every *.json (http_sd / file_sd JSON) and *.yaml / *.yml
 * (file_sd YAML) below a directory is a source, and every directory and source is a path
 * whose body is its sources merged, pre-rendered as a target set (targetset.h). A tree is
 * immutable once built; the cache builds a new one when inotify says something changed
 * (else one read(2) per request, whatever the number of sources), sharing with the old one
 * the sources and paths that did not change, and the loader swaps it in whole
 * (sourcecache.h, loader.h). A tree may be read by any number of threads; a build reads its
 * old tree only.
 *
 * Names starting with '.' or '_' are ignored (files and directories: sd-scan's temp files
 * are ".NAME.tmp.PID"); so are files that are not regular, symlinks that lead out of the
 * directory or to a directory, and other extensions. A source that cannot be read or does
 * not parse is broken: every path that includes it has no set (answer 503, never a partial
 * list); the others are unaffected.
 *
 * Order: sources sorted by their name with '/' before any other byte, so the sources of a
 * path are one run of the array (a directory's after a file of the same key), and a merged
 * body is those sources' groups in that order, each in file order.
 *
 * Read-only API for pages and metrics: with a tree borrowed from the loader (loader_get),
 * iterate t->paths[0 .. t->npaths) (sorted by key; each names its run of t->src) and
 * t->src[0 .. t->nsrc); every field documented below may be read, nothing may be written.
 * Valid until loader_put.
 */
#ifndef SD_SOURCETREE_H
#define SD_SOURCETREE_H

#include <stddef.h>
#include <stdint.h>

#include "httpsd.h"
#include "query.h"
#include "strbuf.h"
#include "targetset.h"

#define SOURCETREE_MAX_DEPTH	16	/* directories deeper are ignored (a note) */
#define SOURCETREE_MAX_FILES	10000	/* sources at most; more are ignored (a note) */
#define SOURCETREE_MAX_BYTES	(64u * 1024 * 1024)	/* a larger source is broken */
#define SOURCETREE_ERR_MAX	600

struct sourcetree_source {
	char			*name;		/* "sub/a.json", relative to the directory */
	size_t			 keylen;	/* name[0..keylen): its key, "sub/a" */
	struct targetset_key	 fkey;		/* the file version it was read from */
	struct targetset	*set;		/* its groups; NULL when broken */
	char			 err[SOURCETREE_ERR_MAX];	/* "sub/a.json:3: ..." when broken */
	size_t			 ntargets;
	double			 mtime;		/* the file's, unix seconds */
	double			 loaded_at;	/* when it was read, unix seconds */
	unsigned long		 load_errors;	/* failed reads and parses, this process */
	unsigned long		 gen;		/* changes whenever set does */
	int			 changing;	/* the file kept being replaced while read: set
						 * and fkey are the previous version's */
	int			 retry;		/* broken by what may pass (no fd or memory
						 * left, EIO): read again by every build */
};

struct sourcetree_path {
	char			*key;		/* "" (every source), "sub", "sub/a" */
	size_t			 first, n;	/* its sources: src[first .. first + n) */
	size_t			 nbroken;	/* of those */
	size_t			 ntargets;	/* of the sources that are not broken */
	int			 is_dir;	/* a directory (else only sources of that key) */
	struct targetset	*set;		/* merged; NULL when nbroken > 0. Its groups
						 * are dropped when it is not a source's own
						 * set: filter through the sources' sets */
	int			 owns_set;
	unsigned long		 gen;		/* changes whenever set does */
	uint32_t		 id;		/* hash of key, for file names */
	uint64_t		 sig;		/* hash of its sources' names and versions */
};

struct sourcetree {
	struct sourcetree_source *src;
	size_t			 nsrc;
	struct sourcetree_path	*paths;
	size_t			 npaths;
	char			**notes;	/* what was ignored and why, sorted */
	size_t			 nnotes;
	size_t			 nbroken;	/* broken sources */
	size_t			 nretry;	/* of those, with retry */
	size_t			 ntargets;	/* in the sources that are not broken */
	double			 newest_mtime;	/* of every source; 0 for none */
	struct targetset_key	 version;	/* of the whole tree: changes with any source */
	int			 unwatched;	/* inotify could not watch every directory */
};

/*
 * Read every source below dir now (no cache). 0 and *out (free with sourcetree_free), or -1
 * with a reason in err when dir itself cannot be read. now stamps loaded_at.
 */
int	sourcetree_load(const char *dir, double now, struct sourcetree **out, char *err,
	    size_t errlen);
/*
 * The same, sharing with old (only read: a request may be answering from it; NULL for
 * none) every source whose file did not change and every merged set whose sources did not;
 * each directory walked gets an inotify watch on watch_fd (-1: none; a watch that fails sets
 * unwatched). *gen counts the sets made, for their gen fields. A source replaced each time
 * it is read (readfile.h's changed, three times) keeps its version in old, if it has one
 * (changing set), else it is broken ("replaced each time it was read").
 */
int	sourcetree_build(const char *dir, int watch_fd, const struct sourcetree *old, double now,
	    unsigned long *gen, struct sourcetree **out, char *err, size_t errlen);
void	sourcetree_free(struct sourcetree *);	/* NULL is fine */
/* The path of key (an sdpath.h key; a last segment may keep its extension), or NULL. */
const struct sourcetree_path *sourcetree_find(const struct sourcetree *, const char *key);

/*
 * t for programs (the JSON of sd-serve's /): {"paths":[{"path":"/targets/sub","targets":N,
 * "status":"ok"|"broken","sources":["sub/a.json",...]},...],"sources":[{"name":...,
 * "targets":N,"status":"ok"|"error","age_seconds":S,"error":"..." when broken},...]}, in tree
 * order; ages from now (unix seconds). A new json-c object (the caller puts it; NULL on out
 * of memory); t NULL gives empty lists.
 */
struct json_object *sourcetree_json(const struct sourcetree *t, double now);

/*
 * The body of path p of t (which must have a set) for a query with networks, rendered into
 * out as targetset_filter does, from each of its sources in turn. -1 on out of memory.
 */
int	sourcetree_filter(const struct sourcetree *t, const struct sourcetree_path *p,
	    const struct query *q, struct strbuf *out);

#endif
