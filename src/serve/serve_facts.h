/*
 * serve_facts.h: the facts behind sd-serve's /health and / (statuspage.h renders them):
 * the last scan, the targets, the paths served and their sources, the ports. They come from
 * the version borrowed from the loader (serve_load.h), which the caller gives back with
 * serve_load_put once the page is made. Request thread only.
 */
#ifndef SD_SERVE_FACTS_H
#define SD_SERVE_FACTS_H

#include <stddef.h>

#include "serve.h"
#include "statuspage.h"

/*
 * What /health and / say about the last scan, into f (its scan and target fields): the
 * targets file's set in *ts (NULL, and err, when it cannot be loaded; with -targets-dir the
 * whole tree's, NULL when a source is broken), borrowed until serve_load_put. Returns the
 * status /health answers with.
 */
int	serve_facts_health(struct serve_ctx *ctx, double now, struct statuspage_facts *f,
	    const struct targetset **ts, char *err, size_t errlen);
/*
 * The paths served and the sources read, into f through path and src (which must outlive
 * f): without -targets-dir one path, /targets.json, made of one source, the -output file,
 * loaded as ts (NULL: not loaded, err says why); with it, the borrowed tree's paths and
 * sources in the arrays *paths, *srcs and *names (calloc'd, the caller frees). -1 when out
 * of memory.
 */
int	serve_facts_served(const struct serve_ctx *ctx, const struct targetset *ts,
	    const char *err, struct statuspage_facts *f, struct statuspage_path *path,
	    struct statuspage_source *src, struct statuspage_path **paths,
	    struct statuspage_source **srcs, char (**names)[80]);
/*
 * The ports of ts for the page, in *out (calloc'd, the caller frees; NULL for none):
 * returns how many, or -1 when out of memory. The examples are borrowed from ts.
 */
long	serve_facts_ports(const struct targetset *ts, struct statuspage_port **out);

#endif
