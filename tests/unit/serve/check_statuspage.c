/*
 * check_statuspage.c: the status page from facts alone, no server: the golden page for a
 * fixed set of facts (tests/data/status-page.html; SD_UPDATE_GOLDEN=1 rewrites it), links
 * under any mount, sections shown only with their facts, every hostile value escaped (host
 * names, file names, errors, the mount), and the JSON form: its old keys kept, the same
 * facts, URLs percent-encoded.
 */
#include <check.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "readfile.h"
#include "statuspage.h"
#include "check_main.h"

#define GOLDEN	"tests/data/status-page.html"
#define NOW	1700000150.0	/* 2023-11-14T22:15:50Z */

static struct statuspage_port ports[2];
static struct statuspage_path paths[1];
static struct statuspage_source sources[1];
static struct statuspage_facts f;
static char *out;
static size_t outlen;

static struct statuspage_str
str(const char *s)
{
	struct statuspage_str r = { s, strlen(s) };

	return r;
}

/* Two ports, one path, one source, a scan 2m30s ago: what sd-serve gathers at /sd. */
static void
setup(void)
{
	memset(&f, 0, sizeof(f));
	memset(ports, 0, sizeof(ports));
	ports[0].port = 8080;
	ports[0].targets = 1;
	ports[0].nexamples = 1;
	ports[0].example[0] = str("web01.example:8080");
	ports[1].port = 9100;
	ports[1].targets = 4;
	ports[1].nexamples = 3;
	ports[1].example[0] = str("web01.example:9100");
	ports[1].example[1] = str("10.9.0.2:9100");
	ports[1].example[2] = str("[2001:db8::1]:9100");
	paths[0].path = "/targets.json";
	paths[0].ok = 1;
	paths[0].targets = 5;
	paths[0].nsources = 1;
	sources[0].name = "/var/lib/sd-scan/targets.json";
	sources[0].ok = 1;
	sources[0].mtime = NOW - 150;
	sources[0].targets = 5;
	f.version = "0.1.0";
	f.mount = str("/sd");
	f.now = NOW;
	f.health = "healthy";
	f.healthy = 1;
	f.last_scan = NOW - 150;
	f.has_duration = 1;
	f.duration = 194;
	f.has_success = 1;
	f.success = 1;
	f.interval = 300;
	f.max_age = 900;
	f.has_targets = 1;
	f.targets = 5;
	f.groups = 4;
	f.ports = ports;
	f.nports = 2;
	f.paths = paths;
	f.npaths = 1;
	f.sources = sources;
	f.nsources = 1;
	out = NULL;
}

static void
teardown(void)
{
	free(out);
}

static const char *
html(void)
{
	free(out);
	out = NULL;
	ck_assert_int_eq(statuspage_html(&f, &out, &outlen), 0);
	ck_assert_uint_eq(strlen(out), outlen);
	return out;
}

static struct json_object *
json(void)
{
	struct json_object *o;

	free(out);
	out = NULL;
	ck_assert_int_eq(statuspage_json(&f, &out, &outlen), 0);
	ck_assert_uint_eq(strlen(out), outlen);
	ck_assert_int_eq(out[outlen - 1], '\n');
	ck_assert_ptr_null(memchr(out, '\n', outlen - 1));	/* one line */
	o = json_tokener_parse(out);
	ck_assert_msg(o != NULL, "not JSON: %s", out);
	return o;
}

static void
has(const char *s)
{
	ck_assert_msg(strstr(out, s) != NULL, "no '%s' in:\n%.3000s", s, out);
}

static void
lacks(const char *s)
{
	ck_assert_msg(strstr(out, s) == NULL, "'%s' at: %.200s", s, strstr(out, s));
}

START_TEST(golden_page)
{
	struct readfile want;
	char err[256];

	html();
	if (getenv("SD_UPDATE_GOLDEN")) {
		FILE *fp = fopen(GOLDEN, "w");

		ck_assert_ptr_nonnull(fp);
		fputs(out, fp);
		ck_assert_int_eq(fclose(fp), 0);
	}
	ck_assert_msg(readfile_load(GOLDEN, 1 << 20, 0, &want, err, sizeof(err)) == 0,
	    "%s (run from the top of the tree)", err);
	ck_assert_msg(want.len == outlen && memcmp(want.data, out, outlen) == 0,
	    "%s differs from:\n%.3000s", GOLDEN, out);
	free(want.data);
}
END_TEST

