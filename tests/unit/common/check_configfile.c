/*
 * check_configfile.c: KEY=value lines as systemd's EnvironmentFile= reads them.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "configfile.h"
#include "check_main.h"

struct seen {
	char	out[1024];
};

static int
collect(void *ctx, const char *key, const char *value, int line)
{
	struct seen *s = ctx;
	size_t n = strlen(s->out);

	snprintf(s->out + n, sizeof(s->out) - n, "%d:%s=[%s];", line, key, value);
	return 0;
}

static int
parse(const char *text, struct seen *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	return configfile_parse(text, strlen(text), collect, s, err, errlen);
}

START_TEST(syntax)
{
	struct seen s;
	char err[128];

	ck_assert_int_eq(parse("# comment\n; also\n\nSCANNER_PORTS=9100,8080\n"
	    "  export SCANNER_NETWORKS = 10.0.0.0/24  \r\n"
	    "SCANNER_OUTPUT=\"/var/lib/a b/\\\"t\\\".json\"\n"
	    "SCANNER_LOG_LEVEL='debug # not a comment'\n"
	    "EMPTY=\n", &s, err, sizeof(err)), 0);
	ck_assert_str_eq(s.out, "4:SCANNER_PORTS=[9100,8080];5:SCANNER_NETWORKS=[10.0.0.0/24];"
	    "6:SCANNER_OUTPUT=[/var/lib/a b/\"t\".json];7:SCANNER_LOG_LEVEL=[debug # not a comment];"
	    "8:EMPTY=[];");
}
END_TEST

START_TEST(errors_name_the_line)
{
	struct seen s;
	char err[128];
	static const char nul[] = "A=1\nB=\0x\n";

	ck_assert_int_eq(parse("A=1\nnot an assignment\n", &s, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "line 2: expected '=' after the key");
	ck_assert_int_eq(parse("A=\"open\n", &s, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "line 1: unterminated quoted value");
	ck_assert_int_eq(parse("A='x' y\n", &s, err, sizeof(err)), -1);
	ck_assert_int_eq(parse("=x\n", &s, err, sizeof(err)), -1);
	/* an inline comment is an error, not part of the value; quoted or glued '#' is data */
	ck_assert_int_eq(parse("A=1\nSCANNER_PORTS=9100 # node\n", &s, err, sizeof(err)), -1);
	ck_assert_int_eq(strncmp(err, "line 2: inline '# comment' after a value", 40), 0);
	ck_assert_int_eq(parse("A=\t#x\n", &s, err, sizeof(err)), -1);
	ck_assert_int_eq(parse("A=a#b\nB=\"x # y\"\n", &s, err, sizeof(err)), 0);
	ck_assert_str_eq(s.out, "1:A=[a#b];2:B=[x # y];");
	ck_assert_int_eq(parse("1A=x\n", &s, err, sizeof(err)), -1);
	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(configfile_parse(nul, sizeof(nul) - 1, collect, &s, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "line 2: NUL byte in line");
}
END_TEST

START_TEST(long_line_rejected)
{
	static char big[20000];
	struct seen s;
	char err[128];

	memset(big, 'x', sizeof(big) - 1);
	memcpy(big, "A=", 2);
	ck_assert_int_eq(parse(big, &s, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "line 1: line too long");
}
END_TEST

START_TEST(missing_file)
{
	struct seen s;
	char err[256];

	memset(&s, 0, sizeof(s));
	ck_assert_int_eq(configfile_load("/nonexistent/sd.conf", collect, &s, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "config file /nonexistent/sd.conf: No such file or directory");
}
END_TEST

static void
add_tests(void)
{
	ADD(syntax);
	ADD(errors_name_the_line);
	ADD(long_line_rejected);
	ADD(missing_file);
}
