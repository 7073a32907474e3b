/*
 * check_shard.c: -shard I/N parsing (1-based; 3/2, 0/0, a/b refused with a reason) and the
 * interleaved shares: N shards cover every position of any space exactly once.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "shard.h"
#include "check_main.h"

START_TEST(parse)
{
	static const char *const bad[] = {
		"3/2", "0/0", "a/b", "0/2", "1/0", "", "/", "1/", "/2", "1", "1/2/3", " 1/2", "1/2 ",
		"-1/2", "1/-2", "+1/2", "1.0/2", "1/65537", "99999999999999999999/1", "1/2x",
		"0x1/2",
	};
	char err[128];
	unsigned i, n;

	ck_assert_int_eq(shard_parse("1/1", &i, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(i, 1);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(shard_parse("3/3", &i, &n, err, sizeof(err)), 0);
	ck_assert_uint_eq(i, 3);
	ck_assert_int_eq(shard_parse("65536/65536", &i, &n, err, sizeof(err)), 0);
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		i = n = 77;
		err[0] = '\0';
		ck_assert_msg(shard_parse(bad[k], &i, &n, err, sizeof(err)) == -1, "'%s' accepted",
		    bad[k]);
		ck_assert_msg(err[0] != '\0' && strchr(err, '\n') == NULL, "'%s': no reason", bad[k]);
		ck_assert_uint_eq(i, 77);
	}
	shard_parse("3/2", &i, &n, err, sizeof(err));
	ck_assert_str_eq(err, "shards are numbered 1 to 2");
	shard_parse("0/0", &i, &n, err, sizeof(err));
	ck_assert_str_eq(err, "the number of shards must be 1 to 65536");
	shard_parse("a/b", &i, &n, err, sizeof(err));
	ck_assert_str_eq(err, "not I/N (shard I of N, 1-based, e.g. 1/3)");
}
END_TEST

START_TEST(shares_cover_once)
{
	static const uint64_t spaces[] = { 0, 1, 2, 3, 7, 10, 64, 97, 1000 };
	static const unsigned counts[] = { 1, 2, 3, 4, 7, 16, 1001 };

	for (size_t a = 0; a < sizeof(spaces) / sizeof(spaces[0]); a++) {
		for (size_t b = 0; b < sizeof(counts) / sizeof(counts[0]); b++) {
			uint64_t space = spaces[a], sum = 0;
			unsigned count = counts[b];
			unsigned char *seen = calloc(space + 1, 1);

			ck_assert_ptr_nonnull(seen);
			for (unsigned s = 1; s <= count; s++) {
				uint64_t size = shard_size(space, s, count);

				/* shares differ by at most one */
				ck_assert_uint_le(size, space / count + 1);
				ck_assert_uint_ge(size, space / count);
				for (uint64_t j = 0; j < size; j++) {
					uint64_t pos = shard_position(s, count, j);

					if (pos >= space || seen[pos])
						ck_abort_msg("space %llu, shard %u/%u: position %llu",
						    (unsigned long long)space, s, count,
						    (unsigned long long)pos);
					seen[pos] = 1;
				}
				sum += size;
			}
			ck_assert_uint_eq(sum, space);
			free(seen);
		}
	}
}
END_TEST

static void
add_tests(void)
{
	ADD(parse);
	ADD(shares_cover_once);
}
