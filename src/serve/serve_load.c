/*
 * serve_load.c: the loader's two sources for sd-serve (see serve_load.h): the targets file,
 * whose version is its targetset_key and whose cache the loader thread owns, and the
 * directory, whose loads log the sources they found broken; and the preload at start.
 * The probes read only what never changes after serve_init, as loader.h requires.
 */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "serve_load.h"

_Static_assert(sizeof(struct targetset_key) <= LOADER_VERSION_MAX, "key fits a version");

static int
targets_probe(void *arg, unsigned char *ver, enum loader_kind *kind, char *err, size_t errlen)
{
	const struct targetset_cache *c = arg;
	struct targetset_key key;

	if (targetset_key_stat(c->path, &key, err, errlen) < 0) {
		*kind = LOADER_MISSING;
		return -1;
	}
	memcpy(ver, &key, sizeof(key));
	return 0;
}

/*
 * A file replaced each time it is read keeps the set loaded before (if any): its version
 * stays the old key, so the next request's probe, which sees the new one, loads it again.
 */
static int
targets_load(void *arg, void **set, unsigned char *ver, enum loader_kind *kind, char *err,
    size_t errlen)
{
	struct targetset_cache *c = arg;
	unsigned long loads = c->loads;
	enum targetset_error k;

	if (targetset_cache_get(c, &k, err, errlen) == NULL) {
		/* the version loaded before, unless the file's last version was corrupt */
		if (k == TARGETSET_CHANGING && c->cur != NULL && !c->failed) {
			log_warn("%s; answering from the version loaded before until it settles",
			    err);
			memcpy(ver, &c->cur_key, sizeof(c->cur_key));
			return 0;
		}
		*kind = k == TARGETSET_CORRUPT ? LOADER_CORRUPT : LOADER_MISSING;
		if (c->failed)
			memcpy(ver, &c->failed_key, sizeof(c->failed_key));
		return -1;
	}
	memcpy(ver, targetset_cache_key(c), sizeof(struct targetset_key));
	if (c->loads == loads)
		return 0;
	*set = c->cur;	/* keep_sets: the loader frees it */
	log_info("loaded %s: %zu targets in %.3f s", c->path, targetset_targets(c->cur),
	    c->load_cost);
	return 1;
}

static void
targets_free(void *set)
{
	targetset_free(set);
}

static void
log_changing(const char *dir, const char *name, size_t more)
{
	char also[64] = "";

	if (more > 0)
		snprintf(also, sizeof(also), " (and %zu more)", more);
	log_warn("%s/%s: replaced each time it was read; answering from the version read "
	    "before until it settles%s", dir, name, also);
}

/*
 * sourcecache_load, and one line for each source this load found broken or changing (also
 * when the tree built serves as the last one, as it does when only a changing source did).
 */
static int
tree_load(void *arg, void **set, unsigned char *ver, enum loader_kind *kind, char *err,
    size_t errlen)
{
	struct sourcecache *c = arg;
	unsigned long gen = c->gen;
	const struct sourcetree *t;
	int rc = sourcecache_load(arg, set, ver, kind, err, errlen);

	if (rc == 0 && c->nchanging > 0)
		log_changing(c->dir, c->changing, c->nchanging - 1);
	if (rc <= 0)
		return rc;	/* nothing new; a failure is logged by the requests it fails */
	t = *set;
	for (size_t i = 0; i < t->nsrc; i++) {
		const struct sourcetree_source *s = &t->src[i];

		if (s->changing)
			log_changing(c->dir, s->name, 0);
		else if (s->set == NULL && s->gen > gen)	/* read by this load */
			log_warn("%s", s->err);
	}
	log_info("loaded %s: %zu sources (%zu broken), %zu targets", c->dir, t->nsrc,
	    t->nbroken, t->ntargets);
	return rc;
}

void
serve_load_source(struct serve_ctx *ctx, struct loader_source *src)
{
	if (ctx->dirmode)
		*src = (struct loader_source){ sourcecache_probe, tree_load, sourcecache_free,
		    &ctx->tree };
	else
		*src = (struct loader_source){ targets_probe, targets_load, targets_free,
		    &ctx->targets };
}

int
serve_load_get(struct serve_ctx *ctx, int quiet, char *msg, size_t msglen)
{
	struct loader_view *v = &ctx->view;
	int rc = loader_get(&ctx->loader, v);

	ctx->borrowed = rc == 0;
	if (rc == 0 && v->set != NULL) {
		if (!quiet)
			ctx->failures_seen = v->failures;
		return 0;
	}
	if (v->set == NULL && v->kind == LOADER_OK)
		v->kind = LOADER_MISSING;
	if (ctx->dirmode)
		snprintf(msg, msglen, "targets directory is unavailable: %s", v->err);
	else
		snprintf(msg, msglen, "%s%s", v->kind == LOADER_CORRUPT ?
		    "targets file is corrupt: " : "targets file is unavailable: ", v->err);
	if (quiet)
		return -1;
	/* a missing file at each request (it is cheap to see); a corrupt one once */
	if (v->kind == LOADER_MISSING || v->failures != ctx->failures_seen)
		log_warn("%s", msg);
	ctx->failures_seen = v->failures;
	return -1;
}

void
serve_load_put(struct serve_ctx *ctx)
{
	if (ctx->borrowed)
		loader_put(&ctx->loader);
	ctx->borrowed = 0;
}

int
serve_preload(struct serve_ctx *ctx, char *err, size_t errlen)
{
	char msg[800];
	int rc;

	/* the load logs what it found; the caller logs err */
	rc = serve_load_get(ctx, 0, msg, sizeof(msg));
	if (rc < 0)
		snprintf(err, errlen, "%s", ctx->view.err);
	serve_load_put(ctx);
	return rc;
}
