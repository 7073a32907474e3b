/*
 * check_loader.c: background loads. A fake source whose version, result and speed the test
 * sets: the first load is waited for, a slow load is answered from the old set, a fast one
 * at once, a failure is remembered for its version, every set is freed once, and a source
 * changed at every request is loaded paced (each load waits as long as the last took).
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "loader.h"
#include "check_main.h"

struct fake {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 version;	/* what probe sees */
	int		 missing;	/* probe fails */
	int		 corrupt;	/* load fails */
	int		 hold;		/* load waits while set */
	int		 loads, frees;
	int		 last;		/* version of the last set given */
	double		 cost;		/* s each load takes */
	double		 start[64], end[64];	/* monotonic s, of the first 64 loads */
};
static struct fake fk;

static int
probe(void *arg, unsigned char *ver, enum loader_kind *kind, char *err, size_t errlen)
{
	struct fake *f = arg;

	pthread_mutex_lock(&f->mu);
	if (f->missing) {
		pthread_mutex_unlock(&f->mu);
		*kind = LOADER_MISSING;
		snprintf(err, errlen, "gone");
		return -1;
	}
	memcpy(ver, &f->version, sizeof(f->version));
	pthread_mutex_unlock(&f->mu);
	return 0;
}

static int
load(void *arg, void **set, unsigned char *ver, enum loader_kind *kind, char *err, size_t errlen)
{
	struct fake *f = arg;
	double t0 = clock_mono();
	int v;

	pthread_mutex_lock(&f->mu);
	while (f->hold)
		pthread_cond_wait(&f->cv, &f->mu);
	v = f->version;
	memcpy(ver, &v, sizeof(v));
	if (f->cost > 0) {
		struct timespec ts = { 0, (long)(f->cost * 1e9) };

		nanosleep(&ts, NULL);
	}
	if (f->loads < 64) {
		f->start[f->loads] = t0;
		f->end[f->loads] = clock_mono();
	}
	f->loads++;
	if (f->corrupt) {
		pthread_mutex_unlock(&f->mu);
		*kind = LOADER_CORRUPT;
		snprintf(err, errlen, "bad %d", v);
		return -1;
	}
	if (v == f->last) {
		pthread_mutex_unlock(&f->mu);
		return 0;
	}
	f->last = v;
	pthread_mutex_unlock(&f->mu);
	*set = (void *)(intptr_t)v;	/* a set is its version, never 0 */
	return 1;
}

static void
set_free(void *set)
{
	(void)set;
	pthread_mutex_lock(&fk.mu);
	fk.frees++;
	pthread_mutex_unlock(&fk.mu);
}

static void
setup(void)
{
	memset(&fk, 0, sizeof(fk));
	pthread_mutex_init(&fk.mu, NULL);
	pthread_cond_init(&fk.cv, NULL);
	fk.version = 1;
}

static void
teardown(void)
{
	pthread_mutex_destroy(&fk.mu);
	pthread_cond_destroy(&fk.cv);
}

static void
set_field(int *field, int value)
{
	pthread_mutex_lock(&fk.mu);
	*field = value;
	pthread_cond_broadcast(&fk.cv);
	pthread_mutex_unlock(&fk.mu);
}

static int
get_field(const int *field)
{
	int v;

	pthread_mutex_lock(&fk.mu);
	v = *field;
	pthread_mutex_unlock(&fk.mu);
	return v;
}

static int
got(struct loader *l, struct loader_view *v)
{
	int rc = loader_get(l, v);

	loader_put(l);
	return rc < 0 || v->set == NULL ? -1 : (int)(intptr_t)v->set;
}


static struct loader *
new_loader(void)
{
	static struct loader l;
	struct loader_source src = { probe, load, set_free, &fk };

	ck_assert_int_eq(loader_init(&l, &src), 0);
	return &l;
}

/* loader_fini frees every set still held: each set given has been freed once, in all */
static void
fini_freeing(struct loader *l, int sets)
{
	loader_fini(l);
	ck_assert_int_eq(get_field(&fk.frees), sets);
}

START_TEST(first_load_is_waited_for_and_a_fast_one_seen_at_once)
{
	struct loader *l = new_loader();
	struct loader_view v;

	ck_assert_int_eq(got(l, &v), 1);
	ck_assert_uint_eq(v.generation, 1);
	ck_assert_int_eq(got(l, &v), 1);
	ck_assert_int_eq(get_field(&fk.loads), 1);		/* unchanged: not loaded again */
	set_field(&fk.version, 2);
	ck_assert_int_eq(got(l, &v), 2);
	ck_assert_uint_eq(v.generation, 2);
	fini_freeing(l, 2);
}
END_TEST

