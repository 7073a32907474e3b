/*
 * check_plan.c: the dry-run plan: the best-case duration for rate- and in-flight-bound
 * scans, and the printed networks (merged, masked), host names (what each gave), ports (as
 * ranges, with their names), labels and files.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "check_main.h"

START_TEST(estimate)
{
	/* rate-bound: probes / rate + one timeout for the last ones */
	ck_assert_double_eq_tol(plan_estimate(2550, 50, 79, 1.0), 52.0, 1e-9);
	/* in-flight bound (unlimited rate): one timeout per round */
	ck_assert_double_eq_tol(plan_estimate(327670, 0, 16384, 1.0), 20.0, 1e-9);
	ck_assert_double_eq_tol(plan_estimate(10, 0, 3, 0.5), 2.0, 1e-9);
	/* a rate so high that in flight is the bound */
	ck_assert_double_eq_tol(plan_estimate(1000, 1e6, 10, 1.0), 100.0, 1e-9);
	ck_assert_double_eq_tol(plan_estimate(0, 50, 79, 1.0), 0.0, 1e-9);
}
END_TEST

static void
build(struct scan_config *c, struct options *o, int argc, const char *argv[])
{
	char err[512];

	ck_assert_int_eq(options_load(o, OPTION_SCAN, argc, argv, err, sizeof(err)), OPTIONS_OK);
	ck_assert_msg(scan_config_build(c, o, NULL, NULL, NULL, err, sizeof(err)) == 0, "%s", err);
}

/* The plan as plan_print writes it (the caller frees). */
static char *
plan_text(const struct scan_config *c, const struct scan_plan *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(fp);
	plan_print(fp, c, p);
	ck_assert_int_eq(fclose(fp), 0);
	return buf;
}

START_TEST(printed)
{
	const char *argv[] = { "sd-scan", "-networks", "10.0.1.0/24,10.0.0.9/23,192.168.1.7",
	    "-ports", "9100,9101,9102,8080", "-rate-limit", "100", "-timeout", "2s",
	    "-workers", "4", "-output", "/srv/sd/t.json", "-metrics-file", "/srv/m.prom", NULL };
	struct options o;
	struct scan_config c;
	struct scan_plan p;
	char *buf;

	build(&c, &o, 15, argv);
	plan_build(&c, &p);
	ck_assert_uint_eq(p.addresses, 511);	/* 10.0.0.9/23 masked, 10.0.1.0/24 merged into it, and one */
	ck_assert_uint_eq(p.probes, 511 * 4);
	ck_assert_uint_eq(p.inflight_wanted, 266);	/* ceil(1.25 x 100 x 2) + 16 */
	ck_assert_uint_eq(p.workers, 4);
	ck_assert_double_eq_tol(p.seconds, 2044 / 100.0 + 2, 1e-9);
	ck_assert_double_eq_tol(plan_limit(&c, &o), PLAN_LONG_S, 1e-9);
	buf = plan_text(&c, &p);
	ck_assert_ptr_nonnull(strstr(buf, "networks: 2 ranges after masking, merging and exclusions"));
	ck_assert_ptr_nonnull(strstr(buf, "  10.0.0.1 - 10.0.1.254  510 addresses\n"));
	ck_assert_ptr_nonnull(strstr(buf, "  192.168.1.7 - 192.168.1.7  1 address\n"));
	ck_assert_ptr_nonnull(strstr(buf, "ports: 4: 8080,9100-9102\n"));
	ck_assert_ptr_nonnull(strstr(buf, "probes: 2044 (511 addresses x 4 ports)\n"));
	ck_assert_ptr_nonnull(strstr(buf, "(1.25 x rate-limit 100/s x timeout 2s + 16)"));
	ck_assert_ptr_nonnull(strstr(buf, "estimated duration: 22.44s at best"));
	ck_assert_ptr_nonnull(strstr(buf, "would write: /srv/sd/t.json (targets), /srv/m.prom "
	    "(metrics), /srv/sd/t.json.lock (lock), /srv/sd/ptr-cache.tsv (PTR cache)\n"));
	free(buf);
	scan_config_fini(&c);
	options_fini(&o);
}
END_TEST

START_TEST(limit_is_the_interval_when_set)
{
	const char *argv[] = { "sd-scan", "-interval", "10m", NULL };
	struct options o;
	struct scan_config c;

	build(&c, &o, 3, argv);
	ck_assert_double_eq_tol(plan_limit(&c, &o), 600.0, 1e-9);
	scan_config_fini(&c);
	options_fini(&o);
}
END_TEST

