/*
 * pathcheck.c: directory and file checks before work starts (see pathcheck.h). access(2)
 * answers for the real uid, which is the one that runs sd-scan and sd-serve (no setuid).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "pathcheck.h"

#define DIR_MAX 4096

int
pathcheck_dir_writable(const char *dir, char *why, size_t whylen)
{
	struct stat st;

	if (stat(dir, &st) < 0) {
		if (errno == ENOENT)
			snprintf(why, whylen, "directory %s does not exist", dir);
		else
			snprintf(why, whylen, "directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(why, whylen, "%s is not a directory", dir);
		return -1;
	}
	if (access(dir, W_OK | X_OK) < 0) {
		if (errno == EACCES)
			snprintf(why, whylen, "directory %s is not writable by uid %lu", dir,
			    (unsigned long)getuid());
		else
			snprintf(why, whylen, "directory %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

int
pathcheck_writable(const char *path, char *why, size_t whylen)
{
	char dir[DIR_MAX];
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(why, whylen, "%s is a directory; name a file in it", path);
		return -1;
	}
	return pathcheck_dir_writable(atomicfile_dirname(path, dir, sizeof(dir)), why, whylen);
}

int
pathcheck_readable(const char *path, char *why, size_t whylen)
{
	char dir[DIR_MAX];
	struct stat st;

	if (stat(path, &st) < 0) {
		if (errno != ENOENT) {
			snprintf(why, whylen, "%s: %s", path, strerror(errno));
			return -1;
		}
		atomicfile_dirname(path, dir, sizeof(dir));
		if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
			snprintf(why, whylen, "directory %s does not exist", dir);
			return -1;
		}
		snprintf(why, whylen, "%s does not exist yet", path);
		return 1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, whylen, "%s is not a regular file", path);
		return -1;
	}
	if (access(path, R_OK) < 0) {
		snprintf(why, whylen, "%s is not readable by uid %lu: %s", path,
		    (unsigned long)getuid(), strerror(errno));
		return -1;
	}
	return 0;
}
