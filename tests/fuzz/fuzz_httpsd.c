/*
 * fuzz_httpsd.c: the http_sd parser on any bytes (a corrupt or hostile targets file), through
 * targetset_parse (sd-serve) and httpsd_count (sd-scan's shrink guard). What it accepts
 * renders bodies that parse again, unfiltered and filtered; the unfiltered body is a fixed
 * point (rendering what was rendered gives the same bytes) and counts as many targets.
 */
#include <sys/uio.h>

#include "fuzz.h"
#include "httpsd.h"
#include "query.h"
#include "targetset.h"

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

		FUZZ_ASSERT(targetset_parse(body, len, &again, err, sizeof(err)) == 0, "%s", err);
		n = targetset_body(again, &q, iov, &len2);
		FUZZ_ASSERT(n == 1 && len2 == len && memcmp(iov[0].iov_base, body, len) == 0,
		    "rendering the rendered body changes it");
		targetset_free(again);
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

	if (targetset_parse((const char *)data, size, &ts, err, sizeof(err)) == 0) {
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
