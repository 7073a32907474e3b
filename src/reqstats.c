/*
 * reqstats.c: request metrics in a shared mapping (see reqstats.h).
 *
 * DESIGN: the file holds a fixed layout (header, then uint64 counters) sized at creation;
 * whoever creates it extends it with ftruncate (zero-filled, so all counters start at 0)
 * and only then writes the magic with a compare-and-swap. A file whose magic or size does
 * not match this layout is refused rather than misread; the layout version is part of the
 * magic. Durations are summed in nanoseconds so the sum is an atomic integer add too.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reqstats.h"

#define REQSTATS_MAGIC	0x7364737276310001ull	/* "sdsrv1" + layout version 1 */

static const int statuses[] = { 200, 400, 404, 405, 500, 503 };
#define NSTATUS		(sizeof(statuses) / sizeof(statuses[0]) + 1)	/* + any other */

/* Upper bounds (seconds) of the histogram buckets; +Inf is the last, implicit one. */
static const double bounds[] = {
	0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
	2.5, 5, 10,
};
#define NBOUNDS		(sizeof(bounds) / sizeof(bounds[0]))

static const char *const path_labels[REQSTATS_NPATHS] = {
	"/", "/targets.json", "/health", "/metrics", "other",
};

struct layout {
	uint64_t	magic;
	uint64_t	size;
	uint64_t	requests[REQSTATS_NPATHS][NSTATUS];
	uint64_t	buckets[REQSTATS_NPATHS][NBOUNDS + 1];	/* not cumulative */
	uint64_t	count[REQSTATS_NPATHS];
	uint64_t	sum_ns[REQSTATS_NPATHS];
};

struct reqstats {
	struct layout	*m;
	int		 shared;
};

struct reqstats *
reqstats_open(const char *path, char *err, size_t errlen)
{
	struct reqstats *rs = calloc(1, sizeof(*rs));
	struct stat st;
	void *p = MAP_FAILED;
	uint64_t zero = 0;
	int fd = -1;

	if (rs == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (path == NULL) {
		p = mmap(NULL, sizeof(struct layout), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			snprintf(err, errlen, "mmap: %s", strerror(errno));
			goto fail;
		}
		rs->m = p;
		rs->m->magic = REQSTATS_MAGIC;
		rs->m->size = sizeof(struct layout);
		return rs;
	}
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600)) < 0) {
		snprintf(err, errlen, "stats file %s: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "stats file %s: not a regular file", path);
		goto fail;
	}
	if (st.st_size == 0 && ftruncate(fd, sizeof(struct layout)) < 0) {
		snprintf(err, errlen, "stats file %s: ftruncate: %s", path, strerror(errno));
		goto fail;
	}
	if (fstat(fd, &st) < 0 || st.st_size != (off_t)sizeof(struct layout)) {
		snprintf(err, errlen, "stats file %s: size %lld, expected %zu (another version?)",
		    path, (long long)st.st_size, sizeof(struct layout));
		goto fail;
	}
	p = mmap(NULL, sizeof(struct layout), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		snprintf(err, errlen, "stats file %s: mmap: %s", path, strerror(errno));
		goto fail;
	}
	rs->m = p;
	/* the first process writes the header; the others find it written */
	__atomic_compare_exchange_n(&rs->m->magic, &zero, REQSTATS_MAGIC, 0, __ATOMIC_SEQ_CST,
	    __ATOMIC_SEQ_CST);
	if (rs->m->magic != REQSTATS_MAGIC) {
		snprintf(err, errlen, "stats file %s: not an sd-serve stats file of this version",
		    path);
		goto fail;
	}
	__atomic_store_n(&rs->m->size, sizeof(struct layout), __ATOMIC_RELAXED);
	close(fd);	/* the mapping stays */
	rs->shared = 1;
	return rs;
fail:
	if (p != MAP_FAILED)
		munmap(p, sizeof(struct layout));
	if (fd >= 0)
		close(fd);
	free(rs);
	return NULL;
}

void
reqstats_close(struct reqstats *rs)
{
	if (rs == NULL)
		return;
	munmap(rs->m, sizeof(struct layout));
	free(rs);
}

int
reqstats_shared(const struct reqstats *rs)
{
	return rs->shared;
}

const char *
reqstats_path_label(enum reqstats_path p)
{
	return (unsigned)p < REQSTATS_NPATHS ? path_labels[p] : "other";
}

