/*
 * check_options.c: defaults < config file < flags < environment, the flag syntaxes, and a
 * table with one complete row per option id. (An id not in enum option_id, such as
 * OPT_NETWROKS, does not compile: that check is the compiler's, not this suite's.)
 */
#include <check.h>
#include <ctype.h>
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
	ck_assert_str_eq(options_get(&o, OPT_PORTS), "9100,8080,8081,4999,9090");
	ck_assert_str_eq(options_get(&o, OPT_RATE_LIMIT), "50");
	ck_assert_str_eq(options_origin(&o, OPT_PORTS, where, sizeof(where)), "default");
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
	ck_assert_str_eq(options_get(&o, OPT_PORTS), "2000");		/* env beats file */
	ck_assert_str_eq(options_origin(&o, OPT_PORTS, where, sizeof(where)), "SCANNER_PORTS");
	ck_assert_str_eq(options_get(&o, OPT_NETWORKS), "10.2.0.0/24");	/* flag beats file */
	ck_assert_str_eq(options_get(&o, OPT_TIMEOUT), "3s");
	ck_assert_str_eq(options_get(&o, OPT_SKIP_BROADCAST), "false");
	options_fini(&o);

	unsetenv("SCANNER_PORTS");
	ck_assert_int_eq(options_load(&o, OPTION_SCAN, 3, argv, err, sizeof(err)), OPTIONS_OK);
	ck_assert_str_eq(options_get(&o, OPT_PORTS), "1000");		/* file beats default */
	ck_assert_str_eq(options_get(&o, OPT_TIMEOUT), "2s");
	snprintf(err, sizeof(err), "config %s:1", conf_path);
	ck_assert_str_eq(options_origin(&o, OPT_PORTS, where, sizeof(where)), err);
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
	ck_assert_str_eq(options_get(&o, OPT_NETWORKS), "10.1.0.0/24");
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
	ck_assert_str_eq(err, "unknown flag -netwroks (did you mean -networks?) (see --help)");
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
	snprintf(expect, sizeof(expect), "config file %s: line 5: unknown key SCANNER_NETWROKS "
	    "(did you mean SCANNER_NETWORKS?)", conf_path);
	ck_assert_str_eq(err, expect);
	options_fini(&o);
}
END_TEST

/* Unknown flags and keys suggest the nearest known one, only when it is near. */
START_TEST(suggestions)
{
	struct options o;
	char err[512];
	const char *typo[] = { "sd-scan", "--rate-limt=5", NULL };
	const char *far[] = { "sd-scan", "-frobnicate", NULL };
	const char *other[] = { "sd-serve", "-dryrun", NULL };
	FILE *fp = fopen(conf_path, "a");

	ck_assert_int_eq(options_load(&o, OPTION_SCAN, 2, typo, err, sizeof(err)), OPTIONS_ERROR);
	ck_assert_str_eq(err, "unknown flag --rate-limt (did you mean -rate-limit?) (see --help)");
	options_fini(&o);
	ck_assert_int_eq(options_load(&o, OPTION_SCAN, 2, far, err, sizeof(err)), OPTIONS_ERROR);
	ck_assert_str_eq(err, "unknown flag -frobnicate (see --help)");
	options_fini(&o);
	/* sd-serve has no -dry-run: nothing of sd-scan's is suggested */
	ck_assert_int_eq(options_load(&o, OPTION_SERVE, 2, other, err, sizeof(err)),
	    OPTIONS_ERROR);
	ck_assert_ptr_null(strstr(err, "did you mean"));
	options_fini(&o);
	fputs("SCANNER_RATELIMIT=5\n", fp);
	fclose(fp);
	{
		const char *argv[] = { "sd-scan", "-config", conf_path, NULL };

		ck_assert_int_eq(options_load(&o, OPTION_SCAN, 3, argv, err, sizeof(err)),
		    OPTIONS_ERROR);
		ck_assert_ptr_nonnull(strstr(err, "unknown key SCANNER_RATELIMIT (did you mean "
		    "SCANNER_RATE_LIMIT?)"));
		options_fini(&o);
	}
}
END_TEST

