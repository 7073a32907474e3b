/*
 * check_log.c: log_oneline, which keeps a bad value quoted back in an error on one line.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "check_main.h"

START_TEST(test_oneline_control_bytes)
{
	char s[] = "network '10.0.0.0/8\nfake: line\r\t\x1b[31m\x7f' ok";

	ck_assert_str_eq(log_oneline(s), "network '10.0.0.0/8?fake: line???[31m?' ok");
}
END_TEST

START_TEST(test_oneline_keeps_text)
{
	char s[] = "port '9100-9105' caf\xc3\xa9";
	char empty[] = "";

	ck_assert_str_eq(log_oneline(s), "port '9100-9105' caf\xc3\xa9");
	ck_assert_str_eq(log_oneline(empty), "");
}
END_TEST

#define LINES_PER_THREAD 500
#define THREADS 4

static void *
log_lines(void *arg)
{
	char msg[600];

	memset(msg, 'a' + (int)(long)arg, sizeof(msg) - 1);
	msg[sizeof(msg) - 1] = '\0';
	for (int i = 0; i < LINES_PER_THREAD; i++)
		log_info("%ld %s", (long)arg, msg);
	return NULL;
}

/* stderr into a temp file for the rest of this (forked) test; returns the file. */
static FILE *
capture_stderr(void)
{
	FILE *fp = tmpfile();

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(dup2(fileno(fp), STDERR_FILENO), STDERR_FILENO);
	return fp;
}

/* As log.h says: lines of concurrent threads never interleave. */
START_TEST(threads_lines_whole)
{
	char line[LOG_LINE_MAX + 2];
	pthread_t t[THREADS];
	FILE *fp = capture_stderr();
	int n = 0;

	log_init("check");
	for (long k = 0; k < THREADS; k++)
		ck_assert_int_eq(pthread_create(&t[k], NULL, log_lines, (void *)k), 0);
	for (int k = 0; k < THREADS; k++)
		ck_assert_int_eq(pthread_join(t[k], NULL), 0);
	rewind(fp);
	while (fgets(line, sizeof(line), fp) != NULL) {
		char *p = strstr(line, " info: "), letter[2] = "";
		long k;

		ck_assert_msg(p != NULL && sscanf(p, " info: %ld ", &k) == 1, "line: %s", line);
		p = strchr(p + 7, ' ') + 1;
		letter[0] = (char)('a' + k);
		ck_assert_uint_eq(strspn(p, letter), 599);	/* one thread's letters only, */
		ck_assert_str_eq(p + 599, "\n");	/* then the end of the line */
		n++;
	}
	ck_assert_int_eq(n, THREADS * LINES_PER_THREAD);
	fclose(fp);
}
END_TEST

/* A longer line is cut to LOG_LINE_MAX - 1 bytes, ending in a newline. */
START_TEST(long_line_cut)
{
	char *msg = malloc(3 * LOG_LINE_MAX), line[4 * LOG_LINE_MAX];
	FILE *fp = capture_stderr();

	ck_assert_ptr_nonnull(msg);
	memset(msg, 'x', 3 * LOG_LINE_MAX - 1);
	msg[3 * LOG_LINE_MAX - 1] = '\0';
	log_warn("%s", msg);
	log_warn("after");
	rewind(fp);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), fp));
	ck_assert_uint_eq(strlen(line), LOG_LINE_MAX - 1);
	ck_assert_int_eq(line[LOG_LINE_MAX - 2], '\n');
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), fp));
	ck_assert_ptr_nonnull(strstr(line, " warn: after\n"));
	free(msg);
	fclose(fp);
}
END_TEST

static void
add_tests(void)
{
	ADD(test_oneline_control_bytes);
	ADD(test_oneline_keeps_text);
	ADD(threads_lines_whole);
	ADD(long_line_cut);
}
