/*
 * check_query.c: the ?port= query parser: lists, repeats, percent-escapes, strict errors.
 */
#include <check.h>
#include <string.h>

#include "query.h"
#include "check_main.h"

static struct query q;
static char err[256];

static int
parse(const char *s)
{
	err[0] = '\0';
	return query_parse(s, s ? strlen(s) : 0, &q, err, sizeof(err));
}

START_TEST(no_filter)
{
	ck_assert_int_eq(parse(NULL), 0);
	ck_assert_int_eq(q.has_ports, 0);
	ck_assert_int_eq(parse(""), 0);
	ck_assert_int_eq(q.has_ports, 0);
	ck_assert_int_eq(query_wants(&q, 1), 1);
	ck_assert_int_eq(query_wants(&q, 0), 1);
}
END_TEST

START_TEST(lists_sorted_distinct)
{
	ck_assert_int_eq(parse("port=9100"), 0);
	ck_assert_int_eq(q.has_ports, 1);
	ck_assert_uint_eq(q.nports, 1);
	ck_assert_uint_eq(q.ports[0], 9100);
	ck_assert_int_eq(parse("port=9100,8080,9100"), 0);
	ck_assert_uint_eq(q.nports, 2);
	ck_assert_uint_eq(q.ports[0], 8080);
	ck_assert_uint_eq(q.ports[1], 9100);
	ck_assert_int_eq(query_wants(&q, 8080), 1);
	ck_assert_int_eq(query_wants(&q, 9100), 1);
	ck_assert_int_eq(query_wants(&q, 9090), 0);
	ck_assert_int_eq(parse("port=1&port=65535&port=4999"), 0);
	ck_assert_uint_eq(q.nports, 3);
	ck_assert_uint_eq(q.ports[0], 1);
	ck_assert_uint_eq(q.ports[2], 65535);
	ck_assert_int_eq(parse("port=09100"), 0);
	ck_assert_uint_eq(q.ports[0], 9100);
}
END_TEST

START_TEST(percent_decoding)
{
	ck_assert_int_eq(parse("port=9100%2C8080"), 0);
	ck_assert_uint_eq(q.nports, 2);
	ck_assert_int_eq(parse("%70ort=%39100"), 0);
	ck_assert_uint_eq(q.ports[0], 9100);
	ck_assert_int_eq(parse("port=91%2"), -1);
	ck_assert_str_eq(err, "bad percent-escape in 'port=91%2'");
	ck_assert_int_eq(parse("port=%zz"), -1);
	ck_assert_int_eq(parse("port=%"), -1);
	ck_assert_int_eq(parse("port=9100+"), -1);
	ck_assert_str_eq(err, "bad port '9100 ': expected a number from 1 to 65535");
	ck_assert_int_eq(parse("port=%00"), -1);
	ck_assert_str_eq(err, "bad port '\\x00': expected a number from 1 to 65535");
}
END_TEST

START_TEST(bad_ports)
{
	static const char *const bad[] = {
		"port=abc", "port=0", "port=70000", "port=65536", "port=", "port", "port=-1",
		"port=9100,", "port=,9100", "port=9100,,8080", "port= 9100", "port=1e3",
		"port=0x10", "port=123456", "port=99999999999999999999",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse(bad[i]) == -1, "%s accepted", bad[i]);
	parse("port=abc");
	ck_assert_str_eq(err, "bad port 'abc': expected a number from 1 to 65535");
	parse("port=70000");
	ck_assert_str_eq(err, "bad port '70000': expected a number from 1 to 65535");
	parse("port=");
	ck_assert_str_eq(err, "empty port parameter (expected e.g. port=9100 or port=9100,8080)");
}
END_TEST

START_TEST(malformed)
{
	char big[QUERY_MAX_BYTES + 10];

	ck_assert_int_eq(parse("prot=9100"), -1);
	ck_assert_str_eq(err, "unknown query parameter 'prot' (only port and network are known)");
	ck_assert_int_eq(parse("port=9100&"), -1);
	ck_assert_int_eq(parse("&port=9100"), -1);
	ck_assert_int_eq(parse("port=9100&&port=1"), -1);
	ck_assert_int_eq(parse("port=9100&x"), -1);
	ck_assert_int_eq(parse("port=9100=1"), -1);
	ck_assert_int_eq(parse("="), -1);
	ck_assert_int_eq(query_parse("port=1\0", 7, &q, err, sizeof(err)), -1);
	memset(big, '1', sizeof(big));
	memcpy(big, "port=", 5);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(parse(big), -1);
	ck_assert_str_eq(err, "query string longer than 2048 bytes");
	/* the longest accepted query: many ports, bounded */
	big[0] = '\0';
	ck_assert_int_eq(parse("port=1,2,3,4,5,6,7,8,9,10"), 0);
	ck_assert_uint_eq(q.nports, 10);
}
END_TEST

