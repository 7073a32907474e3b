/*
 * editdist.h: how far apart two short names are (Levenshtein: insertions, deletions and
 * substitutions of one byte, case-insensitive), to suggest the option a typo meant.
 * Pure and thread-safe.
 */
#ifndef SD_EDITDIST_H
#define SD_EDITDIST_H

#include <stddef.h>

#define EDITDIST_NAME_MAX	64	/* longer names are compared by their first 64 bytes */

/* The distance between a and b (NUL-terminated, either may be ""). */
unsigned editdist_levenshtein(const char *a, const char *b);
/*
 * The index of the names[0..n-1] nearest to s, when it is near enough to be a typo: at most
 * a third of s's length away (and at least 1, at most 3 edits); -1 otherwise. NULL names are
 * skipped.
 */
int	 editdist_nearest(const char *s, const char *const names[], size_t n);

#endif
