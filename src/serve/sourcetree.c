/*
 * sourcetree.c: the targets directory as sources and merged paths (see sourcetree.h).
 *
 * DESIGN: a build walks the directory (readdir + lstat per entry, and an inotify watch on
 * each directory when asked), sorts the sources, shares with the old tree (a reference,
 * targetset_ref) every source whose file version (dev, inode, size, mtime, ctime) did not
 * change and every merged set whose sources did not, and reads and renders only the rest.
 * The old tree is only read: requests go on answering from it while the loader thread
 * builds the new one. sourcecache.c decides when to build.
 */
#define _GNU_SOURCE	/* O_CLOEXEC etc. */
#include <dirent.h>
#include <json.h>
#include <stdarg.h>
#include <stdint.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "hash.h"
#include "readfile.h"
#include "sourcetree.h"
#include "yamlsd.h"

#define WATCH_MASK	(IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | \
			 IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)
#define READ_ATTEMPTS	3	/* a file replaced while read is read again this often */

/* What a walk found. */
struct walk {
	const char		*root;		/* the directory as given */
	char			*real;		/* its realpath, for symlinks */
	int			 ifd;		/* -1: no watches */
	struct cand {
		char		*name;
		size_t		 keylen;
		struct stat	 st;
	}			*c;
	size_t			 nc, capc;
	char			**dirs;		/* relative, "" excluded */
	size_t			 nd, capd;
	char			**notes;
	size_t			 nn, capn;
	int			 failed;	/* out of memory */
	int			 open_errno;	/* the directory, or one below it for a
						 * reason that may pass, could not be opened:
						 * no tree (its sources are unknown) */
	char			 open_failed[PATH_MAX];	/* which one, relative ("": dir) */
	int			 unwatched;	/* a directory got no watch (ENOSPC: the limit) */
};

static int
grow(void **p, size_t *cap, size_t used, size_t sz)
{
	size_t ncap;
	void *np;

	if (used < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	if ((np = realloc(*p, ncap * sz)) == NULL)
		return -1;
	*p = np;
	*cap = ncap;
	return 0;
}

static void __attribute__((format(printf, 2, 3)))
note(struct walk *w, const char *fmt, ...)
{
	char buf[PATH_MAX + 100], *s;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (grow((void **)&w->notes, &w->capn, w->nn, sizeof(*w->notes)) < 0 ||
	    (s = strdup(buf)) == NULL) {
		w->failed = 1;
		return;
	}
	w->notes[w->nn++] = s;
}

/* The length of name's key (without .json/.yaml/.yml), or 0 when it is not a source. */
static size_t
source_keylen(const char *name)
{
	static const char *const exts[] = { ".json", ".yaml", ".yml" };
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t e = strlen(exts[i]);
		const char *base = strrchr(name, '/');

		base = base ? base + 1 : name;
		if (n > e && strcmp(name + n - e, exts[i]) == 0 && (size_t)(name + n - base) > e)
			return n - e;
	}
	return 0;
}

/* 1 when the symlink full resolves to a path inside the tree. */
static int
inside(const struct walk *w, const char *full)
{
	char *r = realpath(full, NULL);
	size_t n = strlen(w->real);
	int ok;

	if (r == NULL)
		return 0;
	ok = strncmp(r, w->real, n) == 0 && (r[n] == '/' || (n == 1 && w->real[0] == '/'));
	free(r);
	return ok;
}

/* 1 for an error that may pass by itself (no fd or memory left, EIO): look again soon. */
static int
transient(int e)
{
	return e == EMFILE || e == ENFILE || e == ENOMEM || e == ENOBUFS || e == EAGAIN ||
	    e == EIO;
}

