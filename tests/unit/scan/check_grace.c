/*
 * check_grace.c: the grace period's merge: last-seen times written and read back, the
 * previous targets file read strictly (all or nothing), and which vanished targets stay.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grace.h"
#include "targets.h"
#include "check_main.h"

START_TEST(times_round_trip_and_bad_ones_are_refused)
{
	static const char *const bad[] = { "", "2026-12-01T08:00:00", "2026-12-01T08:00:00+00:00",
	    "2026-12-01 08:00:00Z", "2026-02-30T08:00:00Z", "2026-13-01T08:00:00Z",
	    "2026-12-01T24:00:00Z", "2026-12-01T08:60:00Z", "2025-02-29T00:00:00Z",
	    "1969-12-31T23:59:59Z", "2026-12-01T08:00:00.5Z", "2O26-12-01T08:00:00Z" };
	char buf[GRACE_TIME_LEN + 1];
	int64_t t;

	ck_assert_str_eq(grace_format_time(1764576000, buf, sizeof(buf)), "2025-12-01T08:00:00Z");
	ck_assert_int_eq(grace_parse_time("2025-12-01T08:00:00Z", &t), 0);
	ck_assert_int_eq(t, 1764576000);
	ck_assert_int_eq(grace_parse_time("2024-02-29T23:59:59Z", &t), 0);
	ck_assert_str_eq(grace_format_time(t, buf, sizeof(buf)), "2024-02-29T23:59:59Z");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(grace_parse_time(bad[i], &t) < 0, "accepted %s", bad[i]);
}
END_TEST

/* sd-scan's own file for the given targets */
static char *
file_of(const struct target *t, size_t n, size_t *len)
{
	char *json;

	ck_assert_int_eq(targets_format(t, n, &json, len), 0);
	return json;
}

