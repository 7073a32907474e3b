/*
 * check_serve.c: routing relative to the mount, methods, statuses and /health's states,
 * with time injected (no sleeping) and the response captured in memory; gzip answers: every
 * path and filter inflates to the plain answer, Vary, HEAD, errors, refusals, send-file
 * names, and N requests compress each piece once per version; with -targets-dir, a tree
 * whose load is held (read(2) below) does not hold the requests answered meanwhile; a file
 * replaced at each of the loader's reads (read(2) below again): after a corrupt version
 * still 503, in a tree logged; which requests log a missing file (stderr captured); and a
 * file rewritten in place with its old size and mtime (only its ctime moves) reloaded; a
 * tree changed under requests answers whole versions, in order (run under TSan too).
 */
#include <check.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "clock.h"
#include "fileclock.h"
#include "serve.h"
#include "check_main.h"

static char dir[64], tpath[128], mpath[128], out[65536];
static size_t outlen;
static struct serve_config conf;
static struct serve_ctx ctx;
static struct reqstats *stats;

/* set: every read(2) of a thread other than the test's (the loader) waits until it is not */
static pthread_mutex_t hold_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t hold_cv = PTHREAD_COND_INITIALIZER;
static int hold;
static pthread_t test_thread;

/* set (under hold_mu): each read(2) of the loader first puts a new churn_path in place */
static char churn_path[200];
static const char *churn_text;
static int churned;

/* A new file of text renamed over path (a new inode each time). */
static void
replace_file(const char *path, const char *text)
{
	char tmp[260];
	const char *slash = strrchr(path, '/');
	int fd;

	snprintf(tmp, sizeof(tmp), "%.*s/.churn.tmp", (int)(slash - path), path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
		abort();
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text) || close(fd) != 0 ||
	    rename(tmp, path) != 0)
		abort();
}

ssize_t read(int fd, void *buf, size_t n);

ssize_t
read(int fd, void *buf, size_t n)
{
	pthread_mutex_lock(&hold_mu);
	while (hold && !pthread_equal(pthread_self(), test_thread))
		pthread_cond_wait(&hold_cv, &hold_mu);
	if (churn_path[0] && !pthread_equal(pthread_self(), test_thread)) {
		replace_file(churn_path, churn_text);
		churned++;
	}
	pthread_mutex_unlock(&hold_mu);
	return syscall(SYS_read, fd, buf, n);
}

/* path NULL: no more churn. Returns how many replacements were made so far. */
static int
set_churn(const char *path, const char *text)
{
	int n;

	pthread_mutex_lock(&hold_mu);
	snprintf(churn_path, sizeof(churn_path), "%s", path ? path : "");
	churn_text = text;
	n = churned;
	pthread_mutex_unlock(&hold_mu);
	return n;
}

/* stderr (the log) into a file until log_captured, which returns it (malloc'd) */
static int saved_stderr = -1;
static char logpath[160];

static void
log_capture(void)
{
	int fd;

	snprintf(logpath, sizeof(logpath), "%s/log", dir);
	fflush(stderr);
	ck_assert_int_ge(saved_stderr = dup(2), 0);
	ck_assert_int_ge(fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC,
	    0644), 0);
	ck_assert_int_eq(dup2(fd, 2), 2);
	close(fd);
}

static char *
log_captured(void)
{
	char *s = calloc(1, 65536);
	int fd;

	fflush(stderr);
	ck_assert_int_eq(dup2(saved_stderr, 2), 2);
	close(saved_stderr);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_ge(fd = open(logpath, O_RDONLY | O_CLOEXEC), 0);
	ck_assert_int_ge(syscall(SYS_read, fd, s, 65535), 0);
	close(fd);
	unlink(logpath);
	fputs(s, stderr);	/* still seen in the test's output */
	return s;
}

static void
set_hold(int on)
{
	pthread_mutex_lock(&hold_mu);
	hold = on;
	pthread_cond_broadcast(&hold_cv);
	pthread_mutex_unlock(&hold_mu);
}

static int
capture(void *wctx, const void *buf, size_t len)
{
	(void)wctx;
	ck_assert_uint_lt(outlen + len, sizeof(out));
	memcpy(out + outlen, buf, len);
	outlen += len;
	out[outlen] = '\0';
	return 0;
}

