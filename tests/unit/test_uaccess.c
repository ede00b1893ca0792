/*
 * user_range_ok (pallas/uaccess.h), the one check between a program's
 * pointer and the kernel's user accesses: the whole range below USER_TOP,
 * with no length that wraps around the address space.
 */
#include <pallas/uaccess.h>

#include "unit.h"

START_TEST(inside_user_space)
{
	ck_assert(user_range_ok(0x1000, 4096));
	ck_assert(user_range_ok(0, 0));
	ck_assert(user_range_ok(USER_TOP - 1, 1));
	ck_assert(user_range_ok(USER_TOP, 0));
	ck_assert(user_range_ok(0, USER_TOP));
}
END_TEST

START_TEST(reaching_past_the_top)
{
	ck_assert(!user_range_ok(USER_TOP - 1, 2));
	ck_assert(!user_range_ok(USER_TOP, 1));
	ck_assert(!user_range_ok(0, USER_TOP + 1));
	ck_assert(!user_range_ok(0xffff800000000000ull, 8)); /* the direct map */
	ck_assert(!user_range_ok(0xffffffff80200000ull, 0)); /* the kernel image */
}
END_TEST

START_TEST(lengths_that_wrap)
{
	ck_assert(!user_range_ok(0x1000, SIZE_MAX));
	ck_assert(!user_range_ok(0x1000, SIZE_MAX - 0xfff));
	ck_assert(!user_range_ok(USER_TOP - 8, (size_t)0 - (USER_TOP - 16)));
}
END_TEST

UNIT_SUITE(uaccess_suite)
{
	Suite *s = suite_create("uaccess");
	TCase *tc = tcase_create("range");

	tcase_add_test(tc, inside_user_space);
	tcase_add_test(tc, reaching_past_the_top);
	tcase_add_test(tc, lengths_that_wrap);
	suite_add_tcase(s, tc);
	return s;
}
