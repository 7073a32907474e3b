/*
 * check_cidr.c: address, network and address-set parsing.
 */
#include <check.h>

#include "cidr.h"
#include "check_main.h"

static int warnings;

static void
count_warn(void *ctx, const char *msg)
{
	(void)ctx;
	(void)msg;
	warnings++;
}

START_TEST(addr_strict)
{
	uint32_t a;

	ck_assert_int_eq(cidr_parse_addr("10.174.71.50", &a), 0);
	ck_assert_uint_eq(a, 0x0aae4732u);
	ck_assert_int_eq(cidr_parse_addr("0.0.0.0", &a), 0);
	ck_assert_int_eq(cidr_parse_addr("255.255.255.255", &a), 0);
	ck_assert_uint_eq(a, 0xffffffffu);
	ck_assert_int_eq(cidr_parse_addr("256.0.0.1", &a), -1);
	ck_assert_int_eq(cidr_parse_addr("10.0.0", &a), -1);
	ck_assert_int_eq(cidr_parse_addr("10.0.0.1.2", &a), -1);
	ck_assert_int_eq(cidr_parse_addr("010.0.0.1", &a), -1);
	ck_assert_int_eq(cidr_parse_addr("10.0.0.1 ", &a), -1);
	ck_assert_int_eq(cidr_parse_addr("", &a), -1);
	ck_assert_int_eq(cidr_parse_addr("1000.0.0.1", &a), -1);
	ck_assert_int_eq(cidr_parse_addr("-1.0.0.1", &a), -1);
}
END_TEST

START_TEST(network_masks_host_bits)
{
	uint32_t net;
	unsigned len;
	int masked;
	char err[128];

	ck_assert_int_eq(cidr_parse("10.174.71.0/23", &net, &len, &masked, err, sizeof(err)), 0);
	ck_assert_uint_eq(net, 0x0aae4600u);	/* 10.174.70.0 */
	ck_assert_uint_eq(len, 23);
	ck_assert_int_eq(masked, 1);
	ck_assert_int_eq(cidr_parse("10.0.0.0/8", &net, &len, &masked, err, sizeof(err)), 0);
	ck_assert_int_eq(masked, 0);
	ck_assert_int_eq(cidr_parse("10.0.0.7", &net, &len, &masked, err, sizeof(err)), 0);
	ck_assert_uint_eq(len, 32);
	ck_assert_int_eq(cidr_parse("10.0.0.0/33", &net, &len, &masked, err, sizeof(err)), -1);
	ck_assert_int_eq(cidr_parse("10.0.0.0/", &net, &len, &masked, err, sizeof(err)), -1);
	ck_assert_int_eq(cidr_parse("10.0.0.0/08", &net, &len, &masked, err, sizeof(err)), -1);
	ck_assert_int_eq(cidr_parse("10.0.0.0/x", &net, &len, &masked, err, sizeof(err)), -1);
	ck_assert_int_eq(cidr_parse("2001:db8::/64", &net, &len, &masked, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "IPv6 networks are not supported");
}
END_TEST

START_TEST(set_skips_network_and_broadcast)
{
	struct addrset s;
	char err[128];

	ck_assert_int_eq(addrset_parse(&s, "10.0.0.0/24", 1, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.total, 254);
	ck_assert_uint_eq(addrset_nth(&s, 0), 0x0a000001u);
	ck_assert_uint_eq(addrset_nth(&s, 253), 0x0a0000feu);
	addrset_fini(&s);
	ck_assert_int_eq(addrset_parse(&s, "10.0.0.0/24", 0, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.total, 256);
	addrset_fini(&s);
}
END_TEST

START_TEST(set_rfc3021)
{
	struct addrset s;
	char err[128];

	ck_assert_int_eq(addrset_parse(&s, "10.0.0.0/31,10.0.1.9/32", 1, NULL, NULL, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(s.total, 3);
	ck_assert_uint_eq(addrset_nth(&s, 0), 0x0a000000u);
	ck_assert_uint_eq(addrset_nth(&s, 1), 0x0a000001u);
	ck_assert_uint_eq(addrset_nth(&s, 2), 0x0a000109u);
	addrset_fini(&s);
	/* /30: two usable */
	ck_assert_int_eq(addrset_parse(&s, "10.0.0.4/30", 1, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.total, 2);
	addrset_fini(&s);
}
END_TEST

START_TEST(set_overlaps_once)
{
	struct addrset s;
	char err[128];

	warnings = 0;
	/* the /25's broadcast .127 is a host of the /24: probed once, as a host */
	ck_assert_int_eq(addrset_parse(&s, " 10.0.0.0/24 , 10.0.0.0/25,10.0.0.5,10.0.0.1/24", 1,
	    count_warn, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.total, 254);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_int_eq(warnings, 1);
	addrset_fini(&s);
	/* adjacent networks merge, and each keeps its own skipped edges */
	ck_assert_int_eq(addrset_parse(&s, "10.0.1.0/24,10.0.0.0/24", 1, NULL, NULL, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(s.total, 508);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_uint_eq(addrset_nth(&s, 254), 0x0a000101u);
	addrset_fini(&s);
	ck_assert_int_eq(addrset_parse(&s, "0.0.0.0/0", 0, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.total, 4294967296ull);
	ck_assert_uint_eq(addrset_nth(&s, 4294967295ull), 0xffffffffu);
	addrset_fini(&s);
}
END_TEST

START_TEST(set_errors_name_the_item)
{
	struct addrset s;
	char err[256];

	ck_assert_int_eq(addrset_parse(&s, "10.0.0.0/24,10.0.0.300/24", 1, NULL, NULL, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "network '10.0.0.300/24': not an IPv4 address");
	ck_assert_int_eq(addrset_parse(&s, "", 1, NULL, NULL, err, sizeof(err)), -1);
	ck_assert_int_eq(addrset_parse(&s, "10.0.0.0/24,", 1, NULL, NULL, err, sizeof(err)), -1);
	ck_assert_int_eq(addrset_parse(&s, " , ", 1, NULL, NULL, err, sizeof(err)), -1);
	/* a space for a comma, a comment: said so, not "prefix length must be 0 to 32" */
	ck_assert_int_eq(addrset_parse(&s, "10.0.0.0/24 10.0.1.0/24", 1, NULL, NULL, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "network '10.0.0.0/24 10.0.1.0/24': separate networks with commas, "
	    "not spaces");
	ck_assert_int_eq(addrset_parse(&s, "10.0.0.0/24 # lab", 1, NULL, NULL, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "network '10.0.0.0/24 # lab': '#' starts no comment in a value");
	ck_assert_int_eq(addrset_parse(&s, " 10.0.0.0/24 ,\t10.0.1.0/24 ", 1, NULL, NULL, err,
	    sizeof(err)), 0);
	addrset_fini(&s);
	ck_assert_ptr_null(s.ranges);
}
END_TEST

static void
add_tests(void)
{
	ADD(addr_strict);
	ADD(network_masks_host_bits);
	ADD(set_skips_network_and_broadcast);
	ADD(set_rfc3021);
	ADD(set_overlaps_once);
	ADD(set_errors_name_the_item);
}
