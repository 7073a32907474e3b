/*
 * check_targetset.c: http_sd validation, pre-rendered bodies and per-port filtering, and the
 * reload-on-change cache, which keeps its set when the file is replaced at every read.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "query.h"
#include "strbuf.h"
#include "targets.h"
#include "targetset.h"
#include "check_main.h"

static char err[512];

static struct targetset *
parse_ok(const char *s)
{
	struct targetset *ts;

	err[0] = '\0';
	ck_assert_msg(targetset_parse(s, strlen(s), 0, &ts, err, sizeof(err)) == 0, "%s: %s", s, err);
	return ts;
}

static const char *
parse_err(const char *s)
{
	struct targetset *ts = (struct targetset *)1;

	err[0] = '\0';
	ck_assert_msg(targetset_parse(s, strlen(s), 0, &ts, err, sizeof(err)) == -1, "accepted %s", s);
	ck_assert_ptr_null(ts);
	ck_assert_ptr_null(strchr(err, '\n'));
	return err;
}

/* The body for query string qs, as one malloc'd string. */
static char *
body(const struct targetset *ts, const char *qs)
{
	static struct iovec iov[TARGETSET_IOV_MAX];
	struct query q;
	size_t n, len, off = 0;
	char *s;

	ck_assert_int_eq(query_parse(qs, strlen(qs), &q, err, sizeof(err)), 0);
	n = targetset_body(ts, &q, iov, &len);
	s = malloc(len + 1);
	for (size_t i = 0; i < n; i++) {
		memcpy(s + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	ck_assert_uint_eq(off, len);
	s[len] = '\0';
	return s;
}

#define BODY_EQ(ts, qs, want) do {				\
	char *b_ = body(ts, qs);				\
	ck_assert_str_eq(b_, want);				\
	free(b_);						\
} while (0)

START_TEST(sd_scan_file_served_byte_for_byte)
{
	struct target t[] = {
		{ CIDR_V4(0x0a000001), 8080, "a.example", NULL, NULL },
		{ CIDR_V4(0x0a000001), 9100, "a.example", NULL, NULL },
		{ CIDR_V4(0x0a000002), 9100, NULL, NULL, NULL },
	};
	struct targetset *ts;
	char *json;
	size_t len;

	ck_assert_int_eq(targets_format(t, 3, &json, &len), 0);
	ts = parse_ok(json);
	ck_assert_uint_eq(targetset_groups(ts), 3);
	ck_assert_uint_eq(targetset_targets(ts), 3);
	BODY_EQ(ts, "", json);
	BODY_EQ(ts, "port=9100",
	    "[\n{\"targets\":[\"a.example:9100\"],\"labels\":{\"__meta_sd_hostname\":\"a.example\","
	    "\"__meta_sd_ip\":\"10.0.0.1\",\"__meta_sd_port\":\"9100\"}},\n"
	    "{\"targets\":[\"10.0.0.2:9100\"],\"labels\":{\"__meta_sd_hostname\":\"10.0.0.2\","
	    "\"__meta_sd_ip\":\"10.0.0.2\",\"__meta_sd_port\":\"9100\"}}\n]\n");
	BODY_EQ(ts, "port=8080,9100", json);	/* sd-scan sorts by port, then address */
	BODY_EQ(ts, "port=4999", "[]\n");
	BODY_EQ(ts, "port=4999,8080",
	    "[\n{\"targets\":[\"a.example:8080\"],\"labels\":{\"__meta_sd_hostname\":\"a.example\","
	    "\"__meta_sd_ip\":\"10.0.0.1\",\"__meta_sd_port\":\"8080\"}}\n]\n");
	targetset_free(ts);
	free(json);

	ck_assert_int_eq(targets_format(t, 0, &json, &len), 0);
	ts = parse_ok(json);
	BODY_EQ(ts, "", "[]\n");
	BODY_EQ(ts, "port=9100", "[]\n");
	targetset_free(ts);
	free(json);
}
END_TEST

/* Port names and static labels (issue 17) survive sd-serve's parse and render as written. */
START_TEST(labeled_file_served_byte_for_byte)
{
	const struct target t[] = {
		{ CIDR_V4(0x0a000001), 8080, "a.example", NULL, NULL },
		{ CIDR_V4(0x0a000002), 9100, NULL, NULL, "node" },
	};
	const struct target_label extra[] = { { "site", "ams1" }, { "Env", "pr\"od \xc3\xa9" } };
	struct targetset *ts;
	char *json;
	size_t len;

	ck_assert_int_eq(targets_format_labels(t, 2, extra, 2, &json, &len), 0);
	ts = parse_ok(json);
	BODY_EQ(ts, "", json);
	BODY_EQ(ts, "port=9100",
	    "[\n{\"targets\":[\"10.0.0.2:9100\"],\"labels\":{\"Env\":\"pr\\\"od \xc3\xa9\","
	    "\"__meta_sd_hostname\":\"10.0.0.2\",\"__meta_sd_ip\":\"10.0.0.2\","
	    "\"__meta_sd_port\":\"9100\",\"__meta_sd_port_name\":\"node\",\"site\":\"ams1\"}}\n]\n");
	targetset_free(ts);
	free(json);
}
END_TEST

START_TEST(hand_written_groups)
{
	struct targetset *ts = parse_ok(
	    "  [ {\"labels\": {\"env\": \"prod\", \"a_1\": \"x/y\"},\n"
	    "     \"targets\": [\"h1:9100\", \"h1:8080\", \"[2001:db8::1]:9100\", \"noport\","
	    " \"2001:db8::2\", \"h2:0\", \"h3:99999\"]},\n"
	    "    {\"targets\": [\"h4:9100\"]}, {\"targets\": [], \"labels\": null},"
	    "    {\"targets\": null, \"labels\": {}}, {} ]\r\n");

	ck_assert_uint_eq(targetset_groups(ts), 5);
	ck_assert_uint_eq(targetset_targets(ts), 8);
	BODY_EQ(ts, "port=9100",
	    "[\n{\"targets\":[\"h1:9100\",\"[2001:db8::1]:9100\"],\"labels\":{\"env\":\"prod\","
	    "\"a_1\":\"x/y\"}},\n{\"targets\":[\"h4:9100\"],\"labels\":{}}\n]\n");
	BODY_EQ(ts, "port=8080",
	    "[\n{\"targets\":[\"h1:8080\"],\"labels\":{\"env\":\"prod\",\"a_1\":\"x/y\"}}\n]\n");
	/* one group split per port in a multi-port answer: the same labels, fine for Prometheus */
	BODY_EQ(ts, "port=9100,8080",
	    "[\n{\"targets\":[\"h1:8080\"],\"labels\":{\"env\":\"prod\",\"a_1\":\"x/y\"}},"
	    "\n{\"targets\":[\"h1:9100\",\"[2001:db8::1]:9100\"],\"labels\":{\"env\":\"prod\","
	    "\"a_1\":\"x/y\"}},\n{\"targets\":[\"h4:9100\"],\"labels\":{}}\n]\n");
	BODY_EQ(ts, "port=65535", "[]\n");
	BODY_EQ(ts, "",
	    "[\n{\"targets\":[\"h1:9100\",\"h1:8080\",\"[2001:db8::1]:9100\",\"noport\","
	    "\"2001:db8::2\",\"h2:0\",\"h3:99999\"],\"labels\":{\"env\":\"prod\",\"a_1\":\"x/y\"}},\n"
	    "{\"targets\":[\"h4:9100\"],\"labels\":{}},\n{\"targets\":[],\"labels\":{}},\n"
	    "{\"targets\":[],\"labels\":{}},\n{\"targets\":[],\"labels\":{}}\n]\n");
	targetset_free(ts);
}
END_TEST

/* The groups of ts that ?qs keeps, as targetset_filter_append writes them. */
static char *
filtered(const struct targetset *ts, const char *qs)
{
	struct strbuf out = { 0 };
	struct query q;
	size_t shown = 0;

	ck_assert_int_eq(query_parse(qs, strlen(qs), &q, err, sizeof(err)), 0);
	ck_assert_int_eq(targetset_filter_append(ts, &q, &out, &shown), 0);
	ck_assert_int_eq(strbuf_str(&out, ""), 0);
	return out.p;
}

/* ?network= with IPv6: sd-scan's bracketed targets and plain __meta_sd_ip, and bare ones. */
START_TEST(ipv6_network_filter)
{
	const struct target v[] = {
		{ CIDR_V4(0x0a000001), 9100, NULL, NULL, NULL },
		{ (cidr_ip)0xfd00 << 112 | 5, 9100, NULL, NULL, NULL },
		{ (cidr_ip)0xfd00 << 112 | 1 << 16 | 5, 9100, "v6.example", NULL, NULL },
		{ (cidr_ip)0xfd00 << 112 | 5, 9200, NULL, NULL, NULL },
	};
	struct targetset *ts;
	char *json, *b;
	size_t len;

	ck_assert_int_eq(targets_format(v, 4, &json, &len), 0);
	ck_assert_ptr_nonnull(strstr(json, "\"targets\":[\"[fd00::5]:9100\"]"));
	ck_assert_ptr_nonnull(strstr(json, "\"__meta_sd_ip\":\"fd00::5\""));
	ck_assert_ptr_nonnull(strstr(json, "\"targets\":[\"v6.example:9100\"]"));
	ts = parse_ok(json);
	b = filtered(ts, "network=fd00::/112");
	ck_assert_ptr_nonnull(strstr(b, "[fd00::5]:9100"));
	ck_assert_ptr_nonnull(strstr(b, "[fd00::5]:9200"));
	ck_assert_ptr_null(strstr(b, "v6.example"));
	ck_assert_ptr_null(strstr(b, "10.0.0.1"));
	free(b);
	b = filtered(ts, "network=fd00::/64&port=9100");
	ck_assert_ptr_nonnull(strstr(b, "[fd00::5]:9100"));
	ck_assert_ptr_nonnull(strstr(b, "v6.example:9100"));	/* by its __meta_sd_ip */
	ck_assert_ptr_null(strstr(b, "9200"));
	free(b);
	b = filtered(ts, "network=10.0.0.0/8");
	ck_assert_ptr_nonnull(strstr(b, "10.0.0.1:9100"));
	ck_assert_ptr_null(strstr(b, "fd00"));
	free(b);
	targetset_free(ts);
	free(json);
	/* no __meta_sd_ip: the address is read from the target, bracketed or bare */
	ts = parse_ok("[{\"targets\":[\"[fd00::7]:9100\",\"fd00::8\",\"[fd00::9]\",\"h:1\","
	    "\"[fd01::1]:9100\"]}]");
	b = filtered(ts, "network=fd00::/120");
	ck_assert_ptr_nonnull(strstr(b, "\"[fd00::7]:9100\",\"fd00::8\",\"[fd00::9]\"]"));
	free(b);
	targetset_free(ts);
}
END_TEST

/* The ports of a set for the status page: ascending, counts, the first targets in order. */
START_TEST(ports_with_counts_and_examples)
{
	struct targetset *ts = parse_ok(
	    "[{\"targets\":[\"h1:9100\",\"h1:8080\",\"noport\",\"h2:9100\"]},"
	    "{\"targets\":[\"h3:9100\",\"h4:9100\",\"<b>:9100\"]}]");
	struct targetset_port p;

	ck_assert_uint_eq(targetset_nports(ts), 2);
	targetset_port(ts, 0, &p);
	ck_assert_uint_eq(p.port, 8080);
	ck_assert_uint_eq(p.targets, 1);
	ck_assert_uint_eq(p.nexamples, 1);
	ck_assert_int_eq(memcmp(p.example[0], "h1:8080", p.example_len[0]), 0);
	targetset_port(ts, 1, &p);
	ck_assert_uint_eq(p.port, 9100);
	ck_assert_uint_eq(p.targets, 5);
	ck_assert_uint_eq(p.nexamples, TARGETSET_EXAMPLES);
	ck_assert_uint_eq(p.example_len[2], 7);
	ck_assert_int_eq(memcmp(p.example[0], "h1:9100", 7), 0);
	ck_assert_int_eq(memcmp(p.example[1], "h2:9100", 7), 0);
	ck_assert_int_eq(memcmp(p.example[2], "h3:9100", 7), 0);
	targetset_free(ts);
	ts = parse_ok("[]");
	ck_assert_uint_eq(targetset_nports(ts), 0);
	targetset_free(ts);
}
END_TEST

START_TEST(unsorted_file_filters_like_a_sorted_one)
{
	/* ports out of order: a port's groups apart (rendered apart) or together (a range of
	 * the whole body), and a group with two ports split per port */
	struct targetset *ts = parse_ok(
	    "[{\"targets\":[\"a:9100\"]},{\"targets\":[\"b:8080\"]},{\"targets\":[\"c:8080\"]},"
	    "{\"targets\":[\"d:9100\",\"d:22\"]},{\"targets\":[\"e:9100\"]}]");

	BODY_EQ(ts, "port=8080",
	    "[\n{\"targets\":[\"b:8080\"],\"labels\":{}},\n{\"targets\":[\"c:8080\"],\"labels\":{}}\n]\n");
	BODY_EQ(ts, "port=9100",
	    "[\n{\"targets\":[\"a:9100\"],\"labels\":{}},\n{\"targets\":[\"d:9100\"],\"labels\":{}},"
	    "\n{\"targets\":[\"e:9100\"],\"labels\":{}}\n]\n");
	BODY_EQ(ts, "port=22", "[\n{\"targets\":[\"d:22\"],\"labels\":{}}\n]\n");
	BODY_EQ(ts, "port=22,8080",
	    "[\n{\"targets\":[\"d:22\"],\"labels\":{}},\n{\"targets\":[\"b:8080\"],\"labels\":{}},"
	    "\n{\"targets\":[\"c:8080\"],\"labels\":{}}\n]\n");
	targetset_free(ts);
}
END_TEST

/*
 * A lean set (what the cache loads) answers every query byte for byte as the full set: whole
 * groups from their lines, parts of groups parsed again (mixed ports and addresses in one
 * group, escapes, a group without __meta_sd_ip, one without labels).
 */
START_TEST(lean_set_answers_as_the_full_one)
{
	static const char *const queries[] = {
		"", "port=9100", "port=8080", "port=22,9100", "port=1",
		"network=10.0.0.0/24", "network=10.0.0.2/32", "network=fd00::/112",
		"network=10.0.0.0/8&port=9100", "network=10.9.0.0/16&port=8080",
		"network=0.0.0.0/0,::/0",
	};
	const char *src =
	    "[{\"targets\":[\"10.0.0.1:9100\",\"10.9.0.1:8080\",\"h:22\"]},"
	    "{\"targets\":[\"name.example:9100\"],\"labels\":{\"a\":\"x\\u00e9\\\"y\","
	    "\"__meta_sd_ip\":\"10.0.0.2\",\"z\":\"1\"}},"
	    "{\"targets\":[\"[fd00::5]:9100\",\"10.0.0.3:8080\"],\"labels\":{\"k\":\"v\"}},"
	    "{\"targets\":[\"h\\u00e9:8080\",\"10.0.0.4:9100\"],"
	    "\"labels\":{\"__meta_sd_ip\":\"10.9.0.9\"}}]";
	struct targetset *plain = parse_ok(src), *kept, *lean;
	char *file = body(plain, "");

	/* the rendered file is in sd-scan's form: kept as the body, lean when asked */
	ck_assert_int_eq(targetset_parse(file, strlen(file), 0, &kept, err, sizeof(err)), 0);
	ck_assert_int_eq(targetset_parse(file, strlen(file), TARGETSET_LEAN, &lean, err,
	    sizeof(err)), 0);
	ck_assert_ptr_nonnull(targetset_list(kept));
	ck_assert_ptr_null(targetset_list(lean));
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		char *want = filtered(kept, queries[i]), *got = filtered(lean, queries[i]);
		char *wb = body(kept, queries[i]), *gb = body(lean, queries[i]);

		ck_assert_msg(strcmp(want, got) == 0, "?%s: lean filter %s, full %s", queries[i],
		    got, want);
		ck_assert_msg(strcmp(wb, gb) == 0, "?%s: lean body differs", queries[i]);
		free(want);
		free(got);
		free(wb);
		free(gb);
	}
	/* the partial groups were rendered, not copied: one target of a group, labels whole */
	file = (free(file), filtered(lean, "network=10.9.0.0/16&port=8080"));
	ck_assert_str_eq(file, "\n{\"targets\":[\"10.9.0.1:8080\"],\"labels\":{}},"
	    "\n{\"targets\":[\"h\xc3\xa9:8080\"],\"labels\":{\"__meta_sd_ip\":\"10.9.0.9\"}}");
	free(file);
	targetset_free(plain);
	targetset_free(kept);
	targetset_free(lean);
	/* a file not in sd-scan's form is rendered and keeps its groups, lean or not */
	ck_assert_int_eq(targetset_parse(src, strlen(src), TARGETSET_LEAN, &lean, err,
	    sizeof(err)), 0);
	ck_assert_ptr_nonnull(targetset_list(lean));
	targetset_free(lean);
}
END_TEST