/* -check and -dry-run are actions: flags only, for their program only. */
START_TEST(actions)
{
	struct options o;
	char err[256];
	const char *scan[] = { "sd-scan", "-check", "--dry-run", "-ports", "9100", NULL };
	const char *serve[] = { "sd-serve", "-dry-run", NULL };
	const char *md[] = { "sd-serve", "-help-markdown", NULL };
	const char *valued[] = { "sd-scan", "-check=true", NULL };

	ck_assert_int_eq(options_load(&o, OPTION_SCAN, 5, scan, err, sizeof(err)), OPTIONS_OK);
	ck_assert_uint_eq(o.actions, OPTIONS_ACTION_CHECK | OPTIONS_ACTION_DRY_RUN);
	ck_assert_str_eq(options_get(&o, OPT_PORTS), "9100");
	options_fini(&o);
	ck_assert_int_eq(options_load(&o, OPTION_SERVE, 2, serve, err, sizeof(err)),
	    OPTIONS_ERROR);
	options_fini(&o);
	ck_assert_int_eq(options_load(&o, OPTION_SERVE, 2, md, err, sizeof(err)),
	    OPTIONS_MARKDOWN);
	options_fini(&o);
	ck_assert_int_eq(options_load(&o, OPTION_SCAN, 2, valued, err, sizeof(err)),
	    OPTIONS_ERROR);
	options_fini(&o);
	for (size_t k = 0; k < options_nactions; k++)
		ck_assert_uint_le(strlen(options_actions[k].help), 74);
	/* no variable turns a scan into a dry run */
	setenv("SCANNER_DRY_RUN", "true", 1);
	ck_assert_int_eq(options_load(&o, OPTION_SCAN, 1, scan, err, sizeof(err)), OPTIONS_OK);
	ck_assert_uint_eq(o.actions, 0);
	options_fini(&o);
	unsetenv("SCANNER_DRY_RUN");
}
END_TEST

/* The README's reference: a row per option of the program, then its actions. */
START_TEST(markdown_rows)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	options_markdown(fp, OPTION_SERVE);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(buf, "| flag | variable | default | meaning |\n|---|"));
	ck_assert_ptr_nonnull(strstr(buf, "| `-max-age DURATION` | `SCANNER_MAX_AGE` |  | "));
	ck_assert_ptr_nonnull(strstr(buf, "| `-cache-dir DIR` | `SCANNER_CACHE_DIR` | "
	    "`/run/sd-serve` | "));
	ck_assert_ptr_nonnull(strstr(buf, "| `-check` | | | "));
	ck_assert_ptr_null(strstr(buf, "-networks"));
	ck_assert_ptr_null(strstr(buf, "-dry-run"));
	free(buf);
}
END_TEST

/* Every id has a row with every field the --help and the README reference are made of. */
START_TEST(table_complete)
{
	for (size_t i = 0; i < OPT_COUNT; i++) {
		const struct option_spec *s = &options_table[i];
		char env[64];
		size_t n;

		ck_assert_msg(s->flag && *s->flag && s->env && s->defval && s->help && *s->help,
		    "option id %zu has no complete row in options_table", i);
		/* SCANNER_ and the flag in capitals, '-' as '_': one name, two spellings */
		n = (size_t)snprintf(env, sizeof(env), "SCANNER_%s", s->flag);
		ck_assert_uint_lt(n, sizeof(env));
		for (char *p = env; *p; p++)
			*p = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
		ck_assert_str_eq(s->env, env);
		ck_assert_msg(strchr(s->help, '\n') == NULL, "-%s: help is one line", s->flag);
		/* --help indents it by 6 and stays within 80 columns */
		ck_assert_msg(strlen(s->help) <= 74, "-%s: help longer than 74 bytes", s->flag);
		for (size_t j = 0; j < i; j++)
			ck_assert_str_ne(options_table[j].flag, s->flag);
	}
}
END_TEST

/* Each id reads its own option: the enum and the rows are in step. */
START_TEST(ids_name_their_rows)
{
	struct options o;
	char err[256], where[256];
	const char *argv[] = { "sd-serve", "-sendfile", "x-sendfile", "--max-age=2h", NULL };

	ck_assert_int_eq(options_load(&o, OPTION_SERVE, 4, argv, err, sizeof(err)), OPTIONS_OK);
	ck_assert_str_eq(options_table[OPT_SENDFILE].flag, "sendfile");
	ck_assert_str_eq(options_get(&o, OPT_SENDFILE), "x-sendfile");
	ck_assert_str_eq(options_origin(&o, OPT_SENDFILE, where, sizeof(where)), "flag -sendfile");
	ck_assert_str_eq(options_get(&o, OPT_MAX_AGE), "2h");
	ck_assert_str_eq(options_get(&o, OPT_SENDFILE_PREFIX), "/sd-serve-cache/");
	ck_assert_str_eq(options_origin(&o, OPT_CACHE_DIR, where, sizeof(where)), "default");
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
	ADD(suggestions);
	ADD(actions);
	ADD(markdown_rows);
	ADD(table_complete);
	ADD(ids_name_their_rows);
}
