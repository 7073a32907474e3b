/*
 * reprobe.h: the retry bookkeeping of -retries N. A probe that timed out is queued for
 * another probe of the same (address, port) until it has had N re-probes; the queue is a
 * FIFO, so re-probes go out in the order the timeouts came. -retry-scope answering first
 * keeps only the pairs likely to be real (silentmap.h). One queue per prober worker: not
 * thread-safe, one owner.
 */
#ifndef SD_REPROBE_H
#define SD_REPROBE_H

#include <stddef.h>
#include <stdint.h>

#define REPROBE_MAX	10	/* largest -retries */

/* Which timed-out pairs -retries probes again (-retry-scope). */
enum reprobe_scope {
	REPROBE_SCOPE_ANSWERING,	/* the host answered another port, or it was open before */
	REPROBE_SCOPE_ALL,		/* every timed-out pair */
};

struct reprobe_entry {
	uint64_t	 index;		/* probegen index of the (address, port) */
	uint32_t	 attempt;	/* re-probe number this entry is for: 1..retries */
};

struct reprobe_queue {
	struct reprobe_entry	*v;
	size_t			 head, len, alloc;	/* ring of alloc entries */
};

/* 1 when a probe ended after `attempt` re-probes (0: the first probe) should be probed
 * again: it timed out (timed_out non-zero) and attempt < retries. */
int	reprobe_wanted(int timed_out, unsigned attempt, unsigned retries);
/* Queue index for its re-probe number attempt; 0, or -1 when memory ran out. */
int	reprobe_push(struct reprobe_queue *q, uint64_t index, unsigned attempt);
/* The oldest entry into *e; 1 when there was one, 0 when the queue is empty. */
int	reprobe_pop(struct reprobe_queue *q, struct reprobe_entry *e);
size_t	reprobe_pending(const struct reprobe_queue *q);
void	reprobe_fini(struct reprobe_queue *q);	/* a zeroed queue is empty; fini is idempotent */

/* 1 when the pair of probe index was open in the previous targets file. */
typedef int (*reprobe_known_fn)(void *ctx, uint64_t index);

#endif
