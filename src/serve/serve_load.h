/*
 * serve_load.h: sd-serve's one loader (loader.h) and what it loads: the -output targets
 * file through its cache (targetset.h), or with -targets-dir the directory's trees
 * (sourcecache.h). A request borrows the current version with serve_load_get and gives it
 * back with serve_load_put; what the loads find (a broken source, a file replaced while it
 * is read) is logged once per load, not per request. Request thread only, but the loads.
 */
#ifndef SD_SERVE_LOAD_H
#define SD_SERVE_LOAD_H

#include <stddef.h>

#include "serve.h"

/* The loader's source for ctx (conf, dirmode, targets and tree set up) into *src. */
void	serve_load_source(struct serve_ctx *ctx, struct loader_source *src);
/*
 * Borrow the current version into ctx->view, until serve_load_put: 0 when it has a set
 * (ctx->view.set: a targetset, or with -targets-dir a sourcetree), else -1 with the message
 * of the 503 in msg ("targets file is corrupt: ...", "targets directory is unavailable: ...").
 * A failure is logged when the file or directory is missing, else once per failed load;
 * quiet (/health, /, /metrics, which say it in their answers): never.
 */
int	serve_load_get(struct serve_ctx *ctx, int quiet, char *msg, size_t msglen);
/* The request is done with ctx->view (nothing happens when nothing is borrowed). */
void	serve_load_put(struct serve_ctx *ctx);

#endif