void
reqstats_record(struct reqstats *rs, enum reqstats_path path, int status, double seconds)
{
	size_t si = NSTATUS - 1, bi = NBOUNDS;
	uint64_t ns;

	if ((unsigned)path >= REQSTATS_NPATHS)
		path = REQSTATS_OTHER;
	for (size_t i = 0; i < NSTATUS - 1; i++)
		if (statuses[i] == status)
			si = i;
	if (!(seconds >= 0))
		seconds = 0;
	for (size_t i = 0; i < NBOUNDS; i++)
		if (seconds <= bounds[i]) {
			bi = i;
			break;
		}
	ns = seconds > 1e9 ? UINT64_C(1000000000000000000) : (uint64_t)(seconds * 1e9);
	__atomic_fetch_add(&rs->m->requests[path][si], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&rs->m->buckets[path][bi], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&rs->m->sum_ns[path], ns, __ATOMIC_RELAXED);
	__atomic_fetch_add(&rs->m->count[path], 1, __ATOMIC_RELAXED);
}

struct out {
	char	*p;
	size_t	 len, cap;
	int	 failed;
};

static void
outf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
outf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->failed)
		return;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(o->p ? o->p + o->len : NULL, o->p ? o->cap - o->len : 0, fmt, ap);
		va_end(ap);
		if (n < 0) {
			o->failed = 1;
			return;
		}
		if (o->p && o->len + (size_t)n < o->cap) {
			o->len += (size_t)n;
			return;
		}
		size_t cap = o->cap ? o->cap * 2 : 8192;
		while (cap < o->len + (size_t)n + 1)
			cap *= 2;
		char *np = realloc(o->p, cap);
		if (np == NULL) {
			o->failed = 1;
			return;
		}
		o->p = np;
		o->cap = cap;
	}
}

int
reqstats_format(const struct reqstats *rs, char **out, size_t *outlen)
{
	const struct layout *m = rs->m;
	struct out o = { 0 };

	outf(&o, "# HELP scanner_http_requests_total HTTP requests answered by sd-serve, by "
	    "path and status (all processes since boot).\n"
	    "# TYPE scanner_http_requests_total counter\n");
	for (size_t p = 0; p < REQSTATS_NPATHS; p++)
		for (size_t s = 0; s < NSTATUS; s++) {
			uint64_t v = __atomic_load_n(&m->requests[p][s], __ATOMIC_RELAXED);

			/* the 200 series of each endpoint always, the others once they occur */
			if (v == 0 && !(s == 0 && p != REQSTATS_OTHER))
				continue;
			if (s < NSTATUS - 1)
				outf(&o, "scanner_http_requests_total{path=\"%s\",status=\"%d\"} %llu\n",
				    path_labels[p], statuses[s], (unsigned long long)v);
			else
				outf(&o, "scanner_http_requests_total{path=\"%s\",status=\"other\"} "
				    "%llu\n", path_labels[p], (unsigned long long)v);
		}
	outf(&o, "# HELP scanner_http_request_duration_seconds Time sd-serve took to answer a "
	    "request, by path.\n"
	    "# TYPE scanner_http_request_duration_seconds histogram\n");
	for (size_t p = 0; p < REQSTATS_NPATHS; p++) {
		uint64_t cum = 0, b[NBOUNDS + 1], sum_ns;

		/* read the buckets first, then count = their total, so +Inf equals _count */
		for (size_t i = 0; i <= NBOUNDS; i++)
			b[i] = __atomic_load_n(&m->buckets[p][i], __ATOMIC_RELAXED);
		sum_ns = __atomic_load_n(&m->sum_ns[p], __ATOMIC_RELAXED);
		for (size_t i = 0; i < NBOUNDS; i++) {
			cum += b[i];
			outf(&o, "scanner_http_request_duration_seconds_bucket{path=\"%s\",le=\"%g\"} "
			    "%llu\n", path_labels[p], bounds[i], (unsigned long long)cum);
		}
		cum += b[NBOUNDS];
		outf(&o, "scanner_http_request_duration_seconds_bucket{path=\"%s\",le=\"+Inf\"} "
		    "%llu\n", path_labels[p], (unsigned long long)cum);
		outf(&o, "scanner_http_request_duration_seconds_sum{path=\"%s\"} %.9f\n",
		    path_labels[p], (double)sum_ns / 1e9);
		outf(&o, "scanner_http_request_duration_seconds_count{path=\"%s\"} %llu\n",
		    path_labels[p], (unsigned long long)cum);
	}
	if (o.failed) {
		free(o.p);
		return -1;
	}
	*out = o.p;
	*outlen = o.len;
	return 0;
}
