/*
 * check_textfile.c: sd-scan's textfile, byte for byte against tests/data/textfile-*.prom
 * (regenerate with SD_UPDATE_GOLDEN=1, then review the diff), carried from run to run:
 * counters only go up, a failed run keeps the published-targets gauges, and a previous file
 * that cannot be trusted restarts everything from zero with a warning.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "expo.h"
#include "exporead.h"
#include "textfile.h"
#include "check_main.h"

#define DATA	"tests/data/"

static uint16_t ports_a[] = { 8080, 9100 };
static uint16_t ports_b[] = { 9100, 9200 };

static struct scan_config
config(uint16_t *ports, size_t n)
{
	struct scan_config c;

	memset(&c, 0, sizeof(c));
	c.ports.ports = ports;
	c.ports.n = n;
	c.interval = 300;
	c.metrics_file = "unused.prom";
	return c;
}

/* A completed scan of 10 hosts x 2 ports: 8080 open on one host, the second port on two. */
static struct scan_report
run_ok(double started, uint16_t second_port)
{
	static struct probe_hit open[3];
	static uint64_t po[2 * PROBE_OUTCOMES];
	struct scan_report r;

	memset(&r, 0, sizeof(r));
	open[0] = (struct probe_hit){ CIDR_V4(0x0a000001), second_port == 9200 ? 9100 : 8080 };
	open[1] = (struct probe_hit){ CIDR_V4(0x0a000001), second_port };
	open[2] = (struct probe_hit){ CIDR_V4(0x0a000002), second_port };
	memset(po, 0, sizeof(po));
	po[0 * PROBE_OUTCOMES + PROBE_OPEN] = 1;
	po[0 * PROBE_OUTCOMES + PROBE_CLOSED] = 6;
	po[0 * PROBE_OUTCOMES + PROBE_TIMEOUT] = 3;
	po[1 * PROBE_OUTCOMES + PROBE_OPEN] = 2;
	po[1 * PROBE_OUTCOMES + PROBE_CLOSED] = 5;
	po[1 * PROBE_OUTCOMES + PROBE_UNREACHABLE] = 1;
	po[1 * PROBE_OUTCOMES + PROBE_TIMEOUT] = 2;
	r.status = SCAN_OK;
	r.probes.open = open;
	r.probes.nopen = 3;
	r.probes.port_outcome = po;
	r.probes.nports = 2;
	r.probes.outcome[PROBE_OPEN] = 3;
	r.probes.outcome[PROBE_CLOSED] = 11;
	r.probes.outcome[PROBE_UNREACHABLE] = 1;
	r.probes.outcome[PROBE_TIMEOUT] = 5;
	r.probes.done = 20;
	r.probes.seconds = 8;
	r.started = started;
	r.finished = started + 9.25;
	r.targets = 3;
	r.dns_lookups = 2;
	r.dns_cache_hits = 1;
	r.dns_errors = 1;
	return r;
}

