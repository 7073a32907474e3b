/*
 * serve.c: routing, methods, status lines and headers, and the answers of /targets.json,
 * /metrics, /health and / (their facts from serve_facts.c, the loaded versions borrowed
 * through serve_load.c). Errors are one-line JSON objects
 * {"error":"..."}. Every answer is fully known before its first byte is written, so it
 * carries a Content-Length (also for HEAD). A 200 answer goes gzip-compressed to a client
 * whose Accept-Encoding allows it (the bodies of /targets.json from pieces compressed once
 * per version, see gzipbody.h; the small others compressed as they are made) and says
 * Vary: Accept-Encoding to every client.
 */
#define _GNU_SOURCE	/* memrchr */
#include <json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "acceptenc.h"
#include "acceptmedia.h"
#include "jsonline.h"
#include "log.h"
#include "query.h"
#include "serve.h"
#include "serve_facts.h"
#include "serve_load.h"
#include "sdpath.h"
#include "statuspage.h"

#define CT_JSON		"application/json"	/* exactly: Prometheus 2.28 refused a charset */
#define CT_METRICS	"text/plain; version=0.0.4; charset=utf-8"
#define CT_HTML		"text/html; charset=utf-8"
#define URI_MAX		8192	/* longer request URIs are refused */
#define VARY		"Vary: Accept-Encoding\r\n"	/* on every 200: the coding depends on it */
#define CE_GZIP		"Content-Encoding: gzip\r\n"

struct writer {
	serve_write_fn	 fn;
	void		*ctx;
	int		 head;		/* HEAD: headers only */
	int		 failed;
	struct gzipbody	*gz;		/* the client takes gzip; NULL: identity only */
	int		 encoded;	/* the answer being written is gzip */
};

static void
put(struct writer *w, const void *p, size_t n)
{
	if (!w->failed && n > 0 && w->fn(w->ctx, p, n) < 0)
		w->failed = 1;
}

