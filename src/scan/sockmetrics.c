/*
 * sockmetrics.c: writes the -sockets families in list order. The failure counters of the
 * previous file are matched to the current list by their labels through a sorted index,
 * so a socket removed from the list drops its counters and one added starts from zero.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exporead.h"
#include "numparse.h"
#include "sockmetrics.h"

#define FAILURES	"connection_status_check_failures_total"
#define COUNTER_MAX	9007199254740992.0	/* 2^53: above it a double loses counts */
#define NREASONS	(SOCKCHECK_LOCAL - SOCKCHECK_REFUSED + 1)	/* refused .. local */

struct key {
	const char	*host, *name, *protocol;
	unsigned	 port;
	size_t		 entry;
};

static int
key_cmp(const void *x, const void *y)
{
	const struct key *a = x, *b = y;
	int c;

	if ((c = strcmp(a->host, b->host)) != 0 || (c = strcmp(a->name, b->name)) != 0 ||
	    (c = strcmp(a->protocol, b->protocol)) != 0)
		return c;
	return a->port < b->port ? -1 : a->port > b->port;
}

static int
reason_of(const char *s)
{
	for (int k = SOCKCHECK_REFUSED; k <= SOCKCHECK_LOCAL; k++)
		if (strcmp(s, sockcheck_status_name((enum sockcheck_status)k)) == 0)
			return k - SOCKCHECK_REFUSED;
	return -1;
}

