/*
 * reqstats.c: request metrics in a shared mapping (see reqstats.h).
 *
 * DESIGN: the file holds a fixed layout (header, then uint64 counters) sized at creation;
 * whoever creates it extends it with ftruncate (zero-filled, so all counters start at 0)
 * and only then writes the magic with a compare-and-swap. A file whose magic or size does
 * not match this layout is refused rather than misread; the layout version is part of the
 * magic. Durations are summed in nanoseconds so the sum is an atomic integer add too.
 * Should the file be truncated under a running process, touching the mapping raises SIGBUS;
 * a handler puts zeroed private memory in its place, so the process goes on counting for
 * itself (and says so once) instead of dying.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "expo.h"
#include "hash.h"
#include "log.h"
#include "reqstats.h"

#define REQSTATS_MAGIC	0x7364737276310004ull	/* "sdsrv1" + layout version 4 */

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
	uint64_t	buckets[REQSTATS_NPATHS][NBOUNDS + 1];	/* not cumulative; sum: _count */
	uint64_t	sum_ns[REQSTATS_NPATHS];
	uint64_t	gzip[REQSTATS_NPATHS];		/* answers sent gzip-compressed */
	uint64_t	compressions[REQSTATS_NPATHS];	/* bodies or ranges compressed */
	/* per target path of -targets-dir: slots claimed by the first request of a label */
	struct target_slot {
		uint64_t	state;		/* SLOT_FREE, SLOT_CLAIMED, SLOT_READY */
		uint64_t	hash;
		char		label[REQSTATS_LABEL_MAX];
		uint64_t	count[NSTATUS];
	}		targets[REQSTATS_TARGET_SLOTS];
	uint64_t	target_other[NSTATUS];		/* the labels that found no slot */
};

enum { SLOT_FREE, SLOT_CLAIMED, SLOT_READY };

struct reqstats {
	struct layout	*m;
	int		 shared;
	int		 slot;		/* in mapped[], or -1 */
	char		*path;
};

/* The file mappings of this process, for the SIGBUS handler; lost[i] once replaced. */
#define MAXMAPS		8
static void *volatile mapped[MAXMAPS];
static volatile sig_atomic_t lost[MAXMAPS];

static void
on_sigbus(int sig, siginfo_t *si, void *uctx)
{
	char *a = si->si_addr;

	(void)uctx;
	for (int i = 0; si->si_code > 0 && i < MAXMAPS; i++) {	/* a fault, not a kill(2) */
		char *m = mapped[i];

		if (m == NULL || a < m || a >= m + sizeof(struct layout))
			continue;
		if (mmap(m, sizeof(struct layout), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == MAP_FAILED)
			break;
		lost[i] = 1;
		return;		/* the access is retried, on the new memory */
	}
	signal(sig, SIG_DFL);	/* not ours: die of it as we would have without the handler */
	raise(sig);
}

/* Register m for the handler (installed once); the slot, or -1 when all are taken. */
static int
guard_mapping(void *m)
{
	static int installed;
	struct sigaction sa;

	if (!installed) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = on_sigbus;
		sa.sa_flags = SA_SIGINFO | SA_NODEFER;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGBUS, &sa, NULL) < 0)
			return -1;
		installed = 1;
	}
	for (int i = 0; i < MAXMAPS; i++)
		if (mapped[i] == NULL) {
			lost[i] = 0;
			mapped[i] = m;
			return i;
		}
	return -1;
}

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
	rs->slot = -1;
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
	/* as OpenSSH with key files: in a shared directory (/dev/shm) another user may have
	 * made it first, to read or forge the counters */
	if (st.st_uid != geteuid()) {
		snprintf(err, errlen, "stats file %s: owned by uid %ld, not by sd-serve's uid %ld: "
		    "not used (remove it, or name another -stats-file)", path, (long)st.st_uid,
		    (long)geteuid());
		goto fail;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(err, errlen, "stats file %s: mode %04o lets other users write it: not "
		    "used (chmod go-w it, or remove it)", path, (unsigned)(st.st_mode & 07777));
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
	rs->slot = guard_mapping(p);	/* before the first touch: the file may shrink already */
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
	if ((rs->path = strdup(path)) == NULL) {
		snprintf(err, errlen, "out of memory");
		fd = -1;
		goto fail;
	}
	rs->shared = 1;
	return rs;
fail:
	if (rs->slot >= 0)
		mapped[rs->slot] = NULL;
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
	if (rs->slot >= 0)
		mapped[rs->slot] = NULL;
	munmap(rs->m, sizeof(struct layout));
	free(rs->path);
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
	if (rs->shared && rs->slot >= 0 && lost[rs->slot]) {
		rs->shared = 0;
		log_warn("stats file %s was truncated: this process counts for itself from now on "
		    "(restart sd-serve to share the counters again)", rs->path);
	}
}