static const char *
reason(int status)
{
	switch (status) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

static void
headers(struct writer *w, int status, const char *ctype, size_t len, const char *extra)
{
	char h[512];
	int n;

	n = snprintf(h, sizeof(h), "Status: %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
	    "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n%s%s%s\r\n", status,
	    reason(status), ctype, len, status == 200 ? VARY : "", w->encoded ? CE_GZIP : "",
	    extra ? extra : "");
	if (n < 0 || (size_t)n >= sizeof(h)) {
		w->failed = 1;
		return;
	}
	put(w, h, (size_t)n);
}

/*
 * A whole response with its body in iov[0..n), made for this request: a 200 goes compressed
 * to a gzip client (as it is, should compression fail).
 */
static int
respond_iov(struct writer *w, int status, const char *ctype, const struct iovec *iov, size_t n,
    const char *extra)
{
	unsigned char *z = NULL;
	size_t len = 0;

	if (status == 200 && w->gz != NULL && gzipbody_deflate(w->gz, iov, n, &z, &len) == 0) {
		w->encoded = 1;
		headers(w, status, ctype, len, extra);
		if (!w->head)
			put(w, z, len);
		free(z);
		return status;
	}
	for (size_t i = 0; i < n; i++)
		len += iov[i].iov_len;
	headers(w, status, ctype, len, extra);
	for (size_t i = 0; i < n && !w->head; i++)
		put(w, iov[i].iov_base, iov[i].iov_len);
	return status;
}

/* A whole response with a body in one piece. */
static int
respond(struct writer *w, int status, const char *ctype, const char *body, size_t len,
    const char *extra)
{
	struct iovec iov = { (void *)(uintptr_t)body, len };	/* never written through */

	return respond_iov(w, status, ctype, &iov, 1, extra);
}

/* {"error":"MSG"}\n with MSG escaped (see jsonline.h). */
static int
error_json(struct writer *w, int status, const char *msg, const char *extra)
{
	static const char oom[] = "{\"error\":\"out of memory\"}\n";
	struct json_object *o = json_object_new_object();
	size_t len = 0;
	char *body = NULL;
	int rc;

	if (o != NULL) {
		json_object_object_add(o, "error", json_object_new_string(msg));
		body = jsonline_format(o, &len);
	}
	json_object_put(o);
	if (body == NULL)
		return respond(w, status, CT_JSON, oom, sizeof(oom) - 1, extra);
	rc = respond(w, status, CT_JSON, body, len, extra);
	free(body);
	return rc;
}

/* The path of uri (before '?') relative to the mount point; points into uri. */
static const char *
relative_path(const char *uri, size_t *len, const char *script_name)
{
	size_t plen = strcspn(uri, "?"), slen = script_name ? strlen(script_name) : 0;
	const char *slash;

	/* mounted at a prefix (lighttpd "/sd", Apache ScriptAlias, nginx split_path_info) */
	if (slen > 0 && slen < plen && strncmp(uri, script_name, slen) == 0 && uri[slen] == '/' &&
	    script_name[slen - 1] != '/') {
		*len = plen - slen;
		return uri + slen;
	}
	if (slen > 0 && slen == plen && strncmp(uri, script_name, slen) == 0) {
		/* SCRIPT_NAME is the whole path: a prefix mount asked without its slash
		 * ("/sd"), or a server that puts the whole URI there (nginx without split,
		 * lighttpd mounted at "/"): a /targets/ path, or the last segment, decides */
		const char *t = memmem(uri, plen, "/targets/", 9);

		if (t != NULL) {
			*len = plen - (size_t)(t - uri);
			return t;
		}
		slash = memrchr(uri, '/', plen);
		if (slash != NULL) {
			*len = plen - (size_t)(slash - uri);
			if (serve_route(slash, NULL) != REQSTATS_OTHER || *len == 1)
				return slash;
		}
		*len = 1;
		return "/";
	}
	*len = plen;
	return uri;
}

enum reqstats_path
serve_route(const char *uri, const char *script_name)
{
	static const struct {
		const char		*path;
		enum reqstats_path	 route;
	} routes[] = {
		{ "/", REQSTATS_ROOT }, { "", REQSTATS_ROOT },
		{ "/targets.json", REQSTATS_TARGETS }, { "/health", REQSTATS_HEALTH },
		{ "/metrics", REQSTATS_METRICS },
	};
	size_t len;
	const char *p;

	if (script_name == NULL) {
		len = strcspn(uri, "?");
		p = uri;
	} else {
		p = relative_path(uri, &len, script_name);
	}
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strlen(routes[i].path) == len && strncmp(p, routes[i].path, len) == 0)
			return routes[i].route;
	/* /targets and /targets/<path>: the directory's paths (404 without -targets-dir) */
	if (len >= 8 && strncmp(p, "/targets", 8) == 0 && (len == 8 || p[8] == '/'))
		return REQSTATS_TARGETS;
	return REQSTATS_OTHER;
}

/*
 * Answer with the body as a file the web server sends (X-Sendfile, X-Accel-Redirect): 1, or
 * 0 to answer in-band (the cache failed, or a body too rare to keep as a file).
 */
static int
offload(struct serve_ctx *ctx, const struct query *q, const struct iovec *iov, size_t n,
    size_t len, double now, const struct targetset_key *key, const char *prefix,
    struct writer *w)
{
	const struct serve_config *conf = ctx->conf;
	char body[96], name[BODYCACHE_NAME_MAX], err[700], h[900];
	size_t o, dlen = strlen(conf->cache_dir);
	int m;

