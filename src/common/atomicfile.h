/*
 * atomicfile.h: replace a file so that readers see the old bytes or the new, never a mix,
 * and a crash at any point leaves the old file in place: write a temp file in the same
 * directory (".NAME.tmp.PID": it matches neither *.json nor *.prom globs), fsync it,
 * rename(2) it over NAME, fsync the directory. Thread-safe for distinct paths.
 */
#ifndef SD_ATOMICFILE_H
#define SD_ATOMICFILE_H

#include <stddef.h>
#include <sys/types.h>
#include <sys/uio.h>

#define ATOMICFILE_NOSYNC	1	/* no fsync of the file or its directory: for a cache */

#define ATOMICFILE_UNSYNCED 1	/* atomicfile_write: written, durability not confirmed */

/*
 * Write len bytes of data to path with mode (before umask). 0 when done; -1 with errno kept
 * and a message naming the path in err: the temp file is then removed and path is
 * untouched; ATOMICFILE_UNSYNCED when only the fsync of the directory failed, after the
 * rename: path holds the new bytes (readers see them), but a crash may still bring the old
 * file back; err says so.
 */
int	atomicfile_write(const char *path, const void *data, size_t len, mode_t mode,
	    char *err, size_t errlen);
/*
 * The same for the n ranges of iov, with path relative to the open directory dirfd
 * (AT_FDCWD: to the working directory); flags 0 or ATOMICFILE_NOSYNC.
 */
int	atomicfile_writev(int dirfd, const char *path, const struct iovec *iov, size_t n,
	    mode_t mode, int flags, char *err, size_t errlen);
/* Remove temp files of path left by processes that no longer exist; returns how many. */
int	atomicfile_sweep(const char *path);
/* The directory part of path into buf ("." when none); returns buf. */
char   *atomicfile_dirname(const char *path, char *buf, size_t len);

#endif
