/* kvsnprintf against the host C library's snprintf, which is the reference. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <pallas/printk.h>

#include "unit.h"

/* These tests feed edge-case formats on purpose; the reference is glibc. */
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-overflow"

#define SAME(...)                                                   \
	do {                                                        \
		char want[256], got[256];                           \
		int wn = snprintf(want, sizeof(want), __VA_ARGS__); \
		int gn = ksnprintf(got, sizeof(got), __VA_ARGS__);  \
		ck_assert_str_eq(got, want);                        \
		ck_assert_int_eq(gn, wn);                           \
	} while (0)

START_TEST(integers)
{
	SAME("%d %i %u", 0, -1, 42u);
	SAME("%d %d", INT_MIN, INT_MAX);
	SAME("%ld %lu", LONG_MIN, ULONG_MAX);
	SAME("%lld %llu", LLONG_MIN, ULLONG_MAX);
	SAME("%hhd %hhu %hd %hu", 300, 300, 70000, 70000);
	SAME("%zu %zd %jd %td", (size_t)123, (ssize_t)-5, (intmax_t)-9, (ptrdiff_t)77);
	SAME("%x %X %#x %#X %o %#o", 0xdeadbeefu, 0xdeadbeefu, 255u, 255u, 8u, 8u);
	SAME("%#x %#o", 0u, 0u);
	SAME("%lx", 0xffffffff80200000ul);
}
END_TEST

START_TEST(flags_width_precision)
{
	SAME("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
	SAME("[%08.3d] [%.0d] [%.0x] [%5.0d]", 7, 0, 0u, 0);
	SAME("[%016lx] [%-16lx|]", 0xabcul, 0xabcul);
	SAME("[%*d] [%-*d] [%.*d] [%*d]", 6, 1, 6, 1, 4, 1, -6, 1);
	SAME("[%+05d] [%-+5d] [% 05d]", -3, 3, 3);
	SAME("[%#010x] [%#-10x]", 0x1fu, 0x1fu);
}
END_TEST

START_TEST(strings_chars_pointers)
{
	SAME("[%s] [%10s] [%-10s] [%.3s] [%10.2s]", "pallas", "hv", "hv", "abcdef", "abcdef");
	SAME("[%c] [%3c] [%-3c]", 'x', 'y', 'z');
	SAME("%p", (void *)0xffff800000001000ul);
	SAME("%%d %%");
	char got[16];
	ksnprintf(got, sizeof(got), "%s", (char *)NULL);
	ck_assert_str_eq(got, "(null)");
}
END_TEST

START_TEST(truncation)
{
	char buf[8];
	memset(buf, 'Z', sizeof(buf));
	int n = ksnprintf(buf, 5, "%s", "hypervisor");
	ck_assert_int_eq(n, 10);
	ck_assert_str_eq(buf, "hype");
	ck_assert_int_eq(buf[5], 'Z'); /* nothing written past size */
	n = ksnprintf(NULL, 0, "%d-%d", 12, 345);
	ck_assert_int_eq(n, 6);
	n = ksnprintf(buf, 1, "abc");
	ck_assert_int_eq(n, 3);
	ck_assert_str_eq(buf, "");
}
END_TEST

UNIT_SUITE(printf_suite)
{
	Suite *s = suite_create("printf");
	TCase *tc = tcase_create("kvsnprintf");
	tcase_add_test(tc, integers);
	tcase_add_test(tc, flags_width_precision);
	tcase_add_test(tc, strings_chars_pointers);
	tcase_add_test(tc, truncation);
	suite_add_tcase(s, tc);
	return s;
}
