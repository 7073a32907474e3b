/*
 * check_cidr.c: address, network and address-set parsing, and the set arithmetic of
 * exclusions (count within a range, subtract ranges) against a brute-force bitmap.
 */
#include <check.h>
#include <stdio.h>

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
START_TEST(subtract_matches_brute_force)
{
	enum { SPACE = 1024 };
	uint32_t seed = 12345, base = 0x0a000000u;

	for (int round = 0; round < 300; round++) {
		unsigned char in[SPACE] = { 0 }, cut_bits[SPACE] = { 0 };
		struct addr_range cut[12];
		struct addrset set;
		char list[512] = "", item[32], err[128], a[16];
		size_t ncut = next_rand(&seed) % 12, len = 0;
		unsigned nnet = next_rand(&seed) % 4 + 1;
		uint64_t want_total = 0;

		for (unsigned k = 0; k < nnet; k++) {
			unsigned prefix = 24 + next_rand(&seed) % 9;
			uint32_t net = (base + next_rand(&seed) % SPACE) & (prefix == 32 ? ~0u :
			    ~(0xffffffffu >> prefix));

			snprintf(item, sizeof(item), "%s%s/%u", k ? "," : "",
			    cidr_format_addr(net, a, sizeof(a)), prefix);
			len += (size_t)snprintf(list + len, sizeof(list) - len, "%s", item);
		}
		ck_assert_int_eq(addrset_parse(&set, list, 0, NULL, NULL, err, sizeof(err)), 0);
		for (size_t i = 0; i < set.n; i++)
			for (uint64_t x = set.ranges[i].first; x <= set.ranges[i].last; x++)
				in[x - base] = 1;
		for (size_t k = 0; k < ncut; k++) {
			uint32_t f = base - 8 + next_rand(&seed) % (SPACE + 16);
			uint32_t l = f + next_rand(&seed) % (k % 3 == 0 ? 300 : 8);

			cut[k] = (struct addr_range){ f, l };
			for (uint64_t x = f; x <= l; x++)
				if (x >= base && x < base + SPACE)
					cut_bits[x - base] = 1;
			/* count_within before the cut: the set's addresses in [f, l] */
			{
				uint64_t want = 0;

				for (uint64_t x = f; x <= l; x++)
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
			ck_assert_uint_le(set.ranges[i].first, set.ranges[i].last);
			if (i > 0)
				ck_assert_uint_lt((uint64_t)set.ranges[i - 1].last + 1,
				    set.ranges[i].first);
		}
		for (uint64_t k = 0, x = 0; k < set.total; k++, x++) {
			uint32_t got = addrset_nth(&set, k);

			while (!(in[x] && !cut_bits[x]))
				x++;
			if (got != base + x)
				ck_abort_msg("round %d: address %llu is %08x, not %08x", round,
				    (unsigned long long)k, got, base + (uint32_t)x);
		}
		addrset_fini(&set);
	}
}
END_TEST

static void
add_tests(void)
{
	ADD(subtract_matches_brute_force);
	ADD(addr_strict);
	ADD(network_masks_host_bits);
	ADD(set_skips_network_and_broadcast);
	ADD(set_rfc3021);
	ADD(set_overlaps_once);
	ADD(set_errors_name_the_item);
}