START_TEST(reads_back_what_sd_scan_writes)
{
	const struct target t[] = {
		{ CIDR_V4(0x0a000002u), 8080, "b.example", "2026-12-01T07:00:00Z", NULL },
		{ CIDR_V4(0x0a000001u), 9100, NULL, "2026-12-01T08:00:00Z", NULL },
	};
	struct grace_entry *e;
	size_t len, n;
	char err[200], *json = file_of(t, 2, &len);

	ck_assert_int_eq(grace_parse(json, len, &e, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(e[0].addr, CIDR_V4(0x0a000002u));
	ck_assert_uint_eq(e[0].port, 8080);
	ck_assert_int_eq(e[1].last_seen - e[0].last_seen, 3600);
	free(e);
	free(json);
	ck_assert_int_eq(grace_parse("[]\n", 3, &e, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(e);
}
END_TEST

static void refused(const char *file, const char *want);

/* IPv6 targets ([fd00::5]:9100, a PTR name) read back by their __meta_sd_ip, IPv4 first. */
START_TEST(reads_back_ipv6)
{
	const cidr_ip v6 = (cidr_ip)0xfd00 << 112 | 5;
	const struct target t[] = {
		{ CIDR_V4(0x0a000001u), 9100, NULL, "2026-12-01T08:00:00Z", NULL },
		{ v6, 9100, NULL, "2026-12-01T08:00:00Z", NULL },
		{ v6 + 1, 9100, "six.example", "2026-12-01T07:00:00Z", NULL },
	};
	struct grace_entry *e;
	size_t len, n;
	char err[200], *json = file_of(t, 3, &len);

	ck_assert_ptr_nonnull(strstr(json, "\"[fd00::5]:9100\""));
	ck_assert_int_eq(grace_parse(json, len, &e, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert(e[0].addr == CIDR_V4(0x0a000001u));
	ck_assert(e[1].addr == v6);
	ck_assert(e[2].addr == v6 + 1);
	free(e);
	free(json);
	refused("[{\"targets\":[\"[fd00::5]:9100\"],\"labels\":{\"__meta_sd_ip\":\"fd00::5\","
	    "\"__meta_sd_port\":\"9100\",\"" GRACE_LABEL "\":\"2026-12-01T08:00:00Z\"}},"
	    "{\"targets\":[\"[fd00::5]:9100\"],\"labels\":{\"__meta_sd_ip\":\"FD00::5\","
	    "\"__meta_sd_port\":\"9100\",\"" GRACE_LABEL "\":\"2026-12-01T08:00:00Z\"}}]",
	    "[fd00::5]:9100 is listed twice");
}
END_TEST

/* -retry-scope's lookup: IPv6 addresses below ::ffff:0:0 (::1) sort after every IPv4 one */
START_TEST(finds_every_pair_of_a_mixed_file)
{
	const cidr_ip v6 = (cidr_ip)0xfd00 << 112 | 5;
	const struct target t[] = {
		{ CIDR_V4(0x7f320002u), 9102, NULL, NULL, NULL },
		{ CIDR_V4(0x7f320003u), 9102, NULL, NULL, NULL },
		{ 1, 9102, NULL, NULL, NULL },
		{ v6, 9102, NULL, NULL, NULL },
		{ 1, 9100, NULL, NULL, NULL },
		{ CIDR_V4(0x0a000001u), 9100, NULL, NULL, NULL },
	};
	struct grace_entry *e;
	size_t len, n;
	char err[200], *json = file_of(t, 6, &len);

	ck_assert_int_eq(grace_parse_pairs(json, len, &e, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 6);
	for (size_t i = 0; i < 6; i++) {
		const struct grace_entry *f = grace_find(e, n, t[i].addr, t[i].port);

		ck_assert_msg(f != NULL, "pair %zu not found", i);
		ck_assert(f->addr == t[i].addr);
		ck_assert_uint_eq(f->port, t[i].port);
	}
	ck_assert_ptr_null(grace_find(e, n, 1, 9101));
	ck_assert_ptr_null(grace_find(e, n, 2, 9102));
	ck_assert_ptr_null(grace_find(e, n, CIDR_V4(0x0a000001u), 9102));
	ck_assert_ptr_null(grace_find(NULL, 0, 1, 9102));
	free(e);
	free(json);
}
END_TEST

static void
refused(const char *file, const char *want)
{
	struct grace_entry *e = (void *)1;
	size_t n = 7;
	char err[200] = "";

	ck_assert_int_eq(grace_parse(file, strlen(file), &e, &n, err, sizeof(err)), -1);
	ck_assert_ptr_null(e);
	ck_assert_uint_eq(n, 0);
	ck_assert_msg(strstr(err, want) != NULL, "'%s': error '%s' lacks '%s'", file, err, want);
}

START_TEST(a_bad_previous_file_keeps_nothing)
{
	const char *g = "{\"targets\":[\"10.0.0.1:9100\"],\"labels\":{\"__meta_sd_ip\":\"10.0.0.1\","
	    "\"__meta_sd_port\":\"9100\"";
	char buf[600];

	refused("", "truncated");
	refused("[{\"targets\":[]", "truncated");
	refused("{}", "not a JSON array");
	refused("[] []", "JSON syntax error at byte 3");
	refused("[null]", "group 1 is not an object");
	snprintf(buf, sizeof(buf), "[%s}}]", g);
	refused(buf, "group 1: no __meta_sd_last_seen");
	snprintf(buf, sizeof(buf), "[%s,\"__meta_sd_last_seen\":\"yesterday\"}}]", g);
	refused(buf, "group 1: bad __meta_sd_last_seen");
	snprintf(buf, sizeof(buf), "[%s,\"__meta_sd_last_seen\":\"2026-12-01T08:00:00Z\"}},"
	    "%s,\"__meta_sd_last_seen\":\"2026-12-01T09:00:00Z\"}}]", g, g);
	refused(buf, "10.0.0.1:9100 is listed twice");
	refused("[{\"labels\":{\"__meta_sd_ip\":\"10.0.0.01\",\"__meta_sd_port\":\"9100\"}}]",
	    "no valid __meta_sd_ip");
	refused("[{\"labels\":{\"__meta_sd_ip\":\"10.0.0.1\",\"__meta_sd_port\":\"65536\"}}]",
	    "no valid __meta_sd_port");
	refused("[{\"labels\":{\"__meta_sd_ip\":\"10.0.0.1\",\"__meta_sd_port\":\"0\"}}]",
	    "no valid __meta_sd_port");
	refused("[{\"labels\":{\"__meta_sd_ip\":\"10.0.0.1\",\"__meta_sd_port\":9100}}]",
	    "label __meta_sd_port is not a string");
}
END_TEST

static int
scope_10_0_0(void *ctx, cidr_ip addr, uint16_t port)
{
	(void)ctx;
	return (addr >> 8) == (CIDR_V4(0x0a000000u) >> 8) && port != 22;
}

START_TEST(keeps_the_recent_vanished_in_scope)
{
	const int64_t now = 1764576000;
	struct grace_entry prev[] = {
		{ CIDR_V4(0x0a000009u), 9100, now - 60 },	/* vanished a minute ago: kept */
		{ CIDR_V4(0x0a000001u), 9100, now - 30 },	/* seen again: not kept */
		{ CIDR_V4(0x0a000003u), 8080, now - 3601 },	/* too old: expired */
		{ CIDR_V4(0x0b000001u), 9100, now - 5 },		/* network no longer scanned */
		{ CIDR_V4(0x0a000004u), 22, now - 5 },		/* port no longer scanned */
		{ CIDR_V4(0x0a000002u), 8080, now - 3600 },	/* exactly the grace period: kept */
	};
	const struct probe_hit seen[] = { { CIDR_V4(0x0a000001u), 9100 }, { CIDR_V4(0x0a000005u), 9100 } };
	struct grace_entry *kept;
	size_t nkept, expired;

	ck_assert_int_eq(grace_select(prev, 6, seen, 2, now, 3600, scope_10_0_0, NULL, &kept,
	    &nkept, &expired), 0);
	ck_assert_uint_eq(nkept, 2);
	ck_assert_uint_eq(expired, 1);
	/* sorted by port, then address, like the probes */
	ck_assert_uint_eq(kept[0].addr, CIDR_V4(0x0a000002u));
	ck_assert_uint_eq(kept[0].port, 8080);
	ck_assert_int_eq(kept[0].last_seen, now - 3600);
	ck_assert_uint_eq(kept[1].addr, CIDR_V4(0x0a000009u));
	ck_assert_int_eq(kept[1].last_seen, now - 60);
	free(kept);
	/* nothing seen, nothing before */
	ck_assert_int_eq(grace_select(NULL, 0, NULL, 0, now, 3600, scope_10_0_0, NULL, &kept,
	    &nkept, &expired), 0);
	ck_assert_uint_eq(nkept, 0);
	ck_assert_ptr_null(kept);
}
END_TEST

static void
add_tests(void)
{
	ADD(reads_back_ipv6);
	ADD(finds_every_pair_of_a_mixed_file);
	ADD(times_round_trip_and_bad_ones_are_refused);
	ADD(reads_back_what_sd_scan_writes);
	ADD(a_bad_previous_file_keeps_nothing);
	ADD(keeps_the_recent_vanished_in_scope);
}
