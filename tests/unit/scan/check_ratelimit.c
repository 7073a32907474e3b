/*
 * check_ratelimit.c: the token bucket, with injected time (no test sleeps).
 */
#include <check.h>

#include "ratelimit.h"
#include "check_main.h"

START_TEST(paces_at_the_rate)
{
	struct ratelimit *rl = ratelimit_new(100, 5, 1000.0);
	double wait = 0, t;
	unsigned total = 0;

	ck_assert_ptr_nonnull(rl);
	ck_assert_uint_eq(ratelimit_take(rl, 10, 1000.0, &wait), 1);	/* one at once */
	ck_assert_uint_eq(ratelimit_take(rl, 10, 1000.0, &wait), 0);
	ck_assert_double_eq_tol(wait, 0.01, 1e-9);
	/* over 10 simulated seconds, asking often: 1000 tokens, never more */
	for (t = 1000.0; t <= 1010.0 + 1e-9; t += 0.001)
		total += ratelimit_take(rl, 3, t, &wait);
	ck_assert_uint_ge(total, 999);
	ck_assert_uint_le(total, 1001);
	ratelimit_free(rl);
}
END_TEST

START_TEST(burst_is_capped)
{
	struct ratelimit *rl = ratelimit_new(100, 5, 0.0);
	double wait;

	ck_assert_uint_eq(ratelimit_take(rl, 1, 0.0, &wait), 1);
	/* an idle minute earns only the burst */
	ck_assert_uint_eq(ratelimit_take(rl, 1000, 60.0, &wait), 5);
	ck_assert_uint_eq(ratelimit_take(rl, 1000, 60.0, &wait), 0);
	/* time going backwards grants nothing */
	ck_assert_uint_eq(ratelimit_take(rl, 1000, 30.0, &wait), 0);
	ratelimit_free(rl);
}
END_TEST

START_TEST(rejects_bad_rates)
{
	ck_assert_ptr_null(ratelimit_new(0, 5, 0));
	ck_assert_ptr_null(ratelimit_new(-1, 5, 0));
	ck_assert_ptr_null(ratelimit_new(10, 0.5, 0));
	ratelimit_free(NULL);
}
END_TEST

static void
add_tests(void)
{
	ADD(paces_at_the_rate);
	ADD(burst_is_capped);
	ADD(rejects_bad_rates);
}
