/*
 * check_rdns.c: cache-first reverse DNS over an injected asynchronous resolver with a fake
 * clock (no network, no sleep): names, failures, hostile answers, -dns-verify, counters,
 * caching, the bound on lookups in flight, answers given at once, and a lookup still
 * unanswered at the deadline.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "rdns.h"
#include "check_main.h"

#define NOW 1700000000
#define NET CIDR_V4(0x0a000000u)
#define FAKE_MAX 2048

enum { FAKE_PTR, FAKE_FORWARD };

struct pending {
	int		 kind;
	cidr_ip		 addr;
	char		 name[64];
	rdns_done_fn	 done;
	void		*arg;
};

/*
 * The fake resolver. PTR by last octet: .1 good, .2 no PTR, .3 hostile, .4 good but the
 * forward record points elsewhere, .5 never answered, .6 upper case, .7 answered at once
 * (as from /etc/hosts), .8 cannot be started, .9 lost the first time it is asked (a server
 * that dropped the query) and answered the second; anything else no PTR. wait answers every
 * lookup in flight but .5; when nothing can be answered it lets the whole timeout pass.
 */
struct fake {
	struct rdns_resolver	 ops;
	double			 clock;
	struct pending		 q[FAKE_MAX];
	size_t			 nq;
	unsigned		 max_in_flight;
	int			 ptr_calls, forward_calls, waits, cancels, nine_calls;
};

static void
fake_track(struct fake *f)
{
	if (f->nq > f->max_in_flight)
		f->max_in_flight = (unsigned)f->nq;
}

static int
fake_ptr(struct rdns_resolver *r, cidr_ip addr, rdns_done_fn done, void *arg, char *why,
    size_t whylen)
{
	struct fake *f = (struct fake *)r;

	f->ptr_calls++;
	if ((addr & 0xff) == 8) {
		snprintf(why, whylen, "resolver not started: test");
		return -1;
	}
	if ((addr & 0xff) == 7) {
		done(arg, 0, "seven.example");
		return 0;
	}
	if ((addr & 0xff) == 9 && f->nine_calls++ == 0)
		addr = (addr & ~(cidr_ip)0xff) | 5;	/* lost: never answered, like .5 */
	ck_assert_uint_lt(f->nq, FAKE_MAX);
	f->q[f->nq++] = (struct pending){ .kind = FAKE_PTR, .addr = addr, .done = done,
	    .arg = arg };
	fake_track(f);
	return 0;
}

static int
fake_forward(struct rdns_resolver *r, const char *name, cidr_ip addr, rdns_done_fn done,
    void *arg, char *why, size_t whylen)
{
	struct fake *f = (struct fake *)r;
	struct pending p = { .kind = FAKE_FORWARD, .addr = addr, .done = done, .arg = arg };

	(void)why;
	(void)whylen;
	f->forward_calls++;
	ck_assert_uint_lt(f->nq, FAKE_MAX);
	snprintf(p.name, sizeof(p.name), "%s", name);
	f->q[f->nq++] = p;
	fake_track(f);
	return 0;
}

static void
fake_answer(const struct pending *p)
{
	if (p->kind == FAKE_FORWARD) {
		if (strcmp(p->name, "four.example") == 0)
			p->done(p->arg, 0, "its addresses do not include the IP");
		else
			p->done(p->arg, 1, "");
		return;
	}
	switch (p->addr & 0xff) {
	case 1:
		p->done(p->arg, 0, "one.example");
		return;
	case 3:
		p->done(p->arg, 0, "evil\" name\n{x=\"y\"}");
		return;
	case 4:
		p->done(p->arg, 0, "four.example");
		return;
	case 6:
		p->done(p->arg, 0, "Six.EXAMPLE.");
		return;
	case 9:
		p->done(p->arg, 0, "nine.example");
		return;
	}
	p->done(p->arg, -1, "no PTR record");
}

static int
fake_wait(struct rdns_resolver *r, double timeout, char *why, size_t whylen)
{
	struct fake *f = (struct fake *)r;
	struct pending now[FAKE_MAX];
	size_t n = 0, keep = 0;

	(void)why;
	(void)whylen;
	f->waits++;
	for (size_t i = 0; i < f->nq; i++) {
		if (f->q[i].kind == FAKE_PTR && (f->q[i].addr & 0xff) == 5)
			f->q[keep++] = f->q[i];
		else
			now[n++] = f->q[i];
	}
	f->nq = keep;
	if (n == 0)
		f->clock += timeout;
	else
		f->clock += 0.001;
	for (size_t i = 0; i < n; i++)
		fake_answer(&now[i]);
	return 0;
}

