/*
 * check_targets.c: the targets file bytes (golden) and atomic replacement.
 */
#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomicfile.h"
#include "targets.h"
#include "check_main.h"

START_TEST(golden_bytes)
{
	const struct target v[] = {
		{ CIDR_V4(0x0aae4732u), 9100, "stsgl01p1.psr-paytv.smf1.mobitv", NULL, NULL },
		{ CIDR_V4(0x0a000001u), 9100, NULL, NULL, NULL },
	};
	const struct target seen[] = { { CIDR_V4(0x0a000002u), 8080, NULL, "2026-12-01T08:00:00Z", NULL } };
	char *out;
	size_t len;

	ck_assert_int_eq(targets_format(v, 2, &out, &len), 0);
	ck_assert_str_eq(out, "[\n"
	    "{\"targets\":[\"stsgl01p1.psr-paytv.smf1.mobitv:9100\"],\"labels\":{"
	    "\"__meta_sd_hostname\":\"stsgl01p1.psr-paytv.smf1.mobitv\","
	    "\"__meta_sd_ip\":\"10.174.71.50\",\"__meta_sd_port\":\"9100\"}},\n"
	    "{\"targets\":[\"10.0.0.1:9100\"],\"labels\":{\"__meta_sd_hostname\":\"10.0.0.1\","
	    "\"__meta_sd_ip\":\"10.0.0.1\",\"__meta_sd_port\":\"9100\"}}\n"
	    "]\n");
	ck_assert_uint_eq(len, strlen(out));
	free(out);
	/* -grace: the last-seen label in its place by name, as every label */
	ck_assert_int_eq(targets_format(seen, 1, &out, &len), 0);
	ck_assert_str_eq(out, "[\n"
	    "{\"targets\":[\"10.0.0.2:8080\"],\"labels\":{\"__meta_sd_hostname\":\"10.0.0.2\","
	    "\"__meta_sd_ip\":\"10.0.0.2\",\"__meta_sd_last_seen\":\"2026-12-01T08:00:00Z\","
	    "\"__meta_sd_port\":\"8080\"}}\n"
	    "]\n");
	free(out);
	ck_assert_int_eq(targets_format(NULL, 0, &out, &len), 0);
	ck_assert_str_eq(out, "[]\n");
	free(out);
}
END_TEST

START_TEST(escapes_whatever_it_is_given)
{
	const struct target v[] = { { 1, 1, "a\"b\\c/d\n", NULL, NULL } };
	char *out;
	size_t len;

	ck_assert_int_eq(targets_format(v, 1, &out, &len), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"a\\\"b\\\\c/d\\n:1\""));
	free(out);
}
END_TEST

/* Port names and extra labels: every group's labels in strcmp order, values escaped. */
START_TEST(labels_sorted_by_name)
{
	const struct target v[] = {
		{ CIDR_V4(0x0a000001u), 8080, NULL, NULL, "livesegmenter" },
		{ CIDR_V4(0x0a000002u), 9090, "b.example", NULL, NULL },
	};
	const struct target_label extra[] = {
		{ "site", "ams1" }, { "Zone", "ost \"a\"\n\xc3\xa9" }, { "env", "prod" }, { "_x", "1" },
	};
	char *out, *again;
	size_t len, len2;

	ck_assert_int_eq(targets_format_labels(v, 2, extra, 4, &out, &len), 0);
	ck_assert_str_eq(out, "[\n"
	    "{\"targets\":[\"10.0.0.1:8080\"],\"labels\":{\"Zone\":\"ost \\\"a\\\"\\n\xc3\xa9\","
	    "\"__meta_sd_hostname\":\"10.0.0.1\",\"__meta_sd_ip\":\"10.0.0.1\","
	    "\"__meta_sd_port\":\"8080\",\"__meta_sd_port_name\":\"livesegmenter\","
	    "\"_x\":\"1\",\"env\":\"prod\",\"site\":\"ams1\"}},\n"
	    "{\"targets\":[\"b.example:9090\"],\"labels\":{\"Zone\":\"ost \\\"a\\\"\\n\xc3\xa9\","
	    "\"__meta_sd_hostname\":\"b.example\",\"__meta_sd_ip\":\"10.0.0.2\","
	    "\"__meta_sd_port\":\"9090\",\"_x\":\"1\",\"env\":\"prod\",\"site\":\"ams1\"}}\n"
	    "]\n");
	ck_assert_uint_eq(len, strlen(out));
	/* the extra labels' order does not change a byte */
	ck_assert_int_eq(targets_format_labels(v, 2, (const struct target_label[]){ extra[3],
	    extra[2], extra[1], extra[0] }, 4, &again, &len2), 0);
	ck_assert_uint_eq(len2, len);
	ck_assert_mem_eq(again, out, len);
	free(again);
	free(out);
	/* without names or labels: targets_format's bytes */
	ck_assert_int_eq(targets_format_labels(v + 1, 1, NULL, 0, &out, &len), 0);
	ck_assert_int_eq(targets_format(v + 1, 1, &again, &len2), 0);
	ck_assert_uint_eq(len2, len);
	ck_assert_mem_eq(again, out, len);
	free(again);
	free(out);
}
END_TEST

static char dir[64];

static void
mkdir_tmp(void)
{
	snprintf(dir, sizeof(dir), "/tmp/check_targets.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static char *
slurp(const char *path)
{
	static char buf[256];
	FILE *fp = fopen(path, "r");
	size_t n;

	if (!fp)
		return NULL;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

START_TEST(atomic_replace)
{
	char path[128], stale[160], err[256];
	int fd;

	mkdir_tmp();
	snprintf(path, sizeof(path), "%s/targets.json", dir);
	ck_assert_int_eq(atomicfile_write(path, "one\n", 4, 0644, err, sizeof(err)), 0);
	ck_assert_str_eq(slurp(path), "one\n");
	ck_assert_int_eq(atomicfile_write(path, "two\n", 4, 0644, err, sizeof(err)), 0);
	ck_assert_str_eq(slurp(path), "two\n");
	/* a temp file of a dead process is swept; the target is untouched */
	snprintf(stale, sizeof(stale), "%s/.targets.json.tmp.999999999", dir);
	fd = open(stale, O_CREAT | O_WRONLY, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(atomicfile_sweep(path), 1);
	ck_assert_int_eq(access(stale, F_OK), -1);
	ck_assert_str_eq(slurp(path), "two\n");
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(failure_keeps_the_old_file)
{
	char path[128], err[256];

	mkdir_tmp();
	snprintf(path, sizeof(path), "%s/missing-dir/targets.json", dir);
	ck_assert_int_eq(atomicfile_write(path, "x", 1, 0644, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "No such file or directory"));
	/* the path is a directory: rename fails, the temp file is removed */
	snprintf(path, sizeof(path), "%s/sub", dir);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	ck_assert_int_eq(atomicfile_write(path, "x", 1, 0644, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "rename"));
	ck_assert_int_eq(atomicfile_sweep(path), 0);
	rmdir(path);
	rmdir(dir);
}
END_TEST

static void
add_tests(void)
{
	ADD(golden_bytes);
	ADD(escapes_whatever_it_is_given);
	ADD(labels_sorted_by_name);
	ADD(atomic_replace);
	ADD(failure_keeps_the_old_file);
}
