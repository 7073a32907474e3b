/*
 * check_sdpath.c: request paths to directory keys: segments, escapes, and every way out.
 */
#include <check.h>
#include <string.h>

#include "sdpath.h"
#include "check_main.h"

static char key[SDPATH_MAX + 1], err[256];

static const char *
map(const char *p)
{
	if (sdpath_parse(p, strlen(p), key, sizeof(key), err, sizeof(err)) < 0)
		return NULL;
	return key;
}

START_TEST(keys)
{
	ck_assert_str_eq(map(""), "");
	ck_assert_str_eq(map("/"), "");
	ck_assert_str_eq(map("//"), "");
	ck_assert_str_eq(map("/sub"), "sub");
	ck_assert_str_eq(map("/sub/"), "sub");
	ck_assert_str_eq(map("/sub//a"), "sub/a");
	ck_assert_str_eq(map("/sub%2Fa"), "sub/a");
	ck_assert_str_eq(map("/a%20b"), "a b");
	ck_assert_str_eq(map("/a.json"), "a.json");
	ck_assert_str_eq(map("/x..y"), "x..y");
}
END_TEST

START_TEST(refused)
{
	static const char *const bad[] = {
		"/..", "/sub/..", "/sub/../a", "/%2e%2e", "/%2E%2e/x", "/.", "/sub/./a", "/.git",
		"/_private", "/sub/_x", "/%5fx", "/%2", "/%zz", "/a%00b", "/a%0ab", "/a\tb",
		"/%2e%2e%2fetc",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(map(bad[i]) == NULL, "accepted %s as %s", bad[i], key);
	ck_assert_ptr_null(map("/%2e%2e"));
	ck_assert_str_eq(err, "'..' is outside the targets directory or ignored");
}
END_TEST

START_TEST(bounded)
{
	static char p[SDPATH_MAX * 4];

	memset(p, 'a', sizeof(p) - 1);
	p[0] = '/';
	ck_assert_ptr_null(map(p));
	ck_assert_str_eq(err, "target path too long");
	ck_assert_int_eq(sdpath_parse("/abc", 4, key, 3, err, sizeof(err)), -1);
}
END_TEST

static void
add_tests(void)
{
	ADD(keys);
	ADD(refused);
	ADD(bounded);
}