static void
fake_cancel(struct rdns_resolver *r)
{
	struct fake *f = (struct fake *)r;

	f->cancels++;
	f->nq = 0;
}

static double
fake_now(struct rdns_resolver *r)
{
	return ((struct fake *)r)->clock;
}

static struct fake fake;

/* rdns_resolve of addrs[0..n) at now, which must succeed */
static void
resolve_ok(const struct rdns_config *cfg, struct ptrcache *pc, const cidr_ip *addrs,
    size_t n, int64_t now, struct rdns_result *res)
{
	char err[256];

	ck_assert_msg(rdns_resolve(cfg, pc, addrs, n, now, res, err, sizeof(err)) == 0, "%s", err);
}

static struct rdns_config
fake_config(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.ops = (struct rdns_resolver){ .ptr = fake_ptr, .forward = fake_forward,
	    .wait = fake_wait, .cancel = fake_cancel, .now = fake_now };
	fake.clock = 100;
	return (struct rdns_config){ .timeout = 5, .workers = 3, .ttl = 600,
	    .negative_ttl = 60, .resolver = &fake.ops };
}

/* IPv6 addresses go through the same resolver, cache and result, sorted after IPv4. */
START_TEST(ipv6_names)
{
	struct rdns_config cfg = fake_config();
	const cidr_ip v6 = (cidr_ip)0xfd00 << 112;
	cidr_ip addrs[] = { v6 + 1, NET + 1, v6 + 2, v6 + 1 };
	struct ptrcache *pc = ptrcache_new();
	struct rdns_result res;

	cfg.verify = 1;
	resolve_ok(&cfg, pc, addrs, 4, NOW, &res);
	ck_assert_uint_eq(res.n, 3);
	ck_assert(res.v[0].addr == NET + 1);
	ck_assert(res.v[1].addr == v6 + 1);
	ck_assert(res.v[2].addr == v6 + 2);
	ck_assert_str_eq(rdns_name(&res, v6 + 1), "one.example");
	ck_assert_ptr_null(rdns_name(&res, v6 + 2));
	ck_assert_int_eq(fake.forward_calls, 2);	/* verified: both .1 */
	ck_assert_ptr_nonnull(ptrcache_get(pc, v6 + 1));
	rdns_result_fini(&res);
	/* the next run: from the cache */
	resolve_ok(&cfg, pc, addrs, 4, NOW + 1, &res);
	ck_assert_uint_eq(res.cache_hits, 3);
	ck_assert_str_eq(rdns_name(&res, v6 + 1), "one.example");
	rdns_result_fini(&res);
	ptrcache_free(pc);
}
END_TEST

START_TEST(names_failures_and_counters)
{
	struct rdns_config cfg = fake_config();
	cidr_ip addrs[] = { NET + 6, NET + 1, NET + 2, NET + 3, NET + 1, NET + 4 };
	struct ptrcache *pc = ptrcache_new();
	struct rdns_result res;
	const struct ptrcache_entry *e;

	resolve_ok(&cfg, pc, addrs, 6, NOW, &res);
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
	ck_assert_str_eq(res.v[1].detail, "no PTR record");
	/* the log line shows the hostile name escaped: no quote, no line break */
	ck_assert_ptr_nonnull(strstr(res.v[2].detail, "evil\\x22\\x20name\\x0a{x=\\x22y\\x22}"));
	ck_assert_ptr_null(strchr(res.v[2].detail, '\n'));
	/* names for the TTL, failures (hostile ones too) for the negative TTL */
	ck_assert_ptr_nonnull(e = ptrcache_get(pc, NET + 1));
	ck_assert_int_eq(e->expiry, NOW + 600);
	ck_assert_ptr_nonnull(e = ptrcache_get(pc, NET + 3));
	ck_assert_int_eq(e->expiry, NOW + 60);
	ck_assert_str_eq(e->name, "");
	ck_assert_int_eq(fake.forward_calls, 0);
	ck_assert_int_eq(fake.cancels, 1);
	rdns_result_fini(&res);

	/* within the TTLs: everything from the cache, no lookup */
	fake.ptr_calls = 0;
	resolve_ok(&cfg, pc, addrs, 6, NOW + 59, &res);
	ck_assert_int_eq(fake.ptr_calls, 0);
	ck_assert_uint_eq(res.lookups, 0);
	ck_assert_uint_eq(res.cache_hits, 5);
	ck_assert_uint_eq(res.errors, 0);
	ck_assert_str_eq(rdns_name(&res, NET + 1), "one.example");
	ck_assert_ptr_null(rdns_name(&res, NET + 3));
	rdns_result_fini(&res);

	/* a warm run needs no resolver at all */
	cfg.resolver = NULL;
	resolve_ok(&cfg, pc, addrs, 6, NOW + 59, &res);
	ck_assert_uint_eq(res.cache_hits, 5);
	rdns_result_fini(&res);
	cfg.resolver = &fake.ops;

	/* negative entries expire first */
	resolve_ok(&cfg, pc, addrs, 6, NOW + 60, &res);
	ck_assert_int_eq(fake.ptr_calls, 2);
	ck_assert_uint_eq(res.cache_hits, 3);
	rdns_result_fini(&res);
	ptrcache_free(pc);
}
END_TEST

