/*
 * check_rdns.c: cache-first reverse DNS with an injected resolver: names, failures,
 * hostile answers, -dns-verify, counters, caching, and a lookup stuck past the deadline.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rdns.h"
#include "check_main.h"

#define NOW 1700000000
#define NET 0x0a000000u

static pthread_mutex_t stuck_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stuck_cv = PTHREAD_COND_INITIALIZER;
static int stuck_released, stuck_entered, stuck_left;
static int ptr_calls;

/* .1 good, .2 no PTR, .3 hostile, .4 good but forward mismatch, .5 stuck, .6 upper case */
static int
fake_ptr(uint32_t addr, char *name, size_t len, char *why, size_t whylen)
{
	pthread_mutex_lock(&stuck_mu);
	ptr_calls++;
	pthread_mutex_unlock(&stuck_mu);
	switch (addr & 0xff) {
	case 1:
		snprintf(name, len, "one.example");
		return 0;
	case 3:
		snprintf(name, len, "evil\" name\n{x=\"y\"}");
		return 0;
	case 4:
		snprintf(name, len, "four.example");
		return 0;
	case 5:
		pthread_mutex_lock(&stuck_mu);
		stuck_entered++;
		while (!stuck_released)
			pthread_cond_wait(&stuck_cv, &stuck_mu);
		stuck_left++;
		pthread_mutex_unlock(&stuck_mu);
		snprintf(name, len, "late.example");
		return 0;
	case 6:
		snprintf(name, len, "Six.EXAMPLE.");
		return 0;
	}
	snprintf(why, whylen, "no PTR record");
	return -1;
}

static int
fake_forward(const char *name, uint32_t addr, char *why, size_t whylen)
{
	(void)addr;
	if (strcmp(name, "four.example") == 0) {
		snprintf(why, whylen, "its addresses do not include the IP");
		return 0;
	}
	return 1;
}

static const struct rdns_config cfg = { .timeout = 5, .workers = 3, .ttl = 600,
	.negative_ttl = 60, .ptr = fake_ptr, .forward = fake_forward };

START_TEST(names_failures_and_counters)
{
	uint32_t addrs[] = { NET + 6, NET + 1, NET + 2, NET + 3, NET + 1, NET + 4 };
	struct ptrcache *pc = ptrcache_new();
	struct rdns_result res;
	const struct ptrcache_entry *e;
	char err[256];

	ck_assert_int_eq(rdns_resolve(&cfg, pc, addrs, 6, NOW, &res, err, sizeof(err)), 0);
	ck_assert_uint_eq(res.n, 5);
	ck_assert_uint_eq(res.lookups, 5);
	ck_assert_uint_eq(res.cache_hits, 0);
	ck_assert_uint_eq(res.errors, 2);
	ck_assert_str_eq(rdns_name(&res, NET + 1), "one.example");
	ck_assert_ptr_null(rdns_name(&res, NET + 2));
	ck_assert_ptr_null(rdns_name(&res, NET + 3));
	ck_assert_str_eq(rdns_name(&res, NET + 4), "four.example");	/* no -dns-verify */
	ck_assert_str_eq(rdns_name(&res, NET + 6), "six.example");
	ck_assert_ptr_null(rdns_name(&res, NET + 7));
	ck_assert_uint_eq(res.outcome[RDNS_REJECTED], 1);
	ck_assert_int_eq(res.v[2].outcome, RDNS_REJECTED);
	/* the log line shows the hostile name escaped: no quote, no line break */
	ck_assert_ptr_nonnull(strstr(res.v[2].detail, "evil\\x22\\x20name\\x0a{x=\\x22y\\x22}"));
	ck_assert_ptr_null(strchr(res.v[2].detail, '\n'));
	/* names for the TTL, failures (hostile ones too) for the negative TTL */
	ck_assert_ptr_nonnull(e = ptrcache_get(pc, NET + 1));
	ck_assert_int_eq(e->expiry, NOW + 600);
	ck_assert_ptr_nonnull(e = ptrcache_get(pc, NET + 3));
	ck_assert_int_eq(e->expiry, NOW + 60);
	ck_assert_str_eq(e->name, "");
	rdns_result_fini(&res);

	/* within the TTLs: everything from the cache, no lookup */
	ptr_calls = 0;
	ck_assert_int_eq(rdns_resolve(&cfg, pc, addrs, 6, NOW + 59, &res, err, sizeof(err)), 0);
	ck_assert_int_eq(ptr_calls, 0);
	ck_assert_uint_eq(res.lookups, 0);
	ck_assert_uint_eq(res.cache_hits, 5);
	ck_assert_uint_eq(res.errors, 0);
	ck_assert_str_eq(rdns_name(&res, NET + 1), "one.example");
	ck_assert_ptr_null(rdns_name(&res, NET + 3));
	rdns_result_fini(&res);

	/* negative entries expire first */
	ck_assert_int_eq(rdns_resolve(&cfg, pc, addrs, 6, NOW + 60, &res, err, sizeof(err)), 0);
	ck_assert_int_eq(ptr_calls, 2);
	ck_assert_uint_eq(res.cache_hits, 3);
	rdns_result_fini(&res);
	ptrcache_free(pc);
}
END_TEST