START_TEST(facts_shown)
{
	html();
	has("<td id=\"health\" class=\"ok\">healthy</td>");
	has("<td id=\"last-scan\">2023-11-14T22:13:20Z</td>");
	has("<td id=\"last-scan-age\">2m30s</td>");
	has("<td id=\"last-scan-duration\">3m14s</td>");
	has("<td id=\"last-scan-success\" class=\"ok\">yes</td>");
	has("<td id=\"scan-interval\">5m0s</td>");
	has("<td id=\"max-age\">15m0s</td>");
	has("<td id=\"targets\">5</td>");
	has("<tr><td class=\"num\">9100</td><td class=\"num\">4</td><td><a href=\""
	    "/sd/targets.json?port=9100\">/sd/targets.json?port=9100</a></td>");
	/* more targets than examples: an ellipsis says so */
	has("web01.example:9100, 10.9.0.2:9100, [2001:db8::1]:9100, &hellip;</td>");
	has("<td class=\"examples\">web01.example:8080</td>");
	has("<a href=\"/sd/health\">");
	has("<a href=\"/sd/metrics\">");
	has("<code>/var/lib/sd-scan/targets.json</code></td><td class=\"num\">5</td>"
	    "<td>2023-11-14T22:13:20Z</td><td>2m30s</td><td class=\"ok\">ok</td>");
	lacks("<script");
	lacks("id=\"error\"");
}
END_TEST

START_TEST(unhealthy_and_unknown)
{
	f.health = "error";
	f.healthy = 0;
	f.last_scan = 0;
	f.has_duration = f.has_success = 0;
	f.has_targets = 0;
	f.nports = 0;
	f.error = "targets file is unavailable: no such file";
	paths[0].ok = 0;
	sources[0].ok = 0;
	sources[0].mtime = 0;
	sources[0].error = NULL;
	html();
	has("<title>sd-serve: error</title>");
	has("<td id=\"health\" class=\"bad\">error</td>");
	has("<td id=\"last-scan\">unknown</td>");
	has("<td id=\"last-scan-duration\">unknown</td>");
	has("<td id=\"last-scan-success\">unknown</td>");
	has("<td id=\"targets\" class=\"bad\">unavailable</td>");
	has("<p class=\"error\" id=\"error\">targets file is unavailable: no such file</p>");
	has("<p id=\"ports\">No target names a port.</p>");
	has("<td class=\"bad\">503</td>");
	has("<td>&ndash;</td><td>&ndash;</td><td class=\"bad\">not loaded</td>");
	f.has_success = 1;
	f.success = 0;
	html();
	has("<td id=\"last-scan-success\" class=\"bad\">no</td>");
}
END_TEST

/* The sections of paths and sources appear only when the facts have them. */
START_TEST(sections_follow_the_facts)
{
	f.npaths = 0;
	f.nsources = 0;
	html();
	lacks("<h2>Paths</h2>");
	lacks("<h2>Sources</h2>");
	has("<h2>Targets per port</h2>");
	f.npaths = 1;
	html();
	has("<h2>Paths</h2>");
	lacks("<h2>Sources</h2>");
}
END_TEST

START_TEST(links_under_any_mount)
{
	static char longmount[2100];

	f.mount = str("");
	html();
	has("<a href=\"/targets.json?port=8080\">");
	has("<a href=\"/health\">/health</a>");
	has("  - url: 'http://HOST/targets.json?port=9100'</pre>");
	lacks("href=\"//");
	f.mount = str("/a b/c\xc3\xa9");	/* spaces and non-ASCII percent-encoded */
	html();
	has("<a href=\"/a%20b/c%C3%A9/metrics\">");
	memset(longmount, 'x', sizeof(longmount) - 1);
	longmount[0] = '/';
	f.mount = str(longmount);
	html();
	ck_assert_ptr_nonnull(strstr(out, longmount));
	has("xxx/targets.json?port=9100\">");
	/* the mount need not end in NUL */
	f.mount.p = "/sd/targets.json";
	f.mount.n = 3;
	html();
	has("<a href=\"/sd/health\">");
}
END_TEST

/* How many of HTML's markup characters the page holds. */
static size_t
markup(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += strchr("<>\"'", *s) != NULL;
	return n;
}

/* The hostile facts, or the same with every value a harmless "x". */
static void
hostile(const char *evil)
{
	static char nul[] = "a\0b\x01:9100";

	ports[1].example[0] = str(evil);
	ports[1].example[1].p = evil[0] == 'x' ? "x" : nul;
	ports[1].example[1].n = evil[0] == 'x' ? 1 : sizeof(nul) - 1;
	sources[0].name = evil;
	sources[0].ok = 0;
	sources[0].error = evil;
	f.error = evil;
	f.health = evil;
	f.version = evil;
	f.mount = str(evil[0] == 'x' ? "/x" : "/<b>\"'&");
	paths[0].path = evil[0] == 'x' ? "/x" : "/\"><i>";
}

