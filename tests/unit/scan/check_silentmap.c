/*
 * check_silentmap.c: -retry-scope answering's choice among the first pass's unanswered
 * probes (host answered another port, open before), on a fixed case and against a brute
 * force over random maps whose host count is not a multiple of 64.
 */
#include <check.h>
#include <pthread.h>
#include <stdlib.h>

#include "silentmap.h"
#include "check_main.h"

/* 10 hosts x 3 ports: probe index = port * 10 + host */
#define HOSTS 10
#define PAIR(host, port) ((uint64_t)(port) * HOSTS + (host))

struct verdicts {
	unsigned	 n;
	uint64_t	 index[4096];
	int		 keep[4096];
};

static void
note(void *ctx, uint64_t index, int keep)
{
	struct verdicts *v = ctx;

	ck_assert_uint_lt(v->n, 4096);
	v->index[v->n] = index;
	v->keep[v->n++] = keep;
}

/* The verdict given for index: 1 keep, 0 skip; fails unless given exactly once. */
static int
verdict_of(const struct verdicts *v, uint64_t index)
{
	int found = -1;

	for (unsigned i = 0; i < v->n; i++)
		if (v->index[i] == index) {
			ck_assert_msg(found < 0, "index %llu judged twice", (unsigned long long)index);
			found = v->keep[i];
		}
	ck_assert_msg(found >= 0, "index %llu not judged", (unsigned long long)index);
	return found;
}

/* open before: host 7, port 1; counts the questions */
static int
known_7_1(void *ctx, uint64_t index)
{
	(*(int *)ctx)++;
	return index == PAIR(7, 1);
}

/*
 * Host 1: one of three ports timed out (it answered the others): re-probed. Host 2: all
 * three timed out: skipped. Host 3: two timeouts and one unreachable: no answer at all,
 * skipped, and the unreachable is never judged. Host 7: silent on every port but open
 * before on port 1: that pair alone. Host 4: one unreachable, one timeout (one port
 * answered): the timeout is re-probed.
 */
START_TEST(answering_hosts_and_known_pairs)
{
	static const int list[][3] = {	/* host, port, unreachable */
		{ 2, 0, 0 }, { 1, 2, 0 }, { 3, 0, 0 }, { 2, 1, 0 }, { 7, 0, 0 }, { 3, 1, 1 },
		{ 4, 1, 1 }, { 7, 2, 0 }, { 2, 2, 0 }, { 3, 2, 0 }, { 7, 1, 0 }, { 4, 2, 0 },
	};
	static struct verdicts v;
	struct silentmap m;
	int asked = 0;

	v.n = 0;
	ck_assert_int_eq(silentmap_init(&m, HOSTS, 3), 0);
	for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
		silentmap_mark(&m, PAIR(list[i][0], list[i][1]), !list[i][2]);
	silentmap_choose(&m, known_7_1, &asked, note, &v);
	ck_assert_uint_eq(v.n, 10);	/* the 10 timeouts, not the 2 unreachables */
	ck_assert_int_eq(verdict_of(&v, PAIR(1, 2)), 1);
	ck_assert_int_eq(verdict_of(&v, PAIR(4, 2)), 1);
	ck_assert_int_eq(verdict_of(&v, PAIR(7, 1)), 1);
	for (int p = 0; p < 3; p++)
		ck_assert_int_eq(verdict_of(&v, PAIR(2, p)), 0);
	ck_assert_int_eq(verdict_of(&v, PAIR(3, 0)), 0);
	ck_assert_int_eq(verdict_of(&v, PAIR(3, 2)), 0);
	ck_assert_int_eq(verdict_of(&v, PAIR(7, 0)), 0);
	ck_assert_int_eq(verdict_of(&v, PAIR(7, 2)), 0);
	/* the previous file is asked only about pairs of silent hosts */
	ck_assert_int_eq(asked, 3 + 2 + 3);
	silentmap_fini(&m);
	silentmap_fini(&m);
	ck_assert_ptr_null(m.no_answer);
}
END_TEST

