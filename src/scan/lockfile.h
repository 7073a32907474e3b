/*
 * lockfile.h: keeps two sd-scan runs from overlapping. flock(2) on PATH: the kernel drops
 * the lock when its holder dies, so a killed run never blocks the next one.
 */
#ifndef SD_LOCKFILE_H
#define SD_LOCKFILE_H

#include <stddef.h>

/*
 * Take the lock without waiting. 0 and *fd set (keep it open while the lock is wanted);
 * 1 when another process holds it (err says which pid, when known); -1 with err on failure.
 */
int	lockfile_acquire(const char *path, int *fd, char *err, size_t errlen);
void	lockfile_release(int fd);	/* -1 is fine */

#endif
