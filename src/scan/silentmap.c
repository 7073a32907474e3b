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
	if (m->no_answer == NULL || m->timed_out == NULL) {
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
	memset(m, 0, sizeof(*m));
}

void
silentmap_mark(struct silentmap *m, uint64_t index, int timed_out)
{
	uint64_t bit = (uint64_t)1 << (index % 64);

	atomic_fetch_or_explicit(&m->no_answer[index / 64], bit, memory_order_relaxed);
	if (timed_out)
		atomic_fetch_or_explicit(&m->timed_out[index / 64], bit, memory_order_relaxed);
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