static uint32_t
next_rand(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

/* Random maps (hosts 1..300, ports 1..5): every timeout judged once, as a brute force does. */
START_TEST(matches_brute_force)
{
	static struct verdicts v;
	uint32_t seed = 99;

	for (int round = 0; round < 200; round++) {
		uint64_t hosts = next_rand(&seed) % 300 + 1;
		unsigned nports = next_rand(&seed) % 5 + 1, timeouts = 0;
		static unsigned char st[1500];	/* 0 answered, 1 timeout, 2 unreachable */
		struct silentmap m;

		ck_assert_int_eq(silentmap_init(&m, hosts, nports), 0);
		for (uint64_t i = 0; i < hosts * nports; i++) {
			st[i] = next_rand(&seed) % 3;
			if (st[i])
				silentmap_mark(&m, i, st[i] == 1);
			timeouts += st[i] == 1;
		}
		v.n = 0;
		silentmap_choose(&m, NULL, NULL, note, &v);
		ck_assert_uint_eq(v.n, timeouts);
		for (uint64_t i = 0; i < hosts * nports; i++) {
			int answered = 0;

			if (st[i] != 1)
				continue;
			for (unsigned p = 0; p < nports; p++)
				answered |= st[p * hosts + i % hosts] == 0;
			ck_assert_msg(verdict_of(&v, i) == answered, "round %d: %llu hosts x %u, "
			    "index %llu", round, (unsigned long long)hosts, nports,
			    (unsigned long long)i);
		}
		silentmap_fini(&m);
	}
}
END_TEST

/*
 * Early verdicts: an answer before a timeout takes the timeout at once; a timeout before
 * an answer is taken by the answer; a pair open before is taken at its timeout; a silent
 * host's timeouts wait for the end of the pass. silentmap_choose sees only what waits.
 */
START_TEST(early_verdicts)
{
	static struct verdicts v, end;
	struct silentmap m;
	int asked = 0;

	v.n = end.n = 0;
	ck_assert_int_eq(silentmap_init(&m, HOSTS, 3), 0);
	/* host 1: port 0 refused, then port 1 times out */
	silentmap_answer(&m, PAIR(1, 0), note, &v);
	silentmap_mark(&m, PAIR(1, 1), 1);
	ck_assert_int_eq(silentmap_timeout(&m, PAIR(1, 1), NULL, NULL), 1);
	/* host 2: ports 0 and 2 time out, then port 1 answers: both taken by the answer */
	silentmap_mark(&m, PAIR(2, 0), 1);
	ck_assert_int_eq(silentmap_timeout(&m, PAIR(2, 0), NULL, NULL), 0);
	silentmap_mark(&m, PAIR(2, 2), 1);
	ck_assert_int_eq(silentmap_timeout(&m, PAIR(2, 2), NULL, NULL), 0);
	silentmap_answer(&m, PAIR(2, 1), note, &v);
	ck_assert_uint_eq(v.n, 2);
	ck_assert_int_eq(verdict_of(&v, PAIR(2, 0)), 1);
	ck_assert_int_eq(verdict_of(&v, PAIR(2, 2)), 1);
	silentmap_answer(&m, PAIR(2, 1), note, &v);	/* a second answer takes nothing */
	ck_assert_uint_eq(v.n, 2);
	/* host 7: silent, its port 1 open before; host 3: silent */
	for (int p = 0; p < 3; p++) {
		silentmap_mark(&m, PAIR(7, p), 1);
		ck_assert_int_eq(silentmap_timeout(&m, PAIR(7, p), known_7_1, &asked), p == 1);
		silentmap_mark(&m, PAIR(3, p), 1);
		ck_assert_int_eq(silentmap_timeout(&m, PAIR(3, p), NULL, NULL), 0);
	}
	silentmap_choose(&m, NULL, NULL, note, &end);
	ck_assert_uint_eq(end.n, 5);	/* host 7: ports 0 and 2; host 3: all three */
	ck_assert_int_eq(verdict_of(&end, PAIR(7, 0)), 0);
	ck_assert_int_eq(verdict_of(&end, PAIR(3, 1)), 0);
	silentmap_fini(&m);
}
END_TEST

#define RACE_HOSTS 20000

static struct silentmap race_map;
static _Atomic unsigned race_taken[RACE_HOSTS];

static void
race_note(void *ctx, uint64_t index, int keep)
{
	(void)ctx;
	ck_assert_int_eq(keep, 1);
	atomic_fetch_add(&race_taken[index % RACE_HOSTS], 1);
}

/* port 0 of every host times out (one thread) while port 1 is refused (another) */
static void *
race_timeouts(void *arg)
{
	(void)arg;
	for (uint64_t h = 0; h < RACE_HOSTS; h++) {
		silentmap_mark(&race_map, h, 1);
		if (silentmap_timeout(&race_map, h, NULL, NULL))
			atomic_fetch_add(&race_taken[h], 1);
	}
	return NULL;
}

static void *
race_answers(void *arg)
{
	(void)arg;
	for (uint64_t h = 0; h < RACE_HOSTS; h++)
		silentmap_answer(&race_map, RACE_HOSTS + h, race_note, NULL);
	return NULL;
}

/* A timeout and its host's answer, crossing in two threads: taken exactly once each. */
START_TEST(crossing_timeout_and_answer_taken_once)
{
	pthread_t a, b;

	ck_assert_int_eq(silentmap_init(&race_map, RACE_HOSTS, 2), 0);
	ck_assert_int_eq(pthread_create(&a, NULL, race_timeouts, NULL), 0);
	ck_assert_int_eq(pthread_create(&b, NULL, race_answers, NULL), 0);
	ck_assert_int_eq(pthread_join(a, NULL), 0);
	ck_assert_int_eq(pthread_join(b, NULL), 0);
	silentmap_choose(&race_map, NULL, NULL, race_note, NULL);	/* the host answered */
	for (unsigned h = 0; h < RACE_HOSTS; h++)
		ck_assert_msg(race_taken[h] == 1, "host %u taken %u times", h, race_taken[h]);
	silentmap_fini(&race_map);
}
END_TEST

START_TEST(too_many_probes_are_refused)
{
	struct silentmap m;

	ck_assert_int_eq(silentmap_init(&m, SILENTMAP_MAX_PROBES / 2 + 1, 2), -1);
	ck_assert_ptr_null(m.no_answer);
	ck_assert_int_eq(silentmap_init(&m, 0, 2), -1);
	ck_assert_int_eq(silentmap_init(&m, (uint64_t)1 << 40, 65535), -1);
}
END_TEST

static void
add_tests(void)
{
	ADD(answering_hosts_and_known_pairs);
	ADD(matches_brute_force);
	ADD(too_many_probes_are_refused);
	ADD(early_verdicts);
	ADD(crossing_timeout_and_answer_taken_once);
}
