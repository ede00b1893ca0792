/* The MTRR value checks of vmm/core/msr_policy.c. */
#include "../../vmm/core/msr_policy.h"

#include "unit.h"

START_TEST(test_types)
{
	static const bool ok[9] = {true, true, false, false, true, true, true, false, false};
	for (unsigned t = 0; t < 9; t++)
		ck_assert_int_eq(mtrr_type_ok((uint8_t)t), ok[t]);
	ck_assert(!mtrr_type_ok(0xff));
}
END_TEST

START_TEST(test_def_type)
{
	ck_assert(mtrr_def_type_ok(0));
	ck_assert(mtrr_def_type_ok(0xc06));
	ck_assert(mtrr_def_type_ok(0x800));
	ck_assert(!mtrr_def_type_ok(0xc02));	  /* type 2 */
	ck_assert(!mtrr_def_type_ok(0xc07));	  /* type 7 */
	ck_assert(!mtrr_def_type_ok(0x1c06));	  /* bit 12 */
	ck_assert(!mtrr_def_type_ok(0x306));	  /* bits 8, 9 */
	ck_assert(!mtrr_def_type_ok(1ull << 63)); /* high */
}
END_TEST

START_TEST(test_fixed)
{
	ck_assert(mtrr_fixed_ok(0));
	ck_assert(mtrr_fixed_ok(0x0606060606060606ull));
	ck_assert(mtrr_fixed_ok(0x0504010006050401ull));
	ck_assert(!mtrr_fixed_ok(0x0606060606060602ull));
	ck_assert(!mtrr_fixed_ok(0x0706060606060606ull));
	ck_assert(!mtrr_fixed_ok(0x0606066006060606ull));
}
END_TEST

START_TEST(test_var)
{
	ck_assert(mtrr_var_ok(false, 0x10000006, 36));
	ck_assert(mtrr_var_ok(false, 0xffffff000ull | 1, 36));
	ck_assert(!mtrr_var_ok(false, 0x1000000000ull | 6, 36)); /* bit 36 */
	ck_assert(mtrr_var_ok(false, 0x1000000000ull | 6, 40));
	ck_assert(!mtrr_var_ok(false, 0x10000106, 36)); /* bit 8 */
	ck_assert(!mtrr_var_ok(false, 0x10000003, 36)); /* type 3 */
	ck_assert(mtrr_var_ok(true, 0xff0000800ull, 36));
	ck_assert(mtrr_var_ok(true, 0, 36));
	ck_assert(!mtrr_var_ok(true, 0xff0000801ull, 36));  /* bit 0 */
	ck_assert(!mtrr_var_ok(true, 0x1ff0000800ull, 36)); /* bit 36 */
	ck_assert(mtrr_var_ok(true, ~0ull & ~0x7ffull, 64));
}
END_TEST

UNIT_SUITE(msr_policy_suite)
{
	Suite *s = suite_create("msr_policy");
	TCase *tc = tcase_create("mtrr");
	tcase_add_test(tc, test_types);
	tcase_add_test(tc, test_def_type);
	tcase_add_test(tc, test_fixed);
	tcase_add_test(tc, test_var);
	suite_add_tcase(s, tc);
	return s;
}