/* A file with a port per target: the page lists the first STATUSPAGE_PORTS_MAX, the JSON all. */
START_TEST(many_ports_capped)
{
	static struct statuspage_port many[STATUSPAGE_PORTS_MAX + 7];
	struct json_object *o;

	for (size_t i = 0; i < sizeof(many) / sizeof(many[0]); i++) {
		many[i].port = 1000 + (unsigned)i;
		many[i].targets = 1;
	}
	f.ports = many;
	f.nports = sizeof(many) / sizeof(many[0]);
	html();
	has("?port=1499\">");
	lacks("?port=1500\">");
	has("<p id=\"more-ports\">And 7 more ports:");
	o = json();
	ck_assert_uint_eq(json_object_array_length(json_object_object_get(o, "ports")),
	    STATUSPAGE_PORTS_MAX + 7);
	json_object_put(o);
}
END_TEST

/* Nothing from a targets file, a file name, an error or the request is markup. */
START_TEST(hostile_values_escaped)
{
	size_t benign;

	hostile("x");
	benign = markup(html());
	hostile("<script>alert(1)</script>\"><img src=x onerror=alert(2)>'");
	html();
	/* not one markup character more than with harmless values: every one is escaped */
	ck_assert_uint_eq(markup(out), benign);
	lacks("<script");
	lacks("<img");
	lacks("<b>");
	lacks("<i>");
	has("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;&#39;");
	has("a&#xFFFD;b&#xFFFD;:9100");
	has("<a href=\"/&lt;b&gt;&quot;&#39;&amp;/targets.json?port=8080\">");
	has("<a href=\"/&lt;b&gt;&quot;&#39;&amp;/&quot;&gt;&lt;i&gt;\">");
}
END_TEST

START_TEST(json_keeps_the_old_keys_and_adds_the_facts)
{
	struct json_object *o = json(), *v, *e, *p;

	ck_assert_str_eq(json_object_get_string(json_object_object_get(o, "name")), "sd-serve");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(o, "version")), "0.1.0");
	ck_assert(json_object_object_get_ex(o, "endpoints", &e));
	ck_assert_int_eq(json_object_object_length(e), 5);
	ck_assert(json_object_object_get_ex(e, "/targets.json", NULL));
	ck_assert(json_object_object_get_ex(e, "/targets.json?port=9100", NULL));
	ck_assert(json_object_object_get_ex(e, "/health", NULL));
	ck_assert(json_object_object_get_ex(e, "/metrics", NULL));
	ck_assert(json_object_object_get_ex(o, "health", &v));
	ck_assert_str_eq(json_object_get_string(json_object_object_get(v, "status")), "healthy");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(v, "last_scan")),
	    "2023-11-14T22:13:20Z");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(v, "last_scan_ago")),
	    "2m30s");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(v, "last_scan_duration")),
	    "3m14s");
	ck_assert(json_object_get_boolean(json_object_object_get(v, "last_scan_success")));
	ck_assert_int_eq(json_object_get_int(json_object_object_get(o, "targets")), 5);
	ck_assert(json_object_object_get_ex(o, "ports", &v));
	ck_assert_uint_eq(json_object_array_length(v), 2);
	p = json_object_array_get_idx(v, 1);
	ck_assert_int_eq(json_object_get_int(json_object_object_get(p, "port")), 9100);
	ck_assert_int_eq(json_object_get_int(json_object_object_get(p, "targets")), 4);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(p, "url")),
	    "/sd/targets.json?port=9100");
	v = json_object_object_get(o, "links");
	ck_assert_str_eq(json_object_get_string(json_object_object_get(v, "metrics")),
	    "/sd/metrics");
	p = json_object_array_get_idx(json_object_object_get(o, "sources"), 0);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(p, "age")), "2m30s");
	p = json_object_array_get_idx(json_object_object_get(o, "paths"), 0);
	ck_assert_str_eq(json_object_get_string(json_object_object_get(p, "url")),
	    "/sd/targets.json");
	json_object_put(o);
	/* without paths and sources: no such keys; a hostile mount is percent-encoded and
	 * HTML's characters are \u escapes */
	f.npaths = f.nsources = 0;
	f.mount = str("/<x> y");
	o = json();
	ck_assert(!json_object_object_get_ex(o, "paths", NULL));
	ck_assert(!json_object_object_get_ex(o, "sources", NULL));
	ck_assert_ptr_null(strchr(out, '<'));
	has("\"health\":\"/\\u003cx\\u003e%20y/health\"");
	json_object_put(o);
}
END_TEST

static void
add_tests(void)
{
	FIXTURE(setup, teardown);
	ADD(golden_page);
	ADD(facts_shown);
	ADD(unhealthy_and_unknown);
	ADD(sections_follow_the_facts);
	ADD(links_under_any_mount);
	ADD(many_ports_capped);
	ADD(hostile_values_escaped);
	ADD(json_keeps_the_old_keys_and_adds_the_facts);
}
