/*
 * loader.h: loads new versions of a set (anything built from a source: a targets file's
 * target set, a targets directory's tree) in a thread of its own, so requests keep being
 * answered from the previous version while the next one loads, and swaps the new one in
 * whole when it is done. One request thread (loader_get/loader_put) and one loader thread;
 * the state they share lives in here behind one mutex. A replaced set is freed once the
 * request thread no longer uses it.
 *
 * DESIGN: the request thread probes the source (a stat, an inotify read) on each request
 * and, when its version differs from the loaded one, wakes the loader and waits for it at
 * most LOADER_WAIT_S: a small file's new version is answered at once, a large one's old
 * version until the new one is ready. After a load, the next waits as long as it took (at
 * most LOADER_PACE_MAX_S), so a source changed faster than it loads costs at most about
 * half the time.
 */
#ifndef SD_LOADER_H
#define SD_LOADER_H

#include <pthread.h>
#include <stddef.h>

#define LOADER_VERSION_MAX	64	/* bytes naming a version of the source */
#define LOADER_WAIT_S		0.05	/* a request waits this long at most for a started load */
#define LOADER_PACE_MAX_S	1.0	/* after a load, the next waits its cost, at most this */
#define LOADER_ERR_MAX		512

/* Results of a source's functions, and the kind of a failure (LOADER_MISSING: absent or
 * unreadable; LOADER_CORRUPT: read but invalid). */
enum loader_kind { LOADER_OK, LOADER_MISSING, LOADER_CORRUPT };

/*
 * What the loader loads. probe runs in the request thread, load in the loader thread, at
 * the same time: probe may only read what never changes after setup (a path).
 */
struct loader_source {
	/* The source's version now into ver (LOADER_VERSION_MAX bytes; equal bytes: the same
	 * version): 0, or -1 with *kind and a reason in err. */
	int	(*probe)(void *arg, unsigned char *ver, enum loader_kind *kind, char *err,
		    size_t errlen);
	/* Bring the set up to date: 1 and a new set in *set (the loader owns it from then),
	 * 0 when the set last given is still current, -1 with *kind and err (the last set
	 * given stays the source's). ver: the version loaded (or that failed to load). */
	int	(*load)(void *arg, void **set, unsigned char *ver, enum loader_kind *kind,
		    char *err, size_t errlen);
	void	(*free)(void *set);	/* frees a set load gave */
	void	*arg;
};

/* What a request sees: borrowed until loader_put. */
struct loader_view {
	const void	*set;		/* NULL when the last load failed or none succeeded */
	enum loader_kind kind;		/* why set is NULL */
	char		 err[LOADER_ERR_MAX];
	unsigned char	 version[LOADER_VERSION_MAX];	/* the version set was loaded from */
	unsigned long	 generation;	/* sets loaded so far: names the version of set */
	unsigned long	 failures;	/* failed loads so far */
	double		 last_cost;	/* seconds the last load took */
};

#define LOADER_RETIRED_MAX	4	/* replaced sets waiting for the request thread */

struct loader {
	struct loader_source	 src;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;		/* the loader waits for work, requests for loads */
	pthread_t		 thread;
	int			 started, stop, want, loading;
	double			 load_started;	/* monotonic s, when the current load began */
	double			 last_cost;	/* s the last load took */
	double			 last_end;	/* monotonic s, when it ended */
	int			 have_result;	/* a load has ended (set or failure) */
	void			*set;		/* the newest set; NULL before the first */
	int			 failed;	/* the newest load failed: kind, err */
	enum loader_kind	 kind;
	char			 err[LOADER_ERR_MAX];
	unsigned char		 version[LOADER_VERSION_MAX];
	unsigned long		 generation, failures;
	const void		*in_use;	/* the set the request thread borrows, or NULL */
	void			*retired[LOADER_RETIRED_MAX];
	size_t			 nretired;
};

/* src is copied. The thread starts with the first loader_get. 0, or -1 (pthread error). */
int	loader_init(struct loader *, const struct loader_source *src);
/* Stops and joins the thread; frees every set. Not while a view is borrowed. */
void	loader_fini(struct loader *);
/*
 * The current version into *v, loading a changed source first when that takes less than
 * LOADER_WAIT_S (or nothing was loaded yet: then it waits for the load). v->set is borrowed
 * until loader_put. 0, or -1 when the source cannot be probed now (v->kind and v->err say
 * why; nothing is borrowed).
 */
int	loader_get(struct loader *, struct loader_view *v);
/* The request is done with the set of its view. */
void	loader_put(struct loader *);

#endif