static void
walk_dir(struct walk *w, const char *rel, int depth)
{
	char full[PATH_MAX], relname[PATH_MAX];
	struct dirent *de;
	DIR *d;
	int n;

	n = snprintf(full, sizeof(full), "%s%s%s", w->root, *rel ? "/" : "", rel);
	if (n < 0 || (size_t)n >= sizeof(full))
		return;
	if ((d = opendir(full)) == NULL) {
		/* a sub-directory removed since it was seen, or kept from us (lost+found):
		 * its sources are not served, as the next build would find too */
		if (*rel && !transient(errno)) {
			note(w, "%s/: %s", rel, strerror(errno));
			return;
		}
		/* else a list without its sources would be partial for now only; the directory
		 * itself gone since its stat must not give a tree of no sources either */
		w->open_errno = errno;
		snprintf(w->open_failed, sizeof(w->open_failed), "%s", rel);
		return;
	}
	/* one removed since its opendir needs no watch: its parent's says it went */
	if (w->ifd >= 0 && inotify_add_watch(w->ifd, full, WATCH_MASK) < 0 && errno != ENOENT &&
	    errno != ENOTDIR)
		w->unwatched = 1;
	while ((de = readdir(d)) != NULL && !w->failed && !w->open_errno) {
		struct stat st;
		size_t keylen;

		if (de->d_name[0] == '.' || de->d_name[0] == '_')
			continue;
		n = snprintf(relname, sizeof(relname), "%s%s%s", rel, *rel ? "/" : "", de->d_name);
		if (n < 0 || (size_t)n >= sizeof(relname) ||
		    snprintf(full, sizeof(full), "%s/%s", w->root, relname) >= (int)sizeof(full)) {
			note(w, "%.200s...: name too long", relname);
			continue;
		}
		if (lstat(full, &st) < 0)
			continue;	/* gone since readdir */
		if (S_ISDIR(st.st_mode)) {
			if (depth + 1 > SOURCETREE_MAX_DEPTH) {
				note(w, "%s/: deeper than %d directories, ignored", relname,
				    SOURCETREE_MAX_DEPTH);
				continue;
			}
			if (grow((void **)&w->dirs, &w->capd, w->nd, sizeof(*w->dirs)) < 0 ||
			    (w->dirs[w->nd] = strdup(relname)) == NULL) {
				w->failed = 1;
				break;
			}
			w->nd++;
			walk_dir(w, relname, depth + 1);
			continue;
		}
		if ((keylen = source_keylen(relname)) == 0)
			continue;	/* README.md and the like */
		if (S_ISLNK(st.st_mode)) {
			if (!inside(w, full) || stat(full, &st) < 0) {
				note(w, "%s: a symlink that leads out of the directory, ignored",
				    relname);
				continue;
			}
			if (S_ISDIR(st.st_mode)) {
				note(w, "%s: a symlink to a directory, ignored", relname);
				continue;
			}
		}
		if (!S_ISREG(st.st_mode)) {
			note(w, "%s: not a regular file, ignored", relname);
			continue;
		}
		if (w->nc >= SOURCETREE_MAX_FILES) {
			note(w, "%s: more than %d sources, ignored", relname, SOURCETREE_MAX_FILES);
			continue;
		}
		if (grow((void **)&w->c, &w->capc, w->nc, sizeof(*w->c)) < 0 ||
		    (w->c[w->nc].name = strdup(relname)) == NULL) {
			w->failed = 1;
			break;
		}
		w->c[w->nc].keylen = keylen;
		w->c[w->nc].st = st;
		w->nc++;
	}
	closedir(d);
}

/* Keys compared with '/' below every other byte: a path's sources are one run. */
static int
key_cmp(const char *a, size_t an, const char *b, size_t bn)
{
	for (size_t i = 0; i < an && i < bn; i++) {
		unsigned char x = a[i] == '/' ? 1 : (unsigned char)a[i];
		unsigned char y = b[i] == '/' ? 1 : (unsigned char)b[i];

		if (x != y)
			return x < y ? -1 : 1;
	}
	return an < bn ? -1 : an > bn;
}

static int
cand_cmp(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;
	int r = key_cmp(a->name, a->keylen, b->name, b->keylen);

	return r ? r : strcmp(a->name, b->name);
}