START_TEST(slow_load_is_answered_from_the_old_set)
{
	struct loader *l = new_loader();
	struct loader_view v;
	double t0;

	ck_assert_int_eq(got(l, &v), 1);
	set_field(&fk.hold, 1);
	set_field(&fk.version, 2);
	t0 = clock_mono();
	ck_assert_int_eq(got(l, &v), 1);	/* after LOADER_WAIT_S at most */
	ck_assert(clock_mono() - t0 < LOADER_WAIT_S + 0.5);
	ck_assert_int_eq(got(l, &v), 1);
	ck_assert_int_eq(get_field(&fk.frees), 0);
	set_field(&fk.hold, 0);
	for (int i = 0; i < 500 && got(l, &v) != 2; i++) {
		struct timespec ts = { 0, 2000000 };

		nanosleep(&ts, NULL);
	}
	ck_assert_int_eq(got(l, &v), 2);
	ck_assert_int_eq(get_field(&fk.frees), 1);		/* the old set, once put */
	fini_freeing(l, 2);
}
END_TEST

START_TEST(borrowed_set_outlives_its_replacement)
{
	struct loader *l = new_loader();
	struct loader_view v, w;

	ck_assert_int_eq(got(l, &v), 1);
	set_field(&fk.hold, 1);
	set_field(&fk.version, 2);
	ck_assert_int_eq(loader_get(l, &v), 0);	/* the old set, borrowed */
	ck_assert_int_eq((int)(intptr_t)v.set, 1);
	set_field(&fk.hold, 0);
	for (int i = 0; i < 500 && get_field(&fk.loads) < 2; i++) {
		struct timespec ts = { 0, 2000000 };

		nanosleep(&ts, NULL);
	}
	ck_assert_int_eq(get_field(&fk.loads), 2);
	ck_assert_int_eq(get_field(&fk.frees), 0);		/* replaced, but still borrowed */
	loader_put(l);
	ck_assert_int_eq(get_field(&fk.frees), 1);
	ck_assert_int_eq(loader_get(l, &w), 0);
	ck_assert_int_eq((int)(intptr_t)w.set, 2);
	loader_put(l);
	fini_freeing(l, 2);
}
END_TEST

START_TEST(failure_is_remembered_for_its_version)
{
	struct loader *l = new_loader();
	struct loader_view v;

	ck_assert_int_eq(got(l, &v), 1);
	set_field(&fk.corrupt, 1);
	set_field(&fk.version, 2);
	ck_assert_int_eq(got(l, &v), -1);
	ck_assert_int_eq(v.kind, LOADER_CORRUPT);
	ck_assert_str_eq(v.err, "bad 2");
	ck_assert_uint_eq(v.failures, 1);
	ck_assert_int_eq(got(l, &v), -1);
	ck_assert_int_eq(get_field(&fk.loads), 2);		/* the same bad version is not loaded again */
	set_field(&fk.corrupt, 0);
	set_field(&fk.version, 3);
	ck_assert_int_eq(got(l, &v), 3);
	set_field(&fk.missing, 1);
	ck_assert_int_eq(loader_get(l, &v), -1);
	ck_assert_int_eq(v.kind, LOADER_MISSING);
	ck_assert_str_eq(v.err, "gone");
	fini_freeing(l, 2);
}
END_TEST

START_TEST(a_swap_storm_is_loaded_paced)
{
	struct loader *l;
	struct loader_view v;
	double t0, elapsed;
	int n;

	fk.cost = 0.04;
	l = new_loader();
	ck_assert_int_eq(got(l, &v), 1);
	/* a new version at every request, for 0.5 s: the loader never lacks work */
	t0 = clock_mono();
	for (int i = 2; clock_mono() - t0 < 0.5; i++) {
		struct timespec ts = { 0, 2000000 };

		set_field(&fk.version, i);
		ck_assert_int_gt(got(l, &v), 0);	/* always a set: the old or a new one */
		nanosleep(&ts, NULL);
	}
	elapsed = clock_mono() - t0;
	loader_fini(l);	/* joined: fk is the test's alone */
	ck_assert_int_eq(fk.frees, fk.loads);	/* every load gave a new set, each freed once */
	n = fk.loads < 64 ? fk.loads : 64;
	ck_assert_int_ge(n, 3);
	/* each load began no sooner than the last one's end plus what it took */
	for (int i = 1; i < n; i++)
		ck_assert_msg(fk.start[i] >= fk.end[i - 1] + (fk.end[i - 1] - fk.start[i - 1]),
		    "load %d began %.4f s after the last, which took %.4f s", i,
		    fk.start[i] - fk.end[i - 1], fk.end[i - 1] - fk.start[i - 1]);
	/* so at most about half the time went to loading: the first load, one at most still
	 * going at the end, and one per 2 * cost in between */
	ck_assert_int_le(fk.loads, 2 + (int)(elapsed / (2 * fk.cost)));
}
END_TEST

static void
add_tests(void)
{
	FIXTURE(setup, teardown);
	ADD(first_load_is_waited_for_and_a_fast_one_seen_at_once);
	ADD(slow_load_is_answered_from_the_old_set);
	ADD(borrowed_set_outlives_its_replacement);
	ADD(failure_is_remembered_for_its_version);
	ADD(a_swap_storm_is_loaded_paced);
}