START_TEST(verify)
{
	struct rdns_config vc = cfg;
	uint32_t addrs[] = { NET + 1, NET + 4 };
	struct ptrcache *pc = ptrcache_new();
	struct rdns_result res;
	char err[256];

	vc.verify = 1;
	ck_assert_int_eq(rdns_resolve(&vc, pc, addrs, 2, NOW, &res, err, sizeof(err)), 0);
	ck_assert_str_eq(rdns_name(&res, NET + 1), "one.example");
	ck_assert_ptr_null(rdns_name(&res, NET + 4));
	ck_assert_uint_eq(res.outcome[RDNS_UNVERIFIED], 1);
	ck_assert_uint_eq(res.errors, 1);
	ck_assert_str_eq(ptrcache_get(pc, NET + 4)->name, "");
	rdns_result_fini(&res);
	ptrcache_free(pc);
}
END_TEST

START_TEST(lowered_ttl_applies_to_cached)
{
	uint32_t addr = NET + 1;
	struct ptrcache *pc = ptrcache_new();
	struct rdns_result res;
	struct rdns_config short_ttl = cfg;
	char err[256];

	ck_assert_int_eq(ptrcache_put(pc, addr, NOW + 3600, "one.example"), 0);
	short_ttl.ttl = 10;
	ck_assert_int_eq(rdns_resolve(&short_ttl, pc, &addr, 1, NOW, &res, err, sizeof(err)), 0);
	ck_assert_uint_eq(res.cache_hits, 1);
	ck_assert_int_eq(ptrcache_get(pc, addr)->expiry, NOW + 10);
	rdns_result_fini(&res);
	ptrcache_free(pc);
}
END_TEST

START_TEST(stuck_lookup_falls_back)
{
	struct rdns_config sc = cfg;
	uint32_t addrs[] = { NET + 5, NET + 1 };
	struct ptrcache *pc = ptrcache_new();
	struct rdns_result res;
	char err[256];

	sc.timeout = 0.2;
	sc.workers = 2;
	ck_assert_int_eq(rdns_resolve(&sc, pc, addrs, 2, NOW, &res, err, sizeof(err)), 0);
	ck_assert_ptr_null(rdns_name(&res, NET + 5));
	ck_assert_str_eq(rdns_name(&res, NET + 1), "one.example");
	ck_assert_uint_eq(res.outcome[RDNS_UNFINISHED], 1);
	ck_assert_uint_eq(res.errors, 1);
	ck_assert_uint_eq(res.lookups, 2);
	ck_assert_ptr_null(ptrcache_get(pc, NET + 5));	/* unknown: asked again next run */
	rdns_result_fini(&res);
	ptrcache_free(pc);
	/* release the stuck thread after everything of the call is freed: it must not crash */
	pthread_mutex_lock(&stuck_mu);
	ck_assert_int_eq(stuck_entered, 1);
	stuck_released = 1;
	pthread_cond_broadcast(&stuck_cv);
	pthread_mutex_unlock(&stuck_mu);
	for (int i = 0; i < 200; i++) {
		int left;

		pthread_mutex_lock(&stuck_mu);
		left = stuck_left;
		pthread_mutex_unlock(&stuck_mu);
		if (left)
			break;
		usleep(10000);
	}
	ck_assert_int_eq(stuck_left, 1);
	usleep(20000);	/* let it finish freeing the batch under the sanitizers */
}
END_TEST

START_TEST(empty_and_no_threads_needed)
{
	struct ptrcache *pc = ptrcache_new();
	struct rdns_result res;
	char err[256];

	ck_assert_int_eq(rdns_resolve(&cfg, pc, NULL, 0, NOW, &res, err, sizeof(err)), 0);
	ck_assert_uint_eq(res.n, 0);
	ck_assert_ptr_null(rdns_name(&res, NET + 1));
	rdns_result_fini(&res);
	ptrcache_free(pc);
}
END_TEST

static void
add_tests(void)
{
	ADD(names_failures_and_counters);
	ADD(verify);
	ADD(lowered_ttl_applies_to_cached);
	ADD(stuck_lookup_falls_back);
	ADD(empty_and_no_threads_needed);
}