static int
src_name_cmp(const struct sourcetree_source *a, const char *name, size_t keylen)
{
	int r = key_cmp(a->name, a->keylen, name, keylen);

	return r ? r : strcmp(a->name, name);
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The source of old named name, or NULL. */
static const struct sourcetree_source *
old_source(const struct sourcetree *old, const char *name, size_t keylen)
{
	size_t lo = 0, hi = old ? old->nsrc : 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = src_name_cmp(&old->src[mid], name, keylen);

		if (r == 0)
			return &old->src[mid];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* 1-based line of byte at in buf. */
static size_t
line_of(const char *buf, size_t len, size_t at)
{
	size_t line = 1;

	for (size_t i = 0; i < at && i < len; i++)
		line += buf[i] == '\n';
	return line;
}

/*
 * Read and parse source s (name, keylen set) from root; fills set or err. A file that keeps
 * being replaced while read (READ_ATTEMPTS times) keeps its version of old (o, NULL for
 * none) and s->changing is set: the change goes on, so it is seen and read again.
 */
static void
read_source(const char *root, struct sourcetree_source *s, const struct sourcetree_source *o)
{
	char full[PATH_MAX], why[SOURCETREE_ERR_MAX - 80];
	struct readfile rf;
	struct httpsd_list l;
	size_t at = 0, line = 0;
	int attempt, rc, yaml = s->name[s->keylen + 1] == 'y';

	snprintf(full, sizeof(full), "%s/%s", root, s->name);
	for (attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
		if (readfile_load(full, SOURCETREE_MAX_BYTES, 0, &rf, why, sizeof(why)) < 0) {
			size_t n = strlen(full);

			s->retry = transient(errno);
			/* "FULL: reason" named by the source's own name, as every error */
			snprintf(s->err, sizeof(s->err), "%s: %s", s->name,
			    strncmp(why, full, n) == 0 && why[n] == ':' ? why + n + 2 : why);
			return;
		}
		if (!rf.changed)
			break;
		free(rf.data);
	}
	if (attempt == READ_ATTEMPTS && o != NULL && o->set != NULL) {
		s->set = targetset_ref(o->set);
		s->ntargets = o->ntargets;
		s->fkey = o->fkey;	/* not the file's: the next build reads it again */
		s->mtime = o->mtime;
		s->loaded_at = o->loaded_at;
		s->gen = o->gen;
		s->changing = 1;
		return;
	}
	if (attempt == READ_ATTEMPTS) {
		snprintf(s->err, sizeof(s->err), "%s: replaced each time it was read", s->name);
		return;
	}
	targetset_key_of(&rf.st, &s->fkey);
	s->mtime = (double)rf.st.st_mtim.tv_sec + (double)rf.st.st_mtim.tv_nsec / 1e9;
	httpsd_init(&l);
	if (yaml) {
		rc = yamlsd_parse(rf.data, rf.len, &l, why, sizeof(why), &line);
		free(rf.data);
		rf.data = NULL;
		rf.len = 0;
	} else {
		rc = httpsd_parse_at(rf.data, rf.len, &l, why, sizeof(why), &at);
		line = rc < 0 ? line_of(rf.data, rf.len, at) : 0;
	}
	if (rc < 0) {
		if (line > 0 && yaml && strncmp(why, "line ", 5) == 0) {
			const char *msg = strchr(why, ':');

			snprintf(s->err, sizeof(s->err), "%s:%zu%s", s->name, line, msg ? msg : "");
		} else if (line > 0) {
			snprintf(s->err, sizeof(s->err), "%s:%zu: %s", s->name, line, why);
		} else {
			snprintf(s->err, sizeof(s->err), "%s: %s", s->name, why);
		}
		httpsd_fini(&l);
		free(rf.data);
		return;
	}
	if (targetset_adopt(&l, rf.data, rf.len, 0, &s->set, why, sizeof(why)) < 0) {
		snprintf(s->err, sizeof(s->err), "%s: %s", s->name, why);
		s->retry = 1;	/* out of memory */
		return;
	}
	s->ntargets = targetset_targets(s->set);
}

/* The sources of w, shared with old where unchanged, else read. */
static int
build_sources(struct sourcetree *t, struct walk *w, const struct sourcetree *old, double now,
    unsigned long *gen)
{
	if (w->nc > 1)	/* qsort(NULL, 0) is undefined */
		qsort(w->c, w->nc, sizeof(*w->c), cand_cmp);
	if (w->nc && (t->src = calloc(w->nc, sizeof(*t->src))) == NULL)
		return -1;
	for (size_t i = 0; i < w->nc; i++) {
		struct sourcetree_source *s = &t->src[t->nsrc++];
		const struct sourcetree_source *o;
		struct targetset_key k;

		targetset_key_of(&w->c[i].st, &k);
		o = old_source(old, w->c[i].name, w->c[i].keylen);
		if (o != NULL && o->name != NULL && !o->retry && targetset_key_eq(&o->fkey, &k)) {
			/* shared, not taken: a request may still be reading the old tree */
			*s = *o;
			s->name = w->c[i].name;
			w->c[i].name = NULL;
			s->changing = 0;
			targetset_ref(s->set);
			continue;
		}
		s->name = w->c[i].name;
		w->c[i].name = NULL;
		s->keylen = w->c[i].keylen;
		s->fkey = k;
		s->loaded_at = now;
		s->mtime = (double)k.mtime.tv_sec + (double)k.mtime.tv_nsec / 1e9;
		s->load_errors = o ? o->load_errors : 0;
		read_source(w->root, s, o);
		if (s->set == NULL)
			s->load_errors++;
		if (!s->changing)
			s->gen = ++*gen;
	}
	for (size_t i = 0; i < t->nsrc; i++) {
		if (t->src[i].mtime > t->newest_mtime)
			t->newest_mtime = t->src[i].mtime;
		if (t->src[i].set != NULL)
			t->ntargets += t->src[i].ntargets;
		else
			t->nbroken++;
		t->nretry += t->src[i].retry;
	}
	return 0;
}

/* 1 when source s belongs to the path of key[0..n). */
static int
in_path(const struct sourcetree_source *s, const char *key, size_t n)
{
	if (n == 0)
		return 1;
	if (s->keylen < n || memcmp(s->name, key, n) != 0)
		return 0;
	return s->keylen == n || s->name[n] == '/';
}

/* The first source not below key[0..n) in key order. */
static size_t
lower_bound(const struct sourcetree *t, const char *key, size_t n)
{
	size_t lo = 0, hi = t->nsrc;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (key_cmp(t->src[mid].name, t->src[mid].keylen, key, n) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static uint64_t
range_sig(const struct sourcetree *t, size_t first, size_t n)
{
	uint32_t a = HASH_INIT, b = HASH_INIT ^ 0x5bd1e995u;

	for (size_t i = first; i < first + n; i++) {
		const struct sourcetree_source *s = &t->src[i];

		a = hash_add(a, s->name, strlen(s->name) + 1);
		a = hash_add(a, &s->fkey, sizeof(s->fkey));
		b = hash_add(b, &s->fkey, sizeof(s->fkey));
		b = hash_add(b, s->name, strlen(s->name) + 1);
	}
	return (uint64_t)a << 32 | b;
}

/* The index of the path of key in t, or SIZE_MAX. */
static size_t
find_path(const struct sourcetree *t, const char *key)
{
	size_t lo = 0, hi = t ? t->npaths : 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int r = strcmp(t->paths[mid].key, key);

		if (r == 0)
			return mid;
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return SIZE_MAX;
}

/* The merged set of path p: the source's, shared with old, or rendered now. */
static int
path_set(struct sourcetree *t, struct sourcetree_path *p, const struct sourcetree *old,
    unsigned long *gen)
{
	size_t oi = find_path(old, p->key);
	const struct sourcetree_path *op = oi == SIZE_MAX ? NULL : &old->paths[oi];
	struct httpsd_list m;
	char err[64];

	if (p->nbroken > 0)
		return 0;
	if (op != NULL && op->owns_set && op->sig == p->sig && op->n == p->n) {
		p->set = targetset_ref(op->set);	/* shared with the old tree */
		p->owns_set = 1;
		p->gen = op->gen;
		return 0;
	}
	p->gen = ++*gen;
	p->owns_set = 1;
	httpsd_init(&m);
	for (size_t i = p->first; i < p->first + p->n; i++)
		if (httpsd_append(&m, targetset_list(t->src[i].set)) < 0) {
			httpsd_fini(&m);
			return -1;
		}
	if (targetset_adopt(&m, NULL, 0, 0, &p->set, err, sizeof(err)) < 0)
		return -1;
	/* filtered bodies come from the sources' groups: no second copy of them here */
	targetset_drop_groups(p->set);
	return 0;
}

/* Every path: the root, each directory, each source key. */
static int
build_paths(struct sourcetree *t, struct walk *w, const struct sourcetree *old, unsigned long *gen)
{
	size_t nkeys = 1 + w->nd + t->nsrc, k = 0;
	char **keys = calloc(nkeys, sizeof(*keys));
	int rc = -1;

	if (keys == NULL)
		return -1;
	keys[k++] = strdup("");
	for (size_t i = 0; i < w->nd; i++)
		keys[k++] = strdup(w->dirs[i]);
	for (size_t i = 0; i < t->nsrc; i++)
		keys[k++] = strndup(t->src[i].name, t->src[i].keylen);
	for (size_t i = 0; i < k; i++)
		if (keys[i] == NULL)
			goto out;
	if (k > 1)	/* qsort(NULL, 0) is undefined */
		qsort(keys, k, sizeof(*keys), str_cmp);
	if ((t->paths = calloc(k, sizeof(*t->paths))) == NULL)
		goto out;
	for (size_t i = 0; i < k; i++) {
		struct sourcetree_path *p;
		size_t n = strlen(keys[i]);

		if (t->npaths > 0 && strcmp(t->paths[t->npaths - 1].key, keys[i]) == 0)
			continue;
		p = &t->paths[t->npaths++];
		if ((p->key = strdup(keys[i])) == NULL)
			goto out;
		p->first = n ? lower_bound(t, keys[i], n) : 0;
		while (p->first + p->n < t->nsrc && in_path(&t->src[p->first + p->n], keys[i], n))
			p->n++;
		for (size_t j = p->first; j < p->first + p->n; j++) {
			if (t->src[j].set == NULL)
				p->nbroken++;
			else
				p->ntargets += t->src[j].ntargets;
			p->is_dir |= t->src[j].keylen > n;
		}
		p->id = hash_add(HASH_INIT, p->key, n);
		p->sig = range_sig(t, p->first, p->n);
	}
	for (size_t i = 0; i < w->nd; i++) {
		size_t pi = find_path(t, w->dirs[i]);

		if (pi != SIZE_MAX)
			t->paths[pi].is_dir = 1;
	}
	t->paths[0].is_dir = 1;
	for (size_t i = 0; i < t->npaths; i++) {
		struct sourcetree_path *p = &t->paths[i];

		if (p->nbroken == 0 && p->n == 1 && p->key[0] && !p->is_dir) {
			p->set = t->src[p->first].set;	/* the source's own */
			p->gen = t->src[p->first].gen;
			continue;
		}
		if (path_set(t, p, old, gen) < 0)
			goto out;
	}
	t->version.ino = (ino_t)t->paths[0].sig;
	t->version.size = (off_t)t->ntargets;
	t->version.mtime.tv_sec = (time_t)t->newest_mtime;
	t->version.mtime.tv_nsec = (long)((t->newest_mtime - (double)(time_t)t->newest_mtime) *
	    1e9);
	rc = 0;
out:
	for (size_t i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	return rc;
}

static void
walk_fini(struct walk *w)
{
	for (size_t i = 0; i < w->nc; i++)
		free(w->c[i].name);
	free(w->c);
	for (size_t i = 0; i < w->nd; i++)
		free(w->dirs[i]);
	free(w->dirs);
	for (size_t i = 0; i < w->nn; i++)
		free(w->notes[i]);
	free(w->notes);
	free(w->real);
}

int
sourcetree_build(const char *dir, int ifd, const struct sourcetree *old, double now,
    unsigned long *gen, struct sourcetree **out, char *err, size_t errlen)
{
	struct walk w;
	struct sourcetree *t;
	struct stat st, after;

	*out = NULL;
	memset(&w, 0, sizeof(w));
	w.root = dir;
	w.ifd = ifd;
	if (stat(dir, &st) < 0) {
		snprintf(err, errlen, "targets directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "targets directory %s: not a directory", dir);
		return -1;
	}
	if ((w.real = realpath(dir, NULL)) == NULL) {
		snprintf(err, errlen, "targets directory %s: %s", dir, strerror(errno));
		return -1;
	}
	walk_dir(&w, "", 0);
	/* gone or replaced while walked: what the walk found by its path is not one tree */
	if (!w.open_errno && stat(dir, &after) < 0) {
		w.open_errno = errno;
	} else if (!w.open_errno && (after.st_dev != st.st_dev || after.st_ino != st.st_ino)) {
		snprintf(err, errlen, "targets directory %s: replaced while read", dir);
		walk_fini(&w);
		return -1;
	}
	if (w.open_errno) {
		snprintf(err, errlen, "targets directory %s: %s%s%s", dir, w.open_failed,
		    w.open_failed[0] ? "/: " : "", strerror(w.open_errno));
		walk_fini(&w);
		return -1;
	}
	if (w.failed || (t = calloc(1, sizeof(*t))) == NULL) {
		walk_fini(&w);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (build_sources(t, &w, old, now, gen) < 0 || build_paths(t, &w, old, gen) < 0) {
		walk_fini(&w);
		sourcetree_free(t);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (w.nn > 1)	/* qsort(NULL, 0) is undefined */
		qsort(w.notes, w.nn, sizeof(*w.notes), str_cmp);
	t->unwatched = w.unwatched;
	t->notes = w.notes;
	t->nnotes = w.nn;
	w.notes = NULL;
	w.nn = 0;
	walk_fini(&w);
	*out = t;
	return 0;
}

int
sourcetree_load(const char *dir, double now, struct sourcetree **out, char *err, size_t errlen)
{
	unsigned long gen = 0;

	return sourcetree_build(dir, -1, NULL, now, &gen, out, err, errlen);
}

void
sourcetree_free(struct sourcetree *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->npaths; i++) {
		if (t->paths[i].owns_set)
			targetset_free(t->paths[i].set);
		free(t->paths[i].key);
	}
	free(t->paths);
	for (size_t i = 0; i < t->nsrc; i++) {
		targetset_free(t->src[i].set);
		free(t->src[i].name);
	}
	free(t->src);
	for (size_t i = 0; i < t->nnotes; i++)
		free(t->notes[i]);
	free(t->notes);
	free(t);
}

const struct sourcetree_path *
sourcetree_find(const struct sourcetree *t, const char *key)
{
	const struct sourcetree_path *p;
	char buf[PATH_MAX];
	size_t n, i = find_path(t, key);

	if (i != SIZE_MAX)
		return &t->paths[i];
	if ((n = source_keylen(key)) == 0 || n >= sizeof(buf))
		return NULL;
	/* "sub/a.json": the source of that name alone, when it is one */
	memcpy(buf, key, n);
	buf[n] = '\0';
	if ((i = find_path(t, buf)) == SIZE_MAX)
		return NULL;
	p = &t->paths[i];
	for (size_t j = p->first; j < p->first + p->n; j++)
		if (strcmp(t->src[j].name, key) == 0)
			return p->n == 1 ? p : NULL;
	return NULL;
}

int
sourcetree_filter(const struct sourcetree *t, const struct sourcetree_path *p,
    const struct query *q, struct strbuf *out)
{
	size_t shown = 0;

	out->len = 0;
	if (strbuf_str(out, "[") < 0)
		return -1;
	for (size_t i = p->first; i < p->first + p->n; i++)
		if (targetset_filter_append(t->src[i].set, q, out, &shown) < 0)
			return -1;
	return strbuf_str(out, shown ? "\n]\n" : "]\n");
}

struct json_object *
sourcetree_json(const struct sourcetree *t, double now)
{
	struct json_object *o = json_object_new_object(), *paths = json_object_new_array(),
	    *srcs = json_object_new_array();

	if (o == NULL || paths == NULL || srcs == NULL) {
		json_object_put(o);
		json_object_put(paths);
		json_object_put(srcs);
		return NULL;
	}
	json_object_object_add(o, "paths", paths);
	json_object_object_add(o, "sources", srcs);
	for (size_t i = 0; t != NULL && i < t->npaths; i++) {
		const struct sourcetree_path *p = &t->paths[i];
		struct json_object *j = json_object_new_object(), *names = json_object_new_array();
		char path[PATH_MAX + 16];

		snprintf(path, sizeof(path), "%s%s", p->key[0] ? "/targets/" : "/targets.json",
		    p->key);
		json_object_object_add(j, "path", json_object_new_string(path));
		json_object_object_add(j, "targets", json_object_new_int64((int64_t)p->ntargets));
		json_object_object_add(j, "status", json_object_new_string(p->set ? "ok" : "broken"));
		for (size_t k = p->first; k < p->first + p->n; k++)
			json_object_array_add(names, json_object_new_string(t->src[k].name));
		json_object_object_add(j, "sources", names);
		json_object_array_add(paths, j);
	}
	for (size_t i = 0; t != NULL && i < t->nsrc; i++) {
		const struct sourcetree_source *s = &t->src[i];
		struct json_object *j = json_object_new_object();

		json_object_object_add(j, "name", json_object_new_string(s->name));
		json_object_object_add(j, "targets", json_object_new_int64((int64_t)s->ntargets));
		json_object_object_add(j, "status", json_object_new_string(s->set ? "ok" : "error"));
		json_object_object_add(j, "age_seconds", json_object_new_int64(now > s->mtime ?
		    (int64_t)(now - s->mtime) : 0));
		if (s->set == NULL)
			json_object_object_add(j, "error", json_object_new_string(s->err));
		json_object_array_add(srcs, j);
	}
	return o;
}