/* Interrupted after 4 probes of 8080, nothing published. */
static struct scan_report
run_interrupted(double started)
{
	static uint64_t po[2 * PROBE_OUTCOMES];
	struct scan_report r;

	memset(&r, 0, sizeof(r));
	memset(po, 0, sizeof(po));
	po[0 * PROBE_OUTCOMES + PROBE_CLOSED] = 3;
	po[0 * PROBE_OUTCOMES + PROBE_ERROR] = 1;
	r.status = SCAN_INTERRUPTED;
	r.probes.port_outcome = po;
	r.probes.nports = 2;
	r.probes.outcome[PROBE_CLOSED] = 3;
	r.probes.outcome[PROBE_ERROR] = 1;
	r.probes.done = 4;
	r.probes.seconds = 0.5;
	r.probes.interrupted = 1;
	r.started = started;
	r.finished = started + 0.75;
	return r;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	long n;

	ck_assert_msg(fp != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

/* Format into a new string; warn gets the warning. The caller frees. */
static char *
format(const struct scan_config *c, const struct scan_report *r, const char *prev,
    size_t prevlen, char *warn, size_t warnlen)
{
	struct expo e;
	char *out;

	expo_init(&e);
	ck_assert_int_eq(textfile_format(c, r, prev, prevlen, &e, warn, warnlen), 0);
	out = strdup(e.buf);
	ck_assert_ptr_nonnull(out);
	expo_fini(&e);
	return out;
}

static void
assert_golden(const char *got, const char *name)
{
	char path[256];
	size_t len;
	char *want;

	snprintf(path, sizeof(path), DATA "%s", name);
	if (getenv("SD_UPDATE_GOLDEN")) {
		FILE *fp = fopen(path, "w");

		ck_assert_ptr_nonnull(fp);
		fputs(got, fp);
		ck_assert_int_eq(fclose(fp), 0);
	}
	want = slurp(path, &len);
	ck_assert_msg(strlen(got) == len && memcmp(got, want, len) == 0,
	    "%s differs from the output:\n%s", path, got);
	free(want);
}

/* Every counter and histogram series of a is in b, with a value at least as high. */
static void
assert_counters_grew(const char *a, const char *b)
{
	struct exporead ra, rb;
	char err[128];
	size_t checked = 0;

	ck_assert_int_eq(exporead_parse(a, strlen(a), &ra, err, sizeof(err)), 0);
	ck_assert_int_eq(exporead_parse(b, strlen(b), &rb, err, sizeof(err)), 0);
	for (size_t i = 0; i < ra.nsamples; i++) {
		const struct exporead_sample *s = &ra.samples[i];
		struct expo_label l[4];
		double v;

		if (strstr(s->name, "_total") == NULL && strstr(s->name, "_duration_seconds_") == NULL)
			continue;
		if (strcmp(s->name, "scanner_targets_total") == 0)
			continue;	/* a gauge, whatever its name */
		ck_assert_uint_le(s->nlabels, 4);
		for (size_t k = 0; k < s->nlabels; k++)
			l[k] = (struct expo_label){ s->labels[k].name, s->labels[k].value };
		ck_assert_msg(exporead_get(&rb, s->name, l, s->nlabels, &v) == 0, "%s vanished",
		    s->name);
		ck_assert_msg(v >= s->value, "%s went down: %g -> %g", s->name, s->value, v);
		checked++;
	}
	ck_assert_uint_ge(checked, 20);
	exporead_fini(&ra);
	exporead_fini(&rb);
}

static double
value(const char *text, const char *name, const char *lname, const char *lvalue)
{
	struct exporead r;
	struct expo_label l = { lname, lvalue };
	char err[128];
	double v = -1;

	ck_assert_int_eq(exporead_parse(text, strlen(text), &r, err, sizeof(err)), 0);
	if (exporead_get(&r, name, &l, lname ? 1 : 0, &v) < 0)
		v = -1;
	exporead_fini(&r);
	return v;
}

START_TEST(golden_runs)
{
	struct scan_config ca = config(ports_a, 2), cb = config(ports_b, 2);
	struct scan_report r1 = run_ok(1763780940.0, 9100), r2, r3;
	char warn[256], *first, *second, *third;

	first = format(&ca, &r1, NULL, 0, warn, sizeof(warn));
	ck_assert_str_eq(warn, "");
	assert_golden(first, "textfile-first.prom");

	r2 = run_interrupted(1763781240.0);
	second = format(&ca, &r2, first, strlen(first), warn, sizeof(warn));
	ck_assert_str_eq(warn, "");
	assert_golden(second, "textfile-interrupted.prom");
	assert_counters_grew(first, second);
	/* a failed run keeps what the published file holds */
	ck_assert(value(second, "scanner_last_scan_success", NULL, NULL) == 0);
	ck_assert(value(second, "scanner_last_scan_exit_status", NULL, NULL) == SCAN_INTERRUPTED);
	ck_assert(value(second, "scanner_targets_total", "port", "9100") == 2);
	ck_assert(value(second, "scanner_targets_discovered", NULL, NULL) == 3);
	ck_assert(value(second, "scanner_last_success_timestamp_seconds", NULL, NULL) ==
	    1763780949.25);
	ck_assert(value(second, "scanner_scan_duration_seconds_count", NULL, NULL) == 1);
	ck_assert(value(second, "scanner_scan_errors_total", NULL, NULL) == 1);

	/* the ports changed: 8080's counters stay, its targets gauge goes */
	r3 = run_ok(1763781540.0, 9200);
	third = format(&cb, &r3, second, strlen(second), warn, sizeof(warn));
	ck_assert_str_eq(warn, "");
	assert_golden(third, "textfile-third.prom");
	assert_counters_grew(second, third);
	ck_assert(value(third, "scanner_connection_attempts_total", "port", "8080") == 14);
	ck_assert(value(third, "scanner_targets_total", "port", "8080") == -1);
	ck_assert(value(third, "scanner_targets_total", "port", "9200") == 2);
	ck_assert(value(third, "scanner_scans_total", NULL, NULL) == 3);
	ck_assert(value(third, "scanner_scan_duration_seconds_sum", NULL, NULL) == 18.5);
	free(first);
	free(second);
	free(third);
}
END_TEST

/* Each damaged previous file gives exactly the first run's output, and a warning. */
START_TEST(untrusted_previous_starts_from_zero)
{
	struct scan_config ca = config(ports_a, 2);
	struct scan_report r1 = run_ok(1763780940.0, 9100);
	char warn[256], *first, *got, *bad;
	size_t len;
	const struct { const char *from, *to, *why; } edits[] = {
		{ "scanner_scans_total 1\n", "scanner_scans_total -1\n", "not a whole number" },
		{ "scanner_scans_total 1\n", "scanner_scans_total 1.5\n", "not a whole number" },
		{ "scanner_scans_total 1\n", "scanner_scans_total NaN\n", "not a whole number" },
		{ "scanner_scans_total 1\n", "", "no scanner_scans_total" },
		{ "{le=\"15\"}", "{le=\"20\"}", "other buckets" },
		{ "scanner_scan_duration_seconds_bucket{le=\"15\"} 1\n", "", "other buckets" },
		{ "scanner_scan_duration_seconds_count 1\n",
		  "scanner_scan_duration_seconds_count 2\n", "+Inf bucket differs" },
		{ "{le=\"1\"} 0", "{le=\"1\"} 5", "not cumulative" },
		{ "attempts_total{port=\"9100\"} 10", "attempts_total{port=\"0\"} 10", "valid port" },
		{ "attempts_total{port=\"9100\"} 10", "attempts_total{port=\"09100\"} 10",
		  "valid port" },
		{ "scanner_targets_total{port=\"9100\"} 2", "scanner_targets_total 2",
		  "valid port" },
		{ "scanner_dns_lookups_total 2\n", "scanner_dns_lookups_total 2 x\n", "line " },
		{ "scanner_targets_discovered 3\n", "scanner_targets_discovered -3\n", ">= 0" },
	};

	first = format(&ca, &r1, NULL, 0, warn, sizeof(warn));
	len = strlen(first);
	bad = malloc(len + 64);
	ck_assert_ptr_nonnull(bad);

	/* garbage, an empty file, a truncated one */
	got = format(&ca, &r1, "\x7f" "ELF\n", 5, warn, sizeof(warn));
	ck_assert_str_eq(got, first);
	ck_assert_str_eq(warn, "line 1: bad metric name");
	free(got);
	got = format(&ca, &r1, "", 0, warn, sizeof(warn));
	ck_assert_str_eq(got, first);
	ck_assert_str_eq(warn, "no scanner_scans_total in it");
	free(got);
	got = format(&ca, &r1, first, len - 1, warn, sizeof(warn));
	ck_assert_str_eq(got, first);
	ck_assert_ptr_nonnull(strstr(warn, "no newline at the end"));
	free(got);

	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		char *at = strstr(first, edits[i].from);
		size_t pre;

		ck_assert_msg(at != NULL, "%s not in the golden file", edits[i].from);
		pre = (size_t)(at - first);
		memcpy(bad, first, pre);
		memcpy(bad + pre, edits[i].to, strlen(edits[i].to));
		memcpy(bad + pre + strlen(edits[i].to), at + strlen(edits[i].from),
		    strlen(at + strlen(edits[i].from)) + 1);
		got = format(&ca, &r1, bad, strlen(bad), warn, sizeof(warn));
		ck_assert_msg(strcmp(got, first) == 0, "edit %zu carried something", i);
		ck_assert_msg(strstr(warn, edits[i].why) != NULL, "edit %zu: warning '%s'", i,
		    warn);
		free(got);
	}
	free(bad);
	free(first);
}
END_TEST

/* The run that could not take the lock: no probes, nothing published. */
START_TEST(run_without_probes)
{
	struct scan_config ca = config(ports_a, 2);
	struct scan_report r;
	char warn[256], *got;

	memset(&r, 0, sizeof(r));
	r.status = SCAN_OUTPUT;
	r.started = r.finished = 1763780940;
	got = format(&ca, &r, NULL, 0, warn, sizeof(warn));
	ck_assert(value(got, "scanner_scans_total", NULL, NULL) == 1);
	ck_assert(value(got, "scanner_scan_errors_total", NULL, NULL) == 1);
	ck_assert(value(got, "scanner_scan_duration_seconds_count", NULL, NULL) == 0);
	ck_assert(value(got, "scanner_connection_attempts_total", "port", "8080") == 0);
	ck_assert(value(got, "scanner_last_scan_exit_status", NULL, NULL) == 6);
	ck_assert(value(got, "scanner_last_success_timestamp_seconds", NULL, NULL) == 0);
	ck_assert(value(got, "scanner_targets_discovered", NULL, NULL) == -1);	/* unknown */
	ck_assert_ptr_null(strstr(got, "scanner_targets_total"));
	free(got);
}
END_TEST

static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.' || strncmp(de->d_name, ".m.prom.tmp", 11) == 0;
	closedir(d);
	return n;
}

