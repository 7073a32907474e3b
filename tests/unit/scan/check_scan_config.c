/*
 * check_scan_config.c: options -> struct scan_config; here the paths derived from -output,
 * and the retry defaults and -retry-scope (flag, environment, a bad value).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optvalue.h"
#include "scan_config.h"
#include "check_main.h"

/* Build the config of `sd-scan -output output`; 0 or -1 as scan_config_build. */
static int
build(struct scan_config *c, const char *output, char *err, size_t errlen)
{
	const char *argv[] = { "sd-scan", "-networks", "127.0.0.1/32", "-output", output, NULL };
	struct options o;
	int rc = -1;

	unsetenv("SCANNER_CONFIG");
	unsetenv("SCANNER_OUTPUT");
	unsetenv("SCANNER_DNS_CACHE");
	unsetenv("SCANNER_NETWORKS");
	if (options_load(&o, OPTION_SCAN, 5, argv, err, errlen) == OPTIONS_OK)
		rc = scan_config_build(c, &o, NULL, NULL, NULL, err, errlen);
	options_fini(&o);
	return rc;
}

/* The default PTR cache sits beside -output however long its directory (was cut at 256). */
START_TEST(default_cache_beside_long_output)
{
	static const size_t dirlens[] = { 10, 300, OPTVALUE_PATH_MAX - sizeof("/t.json") + 1 };
	char output[OPTVALUE_PATH_MAX + 1], want[OPTVALUE_PATH_MAX + 32], err[512];
	struct scan_config c;

	for (size_t k = 0; k < sizeof(dirlens) / sizeof(dirlens[0]); k++) {
		size_t n = dirlens[k];

		memset(output, 'd', n);
		output[0] = '/';
		snprintf(want, sizeof(want), "%.*s/ptr-cache.tsv", (int)n, output);
		snprintf(output + n, sizeof(output) - n, "/t.json");
		ck_assert_uint_le(strlen(output), OPTVALUE_PATH_MAX);
		ck_assert_msg(build(&c, output, err, sizeof(err)) == 0, "%s", err);
		ck_assert_str_eq(c.dns_cache, want);
		scan_config_fini(&c);
	}
}
END_TEST

/* sd-scan with argv's flags after -networks 127.0.0.1/32 (at most 4); as scan_config_build. */
static int
build_args(struct scan_config *c, const char *a1, const char *a2, char *err, size_t errlen)
{
	const char *argv[] = { "sd-scan", "-networks", "127.0.0.1/32", a1, a2, NULL };
	int argc = a1 == NULL ? 3 : a2 == NULL ? 4 : 5;
	struct options o;
	int rc = -1;

	unsetenv("SCANNER_CONFIG");
	unsetenv("SCANNER_NETWORKS");
	if (options_load(&o, OPTION_SCAN, argc, argv, err, errlen) == OPTIONS_OK)
		rc = scan_config_build(c, &o, NULL, NULL, NULL, err, errlen);
	options_fini(&o);
	return rc;
}

/* The defaults issue 14 measured (README "Tuning for a real network"). */
START_TEST(retry_defaults_and_scope)
{
	struct scan_config c;
	char err[512];

	unsetenv("SCANNER_RETRY_SCOPE");
	unsetenv("SCANNER_RETRIES");
	unsetenv("SCANNER_TIMEOUT");
	ck_assert_msg(build_args(&c, NULL, NULL, err, sizeof(err)) == 0, "%s", err);
	ck_assert_double_eq(c.timeout, 1.5);
	ck_assert_uint_eq(c.retries, 1);
	ck_assert_int_eq(c.retry_scope, REPROBE_SCOPE_ANSWERING);
	scan_config_fini(&c);

	ck_assert_msg(build_args(&c, "-retry-scope", "all", err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(c.retry_scope, REPROBE_SCOPE_ALL);
	scan_config_fini(&c);
	ck_assert_msg(build_args(&c, "-retry-scope=answering", NULL, err, sizeof(err)) == 0, "%s",
	    err);
	ck_assert_int_eq(c.retry_scope, REPROBE_SCOPE_ANSWERING);
	scan_config_fini(&c);

	/* the environment wins over the flag */
	setenv("SCANNER_RETRY_SCOPE", "all", 1);
	ck_assert_msg(build_args(&c, "-retry-scope", "answering", err, sizeof(err)) == 0, "%s",
	    err);
	ck_assert_int_eq(c.retry_scope, REPROBE_SCOPE_ALL);
	scan_config_fini(&c);

	setenv("SCANNER_RETRY_SCOPE", "some", 1);
	ck_assert_int_eq(build_args(&c, NULL, NULL, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "retry-scope") != NULL && strstr(err, "some") != NULL, "%s", err);
	unsetenv("SCANNER_RETRY_SCOPE");
}
END_TEST

static void
add_tests(void)
{
	ADD(default_cache_beside_long_output);
	ADD(retry_defaults_and_scope);
}