	m = snprintf(body, sizeof(body), "%s", prefix);
	if (m < 0 || (size_t)m >= sizeof(body))
		return 0;
	o = (size_t)m;
	if (!q->has_ports) {
		snprintf(body + o, sizeof(body) - o, "all");
	} else {
		for (size_t i = 0; i < q->nports; i++) {
			m = snprintf(body + o, sizeof(body) - o, "%s%u", i ? "_" : "p",
			    (unsigned)q->ports[i]);
			if (m < 0 || (size_t)m >= sizeof(body) - o)
				return 0;
			o += (size_t)m;
		}
	}
	/* the gzip body is a file of its own beside the plain one */
	o = strlen(body);
	m = snprintf(body + o, sizeof(body) - o, "%s", w->encoded ? ".json.gz" : ".json");
	if (m < 0 || (size_t)m >= sizeof(body) - o)
		return 0;
	/* called after a successful load: the key is that of the set being answered */
	if (bodycache_file(&ctx->bodies, key, body, iov, n, len, now,
	    name, sizeof(name), err, sizeof(err)) == NULL) {
		if (err[0])
			log_warn("%s; answering in-band for %.0f s", err, BODYCACHE_RETRY_S);
		return 0;
	}
	if (conf->sendfile == SERVE_SENDFILE_XACCEL)
		m = snprintf(h, sizeof(h), "X-Accel-Redirect: %s%s", conf->sendfile_prefix, name);
	else
		m = snprintf(h, sizeof(h), "X-Sendfile: %s%s%s", conf->cache_dir,
		    dlen && conf->cache_dir[dlen - 1] == '/' ? "" : "/", name);
	if (m < 0 || (size_t)m >= sizeof(h))
		return 0;
	o = (size_t)m;
	/* no Content-Length: the web server takes it from the file */
	m = snprintf(h + o, sizeof(h) - o, "\r\nStatus: 200 OK\r\nContent-Type: " CT_JSON
	    "\r\nCache-Control: no-store\r\n" VARY "%s\r\n", w->encoded ? CE_GZIP : "");
	if (m < 0 || (size_t)m >= sizeof(h) - o)
		return 0;
	put(w, h, o + (size_t)m);
	return 1;
}

/*
 * 1 when the web server would send a file without the Content-Encoding of the answer:
 * Apache's mod_xsendfile (0.12, Debian's) removes it from every answer it sends a file for.
 */
static int
drops_encoding(const struct serve_config *conf, const struct serve_request *req)
{
	return conf->sendfile == SERVE_SENDFILE_XSENDFILE && req->server_software != NULL &&
	    strncmp(req->server_software, "Apache", 6) == 0;
}

/* The set a request for targets is answered from, and how to name its version. */
struct answer {
	const struct targetset	*ts;
	const struct sourcetree	*tree;		/* -targets-dir: the path's tree and path */
	const struct sourcetree_path *path;
	const void		*version;	/* for gzipbody: what the ranges belong to */
	unsigned long		 gen;		/* and its generation */
	const struct targetset_key *key;	/* for bodycache */
	char			 prefix[16];	/* of body file names: "" or "dHASH_" */
};

/* "N broken sources in this path: a.json:3: ...; ..." (the first three). */
static void
broken_message(const struct sourcetree *t, const struct sourcetree_path *p, char *msg,
    size_t len)
{
	size_t o, shown = 0;
	int m;

	m = snprintf(msg, len, "%zu broken source%s in this path, so no list (Prometheus keeps "
	    "its last one): ", p->nbroken, p->nbroken == 1 ? "" : "s");
	o = m < 0 ? 0 : (size_t)m < len ? (size_t)m : len - 1;
	for (size_t i = p->first; i < p->first + p->n && shown < 3 && o + 1 < len; i++) {
		if (t->src[i].set != NULL)
			continue;
		m = snprintf(msg + o, len - o, "%s%s", shown++ ? "; " : "", t->src[i].err);
		o = m < 0 ? o : o + (size_t)m < len ? o + (size_t)m : len - 1;
	}
}

/*
 * The directory path rel[0..rlen) ("/targets.json", "/targets/sub/a") into *a: 0, or the
 * status of the error answered. label gets the path's metrics label ("" when none).
 */
static int
dir_answer(struct serve_ctx *ctx, const char *rel, size_t rlen, struct writer *w,
    struct answer *a, char *label, size_t labellen)
{
	char key[SDPATH_MAX + 1], err[SOURCETREE_ERR_MAX + 100], msg[2400];
	const struct sourcetree_path *p;
	const struct sourcetree *t;

