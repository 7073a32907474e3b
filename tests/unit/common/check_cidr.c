/*
 * check_cidr.c: IPv4 and IPv6 address, network and address-set parsing, and the set
 * arithmetic of exclusions (count within a range, subtract ranges) against a brute-force
 * bitmap, in both families.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "cidr.h"
#include "check_main.h"

/* Two cidr_ip equal, shown as text when not. */
#define ck_assert_ip_eq(x, y) do {						\
	char ip_a_[CIDR_IP_LEN], ip_b_[CIDR_IP_LEN];				\
	cidr_ip ip_x_ = (x), ip_y_ = (y);					\
	ck_assert_msg(ip_x_ == ip_y_, "%s != %s",				\
	    cidr_format_ip(ip_x_, ip_a_, sizeof(ip_a_)),			\
	    cidr_format_ip(ip_y_, ip_b_, sizeof(ip_b_)));			\
} while (0)

/* The address of literal s (which must parse). */
static cidr_ip
ip(const char *s)
{
	cidr_ip v = 0;

	ck_assert_msg(cidr_parse_ip(s, &v) == 0, "%s does not parse", s);
	return v;
}

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
	struct cidr_net net;
	int masked;
	char err[128];

	ck_assert_int_eq(cidr_parse("10.174.71.0/23", &net, &masked, err, sizeof(err)), 0);
	ck_assert_ip_eq(net.first, cidr_v4(0x0aae4600u));	/* 10.174.70.0 */
	ck_assert_ip_eq(net.last, cidr_v4(0x0aae47ffu));
	ck_assert_uint_eq(net.prefix, 23);
	ck_assert_int_eq(net.v6, 0);
	ck_assert_int_eq(masked, 1);
	ck_assert_int_eq(cidr_parse("10.0.0.0/8", &net, &masked, err, sizeof(err)), 0);
	ck_assert_int_eq(masked, 0);
	ck_assert_int_eq(cidr_parse("10.0.0.7", &net, &masked, err, sizeof(err)), 0);
	ck_assert_uint_eq(net.prefix, 32);
	ck_assert_ip_eq(net.first, net.last);
	ck_assert_int_eq(cidr_parse("0.0.0.0/0", &net, &masked, err, sizeof(err)), 0);
	ck_assert_ip_eq(net.first, cidr_v4(0));
	ck_assert_ip_eq(net.last, cidr_v4(0xffffffffu));
	ck_assert_int_eq(cidr_parse("10.0.0.0/33", &net, &masked, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "prefix length must be 0 to 32");
	ck_assert_int_eq(cidr_parse("10.0.0.0/", &net, &masked, err, sizeof(err)), -1);
	ck_assert_int_eq(cidr_parse("10.0.0.0/08", &net, &masked, err, sizeof(err)), -1);
	ck_assert_int_eq(cidr_parse("10.0.0.0/x", &net, &masked, err, sizeof(err)), -1);
}
END_TEST