void
reqstats_count_gzip(struct reqstats *rs, enum reqstats_path path, unsigned long compressions)
{
	if ((unsigned)path >= REQSTATS_NPATHS)
		path = REQSTATS_OTHER;
	__atomic_fetch_add(&rs->m->gzip[path], 1, __ATOMIC_RELAXED);
	if (compressions > 0)
		__atomic_fetch_add(&rs->m->compressions[path], compressions, __ATOMIC_RELAXED);
}

static size_t
status_index(int status)
{
	for (size_t i = 0; i < NSTATUS - 1; i++)
		if (statuses[i] == status)
			return i;
	return NSTATUS - 1;
}

void
reqstats_record_target(struct reqstats *rs, const char *label, int status)
{
	size_t len = label ? strlen(label) : 0, si = status_index(status);
	uint64_t h;

	if (len == 0 || len >= REQSTATS_LABEL_MAX) {
		__atomic_fetch_add(&rs->m->target_other[si], 1, __ATOMIC_RELAXED);
		return;
	}
	h = hash_add(HASH_INIT, label, len) | UINT64_C(1) << 32;	/* never 0 */
	for (size_t k = 0; k < REQSTATS_TARGET_SLOTS; k++) {
		struct target_slot *sl = &rs->m->targets[(h + k) % REQSTATS_TARGET_SLOTS];
		uint64_t state = __atomic_load_n(&sl->state, __ATOMIC_ACQUIRE), fr = SLOT_FREE;

		if (state == SLOT_READY && sl->hash == h && strcmp(sl->label, label) == 0) {
			__atomic_fetch_add(&sl->count[si], 1, __ATOMIC_RELAXED);
			return;
		}
		if (state == SLOT_FREE && __atomic_compare_exchange_n(&sl->state, &fr,
		    SLOT_CLAIMED, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
			/* ours: readers skip it until it is ready (a racing twin may take
			 * another slot: the format adds slots of one label together) */
			sl->hash = h;
			memcpy(sl->label, label, len + 1);
			__atomic_fetch_add(&sl->count[si], 1, __ATOMIC_RELAXED);
			__atomic_store_n(&sl->state, SLOT_READY, __ATOMIC_RELEASE);
			return;
		}
	}
	__atomic_fetch_add(&rs->m->target_other[si], 1, __ATOMIC_RELAXED);
}

static int
label_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct target_slot *const *)a)->label,
	    (*(const struct target_slot *const *)b)->label);
}

