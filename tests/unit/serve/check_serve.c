/*
 * check_serve.c: routing relative to the mount, methods, statuses and /health's states,
 * with time injected (no sleeping) and the response captured in memory.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "serve.h"
#include "check_main.h"

static char dir[64], tpath[128], mpath[128], out[65536];
static size_t outlen;
static struct serve_config conf;
static struct serve_ctx ctx;
static struct reqstats *stats;

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
	struct serve_request r = { method, uri, script, NULL, NULL };
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

START_TEST(root)
{
	struct serve_request r = { "GET", "/sd/", "/sd", NULL, "text/html,*/*" };

	ck_assert_int_eq(req("GET", "/sd/", "/sd", 1e9), 200);
	ck_assert_ptr_nonnull(strstr(body(), "\"name\":\"sd-serve\""));
	outlen = 0;
	ck_assert_int_eq(serve_handle(&ctx, &r, 1e9, capture, NULL).status, 200);
	ck_assert_ptr_nonnull(strstr(body(), "<a href=\"/sd/targets.json\">"));
	r.uri = "/a<b/";
	r.script_name = "/a<b";
	outlen = 0;
	ck_assert_int_eq(serve_handle(&ctx, &r, 1e9, capture, NULL).status, 200);
	ck_assert_ptr_nonnull(strstr(body(), "<a href=\"/a&lt;b/targets.json\">"));
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
	    "port is known)\"}\n");
	/* the Content-Length counts the escapes */
	snprintf(cl, sizeof(cl), "Content-Length: %zu\r\n", strlen(body()));
	ck_assert_ptr_nonnull(strstr(out, cl));
}
END_TEST

/* A long mount point (nginx's SCRIPT_NAME comes from the request) still gets its page. */
START_TEST(root_long_mount)
{
	static char uri[1100], sn[1100];
	struct serve_request r = { "GET", uri, sn, NULL, "text/html" };

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

static void
add_tests(void)
{
	FIXTURE(setup, teardown);
	ADD(routes);
	ADD(targets_and_errors);
	ADD(health_states);
	ADD(metrics_are_one_exposition);
	ADD(root);
	ADD(no_html_reflected);
	ADD(root_long_mount);
}