/* gw.example: 10.9.0.2 and 10.9.0.1; every other name fails */
static int
fake_lookup(const char *name, cidr_ip **v4, size_t *n4, char *err, size_t errlen)
{
	*v4 = NULL;
	*n4 = 0;
	if (strcmp(name, "gw.example") != 0) {
		snprintf(err, errlen, "no such host");
		return -1;
	}
	*v4 = calloc(2, sizeof(**v4));
	(*v4)[0] = CIDR_V4(0x0a090002u);
	(*v4)[1] = CIDR_V4(0x0a090001u);
	*n4 = 2;
	return 0;
}

/* The plan of a shard: what the exclusions removed, the order, the share, the first probes. */
START_TEST(printed_exclusions_order_shard)
{
	const char *argv[] = { "sd-scan", "-networks", "10.0.0.0/29", "-ports", "9100,9101",
	    "-exclude", "10.0.0.2,10.9.0.0/24", "-order", "sequential", "-shard", "2/3",
	    "-output", "/srv/t.json", NULL };
	const char *seeded[] = { "sd-scan", "-networks", "10.0.0.0/29", "-seed", "42", NULL };
	struct options o;
	struct scan_config c;
	struct scan_plan p;
	char *buf;

	build(&c, &o, 13, argv);
	plan_build(&c, &p);
	ck_assert_uint_eq(p.addresses, 5);	/* .1-.6 less .2 */
	ck_assert_uint_eq(p.space, 10);
	ck_assert_uint_eq(p.probes, 3);		/* positions 2, 5, 8 of 10 */
	buf = plan_text(&c, &p);
	ck_assert_ptr_nonnull(strstr(buf, "exclusions: 2 (2 from -exclude, 0 from -exclude-file) "
	    "remove 1 of 6 addresses\n  10.0.0.2 (-exclude) removes 1\n  10.9.0.0/24 (-exclude) "
	    "removes 0\n"));
	ck_assert_ptr_nonnull(strstr(buf, "networks: 2 ranges after masking, merging and "
	    "exclusions"));
	ck_assert_ptr_nonnull(strstr(buf, "probes: 10 (5 addresses x 2 ports)\n"));
	ck_assert_ptr_nonnull(strstr(buf, "order: sequential (port by port, addresses ascending)\n"));
	ck_assert_ptr_nonnull(strstr(buf, "shard: 2/3: 3 of 10 probes (positions 2, 5, 8, ... of "
	    "the order, counting from 1)\n"));
	/* sequential: 9100 on .1 .3 .4 .5 .6, then 9101; shard 2 takes every third from the 2nd */
	ck_assert_ptr_nonnull(strstr(buf, "first probes: 10.0.0.3:9100 10.0.0.6:9100 "
	    "10.0.0.4:9101\n"));
	free(buf);
	scan_config_fini(&c);
	options_fini(&o);

	build(&c, &o, 5, seeded);
	plan_build(&c, &p);
	buf = plan_text(&c, &p);
	ck_assert_ptr_nonnull(strstr(buf, "exclusions: none\n"));
	ck_assert_ptr_nonnull(strstr(buf, "order: random, seed 42 (-seed)\n"));
	ck_assert_ptr_nonnull(strstr(buf, "shard: 1/1: 30 of 30 probes\nfirst probes: "));
	free(buf);
	scan_config_fini(&c);
	options_fini(&o);
}
END_TEST

START_TEST(printed_names_and_labels)
{
	const char *argv[] = { "sd-scan", "-networks", "10.0.0.0/30,GW.example,nope.example",
	    "-ports", "9100=node,8080=web,9090", "-labels", "site=ams1,q=a\"b\n", "-output",
	    "/srv/t.json", NULL };
	struct options o;
	struct scan_config c;
	struct scan_plan p;
	char *buf = NULL, err[512];
	size_t len = 0;
	FILE *fp;

	ck_assert_int_eq(options_load(&o, OPTION_SCAN, 9, argv, err, sizeof(err)), OPTIONS_OK);
	ck_assert_msg(scan_config_build(&c, &o, fake_lookup, NULL, NULL, err, sizeof(err)) == 0,
	    "%s", err);
	plan_build(&c, &p);
	ck_assert_uint_eq(p.addresses, 4);
	fp = open_memstream(&buf, &len);
	plan_print(fp, &c, &p);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(buf, "host names: 2, resolved now (each run resolves them "
	    "again)\n  gw.example: 10.9.0.1, 10.9.0.2\n  nope.example: does not resolve (no such "
	    "host)\n"));
	ck_assert_ptr_nonnull(strstr(buf, "ports: 3: 8080,9090,9100; named: 8080=web 9100=node\n"
	    "labels on every target: site=\"ams1\" q=\"a\\\"b\\x0a\"\nprobes: 12 "));
	free(buf);
	scan_config_fini(&c);
	options_fini(&o);
}
END_TEST

static void
add_tests(void)
{
	ADD(printed_exclusions_order_shard);
	ADD(estimate);
	ADD(printed);
	ADD(printed_names_and_labels);
	ADD(limit_is_the_interval_when_set);
}
