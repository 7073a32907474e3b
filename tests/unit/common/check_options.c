/*
 * check_options.c: defaults < config file < flags < environment, and the flag syntaxes.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "options.h"
#include "check_main.h"

static char conf_path[64];

static void
setup(void)
{
	FILE *fp;
	int fd;

	unsetenv("SCANNER_PORTS");
	unsetenv("SCANNER_CONFIG");
	unsetenv("SCANNER_NETWORKS");
	snprintf(conf_path, sizeof(conf_path), "/tmp/check_options.XXXXXX");
	fd = mkstemp(conf_path);
	ck_assert_int_ge(fd, 0);
	fp = fdopen(fd, "w");
	fputs("SCANNER_PORTS=1000\nSCANNER_NETWORKS=10.1.0.0/24\nSCANNER_TIMEOUT=2s\n"
	    "SCANNER_MAX_AGE=1h\n", fp);
	fclose(fp);
}

static void
teardown(void)
{
	unlink(conf_path);
}

START_TEST(defaults)
{
	struct options o;
	char err[256], where[256];
	const char *argv[] = { "sd-scan", NULL };

	ck_assert_int_eq(options_load(&o, OPTION_SCAN, 1, argv, err, sizeof(err)), OPTIONS_OK);
	ck_assert_str_eq(options_get(&o, "ports"), "9100,8080,8081,4999,9090");
	ck_assert_str_eq(options_get(&o, "rate-limit"), "50");
	ck_assert_str_eq(options_origin(&o, "ports", where, sizeof(where)), "default");
	options_fini(&o);
}
END_TEST

START_TEST(precedence)
{
	struct options o;
	char err[256], where[256];
	const char *argv[] = { "sd-scan", "-config", conf_path, "--networks=10.2.0.0/24", "-skip-broadcast=false",
	    "--timeout", "3s", NULL };

	setenv("SCANNER_PORTS", "2000", 1);
	ck_assert_int_eq(options_load(&o, OPTION_SCAN, 7, argv, err, sizeof(err)), OPTIONS_OK);
	ck_assert_str_eq(options_get(&o, "ports"), "2000");		/* env beats file */
	ck_assert_str_eq(options_origin(&o, "ports", where, sizeof(where)), "SCANNER_PORTS");
	ck_assert_str_eq(options_get(&o, "networks"), "10.2.0.0/24");	/* flag beats file */
	ck_assert_str_eq(options_get(&o, "timeout"), "3s");
	ck_assert_str_eq(options_get(&o, "skip-broadcast"), "false");
	options_fini(&o);

	unsetenv("SCANNER_PORTS");
	ck_assert_int_eq(options_load(&o, OPTION_SCAN, 3, argv, err, sizeof(err)), OPTIONS_OK);
	ck_assert_str_eq(options_get(&o, "ports"), "1000");		/* file beats default */
	ck_assert_str_eq(options_get(&o, "timeout"), "2s");
	snprintf(err, sizeof(err), "config %s:1", conf_path);
	ck_assert_str_eq(options_origin(&o, "ports", where, sizeof(where)), err);
	options_fini(&o);
}
END_TEST

START_TEST(config_from_env)
{
	struct options o;
	char err[256];
	const char *argv[] = { "sd-scan", NULL };

	setenv("SCANNER_CONFIG", conf_path, 1);
	ck_assert_int_eq(options_load(&o, OPTION_SCAN, 1, argv, err, sizeof(err)), OPTIONS_OK);
	ck_assert_str_eq(options_get(&o, "networks"), "10.1.0.0/24");
	options_fini(&o);
	unsetenv("SCANNER_CONFIG");
}
END_TEST

START_TEST(bad_flags)
{
	struct options o;
	char err[256];
	const char *unknown[] = { "sd-scan", "-netwroks", "10.0.0.0/8", NULL };
	const char *novalue[] = { "sd-scan", "-ports", NULL };
	const char *positional[] = { "sd-scan", "10.0.0.0/8", NULL };
	const char *badbool[] = { "sd-scan", "-no-dns=perhaps", NULL };
	const char *serveonly[] = { "sd-scan", "-max-age", "1h", NULL };
	const char *help[] = { "sd-scan", "--help", NULL };
	const char *version[] = { "sd-scan", "-version", NULL };

	ck_assert_int_eq(options_load(&o, OPTION_SCAN, 3, unknown, err, sizeof(err)), OPTIONS_ERROR);
	ck_assert_str_eq(err, "unknown flag -netwroks (see --help)");
	options_fini(&o);
	ck_assert_int_eq(options_load(&o, OPTION_SCAN, 2, novalue, err, sizeof(err)), OPTIONS_ERROR);
	ck_assert_str_eq(err, "flag -ports needs a value: PORTS");
	options_fini(&o);
	ck_assert_int_eq(options_load(&o, OPTION_SCAN, 2, positional, err, sizeof(err)),
	    OPTIONS_ERROR);
	options_fini(&o);
	ck_assert_int_eq(options_load(&o, OPTION_SCAN, 2, badbool, err, sizeof(err)), OPTIONS_ERROR);
	options_fini(&o);
	ck_assert_int_eq(options_load(&o, OPTION_SCAN, 3, serveonly, err, sizeof(err)),
	    OPTIONS_ERROR);
	options_fini(&o);
	ck_assert_int_eq(options_load(&o, OPTION_SCAN, 2, help, err, sizeof(err)), OPTIONS_HELP);
	options_fini(&o);
	ck_assert_int_eq(options_load(&o, OPTION_SCAN, 2, version, err, sizeof(err)),
	    OPTIONS_VERSION);
	options_fini(&o);
}
END_TEST

START_TEST(unknown_config_key)
{
	struct options o;
	char err[512], expect[512];
	const char *argv[] = { "sd-scan", "-config", conf_path, NULL };
	FILE *fp = fopen(conf_path, "a");

	fputs("SCANNER_NETWROKS=10.0.0.0/8\n", fp);
	fclose(fp);
	ck_assert_int_eq(options_load(&o, OPTION_SCAN, 3, argv, err, sizeof(err)), OPTIONS_ERROR);
	snprintf(expect, sizeof(expect), "config file %s: line 5: unknown key SCANNER_NETWROKS",
	    conf_path);
	ck_assert_str_eq(err, expect);
	options_fini(&o);
}
END_TEST

static void
add_tests(void)
{
	FIXTURE(setup, teardown);
	ADD(defaults);
	ADD(precedence);
	ADD(config_from_env);
	ADD(bad_flags);
	ADD(unknown_config_key);
}
