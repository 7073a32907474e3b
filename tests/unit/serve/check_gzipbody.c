/*
 * check_gzipbody.c: bodies assembled from ranges compressed once per version inflate to
 * exactly the ranges joined, in any order and combination; a range is compressed once per
 * version, again after a version change; the one-shot deflate of small bodies.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gzipbody.h"
#include "check_main.h"

/* inflate a gzip member given as ranges; the plain bytes in a malloc'd buffer */
static char *
gunzip(const struct iovec *iov, size_t n, size_t *len)
{
	size_t zlen = 0, o = 0, cap = 1 << 20;
	unsigned char *z;
	char *out = malloc(cap);
	z_stream zs;

	for (size_t i = 0; i < n; i++)
		zlen += iov[i].iov_len;
	z = malloc(zlen);
	ck_assert_ptr_nonnull(z);
	ck_assert_ptr_nonnull(out);
	for (size_t i = 0; i < n; i++) {
		memcpy(z + o, iov[i].iov_base, iov[i].iov_len);
		o += iov[i].iov_len;
	}
	memset(&zs, 0, sizeof(zs));
	ck_assert_int_eq(inflateInit2(&zs, 16 + 15), Z_OK);	/* gzip only */
	zs.next_in = z;
	zs.avail_in = (uInt)zlen;
	zs.next_out = (Bytef *)out;
	zs.avail_out = (uInt)cap;
	ck_assert_int_eq(inflate(&zs, Z_FINISH), Z_STREAM_END);	/* CRC and length checked */
	ck_assert_uint_eq(zs.avail_in, 0);	/* one member, nothing after it */
	*len = zs.total_out;
	inflateEnd(&zs);
	free(z);
	return out;
}

static char big[200000];

static void
fill_big(void)
{
	size_t o = 0;

	for (unsigned i = 0; o + 80 < sizeof(big); i++)
		o += (size_t)snprintf(big + o, sizeof(big) - o,
		    "{\"targets\":[\"host%05u.example:9100\"],\"labels\":{\"n\":\"%u\"}},\n", i, i * 7);
	big[o] = '\0';
}

START_TEST(any_combination_inflates_exactly)
{
	static char open_s[] = "[", comma_s[] = ",", close_s[] = "\n]\n";
	struct iovec parts[5], body[5];
	struct gzipbody gz;
	char want[sizeof(big) + 16];
	const struct iovec *z;
	size_t nz, zlen, plen;
	char *plain;

	fill_big();
	parts[0] = (struct iovec){ open_s, 1 };
	parts[1] = (struct iovec){ big, 70000 };
	parts[2] = (struct iovec){ comma_s, 1 };
	parts[3] = (struct iovec){ big + 70000, strlen(big) - 70000 };
	parts[4] = (struct iovec){ close_s, 3 };
	gzipbody_init(&gz);
	gzipbody_use(&gz, big, 1);
	/* the pieces in several orders and subsets, each one gzip member */
	for (int round = 0; round < 4; round++) {
		size_t order[4][5] = { { 0, 1, 2, 3, 4 }, { 0, 3, 2, 1, 4 }, { 0, 1, 4, 4, 4 },
		    { 0, 3, 4, 4, 4 } };
		size_t n = round < 2 ? 5 : 3, o = 0;

		for (size_t i = 0; i < n; i++) {
			body[i] = parts[order[round][i]];
			memcpy(want + o, body[i].iov_base, body[i].iov_len);
			o += body[i].iov_len;
		}
		z = gzipbody_encode(&gz, body, n, &nz, &zlen);
		ck_assert_ptr_nonnull(z);
		ck_assert_uint_eq(nz, n + 2);
		plain = gunzip(z, nz, &plen);
		ck_assert_uint_eq(plen, o);
		ck_assert(memcmp(plain, want, o) == 0);
		free(plain);
	}
	/* five distinct ranges, each compressed once over the four bodies */
	ck_assert_uint_eq(gz.compressions, 5);
	/* the whole list compresses well: the JSON of many targets is repetitive */
	body[0] = (struct iovec){ big, strlen(big) };
	z = gzipbody_encode(&gz, body, 1, &nz, &zlen);
	ck_assert_ptr_nonnull(z);
	ck_assert_uint_lt(zlen, strlen(big) / 5);
	ck_assert_uint_eq(gz.compressions, 6);
	gzipbody_fini(&gz);
}
END_TEST

