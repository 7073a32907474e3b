/*
 * reprobe.c: the FIFO of (address, port) pairs waiting for a re-probe after a timeout,
 * a growing ring so a scan of silent networks costs 16 bytes per pending pair, and the
 * choice of -retry-scope answering over the first pass's unanswered pairs.
 */
#define _GNU_SOURCE	/* qsort_r */
#include <stdlib.h>
#include <string.h>

#include "reprobe.h"

int
reprobe_wanted(int timed_out, unsigned attempt, unsigned retries)
{
	return timed_out && attempt < retries;
}

static int
grow(struct reprobe_queue *q)
{
	size_t n = q->alloc ? q->alloc * 2 : 64;
	struct reprobe_entry *v;

	if (n > SIZE_MAX / sizeof(*v) || (v = malloc(n * sizeof(*v))) == NULL)
		return -1;
	/* unwrap the ring into the new array, oldest first */
	for (size_t i = 0; i < q->len; i++)
		v[i] = q->v[(q->head + i) % q->alloc];
	free(q->v);
	q->v = v;
	q->head = 0;
	q->alloc = n;
	return 0;
}

int
reprobe_push_flags(struct reprobe_queue *q, uint64_t index, unsigned attempt, uint32_t flags)
{
	if (q->len == q->alloc && grow(q) < 0)
		return -1;
	q->v[(q->head + q->len) % q->alloc] = (struct reprobe_entry){ index, attempt, flags };
	q->len++;
	return 0;
}

int
reprobe_push(struct reprobe_queue *q, uint64_t index, unsigned attempt)
{
	return reprobe_push_flags(q, index, attempt, 0);
}

int
reprobe_pop(struct reprobe_queue *q, struct reprobe_entry *e)
{
	if (q->len == 0)
		return 0;
	*e = q->v[q->head];
	q->head = (q->head + 1) % q->alloc;
	q->len--;
	return 1;
}

size_t
reprobe_pending(const struct reprobe_queue *q)
{
	return q->len;
}

void
reprobe_fini(struct reprobe_queue *q)
{
	free(q->v);
	memset(q, 0, sizeof(*q));
}

/* By host (index % hosts), then index. */
static int
by_host(const void *x, const void *y, void *arg)
{
	const struct reprobe_entry *a = x, *b = y;
	uint64_t hosts = *(const uint64_t *)arg, ha = a->index % hosts, hb = b->index % hosts;

	if (ha != hb)
		return ha < hb ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static int
by_index(const void *x, const void *y)
{
	const struct reprobe_entry *a = x, *b = y;

	return a->index < b->index ? -1 : a->index > b->index;
}

size_t
reprobe_select(struct reprobe_entry *v, size_t n, const struct reprobe_select_config *c,
    size_t *skipped)
{
	uint64_t hosts = c->hosts ? c->hosts : 1;
	size_t kept = 0;

	*skipped = 0;
	if (n > 1)	/* qsort's array may not be NULL, even empty */
		qsort_r(v, n, sizeof(*v), by_host, &hosts);
	for (size_t i = 0, end; i < n; i = end) {
		uint64_t host = v[i].index % hosts;
		int answered;

		for (end = i; end < n && v[end].index % hosts == host; end++)
			;
		answered = c->scope == REPROBE_SCOPE_ALL || c->pairs_per_host == 0 ||
		    end - i < c->pairs_per_host;
		for (size_t k = i; k < end; k++) {
			if (v[k].flags & REPROBE_UNREACHABLE)
				continue;
			if (answered || (c->known && c->known(c->ctx, v[k].index)))
				v[k].flags |= REPROBE_KEEP;
			else
				(*skipped)++;
		}
	}
	/* the kept ones to the front (a swap partition), then in probe order */
	for (size_t i = 0; i < n; i++) {
		if (v[i].flags & REPROBE_KEEP) {
			struct reprobe_entry t = v[kept];

			v[kept++] = v[i];
			v[i] = t;
		}
	}
	if (kept > 1)
		qsort(v, kept, sizeof(*v), by_index);
	return kept;
}