	label[0] = '\0';
	if (rlen == 13 && strncmp(rel, "/targets.json", 13) == 0)
		key[0] = '\0';
	else if (sdpath_parse(rel + 8, rlen - 8, key, sizeof(key), err, sizeof(err)) < 0)
		return error_json(w, 404, err, NULL);
	if (serve_load_get(ctx, 0, msg, sizeof(msg)) < 0)
		return error_json(w, 503, msg, "Retry-After: 30\r\n");
	t = ctx->view.set;
	if ((p = sourcetree_find(t, key)) == NULL) {
		snprintf(msg, sizeof(msg), "no such target path '%.*s' in the targets directory",
		    (int)(rlen > 200 ? 200 : rlen), rel);
		return error_json(w, 404, msg, NULL);
	}
	snprintf(label, labellen, "%s%s", p->key[0] ? "/targets/" : "/targets.json", p->key);
	if (p->set == NULL) {
		/* never [] and never a partial list: Prometheus keeps its list on a 5xx */
		broken_message(t, p, msg, sizeof(msg));
		return error_json(w, 503, msg, "Retry-After: 30\r\n");
	}
	a->ts = p->set;
	a->tree = t;
	a->path = p;
	/* one gzip cache for every path of the tree: alternating paths recompress nothing */
	a->version = t;
	a->gen = ctx->view.generation;
	a->key = &t->version;
	if (p->key[0])
		snprintf(a->prefix, sizeof(a->prefix), "d%08x_", (unsigned)p->id);
	return 0;
}

/* The body of a ?network= query into b: from the file's set, or the path's sources. */
static int
filtered_body(const struct answer *a, const struct query *q, struct strbuf *b)
{
	if (a->path == NULL)
		return targetset_filter(a->ts, q, b);
	return sourcetree_filter(a->tree, a->path, q, b);
}

/* Answer from a (its set borrowed until the caller lets go of it): 200, or an error's status. */
static int
answer_targets(struct serve_ctx *ctx, const struct serve_request *req, const struct answer *a,
    const struct query *q, struct iovec *iov, double now, struct writer *w)
{
	const struct iovec *body, *zbody;
	size_t n, len, zn, zlen;

	if (q->nnets > 0) {
		/* rendered for this request: compressed for it too, never offloaded */
		if (filtered_body(a, q, &ctx->fbuf) < 0)
			return error_json(w, 500, "out of memory", NULL);
		return respond(w, 200, CT_JSON, ctx->fbuf.p, ctx->fbuf.len, NULL);
	}
	n = targetset_body(a->ts, q, iov, &len);
	body = iov;
	if (w->gz != NULL) {
		/* pieces compressed once per loaded set: gen names the version */
		gzipbody_use(w->gz, a->version, a->gen);
		if ((zbody = gzipbody_encode(w->gz, iov, n, &zn, &zlen)) != NULL) {
			body = zbody;
			n = zn;
			len = zlen;
			w->encoded = 1;
		} else {
			log_warn("out of memory compressing a body; answering it uncompressed");
		}
	}
	if (ctx->conf->sendfile != SERVE_SENDFILE_OFF && !w->head &&
	    !(w->encoded && drops_encoding(ctx->conf, req)) &&
	    offload(ctx, q, body, n, len, now, a->key, a->prefix, w))
		return 200;
	headers(w, 200, CT_JSON, len, NULL);
	if (!w->head)
		for (size_t i = 0; i < n; i++)
			put(w, body[i].iov_base, body[i].iov_len);
	return 200;
}

static int
handle_targets(struct serve_ctx *ctx, const struct serve_request *req, double now,
    struct writer *w, char *label, size_t labellen)
{
	struct iovec *iov = ctx->iov;
	struct query *q = &ctx->query;
	struct targetset_key key;
	struct answer a;
	const char *qs = req->query, *rel;
	char err[700], msg[800];
	size_t rlen;
	int rc;