START_TEST(escapes_survive)
{
	struct targetset *ts = parse_ok(
	    "[{\"targets\":[\"h\\u00e9:9100\"],\"labels\":{\"q\":\"a\\\"b\\\\c\\n\\u2028\"}}]");

	BODY_EQ(ts, "port=9100",
	    "[\n{\"targets\":[\"h\xc3\xa9:9100\"],\"labels\":{\"q\":\"a\\\"b\\\\c\\n\xe2\x80\xa8\"}}\n]\n");
	targetset_free(ts);
}
END_TEST

START_TEST(invalid_files_are_refused)
{
	ck_assert_str_eq(parse_err(""), "JSON ends early at byte 0 (truncated or empty file)");
	ck_assert_str_eq(parse_err("[{\"targets\":[\"a:1\"]}"),
	    "JSON ends early at byte 20 (truncated or empty file)");
	parse_err("[{\"targets\":[\"a:1\"]},]");
	ck_assert_ptr_nonnull(strstr(err, "JSON syntax error at byte"));
	ck_assert_str_eq(parse_err("[] x"), "JSON syntax error at byte 3: unexpected character");
	ck_assert_ptr_nonnull(strstr(parse_err("[][]"), "JSON syntax error at byte 2"));
	ck_assert_str_eq(parse_err("{}"), "not a JSON array of target groups");
	ck_assert_str_eq(parse_err("null"), "null instead of a list of groups");
	ck_assert_str_eq(parse_err("[null]"), "group 1 is not an object");
	ck_assert_str_eq(parse_err("[{}, {\"targets\":[\"a:1\"],\"extra\":1}]"),
	    "group 2: unknown key 'extra' (only targets and labels)");
	ck_assert_str_eq(parse_err("[{\"targets\":\"a:1\"}]"), "group 1: targets is not an array");
	ck_assert_str_eq(parse_err("[{\"targets\":[\"a:1\", 5]}]"),
	    "group 1: target 2 is not a string");
	ck_assert_str_eq(parse_err("[{\"targets\":[\"\"]}]"), "group 1: target 1 is empty");
	ck_assert_str_eq(parse_err("[{\"labels\":[]}]"), "group 1: labels is not an object");
	ck_assert_str_eq(parse_err("[{\"labels\":{\"a-b\":\"x\"}}]"),
	    "group 1: label name 'a-b' is not [a-zA-Z_][a-zA-Z0-9_]*");
	ck_assert_str_eq(parse_err("[{\"labels\":{\"1a\":\"x\"}}]"),
	    "group 1: label name '1a' is not [a-zA-Z_][a-zA-Z0-9_]*");
	ck_assert_str_eq(parse_err("[{\"labels\":{\"\":\"x\"}}]"),
	    "group 1: label name '' is not [a-zA-Z_][a-zA-Z0-9_]*");
	ck_assert_str_eq(parse_err("[{\"labels\":{\"port\":9100}}]"),
	    "group 1: label port is not a string");
	ck_assert_str_eq(parse_err("[{\"labels\":{\"x\":null}}]"), "group 1: label x is not a string");
	/* a long name is cut in the message, never inside a UTF-8 character: a\u00e9\u00e9... */
	ck_assert_str_eq(parse_err("[{\"labels\":{\"a\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\":\"x\"}}]"),
	    "group 1: label name 'a\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9' is not "
	    "[a-zA-Z_][a-zA-Z0-9_]*");
	parse_err("[{\"targets\":[\"\xff\xfe:1\"]}]");	/* not UTF-8 */
	parse_err("['a']");
}
END_TEST

