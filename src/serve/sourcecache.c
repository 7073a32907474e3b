/*
 * sourcecache.c: when the targets directory has a new version (see sourcecache.h): inotify
 * events on names that are not ignored, drained with one read(2) per request, or a tick
 * every SOURCETREE_POLL_S without inotify; the build of the next tree; and the tree's
 * families of /metrics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "expo.h"
#include "sourcecache.h"

/* A version of the directory: what the probe saw. */
struct dirversion {
	unsigned long	changes;
	long		tick;		/* the SOURCETREE_POLL_S tick, or 0 with inotify */
};

_Static_assert(sizeof(struct dirversion) <= LOADER_VERSION_MAX, "a version fits");

int
sourcecache_init(struct sourcecache *c, const char *dir)
{
	memset(c, 0, sizeof(*c));
	c->ifd = -1;
	if ((c->dir = strdup(dir)) == NULL)
		return -1;
	c->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	return 0;
}

void
sourcecache_fini(struct sourcecache *c)
{
	if (c->dir != NULL && c->ifd >= 0)	/* an all-zero cache holds no fd 0 */
		close(c->ifd);
	free(c->dir);
	memset(c, 0, sizeof(*c));
	c->ifd = -1;
}

/*
 * 1 when a change to entry name can change what is served: a name that is not ignored, or
 * one starting with "..": Kubernetes mounts a ConfigMap or Secret as name -> ..data/name
 * symlinks and updates it by flipping the ..data symlink alone, so only ..data changes.
 */
static int
counts(const char *name)
{
	return (name[0] != '.' && name[0] != '_') || (name[0] == '.' && name[1] == '.');
}

/* Read what inotify has: 1 when a name that counts changed. */
static int
drain(int ifd)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	int changed = 0;

	while ((n = read(ifd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			if (ev->mask & (IN_Q_OVERFLOW | IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF) ||
			    ev->len == 0 || counts(ev->name))
				changed = 1;
			p += sizeof(*ev) + ev->len;
		}
	}
	return changed;
}

/* 1 while a change could go unseen by inotify (or a failed read may have passed). */
static int
polling(const struct sourcecache *c)
{
	return c->ifd < 0 || __atomic_load_n(&c->unwatched, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&c->failing, __ATOMIC_ACQUIRE) ||
	    __atomic_load_n(&c->retrying, __ATOMIC_ACQUIRE);
}

static long
tick(void)
{
	return (long)(clock_mono() / SOURCETREE_POLL_S) + 1;
}

int
sourcecache_probe(void *arg, unsigned char *ver, enum loader_kind *kind, char *err,
    size_t errlen)
{
	struct sourcecache *c = arg;
	struct dirversion v = { 0, 0 };

	(void)kind;
	(void)err;
	(void)errlen;
	/* inotify is read here only; the loader thread adds watches to it, which is safe */
	if (c->ifd >= 0 && drain(c->ifd))
		__atomic_add_fetch(&c->changes, 1, __ATOMIC_ACQ_REL);
	v.changes = __atomic_load_n(&c->changes, __ATOMIC_ACQUIRE);
	if (polling(c))
		v.tick = tick();
	memcpy(ver, &v, sizeof(v));
	return 0;
}

/* 1 when b serves what a serves: the same sources' versions, paths and notes. */
static int
same_tree(const struct sourcetree *a, const struct sourcetree *b)
{
	if (!targetset_key_eq(&a->version, &b->version) || a->nsrc != b->nsrc ||
	    a->npaths != b->npaths || a->nnotes != b->nnotes || a->nbroken != b->nbroken)
		return 0;
	for (size_t i = 0; i < a->npaths; i++)
		if (strcmp(a->paths[i].key, b->paths[i].key) != 0)
			return 0;
	for (size_t i = 0; i < a->nnotes; i++)
		if (strcmp(a->notes[i], b->notes[i]) != 0)
			return 0;
	return 1;
}

