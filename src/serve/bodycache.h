/*
 * bodycache.h: pre-rendered /targets.json bodies as files, for the web server's send-file
 * offload (lighttpd/Apache X-Sendfile, nginx X-Accel-Redirect): one file per body and per
 * version of the targets file, written once (temp file + rename, so a reader never sees a
 * partial file) and shared by every sd-serve process using the same directory. Not
 * thread-safe: one cache per process.
 *
 * DESIGN: a name is PREFIX-VERSION-BODY.json (or .json.gz for a gzip body). PREFIX hashes the targets path and the boot id
 * (a file left by a crash before a reboot is never reused); VERSION is the targets file's
 * key (dev, inode, size, mtime, ctime), so a swap never serves a body of another version.
 * A file may be read by the web server some time after sd-serve named it, so an old version is
 * removed only BODYCACHE_GRACE_S after this process saw it replaced (Linux keeps the bytes
 * of a file that is already open; the grace covers the time before the open).
 */
#ifndef SD_BODYCACHE_H
#define SD_BODYCACHE_H

#include <stddef.h>
#include <sys/uio.h>

#include "targetset.h"

#define BODYCACHE_GRACE_S	2.0	/* an old version lives this long after its successor */
#define BODYCACHE_SWEEP_S	0.5	/* the directory is swept at most this often */
#define BODYCACHE_RETRY_S	60.0	/* after a write failure, answer in-band this long */
#define BODYCACHE_OLD_MAX	64	/* replaced versions remembered until swept */
#define BODYCACHE_NAME_MAX	160

struct bodycache_old {
	char	 version[96];
	double	 replaced;		/* when this process saw its successor */
};

struct bodycache {
	char			*dir;
	int			 dirfd;			/* -1 until opened */
	char			 prefix[24];		/* "sd-XXXXXXXX" */
	char			 version[96];		/* the current one; "" before the first */
	double			 version_seen;		/* when this process first saw it */
	double			 last_sweep;
	double			 failed_at;		/* last failure; 0: none */
	struct bodycache_old	 old[BODYCACHE_OLD_MAX];
	size_t			 nold;
	unsigned long		 writes;		/* files written, for tests */
};

/*
 * dir is copied; target_path names the targets file (it keys the file names). Nothing is
 * touched on disk yet. -1 on out of memory.
 */
int	bodycache_init(struct bodycache *, const char *dir, const char *target_path);
void	bodycache_fini(struct bodycache *);

/*
 * The name (inside dir, no slash) of a file holding exactly the len bytes of iov[0..n):
 * the body called `body` ("all", "p9100_8080": NAME.json; "all.json.gz": that name as it is)
 * of the targets file version `key`, written
 * first if absent. now is the time in seconds (it drives the sweep of old versions). Returns
 * name, or NULL with a one-line reason in err when the file cannot be written: answer
 * in-band then (a failure makes the cache answer NULL without trying for BODYCACHE_RETRY_S;
 * err is "" when it only waits).
 */
const char *bodycache_file(struct bodycache *, const struct targetset_key *key, const char *body,
	    const struct iovec *iov, size_t n, size_t len, double now, char *name, size_t namelen,
	    char *err, size_t errlen);

/*
 * Remove the files of replaced versions whose grace is over at now: those this process saw
 * replaced, and every other version (left by any process or run) once the current one has
 * been current for the grace. Temp files are left to their writers unless an hour old.
 * Returns how many files were removed. Called by bodycache_file; public for tests.
 */
int	bodycache_sweep(struct bodycache *, double now);

#endif