	memset(&a, 0, sizeof(a));
	label[0] = '\0';
	if (qs == NULL) {
		qs = strchr(req->uri, '?');
		qs = qs ? qs + 1 : "";
	}
	rel = relative_path(req->uri, &rlen, req->script_name);
	if (!ctx->dirmode && !(rlen == 13 && strncmp(rel, "/targets.json", 13) == 0))
		return error_json(w, 404, "no such endpoint (try /, /targets.json, /health, "
		    "/metrics; /targets/PATH needs -targets-dir)", NULL);
	if (query_parse(qs, strlen(qs), q, err, sizeof(err)) < 0)
		return error_json(w, 400, err, NULL);
	if (ctx->dirmode) {
		rc = dir_answer(ctx, rel, rlen, w, &a, label, labellen);
	} else if (serve_load_get(ctx, 0, msg, sizeof(msg)) < 0) {
		/* never [] and never a partial list: Prometheus keeps its list on a 5xx */
		rc = error_json(w, 503, msg, "Retry-After: 30\r\n");
	} else {
		a.ts = ctx->view.set;
		memcpy(&key, ctx->view.version, sizeof(key));
		a.key = &key;
		a.version = a.ts;
		a.gen = ctx->view.generation;
		snprintf(label, labellen, "/targets.json");
		rc = 0;
	}
	if (rc == 0)
		rc = answer_targets(ctx, req, &a, q, iov, now, w);
	serve_load_put(ctx);
	return rc;
}

static int
handle_health(struct serve_ctx *ctx, struct writer *w, double now)
{
	struct statuspage_facts f;
	struct statuspage_path path, *tpaths;
	struct statuspage_source src, *tsrcs;
	char (*tnames)[80];
	const struct targetset *ts;
	char err[700], *body;
	size_t blen = 0;
	int code, rc;

	memset(&f, 0, sizeof(f));
	code = serve_facts_health(ctx, now, &f, &ts, err, sizeof(err));
	/* with -targets-dir, /health names the broken sources */
	rc = serve_facts_served(ctx, ts, err, &f, &path, &src, &tpaths, &tsrcs, &tnames);
	if (rc == 0)
		rc = statuspage_health_json(&f, &body, &blen);
	serve_load_put(ctx);
	free(tpaths);
	free(tsrcs);
	free(tnames);
	if (rc < 0)
		return error_json(w, 500, "out of memory", NULL);
	respond(w, code, CT_JSON, body, blen, NULL);
	free(body);
	return code;
}

/* reqstats_exists_fn: the target path labels that exist now. */
static int
target_label_exists(void *vctx, const char *label)
{
	struct serve_ctx *ctx = vctx;

	if (strcmp(label, "/targets.json") == 0)
		return 1;
	if (!ctx->dirmode || !ctx->borrowed || ctx->view.set == NULL ||
	    strncmp(label, "/targets/", 9) != 0)
		return 0;
	return sourcetree_find(ctx->view.set, label + 9) != NULL;
}

static int
handle_metrics(struct serve_ctx *ctx, struct writer *w)
{
	char err[700], *own = NULL, *paths = NULL, *sources = NULL;
	size_t ownlen = 0, pathslen = 0, sourceslen = 0;
	struct iovec iov[4];
	int rc = 200;

	if (lastscan_cache_refresh(&ctx->lastscan, err, sizeof(err)) == 0 && err[0])
		log_warn("%s", err);
	if (ctx->dirmode)	/* fresh counts; a 503's reason is /health's to say */
		(void)serve_load_get(ctx, 1, err, sizeof(err));
	if (reqstats_format(ctx->stats, &own, &ownlen) < 0 ||
	    reqstats_format_targets(ctx->stats, target_label_exists, ctx, &paths, &pathslen) < 0 ||
	    (ctx->dirmode && sourcecache_format(ctx->borrowed ? ctx->view.set : NULL,
	    ctx->view.generation, ctx->view.last_cost, &sources, &sourceslen) < 0)) {
		rc = error_json(w, 500, "out of memory", NULL);
		goto out;
	}
	iov[0].iov_base = ctx->lastscan.text;
	iov[0].iov_len = ctx->lastscan.textlen;
	iov[1].iov_base = own;
	iov[1].iov_len = ownlen;
	iov[2].iov_base = paths;
	iov[2].iov_len = pathslen;
	iov[3].iov_base = sources;
	iov[3].iov_len = sourceslen;
	respond_iov(w, 200, CT_METRICS, iov, 4, NULL);
out:
	serve_load_put(ctx);
	free(own);
	free(paths);
	free(sources);
	return rc;
}

