/*
 * check_log.c: log_oneline, which keeps a bad value quoted back in an error on one line.
 */
#include <check.h>
#include <string.h>

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

static void
add_tests(void)
{
	ADD(test_oneline_control_bytes);
	ADD(test_oneline_keeps_text);
}
