/*
 * procio.h: for the suites that check how much a reader reads: the bytes this process has
 * read so far (read(2) and friends), from /proc/self/io; 0 when the kernel does not count.
 */
#ifndef SD_PROCIO_H
#define SD_PROCIO_H

#include <stdio.h>

static unsigned long long
procio_rchar(void)
{
	unsigned long long n = 0;
	FILE *fp = fopen("/proc/self/io", "r");

	if (fp == NULL)
		return 0;
	if (fscanf(fp, "rchar: %llu", &n) != 1)
		n = 0;
	fclose(fp);
	return n;
}

#endif
