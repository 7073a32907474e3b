/*
 * bodycache.c: pre-rendered bodies as files for the send-file offload (see bodycache.h).
 * A file is looked up with one fstatat (its size must match), written at most once per
 * process and version, and renamed into place; processes racing to write the same name
 * write the same bytes, so whichever rename lands last is as good as the first.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "bodycache.h"
#include "hash.h"
#include "readfile.h"

#define BOOT_ID_PATH	"/proc/sys/kernel/random/boot_id"
#define TEMP_MAX_AGE_S	3600.0	/* a temp file this old was left by a dead writer */

int
bodycache_init(struct bodycache *c, const char *dir, const char *target_path)
{
	struct readfile boot;
	char why[128];
	uint32_t h;

	memset(c, 0, sizeof(*c));
	c->dirfd = -1;
	h = hash_add(HASH_INIT, target_path, strlen(target_path));
	/* no boot id (no /proc): the names then do not change at a reboot */
	if (readfile_load(BOOT_ID_PATH, 64, READFILE_PREFIX, &boot, why, sizeof(why)) == 0) {
		h = hash_add(h, boot.data, strlen(boot.data));
		free(boot.data);
	}
	snprintf(c->prefix, sizeof(c->prefix), "sd-%08" PRIx32, h);
	return (c->dir = strdup(dir)) == NULL ? -1 : 0;
}

void
bodycache_fini(struct bodycache *c)
{
	if (c->dirfd >= 0)
		close(c->dirfd);	/* a directory: nothing to lose */
	free(c->dir);
	memset(c, 0, sizeof(*c));
	c->dirfd = -1;
}

static int
open_dir(struct bodycache *c, char *err, size_t errlen)
{
	if (c->dirfd >= 0)
		return 0;
	if (mkdir(c->dir, 0755) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cache directory %s: mkdir: %s", c->dir, strerror(errno));
		return -1;
	}
	if ((c->dirfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "cache directory %s: %s", c->dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* The version of each name: what follows "PREFIX-" up to the last '-' (bodies have none). */
static int
version_of(const struct bodycache *c, const char *name, char *out, size_t outlen)
{
	size_t plen = strlen(c->prefix), vlen;
	const char *last;

	if (strncmp(name, c->prefix, plen) != 0 || name[plen] != '-')
		return -1;
	name += plen + 1;
	if ((last = strrchr(name, '-')) == NULL || (vlen = (size_t)(last - name)) >= outlen)
		return -1;
	memcpy(out, name, vlen);
	out[vlen] = '\0';
	return 0;
}

static int
replaced_long_ago(const struct bodycache *c, const char *version, double now)
{
	for (size_t i = 0; i < c->nold; i++)
		if (strcmp(c->old[i].version, version) == 0)
			return now - c->old[i].replaced >= BODYCACHE_GRACE_S;
	return 0;
}

int
bodycache_sweep(struct bodycache *c, double now)
{
	int all_old = c->version[0] && now - c->version_seen >= BODYCACHE_GRACE_S;
	char version[sizeof(c->version)];
	struct dirent *de;
	size_t plen = strlen(c->prefix), keep = 0;
	int fd, removed = 0;
	DIR *d;

	c->last_sweep = now;
	if (c->dirfd < 0 || (fd = dup(c->dirfd)) < 0)
		return 0;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);	/* a directory */
		return 0;
	}
	rewinddir(d);	/* a dup shares the offset the last sweep left at the end */
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		struct stat st;

		if (n[0] == '.' && strncmp(n + 1, c->prefix, plen) == 0) {
			/* a temp file: only when its writer is long gone */
			if (fstatat(c->dirfd, n, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
			    now - (double)st.st_mtime > TEMP_MAX_AGE_S && unlinkat(c->dirfd, n, 0) == 0)
				removed++;
			continue;
		}
		if (version_of(c, n, version, sizeof(version)) < 0 ||
		    strcmp(version, c->version) == 0)
			continue;
		if ((all_old || replaced_long_ago(c, version, now)) && unlinkat(c->dirfd, n, 0) == 0)
			removed++;
	}
	closedir(d);
	/* forget what has been swept */
	for (size_t i = 0; i < c->nold; i++)
		if (!all_old && now - c->old[i].replaced < BODYCACHE_GRACE_S)
			c->old[keep++] = c->old[i];
	c->nold = keep;
	return removed;
}

/* Note key as the current version; the one it replaces enters the grace. */
static void
set_version(struct bodycache *c, const struct targetset_key *key, double now)
{
	char v[sizeof(c->version)];

	snprintf(v, sizeof(v), "%jx.%jx.%jx.%jd.%09ld.%jd.%09ld", (uintmax_t)key->dev,
	    (uintmax_t)key->ino, (uintmax_t)key->size, (intmax_t)key->mtime.tv_sec,
	    (long)key->mtime.tv_nsec, (intmax_t)key->ctime.tv_sec, (long)key->ctime.tv_nsec);
	if (strcmp(v, c->version) == 0)
		return;
	if (c->version[0]) {
		if (c->nold == BODYCACHE_OLD_MAX) {	/* the oldest is surely past its grace */
			memmove(c->old, c->old + 1, (BODYCACHE_OLD_MAX - 1) * sizeof(c->old[0]));
			c->nold--;
		}
		snprintf(c->old[c->nold].version, sizeof(c->old[0].version), "%s", c->version);
		c->old[c->nold++].replaced = now;
	}
	snprintf(c->version, sizeof(c->version), "%s", v);
	c->version_seen = now;
}

const char *
bodycache_file(struct bodycache *c, const struct targetset_key *key, const char *body,
    const struct iovec *iov, size_t n, size_t len, double now, char *name, size_t namelen,
    char *err, size_t errlen)
{
	char why[BODYCACHE_NAME_MAX + 256];
	struct stat st;
	int m;

	err[0] = '\0';
	if (c->failed_at > 0 && now - c->failed_at < BODYCACHE_RETRY_S && now >= c->failed_at)
		return NULL;
	c->failed_at = 0;
	if (open_dir(c, err, errlen) < 0)
		goto fail;
	set_version(c, key, now);
	if (now - c->last_sweep >= BODYCACHE_SWEEP_S || now < c->last_sweep)
		bodycache_sweep(c, now);
	/* a body named with an extension keeps it ("all.json.gz"); others end in .json */
	m = snprintf(name, namelen, strchr(body, '.') ? "%s-%s-%s" : "%s-%s-%s.json", c->prefix,
	    c->version, body);
	if (m < 0 || (size_t)m >= namelen || (size_t)m >= BODYCACHE_NAME_MAX) {
		snprintf(err, errlen, "cache file name for body %.40s too long", body);
		return NULL;	/* this body only: not a failure of the cache */
	}
	if (fstatat(c->dirfd, name, &st, 0) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size == len)
		return name;
	/* no fsync: a crash loses the cache, and the boot id in the names forgets it */
	if (atomicfile_writev(c->dirfd, name, iov, n, 0644, ATOMICFILE_NOSYNC, why,
	    sizeof(why)) < 0) {
		snprintf(err, errlen, "cache directory %s: %s", c->dir, why);
		goto fail;
	}
	c->writes++;
	return name;
fail:
	/* the directory may be replaced meanwhile: open it again next time */
	if (c->dirfd >= 0)
		close(c->dirfd);	/* a directory */
	c->dirfd = -1;
	c->failed_at = now > 0 ? now : 1;
	return NULL;
}
