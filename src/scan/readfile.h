/*
 * readfile.h: a whole regular file read into memory, with a size bound, for the readers of
 * the previous targets file (shrink guard, grace period). Thread-safe.
 */
#ifndef SD_READFILE_H
#define SD_READFILE_H

#include <stddef.h>

/*
 * Read path into *buf (malloc'd, NUL-terminated, caller frees) and its length into *len.
 * 0 when read; 1 when the file does not exist (*buf NULL); -1 with err naming the path and
 * the problem (larger than max bytes, I/O error, shrank while read).
 */
int	readfile_load(const char *path, size_t max, char **buf, size_t *len, char *err,
	    size_t errlen);

#endif