/* The page may style itself and nothing else: no script, no frame, no request elsewhere. */
#define CSP	"Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n"


/* The JSON of / (*page, *len: replaced) with "paths" and "sources" of the tree t. */
static int
with_tree_json(const struct sourcetree *t, double now, char **page, size_t *len)
{
	struct json_object *o = json_tokener_parse(*page), *tj, *v;
	char *body = NULL;
	size_t blen = 0;

	if (o != NULL && (tj = sourcetree_json(t, now)) != NULL) {
		if (json_object_object_get_ex(tj, "paths", &v))
			json_object_object_add(o, "paths", json_object_get(v));
		if (json_object_object_get_ex(tj, "sources", &v))
			json_object_object_add(o, "sources", json_object_get(v));
		json_object_put(tj);
		body = jsonline_format(o, &blen);
	}
	json_object_put(o);
	if (body == NULL)
		return -1;
	free(*page);
	*page = body;
	*len = blen;
	return 0;
}

/*
 * The index: the HTML status page for a client that prefers text/html (acceptmedia.h),
 * else the same facts as JSON. Both link to the endpoints under the mount point.
 */
static int
handle_root(struct serve_ctx *ctx, const struct serve_request *req, double now,
    struct writer *w)
{
	struct statuspage_facts f;
	struct statuspage_port *ports = NULL;
	struct statuspage_path path;
	struct statuspage_source src;
	struct statuspage_path *tpaths;
	struct statuspage_source *tsrcs;
	char (*tnames)[80];
	const struct targetset *ts;
	char err[700], *page = NULL;
	size_t rlen, plen = strcspn(req->uri, "?"), blen, len = 0;
	const char *rel = relative_path(req->uri, &rlen, req->script_name);
	int html = req->accept && acceptmedia_html(req->accept, strlen(req->accept)), rc;
	long nports = 0;

	memset(&f, 0, sizeof(f));
	/* the mount point: what precedes the relative path, or the whole path ("/sd") */
	blen = rel >= req->uri && rel <= req->uri + plen ? (size_t)(rel - req->uri) : plen;
	while (blen > 0 && req->uri[blen - 1] == '/')
		blen--;
	f.version = SD_VERSION;
	f.mount.p = req->uri;
	f.mount.n = blen;
	serve_facts_health(ctx, now, &f, &ts, err, sizeof(err));
	if (ts != NULL && (nports = serve_facts_ports(ts, &ports)) < 0) {
		serve_load_put(ctx);
		return error_json(w, 500, "out of memory", NULL);
	}
	f.ports = ports;
	f.nports = (size_t)nports;
	rc = serve_facts_served(ctx, ts, err, &f, &path, &src, &tpaths, &tsrcs, &tnames);
	if (rc == 0)
		rc = html ? statuspage_html(&f, &page, &len) : statuspage_json(&f, &page, &len);
	/* with a tree, programs get its paths and sources as sourcetree_json lists them */
	if (rc == 0 && !html && ctx->dirmode && ctx->borrowed && ctx->view.set != NULL)
		rc = with_tree_json(ctx->view.set, now, &page, &len);
	serve_load_put(ctx);
	free(ports);
	free(tpaths);
	free(tsrcs);
	free(tnames);
	if (rc < 0)
		return error_json(w, 500, "out of memory", NULL);
	rc = html ? respond(w, 200, CT_HTML, page, len, CSP) : respond(w, 200, CT_JSON, page, len,
	    NULL);
	free(page);
	return rc;
}

