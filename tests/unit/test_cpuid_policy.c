/* The CPUID rules of vmm/core/cpuid_policy.c. */
#include "../../vmm/core/cpuid_policy.h"

#include "unit.h"

START_TEST(test_range)
{
	/* In range: basic up to the maximum, the hypervisor's, extended. */
	ck_assert_int_eq(cpuid_range_of(0x16, 0x16, 0x80000008, 0x40000000, 0x4fffffff, true),
			 CPUID_IN_RANGE);
	ck_assert_int_eq(cpuid_range_of(0x40000000, 0x16, 0x80000008, 0x40000000, 0x4fffffff, true),
			 CPUID_IN_RANGE);
	ck_assert_int_eq(cpuid_range_of(0x80000008, 0x16, 0x80000008, 0x40000000, 0x4fffffff, true),
			 CPUID_IN_RANGE);
	/* Above a maximum: Intel repeats the highest basic leaf, AMD gives 0. */
	ck_assert_int_eq(cpuid_range_of(0x17, 0x16, 0x80000008, 0x40000000, 0x4fffffff, true),
			 CPUID_AS_MAX_BASIC);
	ck_assert_int_eq(cpuid_range_of(0x3fffffff, 0x16, 0x80000008, 0x40000000, 0x4fffffff, true),
			 CPUID_AS_MAX_BASIC);
	ck_assert_int_eq(cpuid_range_of(0x80000009, 0x16, 0x80000008, 0x40000000, 0x4fffffff, true),
			 CPUID_AS_MAX_BASIC);
	ck_assert_int_eq(cpuid_range_of(0xffffffff, 0x16, 0x80000008, 0x40000000, 0x4fffffff, true),
			 CPUID_AS_MAX_BASIC);
	ck_assert_int_eq(cpuid_range_of(0x17, 0x16, 0x80000008, 0x40000000, 0x4fffffff, false),
			 CPUID_ZERO);
	ck_assert_int_eq(
	    cpuid_range_of(0x8000001f, 0x16, 0x8000001e, 0x40000000, 0x4fffffff, false),
	    CPUID_ZERO);
}
END_TEST

START_TEST(test_package_shift)
{
	ck_assert_uint_eq(cpuid_package_shift(1), 0);
	ck_assert_uint_eq(cpuid_package_shift(2), 1);
	ck_assert_uint_eq(cpuid_package_shift(3), 2);
	ck_assert_uint_eq(cpuid_package_shift(4), 2);
	ck_assert_uint_eq(cpuid_package_shift(5), 3);
}
END_TEST

START_TEST(test_leaf4)
{
	/* A host L1d (type 1, level 1) shared by 2 threads of 8 cores. */
	uint32_t l1 = 0x1c004121;
	uint32_t g = cpuid_leaf4_eax(l1, 3);
	ck_assert_uint_eq(g & 0x3fff, l1 & 0x3fff);
	ck_assert_uint_eq((g >> 14) & 0xfff, 0); /* one thread per core */
	ck_assert_uint_eq(g >> 26, 3);		 /* 4 addressable cores for 3 vCPUs */
	/* An L3 (level 3) is the package's. */
	uint32_t l3 = 0x1c03c163;
	g = cpuid_leaf4_eax(l3, 2);
	ck_assert_uint_eq((g >> 5) & 7, 3);
	ck_assert_uint_eq((g >> 14) & 0xfff, 1);
	ck_assert_uint_eq(g >> 26, 1);
	/* Type 0 ends the list and stays as it is. */
	ck_assert_uint_eq(cpuid_leaf4_eax(0, 4), 0);
}
END_TEST

UNIT_SUITE(cpuid_policy_suite)
{
	Suite *s = suite_create("cpuid_policy");
	TCase *tc = tcase_create("cpuid");
	tcase_add_test(tc, test_range);
	tcase_add_test(tc, test_package_shift);
	tcase_add_test(tc, test_leaf4);
	suite_add_tcase(s, tc);
	return s;
}
