/*
 * serve.c: routing, methods, status lines and the bodies of /targets.json and /metrics; the
 * facts of / and /health, which statuspage.h renders. Errors are one-line JSON objects
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
		 * lighttpd mounted at "/"): the last segment decides */
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
	return REQSTATS_OTHER;
}

/*
 * Answer with the body as a file the web server sends (X-Sendfile, X-Accel-Redirect): 1, or
 * 0 to answer in-band (the cache failed, or a body too rare to keep as a file).
 */
static int
offload(struct serve_ctx *ctx, const struct targetset_key *key, const struct query *q,
    const struct iovec *iov, size_t n, size_t len, double now, struct writer *w)
{
	const struct serve_config *conf = ctx->conf;
	char body[64], name[BODYCACHE_NAME_MAX], err[700], h[900];
	size_t o = 0, dlen = strlen(conf->cache_dir);
	int m;

	if (!q->has_ports) {
		snprintf(body, sizeof(body), "all");
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
	/* key: the version of the set being answered */
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

/* The loader's view of the targets file, or -1 with the message of the 503 in msg. */
static int
targets_view(struct serve_ctx *ctx, struct loader_view *v, char *msg, size_t msglen)
{
	if (loader_get(&ctx->loader, v) == 0 && v->set != NULL)
		return 0;
	if (v->set == NULL && v->kind == LOADER_OK)
		v->kind = LOADER_MISSING;
	snprintf(msg, msglen, "%s%s", v->kind == LOADER_CORRUPT ?
	    "targets file is corrupt: " : "targets file is unavailable: ", v->err);
	return -1;
}

static int
handle_targets(struct serve_ctx *ctx, const struct serve_request *req, double now,
    struct writer *w)
{
	struct iovec *iov = ctx->iov;
	struct query *q = &ctx->query;
	struct loader_view v;
	struct targetset_key key;
	const struct targetset *ts;
	const char *qs = req->query;
	const struct iovec *body, *zbody;
	char err[700], msg[800];
	size_t n, len, zn, zlen;

	if (qs == NULL) {
		qs = strchr(req->uri, '?');
		qs = qs ? qs + 1 : "";
	}
	if (query_parse(qs, strlen(qs), q, err, sizeof(err)) < 0)
		return error_json(w, 400, err, NULL);
	if (targets_view(ctx, &v, msg, sizeof(msg)) < 0) {
		/* never [] and never a partial list: Prometheus keeps its list on a 5xx */
		if (v.kind == LOADER_MISSING || v.failures != ctx->failures_seen)
			log_warn("%s", msg);	/* a corrupt file once, not per request */
		ctx->failures_seen = v.failures;
		loader_put(&ctx->loader);
		return error_json(w, 503, msg, "Retry-After: 30\r\n");
	}
	ts = v.set;
	memcpy(&key, v.version, sizeof(key));
	n = targetset_body(ts, q, iov, &len);
	body = iov;
	if (w->gz != NULL) {
		/* pieces compressed once per loaded set: the generation names the version */
		gzipbody_use(w->gz, ts, v.generation);
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
	    offload(ctx, &key, q, body, n, len, now, w)) {
		loader_put(&ctx->loader);
		return 200;
	}
	headers(w, 200, CT_JSON, len, NULL);
	if (!w->head)
		for (size_t i = 0; i < n; i++)
			put(w, body[i].iov_base, body[i].iov_len);
	loader_put(&ctx->loader);
	return 200;
}

/*
 * What /health and / say about the last scan, into f (its scan and target fields): the
 * targets file's set in *ts (NULL, and err, when it cannot be loaded), borrowed from the
 * loader until the caller's loader_put. Returns the status /health answers with.
 */
static int
health_facts(struct serve_ctx *ctx, double now, struct statuspage_facts *f,
    const struct targetset **ts, char *err, size_t errlen)
{
	const struct lastscan_state *st = &ctx->lastscan.state;
	struct loader_view v;
	double completed = -1, last = -1;

	if (lastscan_cache_refresh(&ctx->lastscan, err, errlen) == 0 && err[0])
		log_warn("%s", err);
	err[0] = '\0';
	*ts = NULL;
	if (targets_view(ctx, &v, err, errlen) == 0)
		*ts = v.set;
	else	/* /health's error names the cause, without the 503's prefix */
		snprintf(err, errlen, "%s", v.err);
	if (st->has_end && st->end > 0)
		last = st->end;
	/* the last successful scan: the textfile says so, or the targets file was written */
	if (last > 0 && (!st->has_success || st->success == 1))
		completed = last;
	else if (*ts != NULL)
		completed = targetset_mtime(*ts);
	if (last < 0 && *ts != NULL)
		last = targetset_mtime(*ts);
	f->now = now;
	f->last_scan = last;
	f->has_duration = st->has_duration;
	f->duration = st->duration;
	f->has_success = st->has_success;
	f->success = st->success == 1;
	f->interval = st->has_interval && st->interval > 0 ? st->interval : ctx->conf->interval;
	f->max_age = ctx->conf->max_age;
	f->has_targets = *ts != NULL;
	f->targets = *ts ? targetset_targets(*ts) : 0;
	f->groups = *ts ? targetset_groups(*ts) : 0;
	f->error = *ts ? NULL : err;
	f->healthy = 0;
	if (*ts == NULL)
		f->health = "error";
	else if (completed < 0)
		f->health = "no scan yet";
	else if (now - completed > ctx->conf->max_age)
		f->health = "stale";
	else
		f->healthy = 1, f->health = "healthy";
	return f->healthy ? 200 : 503;
}

static int
handle_health(struct serve_ctx *ctx, struct writer *w, double now)
{
	struct statuspage_facts f;
	const struct targetset *ts;
	char err[700], *body;
	size_t blen = 0;
	int code, rc;

	memset(&f, 0, sizeof(f));
	code = health_facts(ctx, now, &f, &ts, err, sizeof(err));
	rc = statuspage_health_json(&f, &body, &blen);
	loader_put(&ctx->loader);
	if (rc < 0)
		return error_json(w, 500, "out of memory", NULL);
	respond(w, code, CT_JSON, body, blen, NULL);
	free(body);
	return code;
}

static int
handle_metrics(struct serve_ctx *ctx, struct writer *w)
{
	char err[700], *own = NULL;
	size_t ownlen = 0;
	struct iovec iov[2];

	if (lastscan_cache_refresh(&ctx->lastscan, err, sizeof(err)) == 0 && err[0])
		log_warn("%s", err);
	if (reqstats_format(ctx->stats, &own, &ownlen) < 0)
		return error_json(w, 500, "out of memory", NULL);
	iov[0].iov_base = ctx->lastscan.text;
	iov[0].iov_len = ctx->lastscan.textlen;
	iov[1].iov_base = own;
	iov[1].iov_len = ownlen;
	respond_iov(w, 200, CT_METRICS, iov, 2, NULL);
	free(own);
	return 200;
}

/* The page may style itself and nothing else: no script, no frame, no request elsewhere. */
#define CSP	"Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'\r\n"

/*
 * The ports of ts for the page, in *out (calloc'd, the caller frees; NULL for none):
 * returns how many, or -1 when out of memory. The examples are borrowed from ts.
 */
static long
port_facts(const struct targetset *ts, struct statuspage_port **out)
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

/*
 * The paths served and the sources read, into f through path and src (which must outlive
 * f): one path, /targets.json, made of one source, the -output file, loaded as ts (NULL:
 * not loaded, err says why).
 */
static void
served_facts(const struct serve_ctx *ctx, const struct targetset *ts, const char *err,
    struct statuspage_facts *f, struct statuspage_path *path, struct statuspage_source *src)
{
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
	health_facts(ctx, now, &f, &ts, err, sizeof(err));
	if (ts != NULL && (nports = port_facts(ts, &ports)) < 0) {
		loader_put(&ctx->loader);
		return error_json(w, 500, "out of memory", NULL);
	}
	f.ports = ports;
	f.nports = (size_t)nports;
	served_facts(ctx, ts, err, &f, &path, &src);
	rc = html ? statuspage_html(&f, &page, &len) : statuspage_json(&f, &page, &len);
	loader_put(&ctx->loader);
	free(ports);
	if (rc < 0)
		return error_json(w, 500, "out of memory", NULL);
	rc = html ? respond(w, 200, CT_HTML, page, len, CSP) : respond(w, 200, CT_JSON, page, len,
	    NULL);
	free(page);
	return rc;
}

/* The loader's source: the targets file through its cache, which the loader thread owns;
 * a version is the file's targetset_key. probe reads only the cache's path. */
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

static int
targets_load(void *arg, void **set, unsigned char *ver, enum loader_kind *kind, char *err,
    size_t errlen)
{
	struct targetset_cache *c = arg;
	unsigned long loads = c->loads;
	enum targetset_error k;

	if (targetset_cache_get(c, &k, err, errlen) == NULL) {
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

int
serve_preload(struct serve_ctx *ctx, char *err, size_t errlen)
{
	char msg[800];
	struct loader_view v;
	int rc = targets_view(ctx, &v, msg, sizeof(msg));

	loader_put(&ctx->loader);
	if (rc < 0)
		snprintf(err, errlen, "%s", v.err);
	ctx->failures_seen = v.failures;
	return rc;
}

int
serve_init(struct serve_ctx *ctx, const struct serve_config *conf, struct reqstats *stats)
{
	struct loader_source src = {
		targets_probe, targets_load, targets_free, &ctx->targets
	};

	memset(ctx, 0, sizeof(*ctx));
	ctx->conf = conf;
	ctx->stats = stats;
	gzipbody_init(&ctx->gz);
	/* the body cache first: it holds an fd, and serve_fini must not close fd 0 */
	if (bodycache_init(&ctx->bodies, conf->cache_dir ? conf->cache_dir : "", conf->output) < 0 ||
	    targetset_cache_init(&ctx->targets, conf->output) < 0 ||
	    lastscan_cache_init(&ctx->lastscan, conf->metrics_file) < 0) {
		serve_fini(ctx);
		return -1;
	}
	ctx->targets.keep_sets = 1;
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
		r.status = handle_targets(ctx, &rq, now, &w);
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
