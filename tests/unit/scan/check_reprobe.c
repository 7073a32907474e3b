/*
 * check_reprobe.c: the retry bookkeeping of -retries: which probes are probed again, the
 * FIFO that holds them (order kept across growth and wrap-around), and -retry-scope's
 * choice among the first pass's unanswered pairs (host answered another port, open before).
 */
#include <check.h>
#include <stdlib.h>

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

/* 10 hosts x 3 ports: probe index = port * 10 + host */
#define HOSTS 10
#define PAIR(host, port) ((uint64_t)(port) * HOSTS + (host))

static struct reprobe_entry
timeout_of(uint64_t index)
{
	return (struct reprobe_entry){ .index = index, .attempt = 1 };
}

static struct reprobe_entry
unreachable_of(uint64_t index)
{
	return (struct reprobe_entry){ .index = index, .attempt = 1, .flags = REPROBE_UNREACHABLE };
}

/* open before: host 7, port 1 */
static int
known_7_1(void *ctx, uint64_t index)
{
	(*(int *)ctx)++;
	return index == PAIR(7, 1);
}

/*
 * Host 1: one of three ports timed out (it answered the others): re-probed. Host 2: all
 * three timed out: skipped. Host 3: two timeouts and one unreachable: no answer at all,
 * skipped, and the unreachable is never re-probed. Host 7: silent on every port but open
 * before on port 1: that pair alone. Host 4: one unreachable, one timeout (one port
 * answered): the timeout is re-probed.
 */
static struct reprobe_entry *
mixed(size_t *n)
{
	static const int list[][3] = {	/* host, port, unreachable */
		{ 2, 0, 0 }, { 1, 2, 0 }, { 3, 0, 0 }, { 2, 1, 0 }, { 7, 0, 0 }, { 3, 1, 1 },
		{ 4, 1, 1 }, { 7, 2, 0 }, { 2, 2, 0 }, { 3, 2, 0 }, { 7, 1, 0 }, { 4, 2, 0 },
	};
	struct reprobe_entry *v = calloc(12, sizeof(*v));

	ck_assert_ptr_nonnull(v);
	for (size_t i = 0; i < 12; i++)
		v[i] = list[i][2] ? unreachable_of(PAIR(list[i][0], list[i][1])) :
		    timeout_of(PAIR(list[i][0], list[i][1]));
	*n = 12;
	return v;
}

START_TEST(answering_scope_keeps_answering_hosts_and_known_pairs)
{
	struct reprobe_select_config c = { .scope = REPROBE_SCOPE_ANSWERING, .hosts = HOSTS,
	    .pairs_per_host = 3, .known = known_7_1 };
	size_t n, skipped, kept;
	int asked = 0;
	struct reprobe_entry *v = mixed(&n);

	c.ctx = &asked;
	kept = reprobe_select(v, n, &c, &skipped);
	ck_assert_uint_eq(kept, 3);
	/* kept first, in probe index order */
	ck_assert_uint_eq(v[0].index, PAIR(7, 1));
	ck_assert_uint_eq(v[1].index, PAIR(1, 2));
	ck_assert_uint_eq(v[2].index, PAIR(4, 2));
	/* 10 timeouts: 3 kept, 7 skipped (host 2: 3, host 3: 2, host 7: 2) */
	ck_assert_uint_eq(skipped, 7);
	/* the previous file is asked only about pairs of silent hosts */
	ck_assert_int_eq(asked, 3 + 2 + 3);
	for (size_t i = kept; i < n; i++)
		ck_assert_uint_eq(v[i].flags & REPROBE_KEEP, 0);
	free(v);
}
END_TEST

START_TEST(all_scope_keeps_every_timeout)
{
	struct reprobe_select_config c = { .scope = REPROBE_SCOPE_ALL, .hosts = HOSTS,
	    .pairs_per_host = 3 };
	size_t n, skipped, kept;
	struct reprobe_entry *v = mixed(&n);

	kept = reprobe_select(v, n, &c, &skipped);
	ck_assert_uint_eq(kept, 10);
	ck_assert_uint_eq(skipped, 0);
	for (size_t i = 0; i < kept; i++) {
		ck_assert_uint_eq(v[i].flags & REPROBE_UNREACHABLE, 0);
		ck_assert(i == 0 || v[i - 1].index < v[i].index);
	}
	free(v);
}
END_TEST

/* A shard may hold only some of a host's pairs (pairs_per_host 0): no host can be called
 * silent, so every timeout is re-probed; a one-port scan has no other port to answer. */
START_TEST(unknown_pairs_per_host_and_one_port)
{
	struct reprobe_select_config c = { .scope = REPROBE_SCOPE_ANSWERING, .hosts = HOSTS };
	struct reprobe_entry one[2] = { timeout_of(PAIR(5, 0)), timeout_of(PAIR(6, 0)) };
	size_t n, skipped, kept;
	struct reprobe_entry *v = mixed(&n);

	kept = reprobe_select(v, n, &c, &skipped);
	ck_assert_uint_eq(kept, 10);
	ck_assert_uint_eq(skipped, 0);
	free(v);
	c.pairs_per_host = 1;
	ck_assert_uint_eq(reprobe_select(one, 2, &c, &skipped), 0);
	ck_assert_uint_eq(skipped, 2);
	ck_assert_uint_eq(reprobe_select(NULL, 0, &c, &skipped), 0);
	ck_assert_uint_eq(skipped, 0);
}
END_TEST

static void
add_tests(void)
{
	ADD(answering_scope_keeps_answering_hosts_and_known_pairs);
	ADD(all_scope_keeps_every_timeout);
	ADD(unknown_pairs_per_host_and_one_port);
	ADD(only_timeouts_within_the_count);
	ADD(fifo_order_across_growth_and_wrap);
}
