/*
 * check_sourcetree.c: a targets directory in a temp dir: which files are sources, the paths
 * and their merged order, broken sources confined to their paths, and the cache as the
 * loader's source: a change seen on the next get (inotify), nothing re-read when nothing
 * changed, unchanged sources and sets shared by a rebuild while the old tree stays whole,
 * a source replaced at every read (read(2) below cuts it) keeping the version read before,
 * a directory that comes back seen by the poll, and one gone between the build's stat and
 * its opendir (opendir(3) below moves it away first) failing the build, not serving [], and
 * a source rewritten in place with its old size and mtime (its ctime moves) read again, and
 * one whose read failed for a reason that may pass (read(2) below: ENOMEM) read again, and
 * a directory removed before its watch (inotify_add_watch(2) below) not making it poll.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fileclock.h"
#include "query.h"
#include "sourcecache.h"
#include "check_main.h"

static char dir[64], err[SOURCETREE_ERR_MAX];

/* set: each read(2) that returns bytes cuts the last byte of this file, in place */
static char cut_path[128];
static int cuts;

ssize_t read(int fd, void *buf, size_t n);

/* set: that many read(2)s of the file of this inode fail with ENOMEM (atomic: the loader's) */
static ino_t enomem_ino;
static int enomem_left;

ssize_t
read(int fd, void *buf, size_t n)
{
	ssize_t r;
	struct stat st;

	if (__atomic_load_n(&enomem_left, __ATOMIC_ACQUIRE) > 0 && fstat(fd, &st) == 0 &&
	    st.st_ino == enomem_ino) {
		__atomic_sub_fetch(&enomem_left, 1, __ATOMIC_ACQ_REL);
		errno = ENOMEM;
		return -1;
	}
	r = syscall(SYS_read, fd, buf, n);

	if (cut_path[0] && r > 0 && stat(cut_path, &st) == 0 && st.st_size > 0 &&
	    truncate(cut_path, st.st_size - 1) == 0)
		cuts++;
	return r;
}

/* set: the next opendir(3) of this path first moves it to vanish_to (then unset), or of
 * vanish_after moves it there once opened; every opendir(3) of fail_path fails with
 * fail_errno */
static char vanish_path[128], vanish_to[160], fail_path[160], vanish_after[128];
static int fail_errno, vanish_replaced;

DIR *opendir(const char *name);