START_TEST(verify)
{
	struct rdns_config cfg = fake_config();
	cidr_ip addrs[] = { NET + 1, NET + 4, NET + 7 };
	struct ptrcache *pc = ptrcache_new();
	struct rdns_result res;

	cfg.verify = 1;
	resolve_ok(&cfg, pc, addrs, 3, NOW, &res);
	ck_assert_str_eq(rdns_name(&res, NET + 1), "one.example");
	ck_assert_ptr_null(rdns_name(&res, NET + 4));
	/* answered at once, then verified like the others */
	ck_assert_str_eq(rdns_name(&res, NET + 7), "seven.example");
	ck_assert_int_eq(fake.forward_calls, 3);
	ck_assert_uint_eq(res.outcome[RDNS_UNVERIFIED], 1);
	ck_assert_uint_eq(res.errors, 1);
	ck_assert_str_eq(res.v[1].detail,
	    "PTR name four.example not verified: its addresses do not include the IP");
	ck_assert_str_eq(ptrcache_get(pc, NET + 4)->name, "");
	rdns_result_fini(&res);
	ptrcache_free(pc);
}
END_TEST

START_TEST(lowered_ttl_applies_to_cached)
{
	struct rdns_config cfg = fake_config();
	cidr_ip addr = NET + 1;
	struct ptrcache *pc = ptrcache_new();
	struct rdns_result res;

	ck_assert_int_eq(ptrcache_put(pc, addr, NOW + 3600, "one.example"), 0);
	cfg.ttl = 10;
	resolve_ok(&cfg, pc, &addr, 1, NOW, &res);
	ck_assert_uint_eq(res.cache_hits, 1);
	ck_assert_int_eq(ptrcache_get(pc, addr)->expiry, NOW + 10);
	rdns_result_fini(&res);
	ptrcache_free(pc);
}
END_TEST

START_TEST(unanswered_at_deadline_falls_back)
{
	struct rdns_config cfg = fake_config();
	cidr_ip addrs[] = { NET + 5, NET + 1 };
	struct ptrcache *pc = ptrcache_new();
	struct rdns_result res;

	cfg.timeout = 0.35;
	resolve_ok(&cfg, pc, addrs, 2, NOW, &res);
	ck_assert_ptr_null(rdns_name(&res, NET + 5));
	ck_assert_str_eq(rdns_name(&res, NET + 1), "one.example");
	ck_assert_uint_eq(res.outcome[RDNS_UNFINISHED], 1);
	ck_assert_str_eq(res.v[1].detail, "no answer within 0.35s");
	ck_assert_uint_eq(res.errors, 1);
	ck_assert_uint_eq(res.lookups, 2);
	ck_assert_ptr_null(ptrcache_get(pc, NET + 5));	/* unknown: asked again next run */
	/* it waited out the deadline, no longer, and cancelled what was still in flight */
	ck_assert(fake.clock > 100.349 && fake.clock < 100.36);
	ck_assert(res.seconds > 0.349 && res.seconds < 0.36);
	ck_assert_int_eq(fake.cancels, 1);
	ck_assert_uint_eq(fake.nq, 0);
	/* .5 was asked again 0.1 s after each ask, twice at most, then waited out the deadline */
	ck_assert_uint_eq(res.asked_again, 2);
	ck_assert_int_eq(fake.ptr_calls, 4);
	rdns_result_fini(&res);
	ptrcache_free(pc);
}
END_TEST

