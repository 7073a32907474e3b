/*
 * check_optvalue.c: typed option values and their one error line, "bad -NAME 'VALUE' (from
 * ORIGIN): WHY", for decimals (a range worded by the caller), choices and log levels.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "optvalue.h"
#include "check_main.h"

static struct options o;
static char err[512];

/* Load sd-scan's or sd-serve's options from argv (NULL-terminated). */
static void
load(unsigned program, const char *const *argv)
{
	int argc = 0;

	while (argv[argc])
		argc++;
	ck_assert_int_eq(options_load(&o, program, argc, argv, err, sizeof(err)), OPTIONS_OK);
}

static void
setup(void)
{
	for (size_t i = 0; i < OPT_COUNT; i++)
		unsetenv(options_table[i].env);
}

static void
teardown(void)
{
	options_fini(&o);
}

START_TEST(decimal)
{
	const char *argv[] = { "sd-scan", "-rate-limit", "2.5", "-shrink-limit", "1.5", NULL };
	double v = -1;

	load(OPTION_SCAN, argv);
	ck_assert_int_eq(optvalue_decimal(&o, OPT_RATE_LIMIT, 1e7, NULL, &v, err, sizeof(err)), 0);
	ck_assert_double_eq(v, 2.5);
	/* above the maximum: the caller's wording of the range, or numparse's */
	ck_assert_int_eq(optvalue_decimal(&o, OPT_SHRINK_LIMIT, 1, "a share from 0 to 1", &v, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "bad -shrink-limit '1.5' (from flag -shrink-limit): a share from 0 to 1");
	ck_assert_int_eq(optvalue_decimal(&o, OPT_RATE_LIMIT, 2, NULL, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "bad -rate-limit '2.5' (from flag -rate-limit): number above the "
	    "maximum 2");
	ck_assert_double_eq(v, 2.5);	/* untouched by a failure */
}
END_TEST

START_TEST(decimal_syntax_keeps_its_reason)
{
	const char *argv[] = { "sd-scan", "-shrink-limit", "half", NULL };
	double v;

	setenv("SCANNER_SHRINK_LIMIT", "1e-1", 1);	/* the environment beats the flag */
	load(OPTION_SCAN, argv);
	/* not a number at all: the range wording would be wrong, the parser's reason is kept */
	ck_assert_int_eq(optvalue_decimal(&o, OPT_SHRINK_LIMIT, 1, "a share from 0 to 1", &v, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "bad -shrink-limit '1e-1' (from SCANNER_SHRINK_LIMIT): not a "
	    "non-negative decimal number");
}
END_TEST

START_TEST(choice)
{
	static const struct optvalue_choice modes[] = {
		{ "off", 0 }, { "x-sendfile", 1 }, { "x-accel-redirect", 2 }, { "false", 0 },
		{ "", 0 },
	};
	const char *ok[] = { "sd-serve", "-sendfile", "x-accel-redirect", NULL };
	const char *alias[] = { "sd-serve", "-sendfile=false", NULL };
	const char *bad[] = { "sd-serve", "-sendfile", "X-Sendfile", NULL };
	int v = -1;

	load(OPTION_SERVE, ok);
	ck_assert_int_eq(optvalue_choice(&o, OPT_SENDFILE, modes, 5, &v, err, sizeof(err)), 0);
	ck_assert_int_eq(v, 2);
	options_fini(&o);
	load(OPTION_SERVE, alias);
	ck_assert_int_eq(optvalue_choice(&o, OPT_SENDFILE, modes, 5, &v, err, sizeof(err)), 0);
	ck_assert_int_eq(v, 0);
	options_fini(&o);
	load(OPTION_SERVE, bad);
	v = 7;
	ck_assert_int_eq(optvalue_choice(&o, OPT_SENDFILE, modes, 5, &v, err, sizeof(err)), -1);
	/* aliases ("false", "") are accepted but not offered */
	ck_assert_str_eq(err, "bad -sendfile 'X-Sendfile' (from flag -sendfile): expected off, "
	    "x-sendfile or x-accel-redirect");
	ck_assert_int_eq(v, 7);
	ck_assert_int_eq(optvalue_choice(&o, OPT_SENDFILE, modes, 1, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "bad -sendfile 'X-Sendfile' (from flag -sendfile): expected off");
}
END_TEST

START_TEST(log_level)
{
	const char *argv[] = { "sd-scan", "-log-level", "warn", NULL };
	const char *bad[] = { "sd-scan", "-log-level", "loud", NULL };
	enum log_level l = LOG_DEBUG;

	load(OPTION_SCAN, argv);
	ck_assert_int_eq(optvalue_log_level(&o, OPT_LOG_LEVEL, &l, err, sizeof(err)), 0);
	ck_assert_int_eq(l, LOG_WARN);
	options_fini(&o);
	load(OPTION_SCAN, bad);
	ck_assert_int_eq(optvalue_log_level(&o, OPT_LOG_LEVEL, &l, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "bad -log-level 'loud' (from flag -log-level): expected debug, info, "
	    "warn or error");
}
END_TEST

static void
add_tests(void)
{
	FIXTURE(setup, teardown);
	ADD(decimal);
	ADD(decimal_syntax_keeps_its_reason);
	ADD(choice);
	ADD(log_level);
}
