/*
 * statuspage.c: the index at / from its facts (see statuspage.h). The HTML is built in a
 * strbuf through three writers that escape what they write (text, a URL under the mount,
 * a number), so no value reaches the page unescaped; a writer that ran out of memory makes
 * every later one a no-op and the page fails whole. The JSON is built with json-c.
 */
#include <json.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "jsonline.h"
#include "numparse.h"
#include "statuspage.h"
#include "strbuf.h"

/* What the page links to, relative to the mount. */
#define PATH_TARGETS	"/targets.json"
#define PATH_HEALTH	"/health"
#define PATH_METRICS	"/metrics"

static const char style[] =
    "body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:62em;padding:0 1em;"
    "color:#1d1d1f;background:#fff;line-height:1.4}"
    "h1{font-size:1.6em;margin-bottom:.2em}h1 small{color:#6e6e73;font-weight:normal}"
    "h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #d2d2d7}"
    "table{border-collapse:collapse;margin:.5em 0}"
    "th,td{padding:.25em .8em;border-bottom:1px solid #e5e5ea;text-align:left;"
    "vertical-align:top}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}td a{white-space:nowrap}"
    "table.facts th{font-weight:normal;color:#6e6e73}"
    ".ok{color:#1a7f37;font-weight:bold}.bad{color:#c62828;font-weight:bold}"
    ".error{background:#fdecea;padding:.5em;border-left:4px solid #c62828}"
    "code,pre{font-family:ui-monospace,monospace;font-size:.92em}"
    "pre{background:#f5f5f7;padding:.6em;overflow-x:auto}"
    "td.examples{color:#3a3a3c;font-family:ui-monospace,monospace;font-size:.9em}";

struct page {
	struct strbuf	 b;
	int		 oom;
};

static void
lit(struct page *pg, const char *s)
{
	if (!pg->oom && strbuf_str(&pg->b, s) < 0)
		pg->oom = 1;
}

static void
add(struct page *pg, const char *s, size_t n)
{
	if (!pg->oom && strbuf_add(&pg->b, s, n) < 0)
		pg->oom = 1;
}

static void __attribute__((format(printf, 2, 3)))
fmt(struct page *pg, const char *f, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, sizeof(buf), f, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		pg->oom = 1;	/* only numbers go through here: cannot happen */
	else
		add(pg, buf, (size_t)n);
}

/* HTML's special characters as entities; control bytes as U+FFFD; the rest as it is. */
static void
text(struct page *pg, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '<': lit(pg, "&lt;"); break;
		case '>': lit(pg, "&gt;"); break;
		case '&': lit(pg, "&amp;"); break;
		case '"': lit(pg, "&quot;"); break;
		case '\'': lit(pg, "&#39;"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				lit(pg, "&#xFFFD;");
			else
				add(pg, s + i, 1);
		}
	}
}

static void
textz(struct page *pg, const char *s)
{
	text(pg, s, strlen(s));
}

/*
 * A URL path as it came in: controls, spaces and non-ASCII bytes percent-encoded (so the
 * page stays ASCII whatever bytes the request had), and with html, HTML's special
 * characters as entities too.
 */
static void
url(struct page *pg, const char *s, size_t n, int html)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (html && strchr("<>&\"'", c) != NULL && c != '\0') {
			text(pg, s + i, 1);
		} else if (c <= 0x20 || c >= 0x7f) {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };

			add(pg, e, 3);
		} else {
			add(pg, s + i, 1);
		}
	}
}

/* mount + rel (+ "?port=N" when port > 0), for an href or for text */
static void
link_url(struct page *pg, const struct statuspage_facts *f, const char *rel, unsigned port,
    int html)
{
	url(pg, f->mount.p, f->mount.n, html);
	url(pg, rel, strlen(rel), html);
	if (port > 0)
		fmt(pg, "?port=%u", port);
}

static void
link(struct page *pg, const struct statuspage_facts *f, const char *rel, unsigned port)
{
	lit(pg, "<a href=\"");
	link_url(pg, f, rel, port, 1);
	lit(pg, "\">");
	link_url(pg, f, rel, port, 1);
	lit(pg, "</a>");
}

