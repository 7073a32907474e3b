/*
 * sourcecache.h: the targets directory as a loader source (loader.h). The probe, in the
 * request thread, drains inotify (which watches every directory of the tree): one read(2)
 * that finds nothing when nothing changed, whatever the number of sources; the version it
 * names counts the changes seen. The load, in the loader thread, builds the next tree from
 * the last one (sourcetree.h), re-reading only what changed. Probe and load share atomics
 * only; the trees belong to the loader.
 */
#ifndef SD_SOURCECACHE_H
#define SD_SOURCECACHE_H

#include <stddef.h>

#include "loader.h"
#include "sourcetree.h"

#define SOURCETREE_POLL_S	1.0	/* without inotify: a new version this often */

struct sourcecache {
	char			*dir;		/* set at init, then only read */
	int			 ifd;		/* inotify, set at init; -1: none */
	unsigned long		 changes;	/* atomic: changes the probe saw */
	int			 unwatched;	/* atomic: a directory got no watch
						 * (fs.inotify.max_user_watches) */
	int			 failing;	/* atomic: the directory could not be read */
	int			 retrying;	/* atomic: a source broken by what may pass
						 * (sourcetree.h's retry) */
	/* the loader thread's */
	const struct sourcetree	*last;		/* the tree the last load gave, which the
						 * loader keeps until the next; NULL */
	unsigned long		 gen;		/* set generations handed out */
	size_t			 nchanging;	/* the last build's sources replaced each time
						 * they were read (sourcetree.h's changing) */
	char			 changing[SOURCETREE_ERR_MAX];	/* the first one's name */
};

/* dir is copied; nothing is read yet. -1 on out of memory. */
int	sourcecache_init(struct sourcecache *, const char *dir);
/* Closes inotify; the trees are the loader's (loader_fini frees them). */
void	sourcecache_fini(struct sourcecache *);

/*
 * loader_source.probe, arg a sourcecache: the version is the number of changes seen on
 * names that are not ignored, and, while a change could go unseen (no inotify, a directory
 * without a watch, the directory unreadable, a source whose read failed for a reason that
 * may pass), the SOURCETREE_POLL_S tick. Never fails.
 */
int	sourcecache_probe(void *arg, unsigned char *ver, enum loader_kind *kind, char *err,
	    size_t errlen);
/*
 * loader_source.load: 1 and a new tree in *set (struct sourcetree; free it with
 * sourcecache_free), 0 when the tree built serves the same as the last one (its sources'
 * versions, paths and notes), or -1 and LOADER_MISSING when the directory itself cannot be read
 * (503 everywhere). A source's problems are the tree's (its paths answer 503). After a
 * build, nchanging and changing name its sources replaced each time they were read, also
 * when the tree is not new (such a source keeps its version, so the tree often is not).
 */
int	sourcecache_load(void *arg, void **set, unsigned char *ver, enum loader_kind *kind,
	    char *err, size_t errlen);
/* loader_source.free: sourcetree_free. */
void	sourcecache_free(void *set);

/*
 * The families of /metrics for the tree t (NULL: none loaded) after loads builds, the last
 * one taking last_cost seconds: scanner_serve_tree_loads_total and
 * scanner_serve_tree_last_load_seconds, then per source of t scanner_serve_source_targets,
 * _ok, _last_load_timestamp_seconds and _load_errors_total, in a malloc'd string (*out, the
 * caller frees). -1 on out of memory.
 */
int	sourcecache_format(const struct sourcetree *t, unsigned long loads, double last_cost,
	    char **out, size_t *outlen);

#endif
