/*
 * targetset_load.c: the size benchmark of sd-serve's reload (issue 14): load a targets file
 * the way every sd-serve process does on a new version (targetset_cache_get: read, strict
 * parse, render the bodies), then make it a new version (a new mtime) and load it again
 * while the first set is still held, as a reload does. Prints each load's wall and CPU
 * seconds (CPU time is what a busy machine does not inflate), the targets, the file size
 * and the peak RSS. Usage: targetset_load FILE
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include "targetset.h"

static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	struct targetset_cache c;
	enum targetset_error kind;
	struct rusage ru;
	struct stat st;
	char err[512];

	if (argc != 2 || stat(argv[1], &st) < 0) {
		fprintf(stderr, "usage: targetset_load FILE\n");
		return 2;
	}
	if (targetset_cache_init(&c, argv[1]) < 0)
		return 1;
	for (int i = 0; i < 2; i++) {
		const struct targetset *ts;
		double t0, c0;

		if (i == 1 && utimensat(AT_FDCWD, argv[1], NULL, 0) < 0) {
			perror(argv[1]);
			return 1;
		}
		t0 = clock_s(CLOCK_MONOTONIC);
		c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		if ((ts = targetset_cache_get(&c, &kind, err, sizeof(err))) == NULL) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		printf("%s: %.3f s (%.3f s CPU), %zu targets in %zu groups\n",
		    i ? "reload" : "load", clock_s(CLOCK_MONOTONIC) - t0,
		    clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0, targetset_targets(ts),
		    targetset_groups(ts));
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("file %lld bytes, peak RSS %ld KiB (%.2f x the file)\n", (long long)st.st_size,
	    ru.ru_maxrss, (double)ru.ru_maxrss * 1024 / (double)st.st_size);
	targetset_cache_fini(&c);
	return 0;
}
