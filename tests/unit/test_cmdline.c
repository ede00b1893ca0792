/* The kernel command-line parser, including hostile lines. */
#include <stdlib.h>
#include <string.h>

#include <pallas/boot_info.h>
#include <pallas/cmdline.h>

#include "unit.h"

static char out[64];

START_TEST(test_has)
{
	const char *cl = "quiet console=serial ktest  loglevel=7";
	ck_assert(cmdline_has(cl, "quiet"));
	ck_assert(cmdline_has(cl, "console"));
	ck_assert(cmdline_has(cl, "ktest"));
	ck_assert(cmdline_has(cl, "loglevel"));
	ck_assert(!cmdline_has(cl, "quie"));
	ck_assert(!cmdline_has(cl, "quiet2"));
	ck_assert(!cmdline_has(cl, "serial"));
	ck_assert(!cmdline_has(cl, "console=serial"));
	ck_assert(!cmdline_has(cl, ""));
	ck_assert(!cmdline_has("", "quiet"));
	ck_assert(!cmdline_has("   \t ", "quiet"));
}
END_TEST

START_TEST(test_get_basic)
{
	const char *cl = "console=serial,fb ktest root= quiet";
	ck_assert(cmdline_get(cl, "console", out, sizeof(out)));
	ck_assert_str_eq(out, "serial,fb");
	ck_assert(cmdline_get(cl, "ktest", out, sizeof(out)));
	ck_assert_str_eq(out, "");
	ck_assert(cmdline_get(cl, "root", out, sizeof(out)));
	ck_assert_str_eq(out, "");
	strcpy(out, "junk");
	ck_assert(!cmdline_get(cl, "missing", out, sizeof(out)));
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_get_last_wins)
{
	const char *cl = "loglevel=3 x loglevel=7 y loglevel";
	ck_assert(cmdline_get(cl, "loglevel", out, sizeof(out)));
	ck_assert_str_eq(out, "");
	ck_assert(cmdline_get("a=1 a=2", "a", out, sizeof(out)));
	ck_assert_str_eq(out, "2");
}
END_TEST

START_TEST(test_get_quoted)
{
	const char *cl = "name=\"hello world\" next=1 mixed=a\"b c\"d tab=\"x\ty\"";
	ck_assert(cmdline_get(cl, "name", out, sizeof(out)));
	ck_assert_str_eq(out, "hello world");
	ck_assert(cmdline_get(cl, "next", out, sizeof(out)));
	ck_assert_str_eq(out, "1");
	ck_assert(cmdline_get(cl, "mixed", out, sizeof(out)));
	ck_assert_str_eq(out, "ab cd");
	ck_assert(cmdline_get(cl, "tab", out, sizeof(out)));
	ck_assert_str_eq(out, "x\ty");
	/* The quoted space did not start a new word. */
	ck_assert(!cmdline_has(cl, "world\""));
	ck_assert(cmdline_get("e=\"\"", "e", out, sizeof(out)));
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_unterminated_quote)
{
	const char *cl = "a=1 b=\"runs to the end c=3";
	ck_assert(cmdline_get(cl, "b", out, sizeof(out)));
	ck_assert_str_eq(out, "runs to the end c=3");
	ck_assert(!cmdline_has(cl, "c"));
	ck_assert(cmdline_get(cl, "a", out, sizeof(out)));
	ck_assert_str_eq(out, "1");
	ck_assert(!cmdline_has("\"", "x"));
	ck_assert(cmdline_get("k=\"", "k", out, sizeof(out)));
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_value_too_long)
{
	char small[4];
	ck_assert(cmdline_get("k=abc", "k", small, sizeof(small)));
	ck_assert_str_eq(small, "abc");
	strcpy(small, "zz");
	ck_assert(!cmdline_get("k=abcd", "k", small, sizeof(small)));
	ck_assert_str_eq(small, "");
	/* Quotes do not count against the space. */
	ck_assert(cmdline_get("k=\"a c\"", "k", small, sizeof(small)));
	ck_assert_str_eq(small, "a c");
	ck_assert(!cmdline_get("k=abc", "k", small, 0));
}
END_TEST

START_TEST(test_equals_in_value)
{
	ck_assert(cmdline_get("opt=a=b=c", "opt", out, sizeof(out)));
	ck_assert_str_eq(out, "a=b=c");
	ck_assert(!cmdline_has("=value", "value"));
	ck_assert(!cmdline_has("=value", ""));
}
END_TEST

/* Exactly BOOT_CMDLINE_MAX bytes with no NUL, in a heap block ASan guards. */
static char *unterminated(const char *fill)
{
	char *cl = malloc(BOOT_CMDLINE_MAX);
	size_t n = strlen(fill);
	for (size_t i = 0; i < BOOT_CMDLINE_MAX; i++)
		cl[i] = fill[i % n];
	return cl;
}

