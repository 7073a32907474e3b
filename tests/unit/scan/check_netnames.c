/*
 * check_netnames.c: host names in -networks: told from CIDRs, resolved through a fake lookup
 * (no DNS), merged with the CIDRs by scan_config_build; a name that does not resolve is a
 * warning, nothing left to scan is an error.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netnames.h"
#include "scan_config.h"
#include "check_main.h"

static unsigned lookups;

/* gw.example.net: 10.0.0.9, 10.0.0.7 (twice) and fd00::7; v6only.example: fd00::1 only;
 * none.example: an answer without addresses; ll.example: fe80::1 and 10.0.0.5;
 * llonly.example: fe80::1 only. */
static int
fake_lookup(const char *name, cidr_ip **v, size_t *n, char *err, size_t errlen)
{
	*v = NULL;
	*n = 0;
	lookups++;
	if (strcmp(name, "gw.example.net") == 0) {
		*v = calloc(4, sizeof(**v));
		(*v)[0] = CIDR_V4(0x0a000009u);
		(*v)[1] = ((cidr_ip)0xfd00 << 112) | 7;
		(*v)[2] = CIDR_V4(0x0a000007u);
		(*v)[3] = CIDR_V4(0x0a000007u);
		*n = 4;
		return 0;
	}
	if (strcmp(name, "v6only.example") == 0) {
		*v = calloc(1, sizeof(**v));
		(*v)[0] = ((cidr_ip)0xfd00 << 112) | 1;
		*n = 1;
		return 0;
	}
	if (strcmp(name, "none.example") == 0)
		return 0;
	if (strcmp(name, "ll.example") == 0 || strcmp(name, "llonly.example") == 0) {
		*v = calloc(2, sizeof(**v));
		(*v)[0] = ((cidr_ip)0xfe80 << 112) | 1;
		(*v)[1] = CIDR_V4(0x0a000005u);
		*n = name[2] == '.' ? 2 : 1;
		return 0;
	}
	if (strcmp(name, "many.example") == 0) {
		*v = calloc(300, sizeof(**v));
		for (size_t i = 0; i < 300; i++)
			(*v)[i] = CIDR_V4(0x0b000000u) + 299 - (uint32_t)i;
		*n = 300;
		return 0;
	}
	snprintf(err, errlen, "no such host");
	return -1;
}