START_TEST(write_replaces_the_file)
{
	char dir[] = "/tmp/check_textfile.XXXXXX", path[128], nodir[160];
	char warn[512], err[512], *text;
	struct scan_config ca = config(ports_a, 2);
	struct scan_report r1 = run_ok(1763780940.0, 9100), r2 = run_interrupted(1763781240.0);
	size_t len;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/m.prom", dir);
	ca.metrics_file = path;
	ck_assert_int_eq(textfile_write(&ca, &r1, warn, sizeof(warn), err, sizeof(err)), 0);
	ck_assert_str_eq(warn, "");	/* the first run: no previous file is no warning */
	ck_assert_int_eq(textfile_write(&ca, &r2, warn, sizeof(warn), err, sizeof(err)), 0);
	ck_assert_str_eq(warn, "");
	text = slurp(path, &len);
	assert_golden(text, "textfile-interrupted.prom");
	free(text);
	ck_assert_int_eq(count_entries(dir), 1);	/* no temp file left */

	snprintf(nodir, sizeof(nodir), "%s/missing/m.prom", dir);
	ca.metrics_file = nodir;
	ck_assert_int_eq(textfile_write(&ca, &r1, warn, sizeof(warn), err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "/missing/.m.prom.tmp.") != NULL, "%s", err);

	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

static void
add_tests(void)
{
	ADD(golden_runs);
	ADD(untrusted_previous_starts_from_zero);
	ADD(run_without_probes);
	ADD(write_replaces_the_file);
}
