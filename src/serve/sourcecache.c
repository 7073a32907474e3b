/*
 * sourcecache.c: when to rebuild the targets directory's tree (see sourcecache.h): inotify
 * events on names that are not ignored, drained with one read(2) per request, or a walk
 * every SOURCETREE_POLL_S without inotify; and the tree's families of /metrics.
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

int
sourcecache_init(struct sourcecache *c, const char *dir)
{
	memset(c, 0, sizeof(*c));
	c->ifd = -1;
	if ((c->dir = strdup(dir)) == NULL)
		return -1;
	c->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	c->dirty = 1;
	return 0;
}

void
sourcecache_fini(struct sourcecache *c)
{
	if (c->dir != NULL && c->ifd >= 0)	/* an all-zero cache holds no fd 0 */
		close(c->ifd);
	sourcetree_free(c->cur);
	free(c->dir);
	memset(c, 0, sizeof(*c));
	c->ifd = -1;
}

/* Read what inotify has: dirty when a name that is not ignored changed. */
static void
drain(struct sourcecache *c)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;

	while ((n = read(c->ifd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			if (ev->mask & (IN_Q_OVERFLOW | IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF) ||
			    ev->len == 0 || (ev->name[0] != '.' && ev->name[0] != '_'))
				c->dirty = 1;
			p += sizeof(*ev) + ev->len;
		}
	}
}

const struct sourcetree *
sourcecache_get(struct sourcecache *c, double now, char *err, size_t errlen)
{
	double pace = c->load_cost < SOURCETREE_PACE_MAX_S ? c->load_cost : SOURCETREE_PACE_MAX_S;
	struct sourcetree *t;
	double t0, t1;
	char why[SOURCETREE_ERR_MAX];

	if (c->cur != NULL && now >= c->loaded_at && now - c->loaded_at < pace)
		return c->cur;
	if (c->ifd >= 0 && c->cur != NULL)
		drain(c);
	else if (c->cur != NULL && now >= c->loaded_at && now - c->loaded_at < SOURCETREE_POLL_S)
		return c->cur;
	else
		c->dirty = 1;
	if (!c->dirty)
		return c->cur;
	c->dirty = 0;	/* what changes while we read is seen on the next request */
	t0 = clock_mono();
	if (sourcetree_build(c->dir, c->ifd, c->cur, now, &c->gen, &t, why, sizeof(why)) < 0) {
		/* the directory itself is gone or unreadable: no tree, 503 everywhere */
		snprintf(c->err, sizeof(c->err), "%s", why);
		snprintf(err, errlen, "%s", why);
		sourcetree_free(c->cur);
		c->cur = NULL;
		c->dirty = 1;
		return NULL;
	}
	t1 = clock_mono();
	sourcetree_free(c->cur);	/* what it still holds was not taken over */
	c->cur = t;
	if (t->unwatched && c->ifd >= 0) {
		/* a change there would go unseen: look at the tree every SOURCETREE_POLL_S */
		close(c->ifd);
		c->ifd = -1;
	}
	c->loads++;
	c->load_cost = t1 - t0;
	c->loaded_at = now + c->load_cost;
	return c->cur;
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
sourcecache_format(const struct sourcecache *c, char **out, size_t *outlen)
{
	const struct sourcetree *t = c->cur;
	struct expo e;

	expo_init(&e);
	expo_family(&e, "scanner_serve_tree_loads_total", EXPO_COUNTER, "Builds of the "
	    "-targets-dir tree by this process (at start and after each change seen).");
	expo_sample(&e, NULL, 0, (double)c->loads);
	expo_family(&e, "scanner_serve_tree_last_load_seconds", EXPO_GAUGE, "How long the last "
	    "build of the tree took in this process (changed sources read, their paths merged).");
	expo_sample(&e, NULL, 0, c->load_cost);
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