START_TEST(nul_inside_buffer)
{
	struct targetset *ts;

	ck_assert_int_eq(targetset_parse("[]\0[]", 5, 0, &ts, err, sizeof(err)), -1);
	ck_assert_int_eq(targetset_parse("[]\n", 3, 0, &ts, err, sizeof(err)), 0);
	targetset_free(ts);
	targetset_free(NULL);
}
END_TEST

static void
put(const char *path, const char *s)
{
	char tmp[300];
	FILE *fp;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fp = fopen(tmp, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(s, fp);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(rename(tmp, path), 0);
}

START_TEST(cache_reloads_only_on_change)
{
	char dir[] = "/tmp/check_targetset.XXXXXX", path[300];
	const struct targetset *ts;
	struct targetset_cache c;
	enum targetset_error kind;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/targets.json", dir);
	ck_assert_int_eq(targetset_cache_init(&c, path), 0);

	ck_assert_ptr_null(targetset_cache_get(&c, &kind, err, sizeof(err)));
	ck_assert_int_eq(kind, TARGETSET_MISSING);
	ck_assert_ptr_nonnull(strstr(err, "No such file"));

	put(path, "[{\"targets\":[\"a:9100\"]}]\n");
	ts = targetset_cache_get(&c, &kind, err, sizeof(err));
	ck_assert_ptr_nonnull(ts);
	ck_assert_int_eq(kind, TARGETSET_OK);
	ck_assert_uint_eq(targetset_targets(ts), 1);
	ck_assert(targetset_mtime(ts) > 1e9);
	ck_assert_ptr_eq(targetset_cache_get(&c, &kind, err, sizeof(err)), ts);
	ck_assert_uint_eq(c.loads, 1);

	/* a new file (new inode) is served on the very next request */
	put(path, "[{\"targets\":[\"a:9100\",\"b:9100\"]}]\n");
	ts = targetset_cache_get(&c, &kind, err, sizeof(err));
	ck_assert_ptr_nonnull(ts);
	ck_assert_uint_eq(targetset_targets(ts), 2);
	ck_assert_uint_eq(c.loads, 2);
	ck_assert_ptr_nonnull(targetset_list(ts));	/* rendered: not in sd-scan's form */
	/* a file in sd-scan's form is loaded lean: its labels stay in its body */
	put(path, "[\n{\"targets\":[\"a:9100\"],\"labels\":{\"x\":\"y\"}}\n]\n");
	ts = targetset_cache_get(&c, &kind, err, sizeof(err));
	ck_assert_ptr_nonnull(ts);
	ck_assert_ptr_null(targetset_list(ts));
	BODY_EQ(ts, "port=9100", "[\n{\"targets\":[\"a:9100\"],\"labels\":{\"x\":\"y\"}}\n]\n");
	ck_assert_uint_eq(c.loads, 3);

	/* corrupt: an error, remembered without parsing again, never the old set */
	put(path, "[{\"targets\":[\"a:9100\"],\"x\":1}]\n");
	ck_assert_ptr_null(targetset_cache_get(&c, &kind, err, sizeof(err)));
	ck_assert_int_eq(kind, TARGETSET_CORRUPT);
	ck_assert_str_eq(err, "group 1: unknown key 'x' (only targets and labels)");
	ck_assert_ptr_null(targetset_cache_get(&c, &kind, err, sizeof(err)));
	ck_assert_int_eq(kind, TARGETSET_CORRUPT);

	put(path, "[]\n");
	ts = targetset_cache_get(&c, &kind, err, sizeof(err));
	ck_assert_ptr_nonnull(ts);
	ck_assert_uint_eq(targetset_targets(ts), 0);

	/* a directory in its place */
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_ptr_null(targetset_cache_get(&c, &kind, err, sizeof(err)));
	ck_assert_int_eq(kind, TARGETSET_MISSING);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	ck_assert_int_eq(rmdir(path), 0);
	/* a FIFO in its place: refused at once, not a request stuck in open() */
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_ptr_null(targetset_cache_get(&c, &kind, err, sizeof(err)));
	ck_assert_int_eq(kind, TARGETSET_MISSING);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	ck_assert_int_eq(unlink(path), 0);

	targetset_cache_fini(&c);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* set: every read(2) of a file that returns bytes cuts the file's last byte (in place) */
static const char *rewrite_path;
static int rewrites;

ssize_t read(int fd, void *buf, size_t n);

ssize_t
read(int fd, void *buf, size_t n)
{
	ssize_t r = syscall(SYS_read, fd, buf, n);
	struct stat st;

	if (rewrite_path != NULL && r > 0 && stat(rewrite_path, &st) == 0 && st.st_size > 0 &&
	    truncate(rewrite_path, st.st_size - 1) == 0)
		rewrites++;
	return r;
}

START_TEST(a_file_replaced_at_each_read_keeps_the_set_before)
{
	char dir[] = "/tmp/check_targetset.XXXXXX", path[300];
	const struct targetset *ts;
	struct targetset_cache c;
	enum targetset_error kind;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/targets.json", dir);
	ck_assert_int_eq(targetset_cache_init(&c, path), 0);
	put(path, "[{\"targets\":[\"a:9100\"]}]\n");
	ck_assert_ptr_nonnull(ts = targetset_cache_get(&c, &kind, err, sizeof(err)));
	put(path, "[{\"targets\":[\"a:9100\",\"b:9100\"]}]\n");
	/* never a torn list: after three reads that each saw a change, the set before */
	rewrite_path = path;
	ck_assert_ptr_null(targetset_cache_get(&c, &kind, err, sizeof(err)));
	rewrite_path = NULL;
	ck_assert_int_eq(rewrites, 3);
	ck_assert_int_eq(kind, TARGETSET_CHANGING);
	ck_assert_ptr_nonnull(strstr(err, "replaced each time it was read"));
	ck_assert_ptr_eq(c.cur, ts);
	ck_assert_uint_eq(targetset_targets(c.cur), 1);
	ck_assert_uint_eq(c.loads, 1);
	/* settled: the next get reads it */
	put(path, "[{\"targets\":[\"a:9100\",\"b:9100\"]}]\n");
	ck_assert_ptr_nonnull(ts = targetset_cache_get(&c, &kind, err, sizeof(err)));
	ck_assert_uint_eq(targetset_targets(ts), 2);
	ck_assert_int_eq(unlink(path), 0);
	targetset_cache_fini(&c);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

static void
add_tests(void)
{
	ADD(ipv6_network_filter);
	ADD(sd_scan_file_served_byte_for_byte);
	ADD(labeled_file_served_byte_for_byte);
	ADD(hand_written_groups);
	ADD(ports_with_counts_and_examples);
	ADD(unsorted_file_filters_like_a_sorted_one);
	ADD(escapes_survive);
	ADD(lean_set_answers_as_the_full_one);
	ADD(invalid_files_are_refused);
	ADD(nul_inside_buffer);
	ADD(cache_reloads_only_on_change);
	ADD(a_file_replaced_at_each_read_keeps_the_set_before);
}
