/*
 * check_bodycache.c: body files for the send-file offload: written once per version, named
 * for it, old versions kept through their grace and then swept, failures fall back.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bodycache.h"
#include "check_main.h"

static char dir[] = "/tmp/check_bodycache.XXXXXX";
static char err[512], name[BODYCACHE_NAME_MAX];

static void
key(struct targetset_key *k, long ino)
{
	memset(k, 0, sizeof(*k));
	k->dev = 1;
	k->ino = (ino_t)ino;
	k->size = 100;
	k->mtime.tv_sec = 1700000000;
	k->mtime.tv_nsec = ino;
}

/* The bytes of DIR/n, compared with s. */
static void
has(const char *n, const char *s)
{
	char path[600], buf[256] = "";
	FILE *fp;
	size_t r;

	snprintf(path, sizeof(path), "%s/%s", dir, n);
	ck_assert_msg((fp = fopen(path, "r")) != NULL, "%s missing", path);
	r = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[r] = '\0';
	fclose(fp);
	ck_assert_str_eq(buf, s);
}

static int
files(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

START_TEST(written_once_per_version_and_swept_after_grace)
{
	static char a[] = "[\n", b[] = "{\"targets\":[]}", c[] = "\n]\n";
	struct iovec iov[3] = { { a, 2 }, { b, 14 }, { c, 3 } };
	struct targetset_key k1, k2;
	struct bodycache bc;
	char first[BODYCACHE_NAME_MAX], port[BODYCACHE_NAME_MAX];
	const char *n;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(bodycache_init(&bc, dir, "/var/lib/sd-scan/targets.json"), 0);
	key(&k1, 11);
	key(&k2, 12);

	n = bodycache_file(&bc, &k1, "all", iov, 3, 19, 1000, name, sizeof(name), err, sizeof(err));
	ck_assert_msg(n != NULL, "%s", err);
	ck_assert(strncmp(n, "sd-", 3) == 0 && strstr(n, "-all.json") != NULL);
	ck_assert_ptr_null(strchr(n, '/'));
	has(n, "[\n{\"targets\":[]}\n]\n");
	snprintf(first, sizeof(first), "%s", n);
	ck_assert_ptr_nonnull(bodycache_file(&bc, &k1, "all", iov, 3, 19, 1000.1, name,
	    sizeof(name), err, sizeof(err)));
	ck_assert_str_eq(name, first);
	ck_assert_uint_eq(bc.writes, 1);
	ck_assert_ptr_nonnull(bodycache_file(&bc, &k1, "p9100", iov, 1, 2, 1000.2, port,
	    sizeof(port), err, sizeof(err)));
	has(port, "[\n");
	ck_assert_int_eq(files(), 2);

	/* a new version: new names; the old files live through their grace */
	ck_assert_ptr_nonnull(bodycache_file(&bc, &k2, "all", iov, 2, 16, 1001, name, sizeof(name),
	    err, sizeof(err)));
	ck_assert_str_ne(name, first);
	has(name, "[\n{\"targets\":[]}");
	ck_assert_int_eq(bodycache_sweep(&bc, 1001 + BODYCACHE_GRACE_S / 2), 0);
	has(first, "[\n{\"targets\":[]}\n]\n");
	ck_assert_int_eq(bodycache_sweep(&bc, 1001 + BODYCACHE_GRACE_S + 0.1), 2);
	ck_assert_int_eq(files(), 1);
	has(name, "[\n{\"targets\":[]}");

	/* a file of the right name but the wrong size (truncated) is written again */
	{
		char path[600];

		snprintf(path, sizeof(path), "%s/%s", dir, name);
		ck_assert_int_eq(truncate(path, 3), 0);
	}
	ck_assert_ptr_nonnull(bodycache_file(&bc, &k2, "all", iov, 2, 16, 1010, name, sizeof(name),
	    err, sizeof(err)));
	has(name, "[\n{\"targets\":[]}");
	/* another targets file (or boot) gets other names, and its files are not ours to sweep */
	{
		struct bodycache other;

		ck_assert_int_eq(bodycache_init(&other, dir, "/srv/other.json"), 0);
		ck_assert_ptr_nonnull(bodycache_file(&other, &k1, "all", iov, 3, 19, 1010, port,
		    sizeof(port), err, sizeof(err)));
		ck_assert_str_ne(port, first);
		ck_assert_int_eq(bodycache_sweep(&bc, 5000), 0);
		ck_assert_int_eq(files(), 2);
		unlink(port);	/* relative to dir below */
		bodycache_fini(&other);
	}
	bodycache_fini(&bc);
	{
		DIR *d = opendir(dir);
		struct dirent *de;
		char path[600];

		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			unlink(path);
		}
		closedir(d);
	}
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

START_TEST(unwritable_directory_falls_back)
{
	static char a[] = "[]\n";
	struct iovec iov[1] = { { a, 3 } };
	struct targetset_key k;
	struct bodycache bc;
	char file[] = "/tmp/check_bodycache.file.XXXXXX", sub[600];
	int fd;

	ck_assert_int_ge(fd = mkstemp(file), 0);
	close(fd);
	snprintf(sub, sizeof(sub), "%s/cache", file);	/* under a regular file */
	ck_assert_int_eq(bodycache_init(&bc, sub, "/t.json"), 0);
	key(&k, 1);
	ck_assert_ptr_null(bodycache_file(&bc, &k, "all", iov, 1, 3, 100, name, sizeof(name), err,
	    sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, sub));
	/* no retry (and no message) until BODYCACHE_RETRY_S later */
	ck_assert_ptr_null(bodycache_file(&bc, &k, "all", iov, 1, 3, 101, name, sizeof(name), err,
	    sizeof(err)));
	ck_assert_str_eq(err, "");
	unlink(file);
	ck_assert_int_eq(mkdir(file, 0700), 0);
	ck_assert_ptr_nonnull(bodycache_file(&bc, &k, "all", iov, 1, 3, 100 + BODYCACHE_RETRY_S + 1,
	    name, sizeof(name), err, sizeof(err)));
	snprintf(sub, sizeof(sub), "%s/cache/%s", file, name);
	ck_assert_int_eq(unlink(sub), 0);
	snprintf(sub, sizeof(sub), "%s/cache", file);
	ck_assert_int_eq(rmdir(sub), 0);
	ck_assert_int_eq(rmdir(file), 0);
	bodycache_fini(&bc);
}
END_TEST

static void
add_tests(void)
{
	ADD(written_once_per_version_and_swept_after_grace);
	ADD(unwritable_directory_falls_back);
}