static void
iso8601(double t, char *buf, size_t len)
{
	time_t s = (time_t)t;
	struct tm tm;

	if (gmtime_r(&s, &tm) == NULL || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, len, "?");
}

/* A duration the Go way ("3m14s", "1.5s"); "0s" for none or a negative one. */
static const char *
duration(double s, char *buf, size_t len)
{
	return s > 0 ? numparse_format_duration(s, buf, len) : "0s";
}

/* The time since t in whole seconds ("2m30s"), as /health has always said it. */
static const char *
age(const struct statuspage_facts *f, double t, char *buf, size_t len)
{
	return duration(f->now > t ? (double)(long long)(f->now - t) : 0, buf, len);
}

/* One row of the facts table: a header and a cell with an id, the cell's text escaped. */
static void
fact(struct page *pg, const char *id, const char *name, const char *value, const char *class)
{
	fmt(pg, "<tr><th>%s</th><td id=\"%s\"", name, id);
	if (class != NULL)
		fmt(pg, " class=\"%s\"", class);
	lit(pg, ">");
	textz(pg, value);
	lit(pg, "</td></tr>\n");
}

static void
scan_facts(struct page *pg, const struct statuspage_facts *f)
{
	char a[64], b[64];

	lit(pg, "<h2>Last scan</h2>\n<table class=\"facts\">\n");
	fact(pg, "health", "Health", f->health, f->healthy ? "ok" : "bad");
	if (f->last_scan > 0) {
		iso8601(f->last_scan, a, sizeof(a));
		fact(pg, "last-scan", "Ended", a, NULL);
		fact(pg, "last-scan-age", "Age", age(f, f->last_scan, b, sizeof(b)), NULL);
	} else {
		fact(pg, "last-scan", "Ended", "unknown", NULL);
		fact(pg, "last-scan-age", "Age", "unknown", NULL);
	}
	fact(pg, "last-scan-duration", "Duration", f->has_duration ?
	    duration(f->duration, a, sizeof(a)) : "unknown", NULL);
	if (f->has_success)
		fact(pg, "last-scan-success", "Succeeded", f->success ? "yes" : "no",
		    f->success ? "ok" : "bad");
	else
		fact(pg, "last-scan-success", "Succeeded", "unknown", NULL);
	fact(pg, "scan-interval", "Scan interval", duration(f->interval, a, sizeof(a)), NULL);
	fact(pg, "max-age", "Stale after", duration(f->max_age, a, sizeof(a)), NULL);
	if (f->has_targets) {
		snprintf(a, sizeof(a), "%zu", f->targets);
		fact(pg, "targets", "Targets", a, NULL);
		snprintf(a, sizeof(a), "%zu", f->groups);
		fact(pg, "groups", "Groups", a, NULL);
	} else {
		fact(pg, "targets", "Targets", "unavailable", "bad");
	}
	lit(pg, "</table>\n");
	if (f->error != NULL) {
		lit(pg, "<p class=\"error\" id=\"error\">");
		textz(pg, f->error);
		lit(pg, "</p>\n");
	}
}

static void
ports_table(struct page *pg, const struct statuspage_facts *f)
{
	lit(pg, "<h2>Targets per port</h2>\n");
	if (f->nports == 0) {
		lit(pg, "<p id=\"ports\">No target names a port.</p>\n");
		return;
	}
	lit(pg, "<table id=\"ports\">\n<thead><tr><th>Port</th><th>Targets</th><th>List</th>"
	    "<th>First targets</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < f->nports && i < STATUSPAGE_PORTS_MAX; i++) {
		const struct statuspage_port *p = &f->ports[i];

		fmt(pg, "<tr><td class=\"num\">%u</td><td class=\"num\">%zu</td><td>", p->port,
		    p->targets);
		link(pg, f, PATH_TARGETS, p->port);
		lit(pg, "</td><td class=\"examples\">");
		for (size_t k = 0; k < p->nexamples && k < STATUSPAGE_EXAMPLES; k++) {
			if (k > 0)
				lit(pg, ", ");
			text(pg, p->example[k].p, p->example[k].n);
		}
		if (p->targets > p->nexamples)
			lit(pg, ", &hellip;");
		lit(pg, "</td></tr>\n");
	}
	lit(pg, "</tbody></table>\n");
	if (f->nports > STATUSPAGE_PORTS_MAX)
		fmt(pg, "<p id=\"more-ports\">And %zu more ports: see the JSON at / or the whole "
		    "list.</p>\n", f->nports - STATUSPAGE_PORTS_MAX);
}

