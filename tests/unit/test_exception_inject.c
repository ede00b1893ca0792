/* Which queued exceptions push their error code: the rule both backends
 * apply before an injection (vmm/include/vmm/vcpu.h). */
#include <vmm/vcpu.h>

#include "unit.h"

START_TEST(protected_mode_pushes_it)
{
	ck_assert(exception_pushes_error(true, 0x00000011));   /* PE ET */
	ck_assert(exception_pushes_error(true, 0x80000011));   /* paging too */
	ck_assert(!exception_pushes_error(false, 0x80000011)); /* #UD has none */
}
END_TEST

START_TEST(real_mode_never_does)
{
	/* A #GP the VMM raises for an absent MSR in real mode: FLAGS, CS, IP. */
	ck_assert(!exception_pushes_error(true, 0x00000010));
	ck_assert(!exception_pushes_error(true, 0x60000010)); /* CD NW, still real */
	ck_assert(!exception_pushes_error(false, 0));
}
END_TEST

UNIT_SUITE(exception_inject_suite)
{
	Suite *s = suite_create("exception_inject");
	TCase *tc = tcase_create("error_code");
	tcase_add_test(tc, protected_mode_pushes_it);
	tcase_add_test(tc, real_mode_never_does);
	suite_add_tcase(s, tc);
	return s;
}