START_TEST(names_told_from_cidrs)
{
	static const char *const names[] = { "gw.example.net", "localhost", "GW.Example.NET.",
	    "a-b.c0" };
	static const char *const not_names[] = { "10.0.0.1", "10.0.0.0/24", "10.0.0.1a",
	    "10.0.0.300", "host_x.example", "-a.example", "a..b", "", "gw.example.net/32",
	    "1.example.9" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ck_assert_msg(netnames_is_name(names[i]), "'%s' is a name", names[i]);
	for (size_t i = 0; i < sizeof(not_names) / sizeof(not_names[0]); i++)
		ck_assert_msg(!netnames_is_name(not_names[i]), "'%s' is no name", not_names[i]);
}
END_TEST

START_TEST(split_resolve_list)
{
	struct netnames nn;
	char err[256], line[512], *list;

	ck_assert_int_eq(netnames_split(&nn, "10.0.1.0/24, GW.example.net ,nope.example,"
	    "gw.example.net., 10.0.2.1", err, sizeof(err)), 0);
	ck_assert_uint_eq(nn.n, 2);	/* one name, however it is spelt */
	ck_assert_str_eq(nn.v[0].name, "gw.example.net");
	ck_assert_str_eq(nn.v[1].name, "nope.example");
	ck_assert_str_eq(nn.cidrs, "10.0.1.0/24, 10.0.2.1");
	ck_assert_uint_eq(netnames_resolve(&nn, fake_lookup), 1);
	ck_assert_uint_eq(nn.v[0].naddrs, 3);
	ck_assert_uint_eq(nn.v[0].addrs[0], CIDR_V4(0x0a000007u));
	ck_assert_str_eq(nn.v[1].error, "no such host");
	ck_assert_str_eq(netnames_describe(&nn.v[0], line, sizeof(line)),
	    "gw.example.net: 10.0.0.7, 10.0.0.9, fd00::7");
	ck_assert_str_eq(netnames_describe(&nn.v[1], line, sizeof(line)),
	    "nope.example: does not resolve (no such host)");
	ck_assert_ptr_nonnull(list = netnames_list(&nn));
	ck_assert_str_eq(list, "10.0.1.0/24, 10.0.2.1,10.0.0.7,10.0.0.9,fd00::7");
	free(list);
	netnames_fini(&nn);

	ck_assert_int_eq(netnames_split(&nn, "v6only.example,many.example,none.example", err,
	    sizeof(err)), 0);
	ck_assert_str_eq(nn.cidrs, "");
	ck_assert_uint_eq(netnames_resolve(&nn, fake_lookup), 2);
	ck_assert_str_eq(netnames_describe(&nn.v[0], line, sizeof(line)), "v6only.example: fd00::1");
	ck_assert_str_eq(nn.v[2].error, "no IPv4 or IPv6 address");
	ck_assert_uint_eq(nn.v[1].naddrs, NETNAMES_ADDRS_MAX);
	ck_assert_uint_eq(nn.v[1].dropped, 300 - NETNAMES_ADDRS_MAX);
	ck_assert_uint_eq(nn.v[1].addrs[0], CIDR_V4(0x0b000000u));	/* the lowest are kept */
	netnames_describe(&nn.v[1], line, sizeof(line));
	ck_assert_msg(strstr(line, " ... (44 more not scanned: at most 256 a name)") != NULL, "%s",
	    line);
	ck_assert_uint_le(strlen(line), sizeof(line) - 1);
	netnames_describe(&nn.v[1], line, 40);	/* a short buffer cuts, never overflows */
	ck_assert_uint_le(strlen(line), 39);
	netnames_fini(&nn);
}
END_TEST

START_TEST(too_many_names)
{
	char list[NETNAMES_MAX * 8 + 16], err[256];
	struct netnames nn;
	size_t o = 0;

	for (int i = 0; i <= NETNAMES_MAX; i++)
		o += (size_t)snprintf(list + o, sizeof(list) - o, "%sh%d.x", i ? "," : "", i);
	ck_assert_int_eq(netnames_split(&nn, list, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "more than 64 host names");
	netnames_fini(&nn);
}
END_TEST

static char warned[1024];

static void
warn(void *ctx, const char *msg)
{
	(void)ctx;
	snprintf(warned + strlen(warned), sizeof(warned) - strlen(warned), "%s|", msg);
}

static int
build(struct scan_config *c, const char *networks, netnames_lookup_fn lookup, char *err,
    size_t errlen)
{
	const char *argv[] = { "sd-scan", "-networks", networks, "-output", "/tmp/x/t.json", NULL };
	struct options o;
	int rc = -1;

	unsetenv("SCANNER_CONFIG");
	unsetenv("SCANNER_NETWORKS");
	warned[0] = '\0';
	if (options_load(&o, OPTION_SCAN, 5, argv, err, errlen) == OPTIONS_OK)
		rc = scan_config_build(c, &o, lookup, warn, NULL, err, errlen);
	options_fini(&o);
	return rc;
}

START_TEST(config_merges_names)
{
	struct scan_config c;
	char err[512];

	ck_assert_msg(build(&c, "10.0.0.8/31,gw.example.net,nope.example", fake_lookup, err,
	    sizeof(err)) == 0, "%s", err);
	/* 10.0.0.7 joins 10.0.0.8/31, which holds 10.0.0.9: one range of three addresses;
	 * fd00::7 is one more */
	ck_assert_uint_eq(c.hosts.n, 2);
	ck_assert_uint_eq(c.hosts.total, 4);
	ck_assert_uint_eq(c.hosts.total_v6, 1);
	ck_assert_uint_eq(c.hosts.ranges[0].first, CIDR_V4(0x0a000007u));
	ck_assert_str_eq(warned, "host name nope.example in -networks does not resolve (no such "
	    "host); scanning the rest|");
	scan_config_fini(&c);

	ck_assert_int_eq(build(&c, "nope.example,none.example", fake_lookup, err, sizeof(err)),
	    -1);
	ck_assert_str_eq(err, "nothing to scan: -networks lists no network and no host name of "
	    "it has an address (nope.example: no such host; and the others)");
	/* an AAAA answer is scanned like an A answer */
	ck_assert_msg(build(&c, "v6only.example", fake_lookup, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(c.hosts.total, 1);
	ck_assert_uint_eq(c.hosts.total_v6, 1);
	scan_config_fini(&c);
	ck_assert_str_eq(warned, "");	/* the one line says it all */
	/* a link-local answer cannot be connected to without a zone: left out, and said */
	ck_assert_msg(build(&c, "ll.example", fake_lookup, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(c.hosts.total, 1);
	ck_assert_uint_eq(c.hosts.total_v6, 0);
	ck_assert_str_eq(netnames_describe(&c.names.v[0], err, sizeof(err)),
	    "ll.example: 10.0.0.5 (1 link-local IPv6 address not scanned: no interface)");
	scan_config_fini(&c);
	ck_assert_int_eq(build(&c, "llonly.example", fake_lookup, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "nothing to scan: -networks lists no network and no host name of "
	    "it has an address (llonly.example: only link-local IPv6 addresses, which need an "
	    "interface)");
	/* a bad CIDR is reported before any lookup */
	lookups = 0;
	ck_assert_int_eq(build(&c, "gw.example.net,10.0.0.300", fake_lookup, err, sizeof(err)), -1);
	ck_assert_uint_eq(lookups, 0);
	ck_assert_int_eq(build(&c, "10.0.0.1,gw.example.net", NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "bad -networks '10.0.0.1,gw.example.net' (from flag -networks): "
	    "host name 'gw.example.net': names are not resolved here");
	/* a list without names is the list addrset_parse always read, errors included */
	ck_assert_int_eq(build(&c, "10.0.0.1,", fake_lookup, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "bad -networks '10.0.0.1,' (from flag -networks): empty network in "
	    "list '10.0.0.1,'");
	/* an empty item next to a name is still an empty item */
	ck_assert_int_eq(build(&c, "gw.example.net,", fake_lookup, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "bad -networks 'gw.example.net,' (from flag -networks): empty "
	    "network in list 'gw.example.net,'");
	ck_assert_int_eq(build(&c, "host_x.example", fake_lookup, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "network 'host_x.example'"));
}
END_TEST

static void
add_tests(void)
{
	ADD(names_told_from_cidrs);
	ADD(split_resolve_list);
	ADD(too_many_names);
	ADD(config_merges_names);
}
