/*
 * serve_facts.c: what sd-serve's /health and / say (see serve_facts.h): the last scan from
 * the textfile and the targets' time, the targets of the file or of each good source of the
 * directory, the paths served and their sources, the ports and their examples.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "serve_facts.h"
#include "serve_load.h"

/* The scan facts of the textfile into f, the data's time being data_mtime (<= 0 unknown). */
static void
scan_facts(struct serve_ctx *ctx, double now, double data_mtime, int have,
    struct statuspage_facts *f)
{
	const struct lastscan_state *st = &ctx->lastscan.state;
	double completed = -1, last = -1;

	if (st->has_end && st->end > 0)
		last = st->end;
	/* the last successful scan: the textfile says so, or the targets were written */
	if (last > 0 && (!st->has_success || st->success == 1))
		completed = last;
	else if (have && data_mtime > 0)
		completed = data_mtime;
	if (last < 0 && have && data_mtime > 0)
		last = data_mtime;
	f->now = now;
	f->last_scan = last;
	f->has_duration = st->has_duration;
	f->duration = st->duration;
	f->has_success = st->has_success;
	f->success = st->success == 1;
	f->interval = st->has_interval && st->interval > 0 ? st->interval : ctx->conf->interval;
	f->max_age = ctx->conf->max_age;
	f->healthy = 0;
	if (!have)
		f->health = "error";
	else if (completed < 0)
		f->health = "no scan yet";
	else if (now - completed > ctx->conf->max_age)
		f->health = "stale";
	else
		f->healthy = 1, f->health = "healthy";
}

/*
 * serve_facts_health with -targets-dir: healthy only when no source is broken (some paths answer
 * 503 otherwise); the targets of every good source, the broken ones named. *ts is the set of
 * the whole tree (path ""), NULL when some source is broken.
 */
static int
tree_health_facts(struct serve_ctx *ctx, double now, struct statuspage_facts *f,
    const struct targetset **ts, char *err, size_t errlen)
{
	char msg[800];
	const struct sourcetree *t = serve_load_get(ctx, 1, msg, sizeof(msg)) == 0 ?
	    ctx->view.set : NULL;
	const struct sourcetree_path *root = t ? sourcetree_find(t, "") : NULL;
	int have = t != NULL && t->nbroken == 0;

	*ts = root ? root->set : NULL;
	if (t == NULL)
		snprintf(err, errlen, "%s", ctx->view.err);
	else if (t->nbroken > 0)
		snprintf(err, errlen, "%zu broken source%s", t->nbroken, t->nbroken == 1 ? "" : "s");
	scan_facts(ctx, now, t ? t->newest_mtime : -1, have, f);
	f->has_targets = t != NULL;
	f->targets = t ? t->ntargets : 0;
	f->groups = *ts ? targetset_groups(*ts) : 0;
	f->error = have ? NULL : err;
	f->tree = 1;
	return f->healthy ? 200 : 503;
}

int
serve_facts_health(struct serve_ctx *ctx, double now, struct statuspage_facts *f,
    const struct targetset **ts, char *err, size_t errlen)
{
	char msg[800];

	if (lastscan_cache_refresh(&ctx->lastscan, err, errlen) == 0 && err[0])
		log_warn("%s", err);
	err[0] = '\0';
	*ts = NULL;
	if (ctx->dirmode)
		return tree_health_facts(ctx, now, f, ts, err, errlen);
	if (serve_load_get(ctx, 1, msg, sizeof(msg)) == 0)
		*ts = ctx->view.set;
	else	/* /health's error names the cause, without the 503's prefix */
		snprintf(err, errlen, "%s", ctx->view.err);
	scan_facts(ctx, now, *ts ? targetset_mtime(*ts) : -1, *ts != NULL, f);
	f->has_targets = *ts != NULL;
	f->targets = *ts ? targetset_targets(*ts) : 0;
	f->groups = *ts ? targetset_groups(*ts) : 0;
	f->error = *ts ? NULL : err;
	return f->healthy ? 200 : 503;
}

int
serve_facts_served(const struct serve_ctx *ctx, const struct targetset *ts, const char *err,
    struct statuspage_facts *f, struct statuspage_path *path, struct statuspage_source *src,
    struct statuspage_path **paths, struct statuspage_source **srcs, char (**names)[80])
{
	const struct sourcetree *t = ctx->dirmode && ctx->borrowed ? ctx->view.set : NULL;

	*paths = NULL;
	*srcs = NULL;
	*names = NULL;
	if (ctx->dirmode) {
		if (t == NULL)
			return 0;
		*paths = calloc(t->npaths ? t->npaths : 1, sizeof(**paths));
		*srcs = calloc(t->nsrc ? t->nsrc : 1, sizeof(**srcs));
		*names = calloc(t->npaths ? t->npaths : 1, sizeof(**names));
		if (*paths == NULL || *srcs == NULL || *names == NULL)
			return -1;
		for (size_t i = 0; i < t->npaths; i++) {
			const struct sourcetree_path *p = &t->paths[i];

			snprintf((*names)[i], sizeof((*names)[i]), "%s%.60s",
			    p->key[0] ? "/targets/" : "/targets.json", p->key);
			(*paths)[i] = (struct statuspage_path){ (*names)[i], p->nbroken == 0,
			    p->ntargets, p->n };
		}
		for (size_t i = 0; i < t->nsrc; i++) {
			const struct sourcetree_source *so = &t->src[i];

			(*srcs)[i] = (struct statuspage_source){ so->name, so->set != NULL,
			    so->set ? NULL : so->err, so->mtime, so->ntargets };
		}
		f->paths = *paths;
		f->npaths = t->npaths;
		f->sources = *srcs;
		f->nsources = t->nsrc;
		return 0;
	}
	path->path = "/targets.json";
	path->ok = ts != NULL;
	path->targets = f->targets;
	path->nsources = 1;
	src->name = ctx->conf->output;
	src->ok = ts != NULL;
	src->error = ts ? NULL : err;
	src->mtime = ts ? targetset_mtime(ts) : 0;
	src->targets = f->targets;
	f->paths = path;
	f->npaths = 1;
	f->sources = src;
	f->nsources = 1;
	return 0;
}

long
serve_facts_ports(const struct targetset *ts, struct statuspage_port **out)
{
	size_t n = targetset_nports(ts);
	struct statuspage_port *p;

	*out = NULL;
	if (n == 0)
		return 0;
	if ((p = calloc(n, sizeof(*p))) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct targetset_port tp;

		targetset_port(ts, i, &tp);
		p[i].port = tp.port;
		p[i].targets = tp.targets;
		p[i].nexamples = tp.nexamples;
		for (size_t k = 0; k < tp.nexamples && k < STATUSPAGE_EXAMPLES; k++) {
			p[i].example[k].p = tp.example[k];
			p[i].example[k].n = tp.example_len[k];
		}
	}
	*out = p;
	return (long)n;
}
