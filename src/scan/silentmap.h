/*
 * silentmap.h: what the first pass of a scan over several ports left unanswered, for
 * -retry-scope answering: two bits per probe index (no answer: timed out or unreachable;
 * timed out), set by every worker at once, and the choice made after the pass: a timeout is
 * probed again when its host answered another port (one of its pairs has no "no answer"
 * bit) or when the pair was open before; most verdicts come early, as soon as the host's
 * answer or the timeout is seen. A quarter of a byte per probe, allocated zeroed
 * and touched only where a probe went unanswered, so a silent /8 x 3 costs 12 MiB, not 16
 * bytes per pair, and a scan that is answered everywhere costs nothing.
 */
#ifndef SD_SILENTMAP_H
#define SD_SILENTMAP_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "reprobe.h"

#define SILENTMAP_MAX_PROBES	((uint64_t)1 << 32)	/* more: no map (512 MiB a bit) */

struct silentmap {
	_Atomic uint64_t	*no_answer;	/* bit i: probe i timed out or was unreachable */
	_Atomic uint64_t	*timed_out;	/* bit i: probe i timed out, waiting for a verdict */
	_Atomic uint64_t	*answered;	/* bit h: host h answered (open or refused) */
	size_t			 nwords;
	uint64_t		 hosts;		/* probe index = port index * hosts + host */
	unsigned		 nports;
};

/* A map of hosts x nports probes: 0, or -1 when they are more than SILENTMAP_MAX_PROBES or
 * memory ran out (m is then empty). */
int	silentmap_init(struct silentmap *m, uint64_t hosts, unsigned nports);
void	silentmap_fini(struct silentmap *m);	/* a zeroed map is empty; idempotent */
/* Probe index went unanswered (timed_out: a timeout; else unreachable). Thread-safe. */
void	silentmap_mark(struct silentmap *m, uint64_t index, int timed_out);

/* One timeout's verdict: keep 1 to probe it again. */
typedef void (*silentmap_verdict_fn)(void *ctx, uint64_t index, int keep);

/*
 * Early verdicts, during the pass, so a re-probe need not wait for its end. A timeout of
 * probe index that was marked: 1 when its host has already answered, or known says it was
 * open before, and this call took it from the waiting ones (then the caller probes it
 * again); 0 when it waits. Thread-safe.
 */
int	silentmap_timeout(struct silentmap *m, uint64_t index, reprobe_known_fn known,
	    void *known_ctx);
/*
 * Probe index was answered (open or refused): the first answer of its host takes that
 * host's waiting timeouts and passes each to verdict with keep 1. Thread-safe.
 */
void	silentmap_answer(struct silentmap *m, uint64_t index, silentmap_verdict_fn verdict,
	    void *ctx);
/*
 * Every timed-out probe still waiting, once, by blocks of 64 hosts: keep when its host
 * answered another port, or known (may be NULL) says it was open before (asked only about
 * silent hosts' pairs). Not while marks are being set.
 */
void	silentmap_choose(const struct silentmap *m, reprobe_known_fn known, void *known_ctx,
	    silentmap_verdict_fn verdict, void *ctx);

#endif