START_TEST(ipv6_networks)
{
	struct cidr_net net;
	int masked;
	char err[128], a[CIDR_IP_LEN];

	ck_assert_int_eq(cidr_parse("2001:db8::/64", &net, &masked, err, sizeof(err)), 0);
	ck_assert_int_eq(net.v6, 1);
	ck_assert_uint_eq(net.prefix, 64);
	ck_assert_ip_eq(net.first, ip("2001:db8::"));
	ck_assert_ip_eq(net.last, ip("2001:db8::ffff:ffff:ffff:ffff"));
	ck_assert_int_eq(masked, 0);
	ck_assert_int_eq(cidr_parse("FD00::1:5/112", &net, &masked, err, sizeof(err)), 0);
	ck_assert_int_eq(masked, 1);
	ck_assert_ip_eq(net.first, ip("fd00::1:0"));
	ck_assert_ip_eq(net.last, ip("fd00::1:ffff"));
	ck_assert_int_eq(cidr_parse("fd00::5", &net, &masked, err, sizeof(err)), 0);
	ck_assert_uint_eq(net.prefix, 128);
	ck_assert_ip_eq(net.first, net.last);
	/* it parses, holding the mapped block; a set refuses it */
	ck_assert_int_eq(cidr_parse("::/0", &net, &masked, err, sizeof(err)), 0);
	ck_assert_int_eq(cidr_net_overlaps_v4(&net), 1);
	ck_assert_ip_eq(net.last, CIDR_IP_MAX);
	ck_assert_int_eq(cidr_parse("::1:0:0:0/80", &net, &masked, err, sizeof(err)), 0);
	ck_assert_int_eq(cidr_net_overlaps_v4(&net), 0);
	ck_assert_int_eq(cidr_parse("10.0.0.0/8", &net, &masked, err, sizeof(err)), 0);
	ck_assert_int_eq(cidr_net_overlaps_v4(&net), 0);
	ck_assert_int_eq(cidr_parse("fd00::/129", &net, &masked, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "prefix length must be 0 to 128");
	ck_assert_int_eq(cidr_parse("fd00::/1000", &net, &masked, err, sizeof(err)), -1);
	ck_assert_int_eq(cidr_parse("fd00:::1/120", &net, &masked, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "not an IPv6 address");
	ck_assert_int_eq(cidr_parse("fd00::1%lo", &net, &masked, err, sizeof(err)), -1);
	ck_assert_int_eq(cidr_parse("[fd00::1]", &net, &masked, err, sizeof(err)), -1);
	ck_assert_int_eq(cidr_parse("::ffff:10.0.0.1", &net, &masked, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "IPv4-mapped IPv6 address: write the IPv4 address");
	ck_assert_int_eq(cidr_parse("::FFFF:a00:1/128", &net, &masked, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "IPv4-mapped IPv6 address: write the IPv4 address");
	/* RFC 5952 text back */
	ck_assert_str_eq(cidr_format_ip(ip("FD00:0:0:0:0:0:0:0005"), a, sizeof(a)), "fd00::5");
	ck_assert_str_eq(cidr_format_ip(ip("2001:db8:0:0:1:0:0:1"), a, sizeof(a)),
	    "2001:db8::1:0:0:1");
	ck_assert_str_eq(cidr_format_ip(ip("10.0.0.9"), a, sizeof(a)), "10.0.0.9");
	ck_assert_str_eq(cidr_format_ip_port(ip("fd00::5"), 9100, a, sizeof(a)), "[fd00::5]:9100");
	ck_assert_str_eq(cidr_format_ip_port(ip("10.0.0.9"), 22, a, sizeof(a)), "10.0.0.9:22");
}
END_TEST

START_TEST(ip_bytes_and_order)
{
	uint8_t b[16];

	cidr_ip_bytes(ip("fd00::102"), b);
	ck_assert_uint_eq(b[0], 0xfd);
	ck_assert_uint_eq(b[14], 1);
	ck_assert_uint_eq(b[15], 2);
	ck_assert_ip_eq(cidr_ip_from_bytes(b), ip("fd00::102"));
	cidr_ip_bytes(ip("10.1.2.3"), b);
	ck_assert_uint_eq(b[10], 0xff);
	ck_assert_uint_eq(b[12], 10);
	ck_assert_int_eq(cidr_is_v4(ip("10.1.2.3")), 1);
	ck_assert_int_eq(cidr_is_v4(ip("::1")), 0);
	/* every IPv4 address first, then IPv6 by value: ::1 sorts after 255.255.255.255 */
	ck_assert_int_eq(cidr_ip_cmp(ip("255.255.255.255"), ip("::1")), -1);
	ck_assert_int_eq(cidr_ip_cmp(ip("fd00::1"), ip("10.0.0.1")), 1);
	ck_assert_int_eq(cidr_ip_cmp(ip("fd00::1"), ip("fd00::2")), -1);
	ck_assert_int_eq(cidr_ip_cmp(ip("10.0.0.2"), ip("10.0.0.1")), 1);
	ck_assert_int_eq(cidr_ip_cmp(ip("fd00::1"), ip("fd00::1")), 0);
}
END_TEST

START_TEST(set_ipv6_limit_and_mix)
{
	struct addrset s;
	char err[256];

	ck_assert_int_eq(addrset_parse(&s, "fd00::/64", 1, 112, NULL, NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "network 'fd00::/64': an IPv6 /64 has 2^64 addresses; IPv6 networks "
	    "larger than /112 are refused (-ipv6-max-prefix 112)");
	ck_assert_ptr_null(s.ranges);
	ck_assert_int_eq(addrset_parse(&s, "::/95", 1, 96, NULL, NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "network '::/95': an IPv6 /95 has 2^33 addresses; IPv6 networks larger "
	    "than /96 are refused (-ipv6-max-prefix 96)");
	ck_assert_int_eq(addrset_parse(&s, "::ffff:0:0/96", 1, 96, NULL, NULL, err, sizeof(err)), -1);
	ck_assert_int_eq(addrset_parse(&s, "::/80", 1, 96, NULL, NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "network '::/80': IPv6 network overlaps the IPv4-mapped block "
	    "::ffff:0:0/96");
	ck_assert_int_eq(addrset_parse(&s, "fd00::/100", 1, 96, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.total, 1ull << 28);
	addrset_fini(&s);
	/* link-local: a connect without a zone fails (EINVAL), so the set refuses it */
	ck_assert_int_eq(addrset_parse(&s, "10.0.0.1,fe80::1", 1, 112, NULL, NULL, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "network 'fe80::1': " CIDR_LINK_LOCAL);
	ck_assert_ptr_null(s.ranges);
	ck_assert_int_eq(addrset_parse(&s, "febf:ffff::/112", 1, 112, NULL, NULL, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "network 'febf:ffff::/112': " CIDR_LINK_LOCAL);
	ck_assert_int_eq(addrset_parse(&s, "fe80::/64", 1, 112, NULL, NULL, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "network 'fe80::/64': " CIDR_LINK_LOCAL);
	ck_assert_int_eq(addrset_parse(&s, "8000::/1", 1, 112, NULL, NULL, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "an IPv6 /1 has 2^127 addresses"));
	ck_assert_int_eq(addrset_parse(&s, "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120,fec0::1",
	    1, 112, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.total, 257);
	addrset_fini(&s);
	ck_assert_int_eq(cidr_is_link_local(ip("fe80::1")), 1);
	ck_assert_int_eq(cidr_is_link_local(ip("febf::1")), 1);
	ck_assert_int_eq(cidr_is_link_local(ip("fec0::1")), 0);
	ck_assert_int_eq(cidr_is_link_local(ip("10.0.0.1")), 0);
	/* no broadcast in IPv6: a /126 is 4 addresses; IPv4 keeps its rule; one index space */
	ck_assert_int_eq(addrset_parse(&s, "fd00::4/126,10.0.0.0/30,fd00::6,::1", 1, 112, NULL,
	    NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.total, 2 + 4 + 1);
	ck_assert_uint_eq(s.total_v6, 5);
	ck_assert_ip_eq(addrset_nth(&s, 0), ip("::1"));
	ck_assert_ip_eq(addrset_nth(&s, 1), ip("10.0.0.1"));
	ck_assert_ip_eq(addrset_nth(&s, 2), ip("10.0.0.2"));
	ck_assert_ip_eq(addrset_nth(&s, 3), ip("fd00::4"));
	ck_assert_ip_eq(addrset_nth(&s, 6), ip("fd00::7"));
	ck_assert_int_eq(addrset_contains(&s, ip("fd00::6")), 1);
	ck_assert_int_eq(addrset_contains(&s, ip("fd00::8")), 0);
	ck_assert_int_eq(addrset_contains(&s, ip("10.0.0.3")), 0);
	ck_assert_uint_eq(addrset_count_within(&s, 0, CIDR_IP_MAX), 7);
	ck_assert_uint_eq(addrset_count_within(&s, ip("fd00::5"), CIDR_IP_MAX), 3);
	addrset_fini(&s);
	ck_assert_int_eq(addrset_parse(&s, "fd00::/120,fd00::1:0/112", 1, 112, NULL, NULL, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(s.total, 256 + 65536);
	addrset_fini(&s);
}
END_TEST

START_TEST(subtract_at_the_top)
{
	struct addrset s;
	struct addr_range cut[2];
	char err[128];

	/* the last address of the space: no overflow past it */
	ck_assert_int_eq(addrset_parse(&s, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00/120", 1, 112,
	    NULL, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.total, 256);
	ck_assert_uint_eq(addrset_count_within(&s, CIDR_IP_MAX - 9, CIDR_IP_MAX), 10);
	cut[0] = (struct addr_range){ CIDR_IP_MAX - 9, CIDR_IP_MAX };
	cut[1] = (struct addr_range){ CIDR_IP_MAX - 255, CIDR_IP_MAX - 250 };
	ck_assert_int_eq(addrset_subtract(&s, cut, 2), 0);
	ck_assert_uint_eq(s.total, 256 - 10 - 6);
	ck_assert_ip_eq(addrset_nth(&s, s.total - 1), CIDR_IP_MAX - 10);
	ck_assert_ip_eq(addrset_nth(&s, 0), CIDR_IP_MAX - 249);
	addrset_fini(&s);
}
END_TEST

START_TEST(set_skips_network_and_broadcast)
{
	struct addrset s;
	char err[128];

	ck_assert_int_eq(addrset_parse(&s, "10.0.0.0/24", 1, 112, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.total, 254);
	ck_assert_ip_eq(addrset_nth(&s, 0), cidr_v4(0x0a000001u));
	ck_assert_ip_eq(addrset_nth(&s, 253), cidr_v4(0x0a0000feu));
	addrset_fini(&s);
	ck_assert_int_eq(addrset_parse(&s, "10.0.0.0/24", 0, 112, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.total, 256);
	addrset_fini(&s);
}
END_TEST

START_TEST(set_rfc3021)
{
	struct addrset s;
	char err[128];

	ck_assert_int_eq(addrset_parse(&s, "10.0.0.0/31,10.0.1.9/32", 1, 112, NULL, NULL, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(s.total, 3);
	ck_assert_ip_eq(addrset_nth(&s, 0), cidr_v4(0x0a000000u));
	ck_assert_ip_eq(addrset_nth(&s, 1), cidr_v4(0x0a000001u));
	ck_assert_ip_eq(addrset_nth(&s, 2), cidr_v4(0x0a000109u));
	addrset_fini(&s);
	/* /30: two usable */
	ck_assert_int_eq(addrset_parse(&s, "10.0.0.4/30", 1, 112, NULL, NULL, err, sizeof(err)), 0);
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
	ck_assert_int_eq(addrset_parse(&s, " 10.0.0.0/24 , 10.0.0.0/25,10.0.0.5,10.0.0.1/24", 1, 112,
	    count_warn, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.total, 254);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_int_eq(warnings, 1);
	addrset_fini(&s);
	/* adjacent networks merge, and each keeps its own skipped edges */
	ck_assert_int_eq(addrset_parse(&s, "10.0.1.0/24,10.0.0.0/24", 1, 112, NULL, NULL, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(s.total, 508);
	ck_assert_uint_eq(s.n, 2);
	ck_assert_ip_eq(addrset_nth(&s, 254), cidr_v4(0x0a000101u));
	addrset_fini(&s);
	ck_assert_int_eq(addrset_parse(&s, "0.0.0.0/0", 0, 112, NULL, NULL, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.total, 4294967296ull);
	ck_assert_ip_eq(addrset_nth(&s, 4294967295ull), cidr_v4(0xffffffffu));
	addrset_fini(&s);
}
END_TEST

START_TEST(set_errors_name_the_item)
{
	struct addrset s;
	char err[256];

	ck_assert_int_eq(addrset_parse(&s, "10.0.0.0/24,10.0.0.300/24", 1, 112, NULL, NULL, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "network '10.0.0.300/24': not an IPv4 address");
	ck_assert_int_eq(addrset_parse(&s, "", 1, 112, NULL, NULL, err, sizeof(err)), -1);
	ck_assert_int_eq(addrset_parse(&s, "10.0.0.0/24,", 1, 112, NULL, NULL, err, sizeof(err)), -1);
	ck_assert_int_eq(addrset_parse(&s, " , ", 1, 112, NULL, NULL, err, sizeof(err)), -1);
	/* a space for a comma, a comment: said so, not "prefix length must be 0 to 32" */
	ck_assert_int_eq(addrset_parse(&s, "10.0.0.0/24 10.0.1.0/24", 1, 112, NULL, NULL, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "network '10.0.0.0/24 10.0.1.0/24': separate networks with commas, "
	    "not spaces");
	ck_assert_int_eq(addrset_parse(&s, "10.0.0.0/24 # lab", 1, 112, NULL, NULL, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "network '10.0.0.0/24 # lab': '#' starts no comment in a value");
	ck_assert_int_eq(addrset_parse(&s, " 10.0.0.0/24 ,\t10.0.1.0/24 ", 1, 112, NULL, NULL, err,
	    sizeof(err)), 0);
	addrset_fini(&s);
	ck_assert_ptr_null(s.ranges);
}
END_TEST

/* xorshift: a fixed stream, so a failure repeats */
static uint32_t
next_rand(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/*
 * addrset_subtract and addrset_count_within against a bitmap of 10.0.0.0/22: random
 * networks, random cuts (overlapping, touching, outside, covering), every address checked.
 */
static void
brute_force(int v6)
{
	enum { SPACE = 1024 };
	uint32_t seed = 12345;
	/* 10.0.0.0/22 or fd00::/118 */
	cidr_ip base = v6 ? ip("fd00::") : cidr_v4(0x0a000000u);

	int jumped = 0;

	for (int round = 0; round < 300; round++) {
		unsigned char in[SPACE] = { 0 }, cut_bits[SPACE] = { 0 };
		struct addr_range cut[48];	/* odd rounds: enough ranges for a jump table */
		struct addrset set;
		char list[1024] = "", item[80], err[128], a[CIDR_IP_LEN];
		size_t ncut = next_rand(&seed) % (round % 2 ? 48 : 12), len = 0;
		unsigned nnet = next_rand(&seed) % 4 + 1;
		uint64_t want_total = 0;

		for (unsigned k = 0; k < nnet; k++) {
			/* host bits: /24../32, /120../128 (odd rounds: /24, /120) */
			unsigned host = round % 2 ? 8 : next_rand(&seed) % 9;
			cidr_ip net = (base + next_rand(&seed) % SPACE) & ~(((cidr_ip)1 << host) - 1);

			snprintf(item, sizeof(item), "%s%s/%u", k ? "," : "",
			    cidr_format_ip(net, a, sizeof(a)), (v6 ? 128 : 32) - host);
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s", item);
		}
		ck_assert_int_eq(addrset_parse(&set, list, 0, 96, NULL, NULL, err, sizeof(err)), 0);
		for (size_t i = 0; i < set.n; i++)
			for (cidr_ip x = set.ranges[i].first; x <= set.ranges[i].last; x++)
				in[x - base] = 1;
		for (size_t k = 0; k < ncut; k++) {
			cidr_ip f = base - 8 + next_rand(&seed) % (SPACE + 16);
			cidr_ip l = f + next_rand(&seed) % (k % 3 == 0 && round % 2 == 0 ? 300 : 8);

			cut[k] = (struct addr_range){ f, l };
			for (cidr_ip x = f; x <= l; x++)
				if (x >= base && x < base + SPACE)
					cut_bits[x - base] = 1;
			/* count_within before the cut: the set's addresses in [f, l] */
			{
				uint64_t want = 0;

				for (cidr_ip x = f; x <= l; x++)
					want += x >= base && x < base + SPACE && in[x - base];
				ck_assert_uint_eq(addrset_count_within(&set, f, l), want);
			}
		}
		ck_assert_int_eq(addrset_subtract(&set, cut, ncut), 0);
		for (unsigned x = 0; x < SPACE; x++)
			want_total += in[x] && !cut_bits[x];
		ck_assert_uint_eq(set.total, want_total);
		/* merged, sorted, and exactly the survivors, in order */
		for (size_t i = 0; i < set.n; i++) {
			ck_assert(set.ranges[i].first <= set.ranges[i].last);
			if (i > 0)
				ck_assert(set.ranges[i - 1].last + 1 < set.ranges[i].first);
		}
		for (uint64_t k = 0, x = 0; k < set.total; k++, x++) {
			cidr_ip got = addrset_nth(&set, k);

			while (!(in[x] && !cut_bits[x]))
				x++;
			if (got != base + x)
				ck_abort_msg("round %d: address %llu is %s, not +%llu", round,
				    (unsigned long long)k, cidr_format_ip(got, a, sizeof(a)),
				    (unsigned long long)x);
		}
		jumped += set.jump != NULL;
		addrset_fini(&set);
	}
	ck_assert_msg(jumped >= 20, "only %d sets had a jump table", jumped);
}

START_TEST(subtract_matches_brute_force)
{
	brute_force(0);
}
END_TEST

START_TEST(subtract_matches_brute_force_v6)
{
	brute_force(1);
}
END_TEST

static void
add_tests(void)
{
	ADD(subtract_matches_brute_force);
	ADD(subtract_matches_brute_force_v6);
	ADD(addr_strict);
	ADD(network_masks_host_bits);
	ADD(ipv6_networks);
	ADD(ip_bytes_and_order);
	ADD(set_ipv6_limit_and_mix);
	ADD(subtract_at_the_top);
	ADD(set_skips_network_and_broadcast);
	ADD(set_rfc3021);
	ADD(set_overlaps_once);
	ADD(set_errors_name_the_item);
}
