/*
 * reprobe.c: the FIFO of (address, port) pairs waiting for a re-probe after a timeout, a
 * growing ring of 16 bytes per pending pair.
 */
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
reprobe_push(struct reprobe_queue *q, uint64_t index, unsigned attempt)
{
	if (q->len == q->alloc && grow(q) < 0)
		return -1;
	q->v[(q->head + q->len) % q->alloc] = (struct reprobe_entry){ index, attempt };
	q->len++;
	return 0;
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