int
sourcecache_load(void *arg, void **set, unsigned char *ver, enum loader_kind *kind,
    char *err, size_t errlen)
{
	struct sourcecache *c = arg;
	/* what changes from here on is another version: seen by the next probe */
	struct dirversion v = { __atomic_load_n(&c->changes, __ATOMIC_ACQUIRE), tick() };
	int unwatched = __atomic_load_n(&c->unwatched, __ATOMIC_ACQUIRE);
	struct sourcetree *t;

	if (sourcetree_build(c->dir, unwatched ? -1 : c->ifd, c->last, clock_wall(), &c->gen,
	    &t, err, errlen) < 0) {
		/* the directory itself is gone or unreadable: no tree, 503 everywhere, and a
		 * look every SOURCETREE_POLL_S (it may come back where no watch sees it) */
		__atomic_store_n(&c->failing, 1, __ATOMIC_RELEASE);
		c->last = NULL;
		*kind = LOADER_MISSING;
		memcpy(ver, &v, sizeof(v));
		return -1;
	}
	c->nchanging = 0;
	for (size_t i = 0; i < t->nsrc; i++)
		if (t->src[i].changing && c->nchanging++ == 0)
			snprintf(c->changing, sizeof(c->changing), "%s", t->src[i].name);
	if (t->unwatched)	/* a change there would go unseen: poll from now on */
		__atomic_store_n(&c->unwatched, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&c->failing, 0, __ATOMIC_RELEASE);
	/* a source that failed to read for a passing reason: no event will say it passed */
	__atomic_store_n(&c->retrying, t->nretry > 0, __ATOMIC_RELEASE);
	if (!polling(c))
		v.tick = 0;
	memcpy(ver, &v, sizeof(v));
	if (c->last != NULL && same_tree(c->last, t)) {
		/* a poll, or a change of nothing served: the tree requests have stays (and so
		 * its generation, and the bodies compressed and written for it) */
		sourcetree_free(t);
		return 0;
	}
	c->last = t;	/* the loader keeps it at least until the next load */
	*set = t;
	return 1;
}

void
sourcecache_free(void *set)
{
	sourcetree_free(set);
}

/* One gauge or counter family with a sample per source. */
static void
per_source(struct expo *e, const struct sourcetree *t, const char *name, enum expo_type type,
    const char *help, double (*value)(const struct sourcetree_source *))
{
	expo_family(e, name, type, help);
	for (size_t i = 0; i < t->nsrc; i++) {
		struct expo_label l = { "source", t->src[i].name };

		expo_sample(e, &l, 1, value(&t->src[i]));
	}
}

static double
v_targets(const struct sourcetree_source *s)
{
	return s->set ? (double)s->ntargets : 0;
}

static double
v_ok(const struct sourcetree_source *s)
{
	return s->set != NULL;
}

static double
v_loaded(const struct sourcetree_source *s)
{
	return s->loaded_at;
}

static double
v_errors(const struct sourcetree_source *s)
{
	return (double)s->load_errors;
}

int
sourcecache_format(const struct sourcetree *t, unsigned long loads, double last_cost,
    char **out, size_t *outlen)
{
	struct expo e;

	expo_init(&e);
	expo_family(&e, "scanner_serve_tree_loads_total", EXPO_COUNTER, "Builds of the "
	    "-targets-dir tree by this process (at start and after each change seen).");
	expo_sample(&e, NULL, 0, (double)loads);
	expo_family(&e, "scanner_serve_tree_last_load_seconds", EXPO_GAUGE, "How long the last "
	    "build of the tree took in this process (changed sources read, their paths merged).");
	expo_sample(&e, NULL, 0, last_cost);
	if (t != NULL) {
		per_source(&e, t, "scanner_serve_source_targets", EXPO_GAUGE, "Targets in each "
		    "source of -targets-dir (0 while it is broken).", v_targets);
		per_source(&e, t, "scanner_serve_source_ok", EXPO_GAUGE, "1 when the source "
		    "loaded, 0 when it is broken (its paths answer 503).", v_ok);
		per_source(&e, t, "scanner_serve_source_last_load_timestamp_seconds", EXPO_GAUGE,
		    "When this process last read the source.", v_loaded);
		per_source(&e, t, "scanner_serve_source_load_errors_total", EXPO_COUNTER,
		    "Failed reads or parses of the source by this process.", v_errors);
	}
	return expo_take(&e, out, outlen);
}