START_TEST(once_per_version)
{
	static char a[] = "[\n{\"targets\":[\"a:1\"],\"labels\":{}}\n]\n";
	struct iovec iov = { a, sizeof(a) - 1 };
	struct gzipbody gz;
	const struct iovec *z;
	size_t nz, zlen, plen;
	char *plain;
	int set1, set2;

	gzipbody_init(&gz);
	for (int i = 0; i < 100; i++) {
		gzipbody_use(&gz, &set1, 7);
		ck_assert_ptr_nonnull(gzipbody_encode(&gz, &iov, 1, &nz, &zlen));
	}
	ck_assert_uint_eq(gz.compressions, 1);
	/* a new load (generation), even of a set at the same address, is a new version */
	gzipbody_use(&gz, &set1, 8);
	ck_assert_ptr_nonnull(gzipbody_encode(&gz, &iov, 1, &nz, &zlen));
	ck_assert_uint_eq(gz.compressions, 2);
	gzipbody_use(&gz, &set2, 8);
	/* the bytes changed in place: only a new version may see that */
	a[17] = '2';
	z = gzipbody_encode(&gz, &iov, 1, &nz, &zlen);
	ck_assert_uint_eq(gz.compressions, 3);
	plain = gunzip(z, nz, &plen);
	ck_assert_uint_eq(plen, sizeof(a) - 1);
	ck_assert(memcmp(plain, a, plen) == 0);
	free(plain);
	ck_assert_uint_eq(gz.versions, 3);
	/* an empty body is a valid gzip member of nothing */
	iov.iov_len = 0;
	z = gzipbody_encode(&gz, &iov, 1, &nz, &zlen);
	plain = gunzip(z, nz, &plen);
	ck_assert_uint_eq(plen, 0);
	free(plain);
	gzipbody_fini(&gz);
	gzipbody_fini(&gz);	/* twice is fine */
}
END_TEST

START_TEST(many_ranges_grow_the_table)
{
	struct iovec iov[3];
	struct gzipbody gz;
	const struct iovec *z;
	size_t nz, zlen, plen;
	char *plain;

	fill_big();
	gzipbody_init(&gz);
	gzipbody_use(&gz, big, 1);
	for (size_t i = 0; i < 1000; i++) {
		iov[0] = (struct iovec){ big + i * 100, 100 };
		iov[1] = (struct iovec){ big + 150000, 1 };
		iov[2] = (struct iovec){ big + i * 100 + 7, 50 };
		z = gzipbody_encode(&gz, iov, 3, &nz, &zlen);
		ck_assert_ptr_nonnull(z);
		plain = gunzip(z, nz, &plen);
		ck_assert_uint_eq(plen, 151);
		ck_assert(memcmp(plain, big + i * 100, 100) == 0);
		ck_assert(memcmp(plain + 101, big + i * 100 + 7, 50) == 0);
		free(plain);
	}
	ck_assert_uint_eq(gz.compressions, 2001);
	ck_assert_uint_eq(gz.used, 2001);
	gzipbody_fini(&gz);
}
END_TEST

START_TEST(one_shot)
{
	static char a[] = "# TYPE x counter\n", b[] = "x 1\n";
	struct iovec iov[2] = { { a, sizeof(a) - 1 }, { b, sizeof(b) - 1 } };
	struct iovec whole;
	struct gzipbody gz;
	unsigned char *z;
	size_t zlen, plen;
	char *plain;

	gzipbody_init(&gz);
	ck_assert_int_eq(gzipbody_deflate(&gz, iov, 2, &z, &zlen), 0);
	whole = (struct iovec){ z, zlen };
	plain = gunzip(&whole, 1, &plen);
	ck_assert_uint_eq(plen, sizeof(a) + sizeof(b) - 2);
	ck_assert(memcmp(plain, "# TYPE x counter\nx 1\n", plen) == 0);
	free(plain);
	free(z);
	ck_assert_uint_eq(gz.compressions, 1);
	gzipbody_fini(&gz);
}
END_TEST

static void
add_tests(void)
{
	ADD(any_combination_inflates_exactly);
	ADD(once_per_version);
	ADD(many_ranges_grow_the_table);
	ADD(one_shot);
}
