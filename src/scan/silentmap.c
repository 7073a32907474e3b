/*
 * silentmap.c: the first pass's unanswered probes as two bitmaps, and the choice of the
 * timeouts worth a re-probe (see silentmap.h).
 */
#include <stdlib.h>
#include <string.h>

#include "silentmap.h"

int
silentmap_init(struct silentmap *m, uint64_t hosts, unsigned nports)
{
	uint64_t probes = hosts * nports;

	memset(m, 0, sizeof(*m));
	if (hosts == 0 || nports == 0 || hosts > SILENTMAP_MAX_PROBES / nports)
		return -1;
	m->nwords = (size_t)((probes + 63) / 64);
	m->hosts = hosts;
	m->nports = nports;
	m->no_answer = calloc(m->nwords, sizeof(*m->no_answer));
	m->timed_out = calloc(m->nwords, sizeof(*m->timed_out));
	m->answered = calloc((size_t)((hosts + 63) / 64), sizeof(*m->answered));
	if (m->no_answer == NULL || m->timed_out == NULL || m->answered == NULL) {
		silentmap_fini(m);
		return -1;
	}
	return 0;
}

void
silentmap_fini(struct silentmap *m)
{
	free(m->no_answer);
	free(m->timed_out);
	free(m->answered);
	memset(m, 0, sizeof(*m));
}

void
silentmap_mark(struct silentmap *m, uint64_t index, int timed_out)
{
	uint64_t bit = (uint64_t)1 << (index % 64);

	atomic_fetch_or_explicit(&m->no_answer[index / 64], bit, memory_order_relaxed);
	if (timed_out)
		atomic_fetch_or(&m->timed_out[index / 64], bit);
}

/* Take bit i of v: 1 when it was set and this call cleared it. */
static int
take(_Atomic uint64_t *v, uint64_t i)
{
	uint64_t bit = (uint64_t)1 << (i % 64);

	return (atomic_fetch_and(&v[i / 64], ~bit) & bit) != 0;
}

static int
is_set(_Atomic uint64_t *v, uint64_t i)
{
	return (atomic_load(&v[i / 64]) >> (i % 64) & 1) != 0;
}

/*
 * The timeout is marked (waiting) before the host's answer is looked at, and an answer is
 * set before the waiting timeouts are; both sequentially consistent, so of a timeout and an
 * answer that cross, one side sees the other, and take() lets only one of them have it.
 */
int
silentmap_timeout(struct silentmap *m, uint64_t index, reprobe_known_fn known, void *known_ctx)
{
	if (!is_set(m->answered, index % m->hosts) &&
	    (known == NULL || !known(known_ctx, index)))
		return 0;
	return take(m->timed_out, index);
}

void
silentmap_answer(struct silentmap *m, uint64_t index, silentmap_verdict_fn verdict, void *ctx)
{
	uint64_t h = index % m->hosts, bit = (uint64_t)1 << (h % 64);

	if (atomic_fetch_or(&m->answered[h / 64], bit) & bit)
		return;	/* not the first answer: its timeouts were taken then, or see it */
	for (unsigned p = 0; p < m->nports; p++) {
		uint64_t i = (uint64_t)p * m->hosts + h;

		if (i != index && take(m->timed_out, i))
			verdict(ctx, i, 1);
	}
}

/* The 64 bits of map v from bit pos on (bits past the map read as 0). */
static uint64_t
bits_at(const struct silentmap *m, _Atomic uint64_t *v, uint64_t pos)
{
	size_t w = (size_t)(pos / 64);
	unsigned s = (unsigned)(pos % 64);
	uint64_t b = atomic_load_explicit(&v[w], memory_order_relaxed) >> s;

	if (s != 0 && w + 1 < m->nwords)
		b |= atomic_load_explicit(&v[w + 1], memory_order_relaxed) << (64 - s);
	return b;
}

void
silentmap_choose(const struct silentmap *m, reprobe_known_fn known, void *known_ctx,
    silentmap_verdict_fn verdict, void *ctx)
{
	for (uint64_t h0 = 0; h0 < m->hosts; h0 += 64) {
		uint64_t n = m->hosts - h0 < 64 ? m->hosts - h0 : 64;
		uint64_t valid = n == 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1, answered = 0;

		/* a host answered when one of its pairs is not in no_answer */
		for (unsigned p = 0; p < m->nports; p++)
			answered |= ~bits_at(m, m->no_answer, (uint64_t)p * m->hosts + h0);
		answered &= valid;
		for (unsigned p = 0; p < m->nports; p++) {
			uint64_t base = (uint64_t)p * m->hosts + h0;
			uint64_t pending = bits_at(m, m->timed_out, base) & valid;

			while (pending != 0) {
				unsigned b = (unsigned)__builtin_ctzll(pending);
				uint64_t index = base + b;

				pending &= pending - 1;
				verdict(ctx, index, (answered >> b & 1) ||
				    (known != NULL && known(known_ctx, index)));
			}
		}
	}
}