START_TEST(test_unterminated_line)
{
	char *cl = unterminated("ab ");
	ck_assert(cmdline_has(cl, "ab"));
	ck_assert(!cmdline_has(cl, "zz"));
	free(cl);

	cl = unterminated("x");
	memcpy(cl, "k=\"", 3);
	ck_assert(!cmdline_get(cl, "k", out, sizeof(out)));
	ck_assert(cmdline_has(cl, "k"));
	ck_assert(!cmdline_list_contains(cl, "x"));
	free(cl);
}
END_TEST

START_TEST(test_huge_token)
{
	char *cl = malloc(BOOT_CMDLINE_MAX);
	memset(cl, 'a', BOOT_CMDLINE_MAX - 1);
	cl[BOOT_CMDLINE_MAX - 1] = '\0';
	memcpy(cl, "key=", 4);
	char *big = malloc(BOOT_CMDLINE_MAX);
	ck_assert(cmdline_get(cl, "key", big, BOOT_CMDLINE_MAX));
	ck_assert_uint_eq(strlen(big), BOOT_CMDLINE_MAX - 5);
	ck_assert(!cmdline_get(cl, "key", out, sizeof(out)));
	free(big);
	free(cl);
}
END_TEST

START_TEST(test_get_u64)
{
	uint64_t v = 0;
	const char *cl = "a=42 b=0x1F c=16M d=2g e=4k f=12x g= h=0x i=18446744073709551615 "
			 "j=18446744073709551616 k=17179869184G l=-1 m=1KK n";
	ck_assert(cmdline_get_u64(cl, "a", &v));
	ck_assert_uint_eq(v, 42);
	ck_assert(cmdline_get_u64(cl, "b", &v));
	ck_assert_uint_eq(v, 31);
	ck_assert(cmdline_get_u64(cl, "c", &v));
	ck_assert_uint_eq(v, 16ull << 20);
	ck_assert(cmdline_get_u64(cl, "d", &v));
	ck_assert_uint_eq(v, 2ull << 30);
	ck_assert(cmdline_get_u64(cl, "e", &v));
	ck_assert_uint_eq(v, 4096);
	ck_assert(cmdline_get_u64(cl, "i", &v));
	ck_assert_uint_eq(v, UINT64_MAX);
	v = 5;
	ck_assert(!cmdline_get_u64(cl, "f", &v));
	ck_assert(!cmdline_get_u64(cl, "g", &v));
	ck_assert(!cmdline_get_u64(cl, "h", &v));
	ck_assert(!cmdline_get_u64(cl, "j", &v));
	ck_assert(!cmdline_get_u64(cl, "k", &v));
	ck_assert(!cmdline_get_u64(cl, "l", &v));
	ck_assert(!cmdline_get_u64(cl, "m", &v));
	ck_assert(!cmdline_get_u64(cl, "n", &v));
	ck_assert(!cmdline_get_u64(cl, "zz", &v));
	ck_assert_uint_eq(v, 5);
}
END_TEST

START_TEST(test_list_contains)
{
	ck_assert(cmdline_list_contains("a,b,c", "a"));
	ck_assert(cmdline_list_contains("a,b,c", "b"));
	ck_assert(cmdline_list_contains("a,b,c", "c"));
	ck_assert(!cmdline_list_contains("a,b,c", "d"));
	ck_assert(!cmdline_list_contains("abc,def", "ab"));
	ck_assert(!cmdline_list_contains("abc,def", "bc"));
	ck_assert(!cmdline_list_contains("abc,def", "abc,def"));
	ck_assert(cmdline_list_contains("buddy_split", "buddy_split"));
	ck_assert(!cmdline_list_contains("", "a"));
	ck_assert(!cmdline_list_contains("a,,b", ""));
	ck_assert(!cmdline_list_contains(",", ""));
	ck_assert(cmdline_list_contains(",x,", "x"));
}
END_TEST

UNIT_SUITE(cmdline_suite)
{
	Suite *s = suite_create("cmdline");
	TCase *tc = tcase_create("parse");
	tcase_add_test(tc, test_has);
	tcase_add_test(tc, test_get_basic);
	tcase_add_test(tc, test_get_last_wins);
	tcase_add_test(tc, test_get_quoted);
	tcase_add_test(tc, test_unterminated_quote);
	tcase_add_test(tc, test_value_too_long);
	tcase_add_test(tc, test_equals_in_value);
	tcase_add_test(tc, test_unterminated_line);
	tcase_add_test(tc, test_huge_token);
	tcase_add_test(tc, test_get_u64);
	tcase_add_test(tc, test_list_contains);
	suite_add_tcase(s, tc);
	return s;
}