DIR *
opendir(const char *name)
{
	DIR *d;
	int fd;

	if (vanish_path[0] && strcmp(name, vanish_path) == 0) {
		vanish_path[0] = '\0';
		ck_assert_int_eq(rename(name, vanish_to), 0);
	}
	if (fail_path[0] && strcmp(name, fail_path) == 0) {
		errno = fail_errno;
		return NULL;
	}
	if ((fd = open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return NULL;
	if ((d = fdopendir(fd)) == NULL) {
		int e = errno;

		close(fd);
		errno = e;
	}
	if (d != NULL && vanish_after[0] && strcmp(name, vanish_after) == 0) {
		vanish_after[0] = '\0';
		ck_assert_int_eq(rename(name, vanish_to), 0);
		if (vanish_replaced)	/* and a new, empty directory in its place */
			ck_assert_int_eq(mkdir(name, 0755), 0);
	}
	return d;
}

/* set: the next inotify_add_watch(2) of this path fails with ENOENT (removed meanwhile) */
static char unwatch_path[160];

int inotify_add_watch(int fd, const char *path, uint32_t mask);

int
inotify_add_watch(int fd, const char *path, uint32_t mask)
{
	if (unwatch_path[0] && strcmp(path, unwatch_path) == 0) {
		unwatch_path[0] = '\0';
		errno = ENOENT;
		return -1;
	}
	return (int)syscall(SYS_inotify_add_watch, fd, path, mask);
}

static void
put(const char *rel, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	ck_assert_ptr_nonnull(f = fopen(p, "w"));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void
sub(const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	ck_assert_int_eq(mkdir(p, 0755), 0);
}

/* The unfiltered body of the path of key (malloc'd), or NULL when it has no set. */
static char *
body(const struct sourcetree *t, const char *key)
{
	const struct sourcetree_path *p = sourcetree_find(t, key);
	struct iovec iov[TARGETSET_IOV_MAX];
	struct query q;
	size_t n, len, off = 0;
	char *s;

	ck_assert_msg(p != NULL, "no path %s", key);
	if (p->set == NULL)
		return NULL;
	memset(&q, 0, sizeof(q));
	n = targetset_body(p->set, &q, iov, &len);
	s = malloc(len + 1);
	for (size_t i = 0; i < n; i++) {
		memcpy(s + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	s[len] = '\0';
	return s;
}

static void
body_is(const struct sourcetree *t, const char *key, const char *want)
{
	char *got = body(t, key);

	ck_assert_msg(got != NULL, "path %s has no set", key);
	ck_assert_str_eq(got, want);
	free(got);
}

static void
setup(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_sourcetree.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	sub("sub");
	sub("sub/deep");
	sub("_skip");
	sub("empty");
	put("b.json", "[{\"targets\":[\"b:1\"]}]");
	put("a.yaml", "- targets: [a:1]\n  labels: {job: a}\n");
	put("sub.json", "[{\"targets\":[\"s:1\"]}]");
	put("sub-x.json", "[{\"targets\":[\"sx:1\"]}]");
	put("sub/c.yml", "- targets: [c:1]\n");
	put("sub/deep/d.json", "[{\"targets\":[\"d:1\"]}]");
	put("_skip/e.json", "[{\"targets\":[\"e:1\"]}]");
	put(".f.json", "[{\"targets\":[\"f:1\"]}]");
	put("README.md", "not a source");
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(sources_and_paths)
{
	struct sourcetree *t;
	static const char *const names[] = {
		"a.yaml", "b.json", "sub.json", "sub/c.yml", "sub/deep/d.json", "sub-x.json",
	};
	static const char *const keys[] = {
		"", "a", "b", "empty", "sub", "sub-x", "sub/c", "sub/deep", "sub/deep/d",
	};

	ck_assert_int_eq(sourcetree_load(dir, 1000, &t, err, sizeof(err)), 0);
	ck_assert_uint_eq(t->nsrc, 6);
	for (size_t i = 0; i < t->nsrc; i++)
		ck_assert_str_eq(t->src[i].name, names[i]);
	ck_assert_uint_eq(t->npaths, sizeof(keys) / sizeof(keys[0]));
	for (size_t i = 0; i < t->npaths; i++)
		ck_assert_str_eq(t->paths[i].key, keys[i]);
	ck_assert_uint_eq(t->ntargets, 6);
	body_is(t, "", "[\n{\"targets\":[\"a:1\"],\"labels\":{\"job\":\"a\"}},\n"
	    "{\"targets\":[\"b:1\"],\"labels\":{}},\n{\"targets\":[\"s:1\"],\"labels\":{}},\n"
	    "{\"targets\":[\"c:1\"],\"labels\":{}},\n{\"targets\":[\"d:1\"],\"labels\":{}},\n"
	    "{\"targets\":[\"sx:1\"],\"labels\":{}}\n]\n");
	/* the file sub.json and the directory sub/ share the path */
	body_is(t, "sub", "[\n{\"targets\":[\"s:1\"],\"labels\":{}},\n"
	    "{\"targets\":[\"c:1\"],\"labels\":{}},\n{\"targets\":[\"d:1\"],\"labels\":{}}\n]\n");
	body_is(t, "sub/deep", "[\n{\"targets\":[\"d:1\"],\"labels\":{}}\n]\n");
	body_is(t, "sub/c.yml", "[\n{\"targets\":[\"c:1\"],\"labels\":{}}\n]\n");
	body_is(t, "empty", "[]\n");
	ck_assert_ptr_null(sourcetree_find(t, "_skip"));
	ck_assert_ptr_null(sourcetree_find(t, "f"));
	ck_assert_ptr_null(sourcetree_find(t, "sub/c.json"));
	sourcetree_free(t);
}
END_TEST

START_TEST(broken_source_only_where_it_belongs)
{
	struct sourcetree *t;

	put("sub/deep/bad.json", "[{\"targets\":[\"x:1\"]},\n{\"targets\":[\"\"]}]");
	ck_assert_int_eq(sourcetree_load(dir, 1000, &t, err, sizeof(err)), 0);
	ck_assert_uint_eq(t->nbroken, 1);
	ck_assert_ptr_null(body(t, ""));
	ck_assert_ptr_null(body(t, "sub"));
	ck_assert_ptr_null(body(t, "sub/deep"));
	ck_assert_ptr_null(body(t, "sub/deep/bad"));
	body_is(t, "sub/deep/d", "[\n{\"targets\":[\"d:1\"],\"labels\":{}}\n]\n");
	body_is(t, "a", "[\n{\"targets\":[\"a:1\"],\"labels\":{\"job\":\"a\"}}\n]\n");
	for (size_t i = 0; i < t->nsrc; i++)
		if (strcmp(t->src[i].name, "sub/deep/bad.json") == 0)
			ck_assert_str_eq(t->src[i].err,
			    "sub/deep/bad.json:2: group 2: target 1 is empty");
	sourcetree_free(t);
}
END_TEST

START_TEST(hostile_entries_ignored)
{
	struct sourcetree *t;
	char p[256];

	snprintf(p, sizeof(p), "%s/fifo.json", dir);
	ck_assert_int_eq(mkfifo(p, 0644), 0);
	snprintf(p, sizeof(p), "%s/out.json", dir);
	ck_assert_int_eq(symlink("/etc/hostname", p), 0);
	snprintf(p, sizeof(p), "%s/in.json", dir);
	ck_assert_int_eq(symlink("b.json", p), 0);
	snprintf(p, sizeof(p), "%s/up.json", dir);
	ck_assert_int_eq(symlink("../../etc/hostname", p), 0);
	ck_assert_int_eq(sourcetree_load(dir, 1000, &t, err, sizeof(err)), 0);
	ck_assert_uint_eq(t->nsrc, 7);	/* in.json is inside: a source */
	ck_assert_uint_eq(t->nnotes, 3);
	ck_assert_str_eq(t->notes[0], "fifo.json: not a regular file, ignored");
	ck_assert_str_eq(t->notes[1], "out.json: a symlink that leads out of the directory, "
	    "ignored");
	ck_assert_str_eq(t->notes[2], "up.json: a symlink that leads out of the directory, "
	    "ignored");
	sourcetree_free(t);
	ck_assert_int_eq(sourcetree_load("/nonexistent/dir", 1000, &t, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "targets directory /nonexistent/dir: No such file or directory");
}
END_TEST

/*
 * The loader's tree once its generation is past gen: a load runs aside, so a get may answer
 * from the old tree for LOADER_WAIT_S; wait for the new one (5 s at most).
 */
static const struct sourcetree *
tree_after(struct loader *l, unsigned long gen)
{
	struct timespec ms = { 0, 1000000 };
	struct loader_view v;

	for (int i = 0; i < 5000; i++) {
		ck_assert_int_eq(loader_get(l, &v), 0);
		loader_put(l);	/* the only request thread: nothing frees it until the next get */
		if (v.generation > gen)
			return v.set;
		nanosleep(&ms, NULL);
	}
	ck_abort_msg("no load after generation %lu in 5 s", gen);
	return NULL;
}

/* The loader's tree now, and that it is generation gen. */
static const struct sourcetree *
tree_now(struct loader *l, unsigned long gen)
{
	struct loader_view v;

	ck_assert_int_eq(loader_get(l, &v), 0);
	loader_put(l);
	ck_assert_uint_eq(v.generation, gen);
	return v.set;
}

START_TEST(cache_sees_changes_and_reuses)
{
	struct sourcecache c;
	struct loader l;
	struct loader_source src = { sourcecache_probe, sourcecache_load, sourcecache_free, &c };
	const struct sourcetree *t;
	const struct targetset *a_set, *root_set;
	char p[256];

	ck_assert_int_eq(sourcecache_init(&c, dir), 0);
	ck_assert_int_ge(c.ifd, 0);
	ck_assert_int_eq(loader_init(&l, &src), 0);
	ck_assert_ptr_nonnull(t = tree_after(&l, 0));	/* the first load is waited for */
	a_set = sourcetree_find(t, "a")->set;
	root_set = sourcetree_find(t, "")->set;
	/* nothing changed: the same tree, not rebuilt */
	ck_assert_ptr_eq(tree_now(&l, 1), t);
	/* an ignored name changes: still nothing to do */
	put(".tmp.json", "junk");
	ck_assert_ptr_eq(tree_now(&l, 1), t);
	/* a source added: seen at once, a.yaml's set shared with the old tree */
	put("sub/deep/n.json", "[{\"targets\":[\"n:1\"]}]");
	ck_assert_ptr_nonnull(t = tree_after(&l, 1));
	ck_assert_uint_eq(t->nsrc, 7);
	ck_assert_ptr_eq(sourcetree_find(t, "a")->set, a_set);
	ck_assert_ptr_ne(sourcetree_find(t, "")->set, root_set);
	body_is(t, "sub/deep", "[\n{\"targets\":[\"d:1\"],\"labels\":{}},\n"
	    "{\"targets\":[\"n:1\"],\"labels\":{}}\n]\n");
	/* broken, then mended */
	put("sub/deep/n.json", "[{\"targets\":[\"n:1\"]");
	ck_assert_ptr_nonnull(t = tree_after(&l, 2));
	ck_assert_ptr_null(sourcetree_find(t, "sub")->set);
	ck_assert_ptr_nonnull(sourcetree_find(t, "a")->set);
	put("sub/deep/n.json", "[{\"targets\":[\"n:2\"]}]");
	ck_assert_ptr_nonnull(t = tree_after(&l, 3));
	ck_assert_ptr_nonnull(sourcetree_find(t, "sub")->set);
	for (size_t i = 0; i < t->nsrc; i++)
		if (strcmp(t->src[i].name, "sub/deep/n.json") == 0)
			ck_assert_uint_eq(t->src[i].load_errors, 1);
	/* removed */
	snprintf(p, sizeof(p), "%s/sub/deep/n.json", dir);
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_ptr_nonnull(t = tree_after(&l, 4));
	ck_assert_uint_eq(t->nsrc, 6);
	ck_assert_ptr_null(sourcetree_find(t, "sub/deep/n"));
	loader_fini(&l);	/* frees every tree */
	sourcecache_fini(&c);
}
END_TEST

/*
 * A Kubernetes ConfigMap volume: cm.json -> ..data/cm.json, ..data -> ..v1; an update writes
 * ..v2 and renames a new ..data symlink over the old one, so only hidden names change. The
 * loader sees it (inotify on "..data") and serves the new version.
 */
START_TEST(configmap_symlink_flip_is_seen)
{
	char d[] = "/tmp/check_sourcetree_cm.XXXXXX", p[256], q[256];
	struct sourcecache c;
	struct loader l;
	struct loader_source src = { sourcecache_probe, sourcecache_load, sourcecache_free, &c };
	const struct sourcetree *t;
	FILE *fp;

	ck_assert_ptr_nonnull(mkdtemp(d));
	for (int v = 1; v <= 2; v++) {
		snprintf(p, sizeof(p), "%s/..v%d", d, v);
		ck_assert_int_eq(mkdir(p, 0755), 0);
		snprintf(p, sizeof(p), "%s/..v%d/cm.json", d, v);
		ck_assert_ptr_nonnull(fp = fopen(p, "w"));
		fprintf(fp, "[{\"targets\":[\"v%d:1\"]}]", v);
		ck_assert_int_eq(fclose(fp), 0);
	}
	snprintf(p, sizeof(p), "%s/..data", d);
	ck_assert_int_eq(symlink("..v1", p), 0);
	snprintf(p, sizeof(p), "%s/cm.json", d);
	ck_assert_int_eq(symlink("..data/cm.json", p), 0);
	ck_assert_int_eq(sourcecache_init(&c, d), 0);
	ck_assert_int_ge(c.ifd, 0);
	ck_assert_int_eq(loader_init(&l, &src), 0);
	ck_assert_ptr_nonnull(t = tree_after(&l, 0));
	body_is(t, "cm", "[\n{\"targets\":[\"v1:1\"],\"labels\":{}}\n]\n");
	ck_assert_ptr_eq(tree_now(&l, 1), t);
	/* the flip, as kubelet's atomic writer does it */
	snprintf(p, sizeof(p), "%s/..data_tmp", d);
	ck_assert_int_eq(symlink("..v2", p), 0);
	snprintf(q, sizeof(q), "%s/..data", d);
	ck_assert_int_eq(rename(p, q), 0);
	ck_assert_ptr_nonnull(t = tree_after(&l, 1));
	body_is(t, "cm", "[\n{\"targets\":[\"v2:1\"],\"labels\":{}}\n]\n");
	loader_fini(&l);
	sourcecache_fini(&c);
	for (int v = 1; v <= 2; v++) {
		snprintf(p, sizeof(p), "%s/..v%d/cm.json", d, v);
		ck_assert_int_eq(unlink(p), 0);
		snprintf(p, sizeof(p), "%s/..v%d", d, v);
		ck_assert_int_eq(rmdir(p), 0);
	}
	snprintf(p, sizeof(p), "%s/..data", d);
	ck_assert_int_eq(unlink(p), 0);
	snprintf(p, sizeof(p), "%s/cm.json", d);
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_int_eq(rmdir(d), 0);
}
END_TEST

START_TEST(a_rebuild_leaves_the_old_tree_whole)
{
	struct sourcetree *old, *t;
	unsigned long gen = 0;

	/* a request may answer from old while the loader builds t from it, then frees either */
	ck_assert_int_eq(sourcetree_build(dir, -1, NULL, 1000, &gen, &old, err, sizeof(err)), 0);
	put("sub/deep/n.json", "[{\"targets\":[\"n:1\"]}]");
	ck_assert_int_eq(sourcetree_build(dir, -1, old, 1010, &gen, &t, err, sizeof(err)), 0);
	ck_assert_uint_eq(old->nsrc, 6);
	ck_assert_uint_eq(t->nsrc, 7);
	ck_assert_ptr_eq(sourcetree_find(t, "a")->set, sourcetree_find(old, "a")->set);
	ck_assert_ptr_eq(sourcetree_find(t, "sub/c")->set, sourcetree_find(old, "sub/c")->set);
	body_is(old, "sub/deep", "[\n{\"targets\":[\"d:1\"],\"labels\":{}}\n]\n");
	body_is(old, "", "[\n{\"targets\":[\"a:1\"],\"labels\":{\"job\":\"a\"}},\n"
	    "{\"targets\":[\"b:1\"],\"labels\":{}},\n{\"targets\":[\"s:1\"],\"labels\":{}},\n"
	    "{\"targets\":[\"c:1\"],\"labels\":{}},\n{\"targets\":[\"d:1\"],\"labels\":{}},\n"
	    "{\"targets\":[\"sx:1\"],\"labels\":{}}\n]\n");
	sourcetree_free(old);	/* the shared sets live on in t */
	body_is(t, "a", "[\n{\"targets\":[\"a:1\"],\"labels\":{\"job\":\"a\"}}\n]\n");
	body_is(t, "sub/deep", "[\n{\"targets\":[\"d:1\"],\"labels\":{}},\n"
	    "{\"targets\":[\"n:1\"],\"labels\":{}}\n]\n");
	sourcetree_free(t);
}
END_TEST

START_TEST(a_source_replaced_at_each_read_keeps_its_version)
{
	struct sourcetree *old, *t;
	const struct sourcetree_source *b = NULL;
	unsigned long gen = 0;

	ck_assert_int_eq(sourcetree_build(dir, -1, NULL, 1000, &gen, &old, err, sizeof(err)), 0);
	put("b.json", "[{\"targets\":[\"b:1\",\"b:2\"]}]");
	snprintf(cut_path, sizeof(cut_path), "%s/b.json", dir);
	ck_assert_int_eq(sourcetree_build(dir, -1, old, 1010, &gen, &t, err, sizeof(err)), 0);
	cut_path[0] = '\0';
	ck_assert_int_eq(cuts, 3);	/* read three times, changed each time */
	for (size_t i = 0; i < t->nsrc; i++)
		if (strcmp(t->src[i].name, "b.json") == 0)
			b = &t->src[i];
	ck_assert_ptr_nonnull(b);
	/* never a torn list: the version read before, not broken */
	ck_assert_int_eq(b->changing, 1);
	ck_assert_ptr_nonnull(b->set);
	ck_assert_uint_eq(b->ntargets, 1);
	ck_assert_uint_eq(t->nbroken, 0);
	body_is(t, "b", "[\n{\"targets\":[\"b:1\"],\"labels\":{}}\n]\n");
	sourcetree_free(old);
	/* settled: the next build reads it, as its version is not the file's */
	put("b.json", "[{\"targets\":[\"b:1\",\"b:2\"]}]");
	old = t;
	ck_assert_int_eq(sourcetree_build(dir, -1, old, 1020, &gen, &t, err, sizeof(err)), 0);
	body_is(t, "b", "[\n{\"targets\":[\"b:1\",\"b:2\"],\"labels\":{}}\n]\n");
	sourcetree_free(old);
	sourcetree_free(t);
	/* no version before: broken, its paths answer 503 */
	snprintf(cut_path, sizeof(cut_path), "%s/b.json", dir);
	ck_assert_int_eq(sourcetree_load(dir, 1030, &t, err, sizeof(err)), 0);
	cut_path[0] = '\0';
	ck_assert_uint_eq(t->nbroken, 1);
	ck_assert_ptr_null(sourcetree_find(t, "b")->set);
	ck_assert_str_eq(t->src[1].err, "b.json: replaced each time it was read");
	sourcetree_free(t);
}
END_TEST

START_TEST(an_unreadable_directory_is_retried)
{
	struct sourcecache c;
	struct loader l;
	struct loader_source src = { sourcecache_probe, sourcecache_load, sourcecache_free, &c };
	struct loader_view v;
	char moved[128];

	snprintf(moved, sizeof(moved), "%s.moved", dir);
	ck_assert_int_eq(rename(dir, moved), 0);
	ck_assert_int_eq(sourcecache_init(&c, dir), 0);
	ck_assert_int_eq(loader_init(&l, &src), 0);
	ck_assert_int_eq(loader_get(&l, &v), 0);
	ck_assert_ptr_null(v.set);
	ck_assert_int_eq(v.kind, LOADER_MISSING);
	ck_assert_ptr_nonnull(strstr(v.err, "No such file or directory"));
	loader_put(&l);
	/* back where no watch sees it: found by the SOURCETREE_POLL_S look */
	ck_assert_int_eq(rename(moved, dir), 0);
	ck_assert_uint_eq(tree_after(&l, 0)->nsrc, 6);
	loader_fini(&l);
	sourcecache_fini(&c);
}
END_TEST

START_TEST(a_directory_gone_during_a_build_fails_it)
{
	struct sourcetree *old, *t = NULL;
	unsigned long gen = 0;

	ck_assert_int_eq(sourcetree_build(dir, -1, NULL, 1000, &gen, &old, err, sizeof(err)), 0);
	/* removed (here: moved away) after the build's stat, before its walk opens it: no
	 * tree of no sources (every path would answer []), the directory's error */
	snprintf(vanish_path, sizeof(vanish_path), "%s", dir);
	snprintf(vanish_to, sizeof(vanish_to), "%s.gone", dir);
	ck_assert_int_eq(sourcetree_build(dir, -1, old, 1010, &gen, &t, err, sizeof(err)), -1);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(err, dir));
	ck_assert_ptr_nonnull(strstr(err, "No such file or directory"));
	ck_assert_int_eq(rename(vanish_to, dir), 0);
	/* moved away once opened: the walk reads an empty directory, which is not the tree */
	snprintf(vanish_after, sizeof(vanish_after), "%s", dir);
	ck_assert_int_eq(sourcetree_build(dir, -1, old, 1020, &gen, &t, err, sizeof(err)), -1);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(err, "No such file or directory"));
	ck_assert_int_eq(rename(vanish_to, dir), 0);
	/* replaced once opened: the walk mixes the two */
	snprintf(vanish_after, sizeof(vanish_after), "%s", dir);
	vanish_replaced = 1;
	ck_assert_int_eq(sourcetree_build(dir, -1, old, 1030, &gen, &t, err, sizeof(err)), -1);
	vanish_replaced = 0;
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(err, "replaced while read"));
	ck_assert_int_eq(rmdir(dir), 0);
	ck_assert_int_eq(rename(vanish_to, dir), 0);
	sourcetree_free(old);
}
END_TEST

START_TEST(a_subdirectory_that_cannot_be_read_for_now_fails_the_build)
{
	struct sourcetree *t = NULL;

	/* gone since the walk saw it: its sources are gone too, a note */
	snprintf(fail_path, sizeof(fail_path), "%s/sub/deep", dir);
	fail_errno = ENOENT;
	ck_assert_int_eq(sourcetree_load(dir, 1000, &t, err, sizeof(err)), 0);
	ck_assert_uint_eq(t->nsrc, 5);
	ck_assert_ptr_null(sourcetree_find(t, "sub/deep/d"));
	ck_assert_str_eq(t->notes[0], "sub/deep/: No such file or directory");
	sourcetree_free(t);
	/* kept from us (lost+found at a mount point): the same, as every build finds */
	fail_errno = EACCES;
	ck_assert_int_eq(sourcetree_load(dir, 1000, &t, err, sizeof(err)), 0);
	ck_assert_uint_eq(t->nsrc, 5);
	ck_assert_str_eq(t->notes[0], "sub/deep/: Permission denied");
	sourcetree_free(t);
	/* there, but no fd left: what it holds is unknown for now, and a list without it
	 * would be partial until the next build */
	fail_errno = EMFILE;
	ck_assert_int_eq(sourcetree_load(dir, 1000, &t, err, sizeof(err)), -1);
	ck_assert_ptr_null(t);
	ck_assert_ptr_nonnull(strstr(err, "sub/deep/: Too many open files"));
	fail_path[0] = '\0';
}
END_TEST

START_TEST(a_source_whose_read_failed_for_a_passing_reason_is_read_again)
{
	struct sourcecache c;
	struct loader l;
	struct loader_source src = { sourcecache_probe, sourcecache_load, sourcecache_free, &c };
	const struct sourcetree *t;
	struct stat st;
	char p[256];

	snprintf(p, sizeof(p), "%s/b.json", dir);
	ck_assert_int_eq(stat(p, &st), 0);
	enomem_ino = st.st_ino;
	__atomic_store_n(&enomem_left, 1, __ATOMIC_RELEASE);
	ck_assert_int_eq(sourcecache_init(&c, dir), 0);
	ck_assert_int_ge(c.ifd, 0);
	ck_assert_int_eq(loader_init(&l, &src), 0);
	ck_assert_ptr_nonnull(t = tree_after(&l, 0));
	ck_assert_ptr_null(sourcetree_find(t, "b")->set);
	ck_assert_ptr_nonnull(strstr(t->src[1].err, "Cannot allocate memory"));
	/* nothing changes (no event): read again by the next look, and mended */
	ck_assert_ptr_nonnull(t = tree_after(&l, 1));
	body_is(t, "b", "[\n{\"targets\":[\"b:1\"],\"labels\":{}}\n]\n");
	ck_assert_uint_eq(t->nbroken, 0);
	loader_fini(&l);
	sourcecache_fini(&c);
}
END_TEST

START_TEST(a_directory_removed_before_its_watch_keeps_inotify)
{
	struct sourcetree *t;
	unsigned long gen = 0;
	int ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

	ck_assert_int_ge(ifd, 0);
	/* gone between its opendir and its watch: nothing there to watch, no reason to poll */
	snprintf(unwatch_path, sizeof(unwatch_path), "%s/sub/deep", dir);
	ck_assert_int_eq(sourcetree_build(dir, ifd, NULL, 1000, &gen, &t, err, sizeof(err)), 0);
	ck_assert_int_eq(t->unwatched, 0);
	sourcetree_free(t);
	close(ifd);
}
END_TEST

START_TEST(a_source_rewritten_with_its_old_mtime_is_read_again)
{
	struct sourcetree *old, *t;
	unsigned long gen = 0;
	char p[256];

	snprintf(p, sizeof(p), "%s/b.json", dir);
	ck_assert_int_eq(utimensat(AT_FDCWD, p, FILECLOCK_OLD_MTIME, 0), 0);
	ck_assert_int_eq(sourcetree_build(dir, -1, NULL, 1000, &gen, &old, err, sizeof(err)), 0);
	fileclock_past_ctime(p);
	put("b.json", "[{\"targets\":[\"B:1\"]}]");
	ck_assert_int_eq(utimensat(AT_FDCWD, p, FILECLOCK_OLD_MTIME, 0), 0);
	ck_assert_int_eq(sourcetree_build(dir, -1, old, 1010, &gen, &t, err, sizeof(err)), 0);
	body_is(t, "b", "[\n{\"targets\":[\"B:1\"],\"labels\":{}}\n]\n");
	sourcetree_free(old);
	sourcetree_free(t);
}
END_TEST

START_TEST(filters_on_merged_paths)
{
	struct sourcetree *t;
	struct strbuf b = { 0 };
	struct query q;

	put("ips.json", "[{\"targets\":[\"10.0.0.1:9100\",\"10.0.1.1:8080\",\"host:9100\"]},"
	    "{\"targets\":[\"h2:9100\"],\"labels\":{\"__meta_sd_ip\":\"10.0.0.7\"}}]");
	ck_assert_int_eq(sourcetree_load(dir, 1000, &t, err, sizeof(err)), 0);
	ck_assert_int_eq(query_parse("network=10.0.0.0/24", 19, &q, err, sizeof(err)), 0);
	ck_assert_int_eq(sourcetree_filter(t, sourcetree_find(t, ""), &q, &b), 0);
	ck_assert_str_eq(b.p, "[\n{\"targets\":[\"10.0.0.1:9100\"],\"labels\":{}},\n"
	    "{\"targets\":[\"h2:9100\"],\"labels\":{\"__meta_sd_ip\":\"10.0.0.7\"}}\n]\n");
	ck_assert_int_eq(query_parse("network=10.0.0.0/8&port=8080", 28, &q, err, sizeof(err)), 0);
	ck_assert_int_eq(sourcetree_filter(t, sourcetree_find(t, "ips"), &q, &b), 0);
	ck_assert_str_eq(b.p, "[\n{\"targets\":[\"10.0.1.1:8080\"],\"labels\":{}}\n]\n");
	ck_assert_int_eq(query_parse("network=192.0.2.0/24", 20, &q, err, sizeof(err)), 0);
	ck_assert_int_eq(sourcetree_filter(t, sourcetree_find(t, ""), &q, &b), 0);
	ck_assert_str_eq(b.p, "[]\n");
	free(b.p);
	sourcetree_free(t);
}
END_TEST

static void
add_tests(void)
{
	FIXTURE(setup, teardown);
	ADD(sources_and_paths);
	ADD(broken_source_only_where_it_belongs);
	ADD(hostile_entries_ignored);
	ADD(cache_sees_changes_and_reuses);
	ADD(configmap_symlink_flip_is_seen);
	ADD(a_rebuild_leaves_the_old_tree_whole);
	ADD(a_source_replaced_at_each_read_keeps_its_version);
	ADD(an_unreadable_directory_is_retried);
	ADD(a_directory_gone_during_a_build_fails_it);
	ADD(a_source_rewritten_with_its_old_mtime_is_read_again);
	ADD(a_subdirectory_that_cannot_be_read_for_now_fails_the_build);
	ADD(a_source_whose_read_failed_for_a_passing_reason_is_read_again);
	ADD(a_directory_removed_before_its_watch_keeps_inotify);
	ADD(filters_on_merged_paths);
}