/* Counters of the previous file into fails[entry * NREASONS + reason]; -1 with warn. */
static int
load_prev(const struct sockets_list *l, const char *prev, size_t prevlen, uint64_t *fails,
    char *warn, size_t warnlen)
{
	struct exporead r;
	struct key *idx = NULL;
	int rc = -1;

	if (exporead_parse(prev, prevlen, &r, warn, warnlen) < 0)
		goto out;
	if ((idx = calloc(l->n ? l->n : 1, sizeof(*idx))) == NULL) {
		snprintf(warn, warnlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < l->n; i++)
		idx[i] = (struct key){ l->v[i].host, l->v[i].name, sockets_proto_name(l->v[i].proto),
		    l->v[i].port, i };
	if (l->n > 1)
		qsort(idx, l->n, sizeof(*idx), key_cmp);
	for (size_t i = 0; i < r.nsamples; i++) {
		const struct exporead_sample *s = &r.samples[i];
		const char *host = exporead_label(s, "host"), *name = exporead_label(s, "name");
		const char *port = exporead_label(s, "port"), *proto = exporead_label(s, "protocol");
		const char *reason = exporead_label(s, "reason");
		struct key want, *hit;
		uint64_t p;
		char why[64];
		int k;

		if (strcmp(s->name, FAILURES) != 0)
			continue;
		if (!host || !name || !port || !proto || !reason || s->nlabels != 5 ||
		    numparse_uint(port, 65535, &p, why, sizeof(why)) < 0 ||
		    (k = reason_of(reason)) < 0) {
			snprintf(warn, warnlen, "%s with other labels than this version's", FAILURES);
			goto out;
		}
		if (!(s->value >= 0 && s->value <= COUNTER_MAX && s->value == floor(s->value))) {
			snprintf(warn, warnlen, "%s is not a whole number >= 0", FAILURES);
			goto out;
		}
		want = (struct key){ host, name, proto, (unsigned)p, 0 };
		if ((hit = bsearch(&want, idx, l->n, sizeof(*idx), key_cmp)) != NULL)
			fails[hit->entry * NREASONS + (size_t)k] = (uint64_t)s->value;
	}
	rc = 0;
out:
	exporead_fini(&r);
	free(idx);
	return rc;
}

static int
labels_of(const struct sockets_entry *e, char *port, size_t portlen, struct expo_label *lb)
{
	snprintf(port, portlen, "%u", e->port);
	lb[0] = (struct expo_label){ "host", e->host };
	lb[1] = (struct expo_label){ "name", e->name };
	lb[2] = (struct expo_label){ "port", port };
	lb[3] = (struct expo_label){ "protocol", sockets_proto_name(e->proto) };
	return 4;
}

static int
one(struct expo *e, const char *name, const char *help, double v)
{
	if (expo_family(e, name, EXPO_GAUGE, help) < 0 || expo_sample(e, NULL, 0, v) < 0)
		return -1;
	return 0;
}

/* A gauge of every checked socket: its status (1/0), or with duration its check's seconds. */
static int
per_socket(struct expo *out, const struct sockets_list *l, const struct sockcheck_result *r,
    const char *name, const char *help, int duration)
{
	struct expo_label lb[4];
	char port[8];

	if (expo_family(out, name, EXPO_GAUGE, help) < 0)
		return -1;
	for (size_t i = 0; i < l->n; i++) {
		if (r->status[i] == SOCKCHECK_UNCHECKED)
			continue;
		labels_of(&l->v[i], port, sizeof(port), lb);
		if (expo_sample(out, lb, 4, duration ? round(r->seconds[i] * 1e6) / 1e6 :
		    r->status[i] == SOCKCHECK_UP) < 0)
			return -1;
	}
	return 0;
}

static int
emit(const struct sockets_list *l, const struct sockcheck_result *r, double finished,
    const uint64_t *fails, struct expo *out)
{
	struct expo_label lb[5];
	char port[8];

	/* the seed's HELP, so that both can be compared in one Prometheus */
	if (per_socket(out, l, r, "connection_status_up", "Connection status of the socket.",
	    0) < 0 || per_socket(out, l, r, "connection_status_check_duration_seconds",
	    "Duration of the socket's last check: until it answered, refused or timed out.",
	    1) < 0)
		return -1;
	if (expo_family(out, FAILURES, EXPO_COUNTER,
	    "Checks of the socket that found it down, by reason: refused, timeout, unreachable, "
	    "resolve (host name not found), local_error (local failure, or ICMP echo not "
	    "allowed).") < 0)
		return -1;
	for (size_t i = 0; i < l->n; i++) {
		for (size_t k = 0; k < NREASONS; k++) {
			if (fails[i * NREASONS + k] == 0)
				continue;
			labels_of(&l->v[i], port, sizeof(port), lb);
			lb[4] = (struct expo_label){ "reason",
			    sockcheck_status_name((enum sockcheck_status)(k + SOCKCHECK_REFUSED)) };
			if (expo_sample(out, lb, 5, (double)fails[i * NREASONS + k]) < 0)
				return -1;
		}
	}
	return one(out, "connection_status_sockets", "Sockets in the -sockets list.",
	    (double)l->n) < 0 ||
	    one(out, "connection_status_sockets_up", "Sockets found up by the last run.",
	    (double)r->count[SOCKCHECK_UP]) < 0 ||
	    one(out, "connection_status_last_run_duration_seconds",
	    "Wall time of the last run's socket checks, name lookups included.",
	    round(r->seconds_total * 1000) / 1000) < 0 ||
	    one(out, "connection_status_last_run_timestamp_seconds",
	    "End of the last run that checked the sockets, seconds since the epoch.",
	    round(finished * 1000) / 1000) < 0 ? -1 : 0;
}

int
sockmetrics_format(const struct sockets_list *l, const struct sockcheck_result *r,
    double finished, const char *prev, size_t prevlen, struct expo *out, char *warn,
    size_t warnlen)
{
	uint64_t *fails;
	int rc;

	warn[0] = '\0';
	if ((fails = calloc(l->n ? l->n * NREASONS : 1, sizeof(*fails))) == NULL) {
		snprintf(out->error, sizeof(out->error), "out of memory");
		return -1;
	}
	if (prev != NULL && load_prev(l, prev, prevlen, fails, warn, warnlen) < 0)
		memset(fails, 0, (l->n ? l->n * NREASONS : 1) * sizeof(*fails));
	for (size_t i = 0; i < l->n && r->status; i++)
		if (r->status[i] >= SOCKCHECK_REFUSED && r->status[i] <= SOCKCHECK_LOCAL)
			fails[i * NREASONS + (r->status[i] - SOCKCHECK_REFUSED)]++;
	rc = r->status ? emit(l, r, finished, fails, out) : 0;
	free(fails);
	return rc;
}
