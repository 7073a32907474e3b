/*
 * check_reprobe.c: the retry bookkeeping of -retries: which probes are probed again, and
 * the FIFO that holds them (order kept across growth and wrap-around).
 */
#include <check.h>

#include "reprobe.h"
#include "check_main.h"

START_TEST(only_timeouts_within_the_count)
{
	ck_assert_int_eq(reprobe_wanted(1, 0, 0), 0);	/* -retries 0: never */
	ck_assert_int_eq(reprobe_wanted(1, 0, 1), 1);	/* first probe timed out */
	ck_assert_int_eq(reprobe_wanted(1, 1, 1), 0);	/* its one re-probe timed out too */
	ck_assert_int_eq(reprobe_wanted(1, 1, 2), 1);
	ck_assert_int_eq(reprobe_wanted(1, 2, 2), 0);
	ck_assert_int_eq(reprobe_wanted(0, 0, 3), 0);	/* an answer is never re-probed */
}
END_TEST

START_TEST(fifo_order_across_growth_and_wrap)
{
	struct reprobe_queue q = { 0 };
	struct reprobe_entry e;
	uint64_t next_out = 0, next_in = 0;

	ck_assert_int_eq(reprobe_pop(&q, &e), 0);
	/* interleave pushes and pops so the ring wraps before each growth */
	for (int round = 0; round < 50; round++) {
		for (int k = 0; k < 30; k++, next_in++)
			ck_assert_int_eq(reprobe_push(&q, next_in, (unsigned)(next_in % 3) + 1), 0);
		for (int k = 0; k < 20; k++, next_out++) {
			ck_assert_int_eq(reprobe_pop(&q, &e), 1);
			ck_assert_uint_eq(e.index, next_out);
			ck_assert_uint_eq(e.attempt, (unsigned)(next_out % 3) + 1);
		}
		ck_assert_uint_eq(reprobe_pending(&q), next_in - next_out);
	}
	while (reprobe_pop(&q, &e) == 1)
		ck_assert_uint_eq(e.index, next_out++);
	ck_assert_uint_eq(next_out, next_in);
	ck_assert_uint_eq(reprobe_pending(&q), 0);
	reprobe_fini(&q);
	reprobe_fini(&q);
	ck_assert_ptr_null(q.v);
}
END_TEST

static void
add_tests(void)
{
	ADD(only_timeouts_within_the_count);
	ADD(fifo_order_across_growth_and_wrap);
}
