/* Path components (kernel/fs/path.c): slashes, trailing slashes, limits. */
#include <string.h>

#include <pallas/errno.h>
#include <pallas/path.h>

#include "unit.h"

/* The components of path joined by '|', e.g. "a|b|c". */
static int split(const char *path, char *out)
{
	struct path_iter it;
	const char *name;
	int n, count = 0;

	out[0] = '\0';
	path_iter_init(&it, path, strlen(path));
	while ((n = path_next(&it, &name)) > 0) {
		if (count++)
			strcat(out, "|");
		strncat(out, name, (size_t)n);
	}
	return n < 0 ? n : count;
}

START_TEST(components)
{
	char out[600];

	ck_assert_int_eq(split("a/b/c", out), 3);
	ck_assert_str_eq(out, "a|b|c");
	ck_assert_int_eq(split("///a//b///", out), 2);
	ck_assert_str_eq(out, "a|b");
	ck_assert_int_eq(split("/", out), 0);
	ck_assert_int_eq(split("", out), 0);
	ck_assert_int_eq(split("./../x", out), 3);
	ck_assert_str_eq(out, ".|..|x");
}
END_TEST

START_TEST(last_component_is_known)
{
	struct path_iter it;
	const char *name;

	path_iter_init(&it, "a/b//", 5);
	ck_assert_int_eq(path_next(&it, &name), 1);
	ck_assert(!path_iter_done(&it));
	ck_assert_int_eq(path_next(&it, &name), 1);
	ck_assert(path_iter_done(&it)); /* only slashes left */
	ck_assert_int_eq(path_next(&it, &name), 0);
}
END_TEST

START_TEST(trailing_slash_and_dots)
{
	ck_assert(path_trailing_slash("a/", 2));
	ck_assert(path_trailing_slash("/a/b//", 6));
	ck_assert(!path_trailing_slash("/", 1));
	ck_assert(!path_trailing_slash("///", 3));
	ck_assert(!path_trailing_slash("a", 1));
	ck_assert_int_eq(path_dots(".", 1), 1);
	ck_assert_int_eq(path_dots("..", 2), 2);
	ck_assert_int_eq(path_dots("...", 3), 0);
	ck_assert_int_eq(path_dots(".a", 2), 0);
}
END_TEST

START_TEST(limits)
{
	static char path[5000];
	char out[600];

	memset(path, 'x', 255);
	path[255] = '\0';
	ck_assert_int_eq(split(path, out), 1); /* NAME_MAX fits */
	path[255] = 'x';
	path[256] = '\0';
	ck_assert_int_eq(split(path, out), -ENAMETOOLONG);
	ck_assert_int_eq(path_check(0), -ENOENT);
	ck_assert_int_eq(path_check(4095), 0);
	ck_assert_int_eq(path_check(4096), -ENAMETOOLONG);
}
END_TEST

UNIT_SUITE(path_suite)
{
	Suite *s = suite_create("path");
	TCase *tc = tcase_create("path");

	tcase_add_test(tc, components);
	tcase_add_test(tc, last_component_is_known);
	tcase_add_test(tc, trailing_slash_and_dots);
	tcase_add_test(tc, limits);
	suite_add_tcase(s, tc);
	return s;
}