static void
paths_table(struct page *pg, const struct statuspage_facts *f)
{
	lit(pg, "<h2>Paths</h2>\n<table id=\"paths\">\n<thead><tr><th>Path</th><th>Targets</th>"
	    "<th>Sources</th><th>Status</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < f->npaths; i++) {
		const struct statuspage_path *p = &f->paths[i];

		lit(pg, "<tr><td>");
		link(pg, f, p->path, 0);
		lit(pg, "</td>");
		if (p->ok)
			fmt(pg, "<td class=\"num\">%zu</td>", p->targets);
		else
			lit(pg, "<td class=\"num\">&ndash;</td>");
		fmt(pg, "<td class=\"num\">%zu</td>", p->nsources);
		lit(pg, p->ok ? "<td class=\"ok\">ok</td>" : "<td class=\"bad\">503</td>");
		lit(pg, "</tr>\n");
	}
	lit(pg, "</tbody></table>\n");
}

static void
sources_table(struct page *pg, const struct statuspage_facts *f)
{
	char a[64];

	lit(pg, "<h2>Sources</h2>\n<table id=\"sources\">\n<thead><tr><th>Source</th>"
	    "<th>Targets</th><th>Modified</th><th>Age</th><th>Status</th></tr></thead>\n<tbody>\n");
	for (size_t i = 0; i < f->nsources; i++) {
		const struct statuspage_source *s = &f->sources[i];

		lit(pg, "<tr><td><code>");
		textz(pg, s->name);
		lit(pg, "</code></td>");
		if (s->ok)
			fmt(pg, "<td class=\"num\">%zu</td>", s->targets);
		else
			lit(pg, "<td class=\"num\">&ndash;</td>");
		if (s->mtime > 0) {
			iso8601(s->mtime, a, sizeof(a));
			lit(pg, "<td>");
			textz(pg, a);
			lit(pg, "</td><td>");
			textz(pg, age(f, s->mtime, a, sizeof(a)));
			lit(pg, "</td>");
		} else {
			lit(pg, "<td>&ndash;</td><td>&ndash;</td>");
		}
		if (s->ok) {
			lit(pg, "<td class=\"ok\">ok</td>");
		} else {
			lit(pg, "<td class=\"bad\">");
			textz(pg, s->error ? s->error : "not loaded");
			lit(pg, "</td>");
		}
		lit(pg, "</tr>\n");
	}
	lit(pg, "</tbody></table>\n");
}

static void
endpoints(struct page *pg, const struct statuspage_facts *f)
{
	lit(pg, "<h2>Endpoints</h2>\n<ul id=\"links\">\n<li>");
	link(pg, f, PATH_TARGETS, 0);
	lit(pg, ": every target (http_sd format); <code>?port=9100</code> or "
	    "<code>?port=9100,8080</code> keeps those ports</li>\n<li>");
	link(pg, f, PATH_HEALTH, 0);
	lit(pg, ": the last scan and whether it is recent (503 when not)</li>\n<li>");
	link(pg, f, PATH_METRICS, 0);
	lit(pg, ": scanner and request metrics (Prometheus text format)</li>\n</ul>\n"
	    "<pre>http_sd_configs:\n  - url: 'http://HOST");
	link_url(pg, f, PATH_TARGETS, 9100, 1);
	lit(pg, "'</pre>\n");
}

