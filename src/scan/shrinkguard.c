/*
 * shrinkguard.c: the previous file's targets, counted by httpsd_parse.c's strict parser (the one
 * sd-serve serves with), and the keep-or-replace decision.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "httpsd.h"
#include "readfile.h"
#include "shrinkguard.h"

int
shrinkguard_count_file(const char *path, size_t *count, char *err, size_t errlen)
{
	struct readfile rf;
	char why[400];
	int rc = 0;

	*count = 0;
	if (readfile_load(path, SHRINKGUARD_MAX_BYTES, 0, &rf, err, errlen) < 0)
		return errno == ENOENT ? 1 : -1;
	if (httpsd_count(rf.data, rf.len, count, why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: %s", path, why);
		rc = -1;
	}
	free(rf.data);
	return rc;
}

int
shrinkguard_allows(size_t before, size_t now, double limit, int force)
{
	if (force || limit <= 0 || before == 0)
		return 1;
	return (double)now >= (double)before * limit;
}
