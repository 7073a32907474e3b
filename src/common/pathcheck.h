/*
 * pathcheck.h: the checks a program can make of a file it will write or read before it does
 * any work: is the directory there, is it writable, is the name free of a directory. Each
 * gives a short reason naming the directory (never a lock or temp file inside it), for the
 * caller to prefix with the option it came from. Thread-safe; only stat(2)/access(2).
 */
#ifndef SD_PATHCHECK_H
#define SD_PATHCHECK_H

#include <stddef.h>

/*
 * path will be replaced atomically (temp file + rename beside it): 0 when its directory
 * exists and this process may create files there and path is not a directory; -1 with why
 * ("directory /x does not exist", "is a directory", ...).
 */
int	pathcheck_writable(const char *path, char *why, size_t whylen);
/*
 * path will be read: 0 when it is a readable regular file; 1 when it does not exist but its
 * directory does (it may appear later); -1 with why otherwise.
 */
int	pathcheck_readable(const char *path, char *why, size_t whylen);
/* dir itself must be a directory this process may create files in: 0, or -1 with why. */
int	pathcheck_dir_writable(const char *dir, char *why, size_t whylen);

#endif