START_TEST(error_text_is_bounded)
{
	char v[1000];

	memset(v, 'x', sizeof(v));
	memcpy(v, "port=", 5);
	v[sizeof(v) - 1] = '\0';
	ck_assert_int_eq(parse(v), -1);
	ck_assert_uint_lt(strlen(err), 120);
	ck_assert_ptr_null(strchr(err, '\n'));
}
END_TEST

START_TEST(networks)
{
	ck_assert_int_eq(parse("network=10.0.0.0/8,192.0.2.7&network=172.16.0.1/12&port=9100"), 0);
	ck_assert_uint_eq(q.nnets, 3);
	ck_assert_int_eq(q.has_ports, 1);
	ck_assert_int_eq(query_wants_addr(&q, CIDR_V4(0x0a010203)), 1);
	ck_assert_int_eq(query_wants_addr(&q, CIDR_V4(0xc0000207)), 1);
	ck_assert_int_eq(query_wants_addr(&q, CIDR_V4(0xc0000208)), 0);
	ck_assert_int_eq(query_wants_addr(&q, CIDR_V4(0xac1f0000)), 1);	/* host bits of the base dropped */
	ck_assert_int_eq(query_wants_addr(&q, CIDR_V4(0xac200000)), 0);
	ck_assert_int_eq(parse("network=0.0.0.0/0"), 0);
	ck_assert_int_eq(query_wants_addr(&q, CIDR_V4(0xffffffff)), 1);
	ck_assert_int_eq(parse("port=1"), 0);
	ck_assert_uint_eq(q.nnets, 0);
	ck_assert_int_eq(query_wants_addr(&q, 1), 1);
	ck_assert_int_eq(parse("network="), -1);
	ck_assert_str_eq(err, "empty network parameter (expected e.g. network=10.0.0.0/8)");
	ck_assert_int_eq(parse("network=10.0.0.0/33"), -1);
	ck_assert_ptr_nonnull(strstr(err, "bad network '10.0.0.0/33'"));
	ck_assert_int_eq(parse("network=10.0.0.0/8,"), -1);
	/* IPv6, any prefix length, with IPv4 in one list; the families never match each other */
	ck_assert_int_eq(parse("network=2001:db8::/32,10.0.0.0/8&network=fd00%3A%3A%2F64"), 0);
	ck_assert_uint_eq(q.nnets, 3);
	ck_assert_int_eq(query_wants_addr(&q, (cidr_ip)0x20010db8 << 96 | 9), 1);
	ck_assert_int_eq(query_wants_addr(&q, (cidr_ip)0x20010db9 << 96), 0);
	ck_assert_int_eq(query_wants_addr(&q, (cidr_ip)0xfd00 << 112 | 0xffff), 1);
	ck_assert_int_eq(query_wants_addr(&q, (cidr_ip)0xfd00 << 112 | (cidr_ip)1 << 64), 0);
	ck_assert_int_eq(query_wants_addr(&q, CIDR_V4(0x0a000001)), 1);
	ck_assert_int_eq(parse("network=8000::/1"), 0);
	ck_assert_int_eq(query_wants_addr(&q, CIDR_V4(0x0a000001)), 0);
	ck_assert_int_eq(query_wants_addr(&q, (cidr_ip)0xfd00 << 112), 1);
	ck_assert_int_eq(query_wants_addr(&q, 1), 0);
	/* ::/0 is every IPv6 address, never an IPv4 one (their mapped form lies inside it) */
	ck_assert_int_eq(parse("network=::/0"), 0);
	ck_assert_int_eq(query_wants_addr(&q, CIDR_V4(0x0a000001)), 0);
	ck_assert_int_eq(query_wants_addr(&q, 1), 1);
	ck_assert_int_eq(query_wants_addr(&q, CIDR_IP_MAX), 1);
	ck_assert_int_eq(parse("network=0.0.0.0/0"), 0);
	ck_assert_int_eq(query_wants_addr(&q, 1), 0);
	ck_assert_int_eq(parse("network=fd00::1::2/64"), -1);
	ck_assert_str_eq(err, "bad network 'fd00::1::2/64': not an IPv6 address");
	ck_assert_int_eq(parse("network=fd00::/129"), -1);
}
END_TEST

static void
add_tests(void)
{
	ADD(networks);
	ADD(no_filter);
	ADD(lists_sorted_distinct);
	ADD(percent_decoding);
	ADD(bad_ports);
	ADD(malformed);
	ADD(error_text_is_bounded);
}
