/*
 * fuzz_httpsd.c: the http_sd parser on any bytes (a corrupt or hostile targets file), through
 * targetset_parse (sd-serve) and httpsd_count (sd-scan's shrink guard). What it accepts
 * renders bodies that parse again, unfiltered and filtered; the unfiltered body is a fixed
 * point (rendering what was rendered gives the same bytes) and counts as many targets, and
 * its lean set (what sd-serve's cache loads) answers every query as the full set does.
 */
#include <sys/uio.h>

#include "fuzz.h"
#include "httpsd.h"
#include "query.h"
#include "strbuf.h"
#include "targetset.h"

/* Filtered groups of ts for qs, and the body, into one malloc'd string. */
static char *
answer(const struct targetset *ts, const char *qs, size_t *n)
{
	struct strbuf out = { 0 };
	struct iovec iov[TARGETSET_IOV_MAX];
	struct query q;
	char err[256];
	size_t shown = 0, len, k;

	FUZZ_ASSERT(query_parse(qs, strlen(qs), &q, err, sizeof(err)) == 0, "query %s", qs);
	FUZZ_ASSERT(targetset_filter_append(ts, &q, &out, &shown) == 0, "out of memory");
	k = targetset_body(ts, &q, iov, &len);
	for (size_t i = 0; i < k; i++)
		FUZZ_ASSERT(strbuf_add(&out, iov[i].iov_base, iov[i].iov_len) == 0, "out of memory");
	*n = out.len;
	return out.p;
}

/* A body in sd-scan's form loaded lean and loaded whole: the same answers to each query. */
static void
lean_agrees(const char *body, size_t len)
{
	static const char *const qs[] = {
		"", "port=9100", "port=1,65535", "network=10.0.0.0/8", "network=0.0.0.0/0,::/0",
		"network=10.0.0.0/8&port=9100", "network=fd00::/112&port=80,9100",
	};
	struct targetset *full, *lean;
	char err[256];

	FUZZ_ASSERT(targetset_parse(body, len, 0, &full, err, sizeof(err)) == 0, "%s", err);
	FUZZ_ASSERT(targetset_parse(body, len, TARGETSET_LEAN, &lean, err, sizeof(err)) == 0,
	    "lean: %s", err);
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		size_t n1, n2;
		char *a = answer(full, qs[i], &n1), *b = answer(lean, qs[i], &n2);

		FUZZ_ASSERT(n1 == n2 && (n1 == 0 || memcmp(a, b, n1) == 0),
		    "lean set answers ?%s otherwise", qs[i]);
		free(a);
		free(b);
	}
	targetset_free(full);
	targetset_free(lean);
}

/* Join the ranges of a body; check it parses as a JSON array; return its target count. */
static size_t
check_body(const struct targetset *ts, const char *qs)
{
	struct iovec iov[TARGETSET_IOV_MAX];
	struct query q;
	char err[256], *body, *p;
	size_t len, n, count = 0;

	FUZZ_ASSERT(query_parse(qs, strlen(qs), &q, err, sizeof(err)) == 0, "query %s", qs);
	n = targetset_body(ts, &q, iov, &len);
	FUZZ_ASSERT(n >= 1 && n <= TARGETSET_IOV_MAX, "%zu ranges", n);
	p = body = malloc(len + 1);
	FUZZ_ASSERT(body, "out of memory");
	for (size_t i = 0; i < n; i++) {
		memcpy(p, iov[i].iov_base, iov[i].iov_len);
		p += iov[i].iov_len;
	}
	FUZZ_ASSERT((size_t)(p - body) == len, "ranges do not add up to len");
	*p = '\0';
	FUZZ_ASSERT(httpsd_count(body, len, &count, err, sizeof(err)) == 0,
	    "body for '%s' is not a target list: %s", qs, err);
	if (!q.has_ports) {
		struct targetset *again;
		struct httpsd_list l;
		size_t len2, *offs;

		FUZZ_ASSERT(targetset_parse(body, len, 0, &again, err, sizeof(err)) == 0, "%s", err);
		n = targetset_body(again, &q, iov, &len2);
		FUZZ_ASSERT(n == 1 && len2 == len && memcmp(iov[0].iov_base, body, len) == 0,
		    "rendering the rendered body changes it");
		targetset_free(again);
		lean_agrees(body, len);
		/* and it is recognised as such, so sd-serve serves such a file as it is */
		httpsd_init(&l);
		FUZZ_ASSERT(httpsd_parse(body, len, &l, err, sizeof(err)) == 0, "%s", err);
		offs = l.ngroups ? calloc(l.ngroups, sizeof(*offs)) : NULL;
		FUZZ_ASSERT(l.ngroups == 0 || offs, "out of memory");
		FUZZ_ASSERT(httpsd_format_is(&l, body, len, offs) == 1, "rendered body not known");
		free(offs);
		httpsd_fini(&l);
	}
	free(body);
	return count;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct targetset *ts = NULL;
	char err[256];

	size_t count;

	if (targetset_parse((const char *)data, size, 0, &ts, err, sizeof(err)) == 0) {
		/* sd-scan's shrink guard reads the same files: it must agree */
		FUZZ_ASSERT(httpsd_count((const char *)data, size, &count, err,
		    sizeof(err)) == 0 && count == targetset_targets(ts),
		    "shrink guard disagrees: %s", err);
		FUZZ_ASSERT(check_body(ts, "") == targetset_targets(ts), "unfiltered count");
		check_body(ts, "port=9100");
		check_body(ts, "port=1,65535");
		check_body(ts, "port=80,9100,443");
		targetset_free(ts);
	} else {
		FUZZ_ASSERT(ts == NULL, "set returned with an error");
		FUZZ_ASSERT(httpsd_count((const char *)data, size, &count, err, sizeof(err)) < 0,
		    "the shrink guard counts what sd-serve refuses");
		FUZZ_ASSERT(strnlen(err, sizeof(err)) > 0, "empty error");
		/* a quoted newline of the input is shown as '?' by the log and escaped in JSON */
		FUZZ_ASSERT(strchr(err, '\n') == NULL || memchr(data, '\n', size),
		    "error spans lines: %s", err);
	}
	return 0;
}