START_TEST(lost_query_asked_again)
{
	struct rdns_config cfg = fake_config();
	cidr_ip addrs[] = { NET + 9, NET + 1 };
	struct ptrcache *pc = ptrcache_new();
	struct rdns_result res;

	/* answers take 1 ms: .9 is asked again after RDNS_AGAIN_MIN_S (0.1 s), not the timeout */
	resolve_ok(&cfg, pc, addrs, 2, NOW, &res);
	ck_assert_str_eq(rdns_name(&res, NET + 9), "nine.example");
	ck_assert_uint_eq(res.asked_again, 1);
	ck_assert_uint_eq(res.lookups, 2);
	ck_assert_uint_eq(res.errors, 0);
	ck_assert(res.seconds > 0.099 && res.seconds < 0.11);
	ck_assert_int_eq(fake.nine_calls, 2);
	rdns_result_fini(&res);
	ptrcache_free(pc);
}
END_TEST

START_TEST(in_flight_bounded_by_workers)
{
	struct rdns_config cfg = fake_config();
	static cidr_ip addrs[1000];
	struct ptrcache *pc = ptrcache_new();
	struct rdns_result res;

	for (uint32_t i = 0; i < 1000; i++)
		addrs[i] = NET + 0x100 * (i + 1) + 1;	/* x.y.z.1: all named */
	cfg.workers = 7;
	resolve_ok(&cfg, pc, addrs, 1000, NOW, &res);
	ck_assert_uint_eq(res.lookups, 1000);
	ck_assert_uint_eq(res.outcome[RDNS_FOUND], 1000);
	ck_assert_uint_eq(fake.max_in_flight, 7);
	ck_assert_uint_eq(res.max_in_flight, 7);
	ck_assert_int_eq(fake.waits, (1000 + 6) / 7);	/* every wait refilled the window */
	rdns_result_fini(&res);

	/* a forward lookup keeps the slot of its PTR lookup */
	cfg.verify = 1;
	cfg.workers = 1;
	for (uint32_t i = 0; i < 10; i++)
		addrs[i] += 0x1000000;
	resolve_ok(&cfg, pc, addrs, 10, NOW, &res);
	ck_assert_uint_eq(res.outcome[RDNS_FOUND], 10);
	ck_assert_uint_eq(fake.max_in_flight, 7);	/* from before: never more than 1 now */
	ck_assert_uint_eq(res.max_in_flight, 1);
	ck_assert_int_eq(fake.forward_calls, 10);
	rdns_result_fini(&res);
	ptrcache_free(pc);
}
END_TEST

START_TEST(start_failure_is_an_error)
{
	struct rdns_config cfg = fake_config();
	cidr_ip addrs[] = { NET + 8, NET + 1 };
	struct ptrcache *pc = ptrcache_new();
	struct rdns_result res;
	char err[256];

	resolve_ok(&cfg, pc, addrs, 2, NOW, &res);
	ck_assert_int_eq(res.v[1].outcome, RDNS_NONE);
	ck_assert_str_eq(res.v[1].detail, "resolver not started: test");
	ck_assert_uint_eq(res.errors, 1);
	ck_assert_str_eq(rdns_name(&res, NET + 1), "one.example");
	rdns_result_fini(&res);

	/* lookups needed and no resolver: an error, nothing cached */
	cfg.resolver = NULL;
	addrs[0] = NET + 0x200 + 1;
	ck_assert_int_eq(rdns_resolve(&cfg, pc, addrs, 1, NOW, &res, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "no resolver"));
	ck_assert_ptr_null(ptrcache_get(pc, addrs[0]));
	rdns_result_fini(&res);
	ptrcache_free(pc);
}
END_TEST

START_TEST(empty)
{
	struct rdns_config cfg = fake_config();
	struct ptrcache *pc = ptrcache_new();
	struct rdns_result res;

	resolve_ok(&cfg, pc, NULL, 0, NOW, &res);
	ck_assert_uint_eq(res.n, 0);
	ck_assert_ptr_null(rdns_name(&res, NET + 1));
	ck_assert_int_eq(fake.ptr_calls + fake.waits + fake.cancels, 0);
	rdns_result_fini(&res);
	ptrcache_free(pc);
}
END_TEST

static void
add_tests(void)
{
	ADD(ipv6_names);
	ADD(names_failures_and_counters);
	ADD(verify);
	ADD(lowered_ttl_applies_to_cached);
	ADD(unanswered_at_deadline_falls_back);
	ADD(lost_query_asked_again);
	ADD(in_flight_bounded_by_workers);
	ADD(start_failure_is_an_error);
	ADD(empty);
}
