/*
 * replay_main.c: a main() for the fuzz targets when clang/libFuzzer is missing: runs
 * LLVMFuzzerTestOneInput once on each file named (directories: each file in them), so the
 * committed corpus and the crash regressions are still replayed with the normal compiler.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static int
run_file(const char *path, unsigned *n)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, r;

	if (fp == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	do {
		if (len == cap) {
			uint8_t *p = realloc(buf, cap = cap ? cap * 2 : 4096);

			if (p == NULL) {
				fclose(fp);
				free(buf);
				return -1;
			}
			buf = p;
		}
		r = fread(buf + len, 1, cap - len, fp);
		len += r;
	} while (r > 0);
	fclose(fp);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	(*n)++;
	return 0;
}

int
main(int argc, char **argv)
{
	unsigned n = 0;

	for (int i = 1; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		struct dirent *de;

		if (d == NULL) {
			if (run_file(argv[i], &n) < 0)
				return 1;
			continue;
		}
		while ((de = readdir(d)) != NULL) {
			char path[4096];

			if (de->d_name[0] == '.')
				continue;
			if ((size_t)snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name) >=
			    sizeof(path) || run_file(path, &n) < 0) {
				closedir(d);
				return 1;
			}
		}
		closedir(d);
	}
	printf("replayed %u inputs\n", n);
	return 0;
}