static void
put(const char *path, const char *s)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(s, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

static void
setup(void)
{
	char err[256];

	snprintf(dir, sizeof(dir), "/tmp/check_serve.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(tpath, sizeof(tpath), "%s/targets.json", dir);
	snprintf(mpath, sizeof(mpath), "%s/sd-scan.prom", dir);
	memset(&conf, 0, sizeof(conf));
	conf.output = tpath;
	conf.metrics_file = mpath;
	conf.interval = 300;
	conf.max_age = 900;
	stats = reqstats_open(NULL, err, sizeof(err));
	ck_assert_int_eq(serve_init(&ctx, &conf, stats), 0);
}

static void
teardown(void)
{
	serve_fini(&ctx);
	reqstats_close(stats);
	unlink(tpath);
	unlink(mpath);
	rmdir(dir);
}

static int
req(const char *method, const char *uri, const char *script, double now)
{
	struct serve_request r = { method, uri, script, NULL, NULL, NULL, NULL };
	struct serve_result res;

	outlen = 0;
	out[0] = '\0';
	res = serve_handle(&ctx, &r, now, capture, NULL);
	ck_assert_int_eq(res.write_failed, 0);
	return res.status;
}

static const char *
body(void)
{
	const char *b = strstr(out, "\r\n\r\n");

	ck_assert_ptr_nonnull(b);
	return b + 4;
}

START_TEST(routes)
{
	ck_assert_int_eq(serve_route("/sd/targets.json?port=1", "/sd"), REQSTATS_TARGETS);
	ck_assert_int_eq(serve_route("/sd/health", "/sd"), REQSTATS_HEALTH);
	ck_assert_int_eq(serve_route("/sd/metrics", "/sd"), REQSTATS_METRICS);
	ck_assert_int_eq(serve_route("/sd/", "/sd"), REQSTATS_ROOT);
	ck_assert_int_eq(serve_route("/sd", "/sd"), REQSTATS_ROOT);
	ck_assert_int_eq(serve_route("/sd/x", "/sd"), REQSTATS_OTHER);
	ck_assert_int_eq(serve_route("/sd/x/health", "/sd"), REQSTATS_OTHER);
	ck_assert_int_eq(serve_route("/sdx/health", "/sd"), REQSTATS_OTHER);
	ck_assert_int_eq(serve_route("/targets.json", ""), REQSTATS_TARGETS);
	/* mounted at / with lighttpd's fix-root-scriptname: SCRIPT_NAME "", a typo is 404 */
	ck_assert_int_eq(serve_route("/target.json", ""), REQSTATS_OTHER);
	ck_assert_int_eq(serve_route("/targets.json", NULL), REQSTATS_TARGETS);
	ck_assert_int_eq(serve_route("/", ""), REQSTATS_ROOT);
	/* SCRIPT_NAME is the whole path (nginx without split, lighttpd mounted at /) */
	ck_assert_int_eq(serve_route("/sd/targets.json", "/sd/targets.json"), REQSTATS_TARGETS);
	ck_assert_int_eq(serve_route("/targets.json", "/targets.json"), REQSTATS_TARGETS);
	ck_assert_int_eq(serve_route("/sd/foo", "/sd/foo"), REQSTATS_ROOT);
}
END_TEST

START_TEST(targets_and_errors)
{
	ck_assert_int_eq(req("GET", "/sd/targets.json", "/sd", 1e9), 503);
	ck_assert_ptr_nonnull(strstr(body(), "{\"error\":\"targets file is unavailable: targets file "));
	put(tpath, "[{\"targets\":[\"a:9100\",\"a:8080\"]}]\n");
	ck_assert_int_eq(req("GET", "/sd/targets.json?port=9100", "/sd", 1e9), 200);
	ck_assert_ptr_nonnull(strstr(out, "Content-Type: application/json\r\n"));
	ck_assert_str_eq(body(), "[\n{\"targets\":[\"a:9100\"],\"labels\":{}}\n]\n");
	ck_assert_int_eq(req("HEAD", "/sd/targets.json?port=9100", "/sd", 1e9), 200);
	ck_assert_str_eq(body(), "");
	ck_assert_ptr_nonnull(strstr(out, "Content-Length: 39\r\n"));
	ck_assert_int_eq(req("GET", "/sd/targets.json?port=1", "/sd", 1e9), 200);
	ck_assert_str_eq(body(), "[]\n");
	ck_assert_int_eq(req("GET", "/sd/targets.json?port=abc", "/sd", 1e9), 400);
	ck_assert_str_eq(body(),
	    "{\"error\":\"bad port 'abc': expected a number from 1 to 65535\"}\n");
	ck_assert_int_eq(req("POST", "/sd/targets.json", "/sd", 1e9), 405);
	ck_assert_ptr_nonnull(strstr(out, "Allow: GET, HEAD\r\n"));
	ck_assert_int_eq(req("GET", "/sd/nope", "/sd", 1e9), 404);
	put(tpath, "[{\"targets\":[\"a:9100\"],\"labels\":{\"a-b\":\"x\"}}]\n");
	ck_assert_int_eq(req("GET", "/sd/targets.json", "/sd", 1e9), 503);
	ck_assert_str_eq(body(), "{\"error\":\"targets file is corrupt: group 1: label name 'a-b' "
	    "is not [a-zA-Z_][a-zA-Z0-9_]*\"}\n");
}
END_TEST

START_TEST(health_states)
{
	ck_assert_int_eq(req("GET", "/health", "", 1e9), 503);
	ck_assert_ptr_nonnull(strstr(body(), "\"status\":\"error\""));
	put(tpath, "[{\"targets\":[\"a:9100\",\"b:9100\"]}]\n");
	/* no textfile: the targets file's mtime is the last scan */
	ck_assert_int_eq(req("GET", "/health", "", (double)time(NULL) + 60), 200);
	ck_assert_ptr_nonnull(strstr(body(), "\"status\":\"healthy\""));
	ck_assert_ptr_nonnull(strstr(body(), "\"targets_count\":2"));
	ck_assert_int_eq(req("GET", "/health", "", (double)time(NULL) + 1000), 503);
	ck_assert_ptr_nonnull(strstr(body(), "\"status\":\"stale\""));

	put(mpath, "scanner_last_scan_end_timestamp_seconds 1700000000\n"
	    "scanner_last_scan_success 1\nscanner_last_scan_duration_seconds 194\n"
	    "scanner_scan_interval_seconds 300\n");
	ck_assert_int_eq(req("GET", "/health", "", 1700000150.5), 200);
	ck_assert_str_eq(body(), "{\"status\":\"healthy\",\"last_scan\":\"2023-11-14T22:13:20Z\","
	    "\"last_scan_ago\":\"2m30s\",\"last_scan_duration\":\"3m14s\","
	    "\"last_scan_success\":true,\"scan_interval\":\"5m0s\",\"max_age\":\"15m0s\","
	    "\"targets_count\":2}\n");
	ck_assert_int_eq(req("GET", "/health", "", 1700000901), 503);
	ck_assert_ptr_nonnull(strstr(body(), "\"status\":\"stale\""));
}
END_TEST

START_TEST(metrics_are_one_exposition)
{
	put(mpath, "# TYPE scanner_scans_total counter\nscanner_scans_total 4\n"
	    "scanner_http_requests_total{path=\"/\",status=\"200\"} 99\n");
	ck_assert_int_eq(req("GET", "/health", "", 1e9), 503);
	ck_assert_int_eq(req("GET", "/metrics", "", 1e9), 200);
	ck_assert_ptr_nonnull(strstr(out, "Content-Type: text/plain; version=0.0.4; charset=utf-8"));
	ck_assert_ptr_eq(strstr(body(), "# TYPE scanner_scans_total counter\nscanner_scans_total 4\n"
	    "# HELP scanner_http_requests_total"), body());
	ck_assert_ptr_null(strstr(body(), "} 99\n"));
}
END_TEST

static int
req_accept(const char *uri, const char *script, const char *accept)
{
	struct serve_request r = { "GET", uri, script, NULL, accept, NULL, NULL };

	outlen = 0;
	out[0] = '\0';
	return serve_handle(&ctx, &r, 1700000150, capture, NULL).status;
}

START_TEST(root)
{
	ck_assert_int_eq(req("GET", "/sd/", "/sd", 1e9), 200);
	ck_assert_ptr_nonnull(strstr(body(), "\"name\":\"sd-serve\""));
	ck_assert_ptr_nonnull(strstr(out, "Content-Type: application/json\r\n"));
	ck_assert_int_eq(req_accept("/sd/", "/sd", "text/html,*/*"), 200);
	ck_assert_ptr_nonnull(strstr(out, "Content-Type: text/html; charset=utf-8\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "\r\nContent-Security-Policy: default-src 'none'; "
	    "style-src 'unsafe-inline'\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "\r\nX-Content-Type-Options: nosniff\r\n"));
	ck_assert_ptr_nonnull(strstr(body(), "<a href=\"/sd/targets.json\">"));
	ck_assert_int_eq(req_accept("/a<b/", "/a<b", "text/html"), 200);
	ck_assert_ptr_nonnull(strstr(body(), "<a href=\"/a&lt;b/targets.json\">"));
	/* programs: no Accept, any type, JSON first or text/html refused */
	ck_assert_int_eq(req_accept("/sd/", "/sd", "*/*"), 200);
	ck_assert_ptr_eq(strstr(body(), "{\"name\":\"sd-serve\""), body());
	ck_assert_int_eq(req_accept("/sd/", "/sd", "application/json, text/html"), 200);
	ck_assert_ptr_eq(strstr(body(), "{\"name\""), body());
	ck_assert_int_eq(req_accept("/sd/", "/sd", "text/html;q=0, */*"), 200);
	ck_assert_ptr_eq(strstr(body(), "{\"name\""), body());
	ck_assert_ptr_null(strstr(out, "Content-Security-Policy"));
}
END_TEST

/* The page shows what the targets file holds: counts per port, the source, the health. */
START_TEST(root_shows_the_targets)
{
	put(tpath, "[\n{\"targets\":[\"a:9100\",\"<b>:9100\"],\"labels\":{}},\n"
	    "{\"targets\":[\"c:8080\"],\"labels\":{}}\n]\n");
	ck_assert_int_eq(req_accept("/", "", "text/html"), 200);
	ck_assert_ptr_nonnull(strstr(body(), "<tr><td class=\"num\">9100</td><td class=\"num\">2"
	    "</td><td><a href=\"/targets.json?port=9100\">"));
	ck_assert_ptr_nonnull(strstr(body(), ">a:9100, &lt;b&gt;:9100</td>"));
	ck_assert_ptr_nonnull(strstr(body(), "<td id=\"targets\">3</td>"));
	ck_assert_ptr_nonnull(strstr(body(), tpath));
	ck_assert_ptr_null(strstr(body(), "<b>"));
	ck_assert_int_eq(req_accept("/", "", NULL), 200);
	ck_assert_ptr_nonnull(strstr(body(), "\"targets\":3,"));
	ck_assert_ptr_nonnull(strstr(body(), "{\"port\":9100,\"targets\":2,\"url\":"
	    "\"/targets.json?port=9100\"}"));
	/* a corrupt file: the page says why, and still answers 200 */
	put(tpath, "[{\"targets\":[\"a:1\"],\"labels\":{\"<x>\":\"1\"}}]");
	ck_assert_int_eq(req_accept("/", "", "text/html"), 200);
	ck_assert_ptr_nonnull(strstr(body(), "<td id=\"health\" class=\"bad\">error</td>"));
	ck_assert_ptr_nonnull(strstr(body(), "<p class=\"error\" id=\"error\">"));
	ck_assert_ptr_null(strstr(body(), "<x>"));
}
END_TEST

/* Request input echoed in an error never reads as HTML: <, >, & are JSON \u escapes. */
START_TEST(no_html_reflected)
{
	char cl[64];

	ck_assert_int_eq(req("GET", "/sd/targets.json?port=<script>&x=1", "/sd", 1e9), 400);
	ck_assert_ptr_null(strchr(body(), '<'));
	ck_assert_str_eq(body(), "{\"error\":\"bad port '\\u003cscript\\u003e': expected a number "
	    "from 1 to 65535\"}\n");
	ck_assert_ptr_nonnull(strstr(out, "X-Content-Type-Options: nosniff\r\n"));
	ck_assert_int_eq(req("GET", "/sd/targets.json?%22%3E%26=1", "/sd", 1e9), 400);
	ck_assert_str_eq(body(), "{\"error\":\"unknown query parameter '\\\"\\u003e\\u0026' (only "
	    "port and network are known)\"}\n");
	/* the Content-Length counts the escapes */
	snprintf(cl, sizeof(cl), "Content-Length: %zu\r\n", strlen(body()));
	ck_assert_ptr_nonnull(strstr(out, cl));
}
END_TEST

/* A long mount point (nginx's SCRIPT_NAME comes from the request) still gets its page. */
START_TEST(root_long_mount)
{
	static char uri[1100], sn[1100];
	struct serve_request r = { "GET", uri, sn, NULL, "text/html", NULL, NULL };

	memset(uri, 0, sizeof(uri));
	uri[0] = '/';
	for (size_t i = 1; i < 1000; i++)
		uri[i] = i % 3 ? '<' : '\xff';
	memcpy(sn, uri, sizeof(sn));
	uri[1000] = '/';
	outlen = 0;
	ck_assert_int_eq(serve_handle(&ctx, &r, 1e9, capture, NULL).status, 200);
	ck_assert_ptr_nonnull(strstr(body(), "<a href=\"/&lt;&lt;%FF&lt;&lt;%FF"));
	for (const char *b = body(); *b; b++)
		ck_assert_int_lt((unsigned char)*b, 0x80);
}
END_TEST

/* One thread's context, its file, and the answers it must get. */
struct worker {
	struct serve_config	 conf;
	struct serve_ctx	 ctx;
	char			 path[160];
	const char		*uri[2];	/* asked for in turn */
	const char		*want[2];	/* the body each must get */
	char			 buf[4096];
	size_t			 len;
	unsigned		 wrong;		/* answers that were not want */
	char			 first_wrong[256];
};

static int
capture_worker(void *wctx, const void *buf, size_t len)
{
	struct worker *w = wctx;

	if (w->len + len >= sizeof(w->buf))
		return -1;
	memcpy(w->buf + w->len, buf, len);
	w->len += len;
	w->buf[w->len] = '\0';
	return 0;
}

/* Ask w's uri[i % 2] once; 1 when the body is want[i % 2]. */
static int
ask(struct worker *w, unsigned i)
{
	struct serve_request r = { "GET", w->uri[i % 2], "", NULL, NULL, NULL, NULL };
	const char *b;

	w->len = 0;
	w->buf[0] = '\0';
	if (serve_handle(&w->ctx, &r, 1e9, capture_worker, w).status != 200 ||
	    (b = strstr(w->buf, "\r\n\r\n")) == NULL || strcmp(b + 4, w->want[i % 2]) != 0) {
		if (w->wrong++ == 0)
			snprintf(w->first_wrong, sizeof(w->first_wrong), "%.200s", w->buf);
		return 0;
	}
	return 1;
}

#define WORKER_ASKS	20000

static void *
ask_many(void *arg)
{
	struct worker *w = arg;

	for (unsigned i = 0; i < WORKER_ASKS; i++)
		ask(w, i);
	return NULL;
}

static void
worker_init(struct worker *w, const char *name, const char *targets, const char *uri0,
    const char *want0, const char *uri1, const char *want1)
{
	memset(w, 0, sizeof(*w));
	snprintf(w->path, sizeof(w->path), "%s/%s", dir, name);
	put(w->path, targets);
	w->conf.output = w->path;
	w->conf.metrics_file = "";
	w->conf.interval = 300;
	w->conf.max_age = 900;
	w->uri[0] = uri0;
	w->want[0] = want0;
	w->uri[1] = uri1;
	w->want[1] = want1;
	ck_assert_int_eq(serve_init(&w->ctx, &w->conf, stats), 0);
}

/*
 * Two contexts answer independently, used in turn and at once from two threads (the header
 * promises one context per thread): no request of one sees the query or body of the other.
 * With the query and the body ranges in function statics, the threads overwrote each
 * other's and some answers came out with the other context's ports or bytes.
 */
START_TEST(contexts_are_independent)
{
	static struct worker a, b;
	pthread_t ta, tb;

	worker_init(&a, "a.json", "[{\"targets\":[\"a:9100\",\"a:8080\"]}]\n",
	    "/targets.json?port=9100", "[\n{\"targets\":[\"a:9100\"],\"labels\":{}}\n]\n",
	    "/targets.json?port=8080", "[\n{\"targets\":[\"a:8080\"],\"labels\":{}}\n]\n");
	worker_init(&b, "b.json", "[{\"targets\":[\"b:9100\"],\"labels\":{\"x\":\"y\"}},"
	    "{\"targets\":[\"b:4999\"]}]\n",
	    "/targets.json?port=4999", "[\n{\"targets\":[\"b:4999\"],\"labels\":{}}\n]\n",
	    "/targets.json", "[\n{\"targets\":[\"b:9100\"],\"labels\":{\"x\":\"y\"}},\n"
	    "{\"targets\":[\"b:4999\"],\"labels\":{}}\n]\n");
	for (unsigned i = 0; i < 8; i++) {
		ck_assert_msg(ask(&a, i), "a, in turn: %s", a.first_wrong);
		ck_assert_msg(ask(&b, i), "b, in turn: %s", b.first_wrong);
	}
	ck_assert_int_eq(pthread_create(&ta, NULL, ask_many, &a), 0);
	ck_assert_int_eq(pthread_create(&tb, NULL, ask_many, &b), 0);
	ck_assert_int_eq(pthread_join(ta, NULL), 0);
	ck_assert_int_eq(pthread_join(tb, NULL), 0);
	ck_assert_msg(a.wrong == 0, "a: %u of %u answers wrong, first: %s", a.wrong, WORKER_ASKS,
	    a.first_wrong);
	ck_assert_msg(b.wrong == 0, "b: %u of %u answers wrong, first: %s", b.wrong, WORKER_ASKS,
	    b.first_wrong);
	serve_fini(&a.ctx);
	serve_fini(&b.ctx);
	unlink(a.path);
	unlink(b.path);
}
END_TEST

/* ---- gzip: what a client sending Accept-Encoding gets ---- */

/* One request with Accept-Encoding ae (NULL: none); *body and *blen: what follows the headers. */
static int
req_ae(const char *method, const char *uri, const char *ae, const char **body, size_t *blen)
{
	struct serve_request r = { method, uri, "/sd", NULL, NULL, ae, NULL };
	struct serve_result res;
	const char *b;

	outlen = 0;
	out[0] = '\0';
	res = serve_handle(&ctx, &r, 1e9, capture, NULL);
	ck_assert_int_eq(res.write_failed, 0);
	b = strstr(out, "\r\n\r\n");
	ck_assert_ptr_nonnull(b);
	*body = b + 4;
	*blen = outlen - (size_t)(b + 4 - out);
	return res.status;
}

static int
has_header(const char *h)
{
	const char *end = strstr(out, "\r\n\r\n");

	return strstr(out, h) != NULL && strstr(out, h) < end;
}

static char *
gunzip(const char *z, size_t zlen, size_t *len)
{
	size_t cap = sizeof(out);
	char *buf = malloc(cap);
	z_stream zs;

	memset(&zs, 0, sizeof(zs));
	ck_assert_int_eq(inflateInit2(&zs, 16 + 15), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)z;
	zs.avail_in = (uInt)zlen;
	zs.next_out = (Bytef *)buf;
	zs.avail_out = (uInt)cap;
	ck_assert_int_eq(inflate(&zs, Z_FINISH), Z_STREAM_END);
	ck_assert_uint_eq(zs.avail_in, 0);
	*len = zs.total_out;
	inflateEnd(&zs);
	return buf;
}

static const char file_a[] =
    "[\n{\"targets\":[\"a:9100\"],\"labels\":{\"h\":\"a\"}},\n"
    "{\"targets\":[\"b:8080\"],\"labels\":{\"h\":\"b\"}},\n"
    "{\"targets\":[\"c:9100\"],\"labels\":{\"h\":\"c\"}}\n]\n";

/* the gzip answer to uri inflates to the plain answer; both 200 with Vary */
static void
same_both_ways(const char *uri)
{
	static char plain[sizeof(out)];
	const char *b;
	size_t plen, blen, ilen;
	char *inflated;

	ck_assert_int_eq(req_ae("GET", uri, NULL, &b, &plen), 200);
	ck_assert(has_header("Vary: Accept-Encoding\r\n"));
	ck_assert(!has_header("Content-Encoding"));
	memcpy(plain, b, plen);
	ck_assert_int_eq(req_ae("GET", uri, "gzip, deflate", &b, &blen), 200);
	ck_assert(has_header("Vary: Accept-Encoding\r\n"));
	ck_assert(has_header("Content-Encoding: gzip\r\n"));
	inflated = gunzip(b, blen, &ilen);
	ck_assert_uint_eq(ilen, plen);
	ck_assert(memcmp(inflated, plain, plen) == 0);
	free(inflated);
}

START_TEST(every_path_inflates_to_plain)
{
	const char *uris[] = { "/sd/targets.json", "/sd/targets.json?port=9100",
	    "/sd/targets.json?port=8080", "/sd/targets.json?port=9100,8080",
	    "/sd/targets.json?port=8080&port=9100", "/sd/targets.json?port=4999", "/sd/health",
	    "/sd/", "/sd" };
	const char *b;
	size_t blen, ilen;
	char *inflated;

	put(tpath, file_a);
	for (size_t i = 0; i < sizeof(uris) / sizeof(uris[0]); i++)
		same_both_ways(uris[i]);
	/* /metrics changes with every request: it inflates to an exposition */
	ck_assert_int_eq(req_ae("GET", "/sd/metrics", "gzip", &b, &blen), 200);
	ck_assert(has_header("Content-Encoding: gzip\r\n"));
	inflated = gunzip(b, blen, &ilen);
	ck_assert_ptr_nonnull(strstr(inflated, "# TYPE scanner_http_requests_total counter\n"));
	free(inflated);
	ck_assert_int_eq(req_ae("GET", "/sd/targets.json?port=4999", "gzip", &b, &blen), 200);
	inflated = gunzip(b, blen, &ilen);
	ck_assert_uint_eq(ilen, 3);
	ck_assert(memcmp(inflated, "[]\n", 3) == 0);
	free(inflated);
}
END_TEST

START_TEST(head_errors_and_refusals)
{
	const char *b;
	size_t blen, glen;
	char cl[64];

	/* no targets file: 503, plain, whatever the client takes */
	ck_assert_int_eq(req_ae("GET", "/sd/targets.json", "gzip", &b, &blen), 503);
	ck_assert(!has_header("Content-Encoding"));
	ck_assert(strncmp(b, "{\"error\":", 9) == 0);
	put(tpath, file_a);
	ck_assert_int_eq(req_ae("GET", "/sd/targets.json?port=abc", "gzip", &b, &blen), 400);
	ck_assert(!has_header("Content-Encoding"));
	ck_assert_int_eq(req_ae("GET", "/sd/nope", "gzip", &b, &blen), 404);
	ck_assert(!has_header("Content-Encoding"));
	ck_assert_int_eq(req_ae("POST", "/sd/targets.json", "gzip", &b, &blen), 405);
	ck_assert(!has_header("Content-Encoding"));
	/* HEAD: the headers GET would send, the gzip length included */
	ck_assert_int_eq(req_ae("GET", "/sd/targets.json?port=9100", "gzip", &b, &glen), 200);
	ck_assert_int_eq(req_ae("HEAD", "/sd/targets.json?port=9100", "gzip", &b, &blen), 200);
	ck_assert_uint_eq(blen, 0);
	ck_assert(has_header("Content-Encoding: gzip\r\n"));
	ck_assert(has_header("Vary: Accept-Encoding\r\n"));
	snprintf(cl, sizeof(cl), "Content-Length: %zu\r\n", glen);
	ck_assert(has_header(cl));
	/* clients that refuse gzip get the plain body */
	ck_assert_int_eq(req_ae("GET", "/sd/targets.json", "gzip;q=0", &b, &blen), 200);
	ck_assert(!has_header("Content-Encoding"));
	ck_assert(strncmp(b, "[\n{", 3) == 0);
	ck_assert_int_eq(req_ae("GET", "/sd/targets.json", "identity", &b, &blen), 200);
	ck_assert(!has_header("Content-Encoding"));
	ck_assert_int_eq(req_ae("GET", "/sd/targets.json", "GZIP", &b, &blen), 200);
	ck_assert(has_header("Content-Encoding: gzip\r\n"));
}
END_TEST

static double
metric(const char *series)
{
	char *text = NULL, *p;
	size_t len = 0;
	double v = -1;

	ck_assert_int_eq(reqstats_format(stats, &text, &len), 0);
	if ((p = strstr(text, series)) != NULL)
		v = strtod(p + strlen(series), NULL);
	free(text);
	return v;
}

START_TEST(compressed_once_per_version)
{
	const char *b;
	size_t blen;

	put(tpath, file_a);
	for (int i = 0; i < 50; i++) {
		ck_assert_int_eq(req_ae("GET", "/sd/targets.json", "gzip", &b, &blen), 200);
		ck_assert_int_eq(req_ae("GET", "/sd/targets.json?port=9100", "gzip", &b, &blen), 200);
		ck_assert_int_eq(req_ae("GET", "/sd/targets.json", NULL, &b, &blen), 200);
	}
	/* the whole list, and "[", the 9100 fragment, "\n]\n": four pieces, once */
	ck_assert_uint_eq(ctx.gz.compressions, 4);
	ck_assert(metric("scanner_http_compressions_total{path=\"/targets.json\"} ") == 4);
	ck_assert(metric("scanner_http_gzip_responses_total{path=\"/targets.json\"} ") == 100);
	/* a new version of the file: compressed again, once */
	put(tpath, "[\n{\"targets\":[\"d:9100\"],\"labels\":{}}\n]\n");
	for (int i = 0; i < 50; i++)
		ck_assert_int_eq(req_ae("GET", "/sd/targets.json", "gzip", &b, &blen), 200);
	ck_assert_uint_eq(ctx.gz.compressions, 5);
	ck_assert(metric("scanner_http_compressions_total{path=\"/targets.json\"} ") == 5);
	ck_assert(metric("scanner_http_gzip_responses_total{path=\"/health\"} ") == 0);
}
END_TEST

/* Send-file: a .json.gz beside the body, named with Content-Encoding; in-band behind Apache. */
START_TEST(sendfile_names_the_gzip_file)
{
	struct serve_request r = { "GET", "/sd/targets.json?port=9100", "/sd", NULL, NULL, "gzip",
	    "lighttpd/1.4.69" };
	char cache[128], path[300], gzpath[300];
	const char *name, *end;
	struct stat st;

	snprintf(cache, sizeof(cache), "%s/cache", dir);
	serve_fini(&ctx);
	conf.sendfile = SERVE_SENDFILE_XSENDFILE;
	conf.cache_dir = cache;
	ck_assert_int_eq(serve_init(&ctx, &conf, stats), 0);
	put(tpath, file_a);
	outlen = 0;
	ck_assert_int_eq(serve_handle(&ctx, &r, 1e9, capture, NULL).status, 200);
	ck_assert_ptr_nonnull(strstr(out, "Content-Encoding: gzip\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "Vary: Accept-Encoding\r\n"));
	ck_assert_ptr_null(strstr(out, "Content-Length"));	/* the web server's */
	name = strstr(out, "X-Sendfile: ");
	ck_assert_ptr_nonnull(name);
	name += strlen("X-Sendfile: ");
	end = strstr(name, "\r\n");
	ck_assert(end - name > 8 && strncmp(end - 8, ".json.gz", 8) == 0);
	snprintf(gzpath, sizeof(gzpath), "%.*s", (int)(end - name), name);
	ck_assert_int_eq(stat(gzpath, &st), 0);
	snprintf(path, sizeof(path), "%.*s", (int)(end - name) - 3, name);
	ck_assert_int_ne(stat(path, &st), 0);	/* the plain body is not written for a gzip client */
	/* Apache's mod_xsendfile would drop the encoding: the gzip body goes in-band */
	r.server_software = "Apache/2.4.71 (Debian)";
	outlen = 0;
	ck_assert_int_eq(serve_handle(&ctx, &r, 1e9, capture, NULL).status, 200);
	ck_assert_ptr_null(strstr(out, "X-Sendfile"));
	ck_assert_ptr_nonnull(strstr(out, "Content-Encoding: gzip\r\n"));
	/* and a plain client behind Apache still gets the file */
	r.accept_encoding = NULL;
	outlen = 0;
	ck_assert_int_eq(serve_handle(&ctx, &r, 1e9, capture, NULL).status, 200);
	ck_assert_ptr_nonnull(strstr(out, "X-Sendfile: "));
	ck_assert_ptr_null(strstr(out, "Content-Encoding"));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(unlink(gzpath), 0);
	ck_assert_int_eq(rmdir(cache), 0);
	conf.sendfile = SERVE_SENDFILE_OFF;
}
END_TEST


/* A new context serving the directory tree (NULL: the targets file). */
static void
reinit(const char *tree)
{
	serve_fini(&ctx);
	conf.targets_dir = tree;
	ck_assert_int_eq(serve_init(&ctx, &conf, stats), 0);
}

/* Serve tree (DIR/tree, 128 bytes) with one source src (DIR/tree/a.json, 160): a:1. */
static void
serve_tree(char *tree, char *src)
{
	snprintf(tree, 128, "%s/tree", dir);
	snprintf(src, 160, "%s/a.json", tree);
	ck_assert_int_eq(mkdir(tree, 0755), 0);
	put(src, "[{\"targets\":[\"a:1\"]}]\n");
	reinit(tree);
	test_thread = pthread_self();
}

/* Back to the targets file, the tree removed. */
static void
back_to_file(const char *tree)
{
	char cmd[200];

	reinit(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tree);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(a_held_tree_load_does_not_hold_requests)
{
	char tree[128], src[160];
	double now = (double)time(NULL), t0;
	int seen = 0;

	serve_tree(tree, src);
	ck_assert_int_eq(req("GET", "/targets.json", "", now), 200);
	ck_assert_ptr_nonnull(strstr(body(), "\"a:1\""));
	/* the loader thread's reads wait: the change is loading, not loaded */
	set_hold(1);
	put(src, "[{\"targets\":[\"a:1\",\"a:2\"]}]\n");
	t0 = clock_mono();
	ck_assert_int_eq(req("GET", "/targets.json", "", now), 200);
	ck_assert_ptr_null(strstr(body(), "\"a:2\""));	/* the tree before */
	ck_assert_int_eq(req("GET", "/targets/a", "", now), 200);
	ck_assert_int_eq(req("GET", "/health", "", now), 200);
	ck_assert_int_eq(req("GET", "/metrics", "", now), 200);
	ck_assert_msg(clock_mono() - t0 < 4 * LOADER_WAIT_S + 0.5, "requests waited %.3f s",
	    clock_mono() - t0);
	set_hold(0);
	for (int i = 0; i < 500 && !seen; i++) {
		struct timespec ms = { 0, 10000000 };

		ck_assert_int_eq(req("GET", "/targets.json", "", now), 200);
		seen = strstr(body(), "\"a:2\"") != NULL;
		if (!seen)
			nanosleep(&ms, NULL);
	}
	ck_assert_msg(seen, "the new tree was not served within 5 s of the load's release");
	back_to_file(tree);
}
END_TEST

/* GET uri until it answers status (2 s at most). */
static void
until_status(const char *uri, int status)
{
	struct timespec ms = { 0, 5000000 };
	int got = 0;

	for (int i = 0; i < 400 && (got = req("GET", uri, "", (double)time(NULL))) != status; i++)
		nanosleep(&ms, NULL);
	ck_assert_msg(got == status, "%s: %d, not %d: %s", uri, got, status, body());
}

START_TEST(a_file_replaced_at_each_read_after_a_corrupt_one_stays_503)
{
	struct timespec ms = { 0, 5000000 };

	test_thread = pthread_self();
	put(tpath, "[{\"targets\":[\"old:1\"]}]\n");
	until_status("/targets.json", 200);
	ck_assert_ptr_nonnull(strstr(body(), "\"old:1\""));
	put(tpath, "[{\"targets\":[\"bad\"");
	until_status("/targets.json", 503);
	/* the version before the file's last is not served: that one was corrupt */
	set_churn(tpath, "[{\"targets\":[\"new:1\"]}]\n");
	put(tpath, "[{\"targets\":[\"new:1\"]}]\n");
	for (int i = 0; i < 60; i++) {
		int st = req("GET", "/targets.json", "", (double)time(NULL));

		ck_assert_msg(st == 503, "answered %d while replaced at each read: %s", st, body());
		nanosleep(&ms, NULL);
	}
	ck_assert_int_ge(set_churn(NULL, NULL), 3);
	/* settled: its version now */
	until_status("/targets.json", 200);
	ck_assert_ptr_nonnull(strstr(body(), "\"new:1\""));
}
END_TEST

START_TEST(a_tree_source_replaced_at_each_read_is_logged)
{
	char tree[128], src[160], *log;
	struct timespec ms = { 0, 5000000 };

	serve_tree(tree, src);
	until_status("/targets.json", 200);
	log_capture();
	set_churn(src, "[{\"targets\":[\"a:1\",\"a:2\"]}]\n");
	put(src, "[{\"targets\":[\"a:1\",\"a:2\"]}]\n");
	for (int i = 0; i < 60; i++) {
		ck_assert_int_eq(req("GET", "/targets.json", "", (double)time(NULL)), 200);
		ck_assert_ptr_nonnull(strstr(body(), "\"a:1\""));	/* one version, whole */
		nanosleep(&ms, NULL);
	}
	ck_assert_int_ge(set_churn(NULL, NULL), 3);
	log = log_captured();
	/* kept its version quietly: the operator is told why the change is not served */
	ck_assert_msg(strstr(log, "a.json: replaced each time it was read") != NULL,
	    "not logged: %s", log);
	free(log);
	back_to_file(tree);
}
END_TEST

/* /health, / and /metrics log nothing of it (their answers say it); /targets.json logs want */
static void
only_targets_log(const char *want)
{
	char *log;

	log_capture();
	ck_assert_int_eq(req("GET", "/health", "", 1e9), 503);
	ck_assert_int_eq(req("GET", "/", "", 1e9), 200);
	ck_assert_int_eq(req("GET", "/metrics", "", 1e9), 200);
	log = log_captured();
	ck_assert_msg(strstr(log, "unavailable") == NULL, "logged: %s", log);
	free(log);
	log_capture();
	ck_assert_int_eq(req("GET", "/targets.json", "", 1e9), 503);
	log = log_captured();
	ck_assert_msg(strstr(log, want) != NULL, "not logged: %s", want);
	free(log);
}

START_TEST(only_targets_requests_log_what_is_unavailable)
{
	char tree[128];

	only_targets_log("targets file is unavailable: ");
	/* the same with a missing directory (/metrics borrows its tree) */
	snprintf(tree, sizeof(tree), "%s/no-tree", dir);
	reinit(tree);
	only_targets_log("targets directory is unavailable: ");
	reinit(NULL);
}
END_TEST

START_TEST(a_file_rewritten_with_its_old_mtime_is_reloaded)
{
	struct timespec ms = { 0, 5000000 };
	int seen = 0;

	put(tpath, "[{\"targets\":[\"a:1\"]}]\n");
	ck_assert_int_eq(utimensat(AT_FDCWD, tpath, FILECLOCK_OLD_MTIME, 0), 0);
	until_status("/targets.json", 200);
	ck_assert_ptr_nonnull(strstr(body(), "\"a:1\""));
	/* cp -p, rsync -t --inplace: the same inode, size and mtime, new bytes */
	fileclock_past_ctime(tpath);
	put(tpath, "[{\"targets\":[\"b:1\"]}]\n");
	ck_assert_int_eq(utimensat(AT_FDCWD, tpath, FILECLOCK_OLD_MTIME, 0), 0);
	for (int i = 0; i < 200 && !seen; i++) {
		ck_assert_int_eq(req("GET", "/targets.json", "", (double)time(NULL)), 200);
		if (!(seen = strstr(body(), "\"b:1\"") != NULL))
			nanosleep(&ms, NULL);
	}
	ck_assert_msg(seen, "the rewrite was not loaded: %s", body());
}
END_TEST

START_TEST(a_tree_changed_under_requests_answers_whole_versions)
{
	char tree[128], src[160], sub[160], b[200], want[200];
	struct timespec ms = { 0, 1000000 };
	int last = 0;

	serve_tree(tree, src);
	snprintf(sub, sizeof(sub), "%s/sub", tree);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	snprintf(b, sizeof(b), "%s/b.json", sub);
	put(b, "[{\"targets\":[\"b:1\"]}]\n");
	/* a.json replaced between requests; sub/b.json's set is shared by every tree while the
	 * trees before are freed, by either thread */
	for (int i = 1; i <= 300; i++) {
		char text[64];
		int k;

		snprintf(text, sizeof(text), "[{\"targets\":[\"a:%d\"]}]\n", i);
		replace_file(src, text);
		ck_assert_int_eq(req("GET", "/targets.json", "", (double)time(NULL)), 200);
		ck_assert_msg(sscanf(body(), "[\n{\"targets\":[\"a:%d\"]", &k) == 1 && k >= last &&
		    k <= i, "not one version: %s", body());
		snprintf(want, sizeof(want), "[\n{\"targets\":[\"a:%d\"],\"labels\":{}},\n"
		    "{\"targets\":[\"b:1\"],\"labels\":{}}\n]\n", k);
		ck_assert_str_eq(body(), want);
		last = k;
		ck_assert_int_eq(req("GET", "/targets/sub", "", (double)time(NULL)), 200);
		ck_assert_str_eq(body(), "[\n{\"targets\":[\"b:1\"],\"labels\":{}}\n]\n");
		nanosleep(&ms, NULL);
	}
	ck_assert_int_gt(last, 1);
	back_to_file(tree);
}
END_TEST

static void
add_tests(void)
{
	FIXTURE(setup, teardown);
	ADD(routes);
	ADD(targets_and_errors);
	ADD(health_states);
	ADD(metrics_are_one_exposition);
	ADD(root);
	ADD(root_shows_the_targets);
	ADD(no_html_reflected);
	ADD(root_long_mount);
	ADD(contexts_are_independent);
	ADD(every_path_inflates_to_plain);
	ADD(head_errors_and_refusals);
	ADD(compressed_once_per_version);
	ADD(sendfile_names_the_gzip_file);
	ADD(a_held_tree_load_does_not_hold_requests);
	ADD(a_file_replaced_at_each_read_after_a_corrupt_one_stays_503);
	ADD(a_tree_source_replaced_at_each_read_is_logged);
	ADD(only_targets_requests_log_what_is_unavailable);
	ADD(a_file_rewritten_with_its_old_mtime_is_reloaded);
	ADD(a_tree_changed_under_requests_answers_whole_versions);
}