int
serve_init(struct serve_ctx *ctx, const struct serve_config *conf, struct reqstats *stats)
{
	struct loader_source src;

	memset(ctx, 0, sizeof(*ctx));
	ctx->conf = conf;
	ctx->stats = stats;
	gzipbody_init(&ctx->gz);
	/* the body cache first: it holds an fd, and serve_fini must not close fd 0 */
	ctx->dirmode = conf->targets_dir != NULL && *conf->targets_dir;
	if (bodycache_init(&ctx->bodies, conf->cache_dir ? conf->cache_dir : "",
	    ctx->dirmode ? conf->targets_dir : conf->output) < 0 ||
	    targetset_cache_init(&ctx->targets, conf->output) < 0 ||
	    (ctx->dirmode && sourcecache_init(&ctx->tree, conf->targets_dir) < 0) ||
	    lastscan_cache_init(&ctx->lastscan, conf->metrics_file) < 0) {
		serve_fini(ctx);
		return -1;
	}
	ctx->targets.keep_sets = 1;
	serve_load_source(ctx, &src);
	if (loader_init(&ctx->loader, &src) < 0) {
		serve_fini(ctx);
		return -1;
	}
	ctx->loader_ready = 1;
	return 0;
}

void
serve_fini(struct serve_ctx *ctx)
{
	if (ctx->loader_ready)
		loader_fini(&ctx->loader);	/* joins the thread and frees every set */
	ctx->loader_ready = 0;
	targetset_cache_fini(&ctx->targets);
	sourcecache_fini(&ctx->tree);
	free(ctx->fbuf.p);
	lastscan_cache_fini(&ctx->lastscan);
	bodycache_fini(&ctx->bodies);
	gzipbody_fini(&ctx->gz);
}

struct serve_result
serve_handle(struct serve_ctx *ctx, const struct serve_request *req, double now,
    serve_write_fn write, void *wctx)
{
	struct writer w = { write, wctx, 0, 0, NULL, 0 };
	struct serve_result r = { 0, REQSTATS_OTHER, 0 };
	struct serve_request rq = *req;
	unsigned long compressions = ctx->gz.compressions;
	char label[REQSTATS_LABEL_MAX];

	if (rq.uri == NULL || rq.uri[0] == '\0')
		rq.uri = "/";
	if (rq.method == NULL)
		rq.method = "GET";
	w.head = strcmp(rq.method, "HEAD") == 0;
	if (rq.accept_encoding != NULL &&
	    acceptenc_gzip(rq.accept_encoding, strlen(rq.accept_encoding)))
		w.gz = &ctx->gz;
	if (strlen(rq.uri) > URI_MAX) {
		r.status = error_json(&w, 400, "request URI too long", NULL);
		goto out;
	}
	r.path = serve_route(rq.uri, rq.script_name);
	if (r.path == REQSTATS_OTHER) {
		r.status = error_json(&w, 404, "no such endpoint (try /, /targets.json, /health, "
		    "/metrics)", NULL);
		goto out;
	}
	if (strcmp(rq.method, "GET") != 0 && !w.head) {
		r.status = error_json(&w, 405, "method not allowed (GET or HEAD)",
		    "Allow: GET, HEAD\r\n");
		goto out;
	}
	switch (r.path) {
	case REQSTATS_TARGETS:
		r.status = handle_targets(ctx, &rq, now, &w, label, sizeof(label));
		/* per target path: only paths that exist get a label of their own */
		reqstats_record_target(ctx->stats, label, r.status);
		break;
	case REQSTATS_HEALTH:
		r.status = handle_health(ctx, &w, now);
		break;
	case REQSTATS_METRICS:
		r.status = handle_metrics(ctx, &w);
		break;
	default:
		r.status = handle_root(ctx, &rq, now, &w);
		break;
	}
out:
	if (w.encoded)
		reqstats_count_gzip(ctx->stats, r.path, ctx->gz.compressions - compressions);
	r.write_failed = w.failed;
	return r;
}
