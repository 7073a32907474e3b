/*
 * check_acceptmedia.c: which Accept values get the HTML page at /: what browsers and
 * programs send, weights, specificity, ties, q=0, case, parameters and malformed elements.
 */
#include <check.h>
#include <string.h>

#include "acceptmedia.h"
#include "check_main.h"

static int
html(const char *v)
{
	return acceptmedia_html(v, v ? strlen(v) : 0);
}

START_TEST(browsers_get_the_page)
{
	/* Chromium 120, Firefox 120, curl -H 'Accept: text/html' */
	ck_assert_int_eq(html("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,"
	    "image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"), 1);
	ck_assert_int_eq(html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"), 1);
	ck_assert_int_eq(html("text/html"), 1);
	ck_assert_int_eq(html("text/html,*/*"), 1);	/* a tie: text/html is named */
	ck_assert_int_eq(html("TEXT/HTML"), 1);
	ck_assert_int_eq(html(" text/html ; level=1 ; q=0.5 "), 1);
	ck_assert_int_eq(html("text/*"), 1);
	ck_assert_int_eq(html("text/*, application/json;q=0.5"), 1);
	ck_assert_int_eq(html("application/json;q=0.5, text/html"), 1);
}
END_TEST

START_TEST(programs_get_json)
{
	ck_assert_int_eq(html(NULL), 0);	/* Prometheus' http_sd sends none at / */
	ck_assert_int_eq(html(""), 0);
	ck_assert_int_eq(html("*/*"), 0);	/* curl, wget, Python */
	ck_assert_int_eq(html("application/json"), 0);
	ck_assert_int_eq(html("application/json, text/html"), 0);	/* a tie, both named */
	ck_assert_int_eq(html("application/json, text/plain, */*"), 0);	/* axios */
	ck_assert_int_eq(html("text/html;q=0.5, application/json"), 0);
	ck_assert_int_eq(html("text/html;q=0.5, application/*"), 0);
	ck_assert_int_eq(html("text/html;q=0.5, */*"), 0);
	ck_assert_int_eq(html("text/html;q=0"), 0);
	ck_assert_int_eq(html("text/html;q=0, */*"), 0);	/* named beats "*" */
	ck_assert_int_eq(html("text/*;q=0, */*"), 0);
	ck_assert_int_eq(html("text/plain"), 0);
	ck_assert_int_eq(html("image/png"), 0);
}
END_TEST

START_TEST(malformed_elements_are_skipped)
{
	ck_assert_int_eq(html("text/html;q=2"), 0);
	ck_assert_int_eq(html("text/html;q=0.5x"), 0);
	ck_assert_int_eq(html("text/html;bad"), 0);
	ck_assert_int_eq(html("text/html;q=2, text/*"), 1);
	ck_assert_int_eq(html(",,text/html,,"), 1);
	ck_assert_int_eq(html("text/htmlx"), 0);
	ck_assert_int_eq(html("text/htm"), 0);
	ck_assert_int_eq(html("text/"), 0);
	ck_assert_int_eq(html("*/html"), 0);
	/* the length is what counts, not a NUL */
	ck_assert_int_eq(acceptmedia_html("text/html", 8), 0);
	ck_assert_int_eq(acceptmedia_html("text/html\0, */*", 15), 0);
}
END_TEST

static void
add_tests(void)
{
	ADD(browsers_get_the_page);
	ADD(programs_get_json);
	ADD(malformed_elements_are_skipped);
}
