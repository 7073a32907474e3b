/*
 * sourcecache.h: the current tree of a targets directory (sourcetree.h), rebuilt when
 * something below it changed: inotify watches every directory of the tree, so a request
 * when nothing changed costs one read(2) that finds nothing, whatever the number of
 * sources. Not thread-safe: one cache per serve_ctx.
 */
#ifndef SD_SOURCECACHE_H
#define SD_SOURCECACHE_H

#include <stddef.h>

#include "sourcetree.h"

#define SOURCETREE_PACE_MAX_S	1.0	/* see sourcecache_get */
#define SOURCETREE_POLL_S	1.0	/* without inotify: rescan at most this often */

struct sourcecache {
	char			*dir;
	struct sourcetree	*cur;
	int			 ifd;		/* inotify; -1: none, or a directory could not be
						 * watched (fs.inotify.max_user_watches): the tree
						 * is then walked every SOURCETREE_POLL_S */
	int			 dirty;		/* a change was seen and not loaded yet */
	unsigned long		 loads;		/* trees built */
	unsigned long		 gen;		/* set generations handed out */
	double			 load_cost;	/* seconds the last build took */
	double			 loaded_at;	/* caller's clock when it ended */
	char			 err[SOURCETREE_ERR_MAX];	/* why cur is NULL */
};

/* dir is copied; nothing is read yet. -1 on out of memory. */
int	sourcecache_init(struct sourcecache *, const char *dir);
void	sourcecache_fini(struct sourcecache *);
/*
 * The current tree (borrowed until the next call), rebuilt first when something below dir
 * changed; NULL with a reason in err when dir cannot be read. Within the time the last build
 * took (at most SOURCETREE_PACE_MAX_S) after it, the current tree is returned unlooked at,
 * so a directory changed faster than it loads costs at most half the time. now is the
 * caller's clock in unix seconds.
 */
const struct sourcetree *sourcecache_get(struct sourcecache *, double now, char *err,
	    size_t errlen);

/*
 * The families of /metrics for c: scanner_serve_tree_loads_total and
 * scanner_serve_tree_last_load_seconds, then per source of the current tree
 * scanner_serve_source_targets, _ok, _last_load_timestamp_seconds and _load_errors_total,
 * in a malloc'd string (*out, the caller frees). -1 on out of memory.
 */
int	sourcecache_format(const struct sourcecache *c, char **out, size_t *outlen);

#endif
