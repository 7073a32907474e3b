/*
 * serve.h: sd-serve's request handler, independent of FastCGI: it routes one request (on
 * REQUEST_URI without its query, relative to SCRIPT_NAME; /targets.json, and with
 * -targets-dir /targets/<path> too), checks the method, and writes
 * the CGI-style response (Status line, headers, body) through a write callback; a 200 answer
 * is gzip-compressed when the client's Accept-Encoding allows and carries Vary:
 * Accept-Encoding either way (errors are never compressed). Not thread-safe: one serve_ctx
 * per process or thread; the caches inside it are its own.
 */
#ifndef SD_SERVE_H
#define SD_SERVE_H

#include <stddef.h>

#include "bodycache.h"
#include "gzipbody.h"
#include "reqstats.h"
#include "lastscan.h"
#include "loader.h"
#include "serve_config.h"
#include "sourcecache.h"
#include "strbuf.h"
#include "targetset.h"

struct serve_ctx {
	const struct serve_config	*conf;		/* borrowed */
	struct reqstats			*stats;		/* borrowed; for /metrics */
	struct targetset_cache		 targets;	/* the loader thread's */
	struct sourcecache		 tree;		/* -targets-dir DIR: the loader's source */
	int				 dirmode;	/* the tree, not the file */
	struct loader			 loader;	/* new versions of either, loaded aside */
	int				 loader_ready;
	struct loader_view		 view;		/* what the request borrows (serve_load.h) */
	int				 borrowed;
	unsigned long			 failures_seen;	/* failed loads already logged */
	struct strbuf			 fbuf;		/* a body rendered per request */
	struct lastscan_cache		 lastscan;
	struct bodycache		 bodies;	/* for conf->sendfile */
	/* one request's parsed query and body ranges: too big for the stack, and kept here
	 * (not static) so that each context is independent of every other */
	struct query			 query;
	struct iovec			 iov[TARGETSET_IOV_MAX];
	struct gzipbody			 gz;		/* compressed bodies, for gzip clients */
};

/* The CGI variables a request is made of (borrowed; NULL when absent). */
struct serve_request {
	const char	*method;	/* REQUEST_METHOD */
	const char	*uri;		/* REQUEST_URI, with the query */
	const char	*script_name;	/* SCRIPT_NAME: where the web server mounts us */
	const char	*query;		/* QUERY_STRING; NULL: taken from uri */
	const char	*accept;	/* HTTP_ACCEPT, to offer HTML to browsers at / */
	const char	*accept_encoding; /* HTTP_ACCEPT_ENCODING: gzip when it allows */
	const char	*server_software; /* SERVER_SOFTWARE: Apache drops a sent file's encoding */
};

/* Write len bytes of the response; 0, or -1 when the client is gone. */
typedef int (*serve_write_fn)(void *wctx, const void *buf, size_t len);

struct serve_result {
	int			 status;	/* HTTP status sent */
	enum reqstats_path	 path;		/* the route, for the metrics */
	int			 write_failed;
};

/* -1 on out of memory. conf and stats must outlive ctx, which must not move. */
int	serve_init(struct serve_ctx *ctx, const struct serve_config *conf, struct reqstats *stats);
/*
 * Load the targets file or directory now, so the first request does not wait: 0, or -1
 * and err (logged already, as what the load found). In serve_load.c.
 */
int	serve_preload(struct serve_ctx *ctx, char *err, size_t errlen);
void	serve_fini(struct serve_ctx *ctx);
/* Answer req at time now (unix seconds) through write. */
struct serve_result serve_handle(struct serve_ctx *ctx, const struct serve_request *req,
	    double now, serve_write_fn write, void *wctx);
/* The route of a path relative to the mount ("/targets.json"), REQSTATS_OTHER if none. */
enum reqstats_path serve_route(const char *uri, const char *script_name);

#endif