int
reqstats_format_targets(const struct reqstats *rs, reqstats_exists_fn exists, void *ctx,
    char **out, size_t *outlen)
{
	const struct target_slot *sorted[REQSTATS_TARGET_SLOTS];
	uint64_t other[NSTATUS], sum[NSTATUS];
	size_t n = 0;
	struct expo e;
	char status[16];

	for (size_t s = 0; s < NSTATUS; s++)
		other[s] = __atomic_load_n(&rs->m->target_other[s], __ATOMIC_RELAXED);
	for (size_t k = 0; k < REQSTATS_TARGET_SLOTS; k++) {
		const struct target_slot *sl = &rs->m->targets[k];

		if (__atomic_load_n(&sl->state, __ATOMIC_ACQUIRE) != SLOT_READY)
			continue;
		if (exists(ctx, sl->label)) {
			sorted[n++] = sl;
			continue;
		}
		for (size_t s = 0; s < NSTATUS; s++)	/* a path that is gone: other */
			other[s] += __atomic_load_n(&sl->count[s], __ATOMIC_RELAXED);
	}
	if (n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(sorted, n, sizeof(sorted[0]), label_cmp);
	expo_init(&e);
	expo_family(&e, "scanner_http_target_path_requests_total", EXPO_COUNTER, "Requests for "
	    "the target paths of -targets-dir, by path and status (all processes since boot); "
	    "paths that do not exist (now) count as path=\"other\".");
	for (size_t i = 0; i <= n; i++) {
		const char *label = i < n ? sorted[i]->label : "other";

		if (i < n) {
			memset(sum, 0, sizeof(sum));
			for (; i < n; i++) {
				for (size_t s = 0; s < NSTATUS; s++)
					sum[s] += __atomic_load_n(&sorted[i]->count[s],
					    __ATOMIC_RELAXED);
				if (i + 1 == n || strcmp(sorted[i + 1]->label, label) != 0)
					break;
			}
		} else {
			memcpy(sum, other, sizeof(sum));
		}
		for (size_t s = 0; s < NSTATUS; s++) {
			struct expo_label l[2] = { { "path", label }, { "status", status } };

			if (sum[s] == 0 && !(s == 0 && i < n))
				continue;
			if (s < NSTATUS - 1)
				snprintf(status, sizeof(status), "%d", statuses[s]);
			else
				snprintf(status, sizeof(status), "other");
			expo_sample(&e, l, 2, (double)sum[s]);
		}
	}
	return expo_take(&e, out, outlen);
}

/* One counter family with a sample per endpoint ("other" is never compressed). */
static void
per_path(struct expo *e, const char *name, const char *help, const uint64_t *v)
{
	expo_family(e, name, EXPO_COUNTER, help);
	for (size_t p = 0; p < REQSTATS_NPATHS; p++) {
		struct expo_label l = { "path", path_labels[p] };

		if (p != REQSTATS_OTHER)
			expo_sample(e, &l, 1, (double)__atomic_load_n(&v[p], __ATOMIC_RELAXED));
	}
}

int
reqstats_format(const struct reqstats *rs, char **out, size_t *outlen)
{
	const struct layout *m = rs->m;
	struct expo e;
	char status[16];

	expo_init(&e);
	expo_family(&e, "scanner_http_requests_total", EXPO_COUNTER, "HTTP requests answered by "
	    "sd-serve, by path and status (all processes since boot).");
	for (size_t p = 0; p < REQSTATS_NPATHS; p++)
		for (size_t s = 0; s < NSTATUS; s++) {
			uint64_t v = __atomic_load_n(&m->requests[p][s], __ATOMIC_RELAXED);
			struct expo_label l[2] = { { "path", path_labels[p] }, { "status", status } };

			/* the 200 series of each endpoint always, the others once they occur */
			if (v == 0 && !(s == 0 && p != REQSTATS_OTHER))
				continue;
			if (s < NSTATUS - 1)
				snprintf(status, sizeof(status), "%d", statuses[s]);
			else
				snprintf(status, sizeof(status), "other");
			expo_sample(&e, l, 2, (double)v);
		}
	expo_family(&e, "scanner_http_request_duration_seconds", EXPO_HISTOGRAM, "Time sd-serve "
	    "took to answer a request, by path.");
	for (size_t p = 0; p < REQSTATS_NPATHS; p++) {
		struct expo_label l = { "path", path_labels[p] };
		uint64_t cum[NBOUNDS], total = 0, b;

		/* read the buckets first, then count = their total, so +Inf equals _count */
		for (size_t i = 0; i <= NBOUNDS; i++) {
			b = __atomic_load_n(&m->buckets[p][i], __ATOMIC_RELAXED);
			total += b;
			if (i < NBOUNDS)
				cum[i] = total;
		}
		expo_histogram(&e, &l, 1, bounds, cum, NBOUNDS, total,
		    (double)__atomic_load_n(&m->sum_ns[p], __ATOMIC_RELAXED) / 1e9);
	}
	per_path(&e, "scanner_http_gzip_responses_total", "Answers sd-serve sent "
	    "gzip-compressed (Content-Encoding: gzip), by path (all processes since boot).",
	    m->gzip);
	per_path(&e, "scanner_http_compressions_total", "Compressions sd-serve ran, by path: for "
	    "/targets.json each pre-rendered piece of a body once per version of the targets file "
	    "and process, never per request; the small bodies of the other paths per answer.",
	    m->compressions);
	return expo_take(&e, out, outlen);
}