int
statuspage_html(const struct statuspage_facts *f, char **out, size_t *len)
{
	struct page pg = { { NULL, 0, 0 }, 0 };

	lit(&pg, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	    "<title>sd-serve: ");
	textz(&pg, f->health);
	lit(&pg, "</title>\n<style>");
	lit(&pg, style);
	lit(&pg, "</style></head>\n<body>\n<h1>sd-serve <small id=\"version\">");
	textz(&pg, f->version);
	lit(&pg, "</small></h1>\n<p>Prometheus HTTP service discovery for the targets found by "
	    "sd-scan.</p>\n");
	scan_facts(&pg, f);
	ports_table(&pg, f);
	if (f->npaths > 0)
		paths_table(&pg, f);
	if (f->nsources > 0)
		sources_table(&pg, f);
	endpoints(&pg, f);
	lit(&pg, "</body></html>\n");
	if (pg.oom) {
		free(pg.b.p);
		return -1;
	}
	*out = pg.b.p;
	*len = pg.b.len;
	return 0;
}

/* ---- JSON ---- */

/* mount + rel (+ "?port=N") as a JSON string: percent-encoded, ASCII */
static struct json_object *
url_json(const struct statuspage_facts *f, const char *rel, unsigned port)
{
	struct page pg = { { NULL, 0, 0 }, 0 };
	struct json_object *o;

	link_url(&pg, f, rel, port, 0);
	o = pg.oom ? NULL : json_object_new_string_len(pg.b.p ? pg.b.p : "", (int)pg.b.len);
	free(pg.b.p);
	return o;
}

static struct json_object *
time_json(double t)
{
	char buf[64];

	if (t <= 0)
		return NULL;
	iso8601(t, buf, sizeof(buf));
	return json_object_new_string(buf);
}

static struct json_object *
duration_json(double s)
{
	char buf[64];

	return json_object_new_string(duration(s, buf, sizeof(buf)));
}

static struct json_object *
age_json(const struct statuspage_facts *f, double t)
{
	char buf[64];

	return t > 0 ? json_object_new_string(age(f, t, buf, sizeof(buf))) : NULL;
}

static struct json_object *
endpoints_json(void)
{
	static const char *const e[][2] = {
		{ "/targets.json", "every target in the Prometheus http_sd format" },
		{ "/targets.json?port=9100", "only the targets on port 9100" },
		{ "/targets.json?port=9100,8080", "only the targets on those ports" },
		{ "/health", "the last scan; 503 before the first scan or when it is too old" },
		{ "/metrics", "scanner and request metrics in the Prometheus text format" },
	};
	struct json_object *o = json_object_new_object();

	for (size_t i = 0; o && i < sizeof(e) / sizeof(e[0]); i++)
		json_object_object_add(o, e[i][0], json_object_new_string(e[i][1]));
	return o;
}

/* The body of /health; also the "health" of / */
static struct json_object *
health_json(const struct statuspage_facts *f)
{
	struct json_object *o = json_object_new_object();

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "status", json_object_new_string(f->health));
	json_object_object_add(o, "last_scan", time_json(f->last_scan));
	json_object_object_add(o, "last_scan_ago", age_json(f, f->last_scan));
	json_object_object_add(o, "last_scan_duration",
	    f->has_duration ? duration_json(f->duration) : NULL);
	if (f->has_success)
		json_object_object_add(o, "last_scan_success", json_object_new_boolean(f->success));
	json_object_object_add(o, "scan_interval", duration_json(f->interval));
	json_object_object_add(o, "max_age", duration_json(f->max_age));
	json_object_object_add(o, "targets_count",
	    f->has_targets ? json_object_new_int64((int64_t)f->targets) : NULL);
	if (f->error != NULL)
		json_object_object_add(o, "error", json_object_new_string(f->error));
	if (f->tree) {
		struct json_object *b = json_object_new_array();

		json_object_object_add(o, "sources", json_object_new_int64((int64_t)f->nsources));
		for (size_t i = 0; b != NULL && i < f->nsources; i++)
			if (!f->sources[i].ok && f->sources[i].error != NULL)
				json_object_array_add(b, json_object_new_string(f->sources[i].error));
		json_object_object_add(o, "broken_sources", b);
	}
	return o;
}

