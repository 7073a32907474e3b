/*
 * readfile.h: read a whole regular file into memory, with a size cap that is checked before
 * anything past it is read. FIFOs and devices are refused without blocking (opened with
 * O_NONBLOCK, then fstat). Thread-safe.
 */
#ifndef SD_READFILE_H
#define SD_READFILE_H

#include <stddef.h>
#include <sys/stat.h>

struct readfile {
	char		*data;		/* len bytes and a NUL; malloc'd, the caller frees */
	size_t		 len;
	struct stat	 st;		/* fstat of the open file, before reading */
	int		 changed;	/* 1: replaced while it was read (see below) */
	int		 truncated;	/* READFILE_PREFIX: the file went on past max */
};

#define READFILE_PREFIX	1	/* a larger file gives its first max bytes, not an error */

/*
 * Read path, at most max bytes: 0 and *rf filled, or -1 with errno kept (ENOENT for a
 * missing file, EINVAL for one that is not regular, EFBIG for one over max) and a message
 * naming the path in err ("PATH: larger than N bytes", "PATH: read: ..."). A file that
 * grows past max while read is refused after reading max + 1 bytes at most. flags: 0 or
 * READFILE_PREFIX.
 *
 * changed: the bytes may mix two versions or be an old one, so the caller reads again (or
 * keeps what it had). Set when the open file's device, inode, size, mtime or ctime differ
 * after the read from before it, when fewer bytes than its size were read, or when path no
 * longer names that file (renamed over or removed).
 */
int	readfile_load(const char *path, size_t max, int flags, struct readfile *rf, char *err,
	    size_t errlen);

#endif
