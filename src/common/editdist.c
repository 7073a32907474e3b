/*
 * editdist.c: Levenshtein distance over two rows of a bounded table (no allocation), and the
 * nearest of a list of names, for "did you mean" hints.
 */
#include <ctype.h>
#include <string.h>

#include "editdist.h"

unsigned
editdist_levenshtein(const char *a, const char *b)
{
	unsigned row[EDITDIST_NAME_MAX + 1], prev_diag, tmp;
	size_t la = strlen(a), lb = strlen(b);

	if (la > EDITDIST_NAME_MAX)
		la = EDITDIST_NAME_MAX;
	if (lb > EDITDIST_NAME_MAX)
		lb = EDITDIST_NAME_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = (unsigned)j;
	for (size_t i = 1; i <= la; i++) {
		prev_diag = row[0];
		row[0] = (unsigned)i;
		for (size_t j = 1; j <= lb; j++) {
			unsigned cost = tolower((unsigned char)a[i - 1]) !=
			    tolower((unsigned char)b[j - 1]);
			unsigned best = prev_diag + cost;

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			tmp = row[j];
			row[j] = best;
			prev_diag = tmp;
		}
	}
	return row[lb];
}

int
editdist_nearest(const char *s, const char *const names[], size_t n)
{
	unsigned limit = (unsigned)(strlen(s) / 3), best = ~0u;
	int at = -1;

	if (limit < 1)
		limit = 1;
	if (limit > 3)
		limit = 3;
	for (size_t i = 0; i < n; i++) {
		unsigned d;

		if (names[i] == NULL)
			continue;
		d = editdist_levenshtein(s, names[i]);
		if (d < best) {
			best = d;
			at = (int)i;
		}
	}
	return best <= limit ? at : -1;
}