/* o as one line (see jsonline.h), and o put; -1 when out of memory */
static int
json_out(struct json_object *o, char **out, size_t *len)
{
	*out = jsonline_format(o, len);
	json_object_put(o);
	return *out == NULL ? -1 : 0;
}

int
statuspage_health_json(const struct statuspage_facts *f, char **out, size_t *len)
{
	return json_out(health_json(f), out, len);
}

static struct json_object *
ports_json(const struct statuspage_facts *f)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < f->nports; i++) {
		struct json_object *o = json_object_new_object();

		if (o == NULL)
			break;
		json_object_object_add(o, "port", json_object_new_int((int)f->ports[i].port));
		json_object_object_add(o, "targets",
		    json_object_new_int64((int64_t)f->ports[i].targets));
		json_object_object_add(o, "url", url_json(f, PATH_TARGETS, f->ports[i].port));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *
paths_json(const struct statuspage_facts *f)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < f->npaths; i++) {
		const struct statuspage_path *p = &f->paths[i];
		struct json_object *o = json_object_new_object();

		if (o == NULL)
			break;
		json_object_object_add(o, "path", json_object_new_string(p->path));
		json_object_object_add(o, "url", url_json(f, p->path, 0));
		json_object_object_add(o, "ok", json_object_new_boolean(p->ok));
		json_object_object_add(o, "targets",
		    p->ok ? json_object_new_int64((int64_t)p->targets) : NULL);
		json_object_object_add(o, "sources", json_object_new_int64((int64_t)p->nsources));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *
sources_json(const struct statuspage_facts *f)
{
	struct json_object *a = json_object_new_array();

	for (size_t i = 0; a && i < f->nsources; i++) {
		const struct statuspage_source *s = &f->sources[i];
		struct json_object *o = json_object_new_object();

		if (o == NULL)
			break;
		json_object_object_add(o, "name", json_object_new_string(s->name));
		json_object_object_add(o, "ok", json_object_new_boolean(s->ok));
		json_object_object_add(o, "targets",
		    s->ok ? json_object_new_int64((int64_t)s->targets) : NULL);
		json_object_object_add(o, "modified", time_json(s->mtime));
		json_object_object_add(o, "age", age_json(f, s->mtime));
		if (!s->ok)
			json_object_object_add(o, "error",
			    json_object_new_string(s->error ? s->error : "not loaded"));
		json_object_array_add(a, o);
	}
	return a;
}

int
statuspage_json(const struct statuspage_facts *f, char **out, size_t *len)
{
	struct json_object *o = json_object_new_object(), *links = json_object_new_object();

	if (o == NULL || links == NULL) {
		json_object_put(o);
		json_object_put(links);
		return -1;
	}
	json_object_object_add(o, "name", json_object_new_string("sd-serve"));
	json_object_object_add(o, "version", json_object_new_string(f->version));
	json_object_object_add(o, "endpoints", endpoints_json());
	json_object_object_add(o, "health", health_json(f));
	json_object_object_add(o, "targets",
	    f->has_targets ? json_object_new_int64((int64_t)f->targets) : NULL);
	json_object_object_add(o, "groups",
	    f->has_targets ? json_object_new_int64((int64_t)f->groups) : NULL);
	if (f->error != NULL)
		json_object_object_add(o, "error", json_object_new_string(f->error));
	json_object_object_add(o, "ports", ports_json(f));
	json_object_object_add(links, "targets", url_json(f, PATH_TARGETS, 0));
	json_object_object_add(links, "health", url_json(f, PATH_HEALTH, 0));
	json_object_object_add(links, "metrics", url_json(f, PATH_METRICS, 0));
	json_object_object_add(o, "links", links);
	if (f->npaths > 0)
		json_object_object_add(o, "paths", paths_json(f));
	if (f->nsources > 0)
		json_object_object_add(o, "sources", sources_json(f));
	return json_out(o, out, len);
}
