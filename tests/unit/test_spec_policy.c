/*
 * The speculation mitigation rules (vmm/core/spec_policy.c) on the CPUs they
 * tell apart: an old Intel part affected by everything, with and without the
 * microcode that gives it the means; newer Intel parts that say they are not
 * affected; an Intel VMM nested under one that flushes for it; and AMD.
 */
#include "../../vmm/core/spec_policy.h"

#include "unit.h"

START_TEST(old_intel)
{
	/* Affected by L1TF and MDS, no microcode: nothing but the RSB fill. */
	struct spec_cpu cpu = {.intel = true};
	struct spec_policy p = spec_policy_for(&cpu);
	ck_assert(p.rsb_fill && p.clear_regs);
	ck_assert(!p.ibpb_between_vms && !p.l1d_flush && !p.verw);
	ck_assert(p.l1tf_unmitigated && p.mds_unmitigated);

	/* With the microcode: IBPB, the L1D flush, which covers MDS too. */
	cpu.leaf7_edx = SPEC_7D_IBRS_IBPB | SPEC_7D_L1D_FLUSH | SPEC_7D_MD_CLEAR;
	p = spec_policy_for(&cpu);
	ck_assert(p.ibpb_between_vms && p.l1d_flush && !p.verw);
	ck_assert(!p.l1tf_unmitigated && !p.mds_unmitigated);

	/* L1D_FLUSH without MD_CLEAR: MDS stays open. */
	cpu.leaf7_edx = SPEC_7D_L1D_FLUSH;
	p = spec_policy_for(&cpu);
	ck_assert(p.l1d_flush && !p.verw && p.mds_unmitigated);
}
END_TEST

START_TEST(newer_intel)
{
	/* RDCL_NO: no L1TF; MDS still there, VERW clears it. */
	struct spec_cpu cpu = {.intel = true,
			       .leaf7_edx = SPEC_7D_ARCH_CAPS | SPEC_7D_MD_CLEAR |
					    SPEC_7D_L1D_FLUSH | SPEC_7D_IBRS_IBPB,
			       .arch_caps = ARCH_CAP_RDCL_NO};
	struct spec_policy p = spec_policy_for(&cpu);
	ck_assert(!p.l1d_flush && !p.l1tf_unmitigated);
	ck_assert(p.verw && !p.mds_unmitigated && p.ibpb_between_vms);

	/* MDS_NO too: no per-entry cost at all. */
	cpu.arch_caps |= ARCH_CAP_MDS_NO;
	p = spec_policy_for(&cpu);
	ck_assert(!p.l1d_flush && !p.verw && !p.l1tf_unmitigated && !p.mds_unmitigated);

	/* ARCH_CAPABILITIES counts only when CPUID says the MSR exists. */
	cpu.leaf7_edx &= ~SPEC_7D_ARCH_CAPS;
	p = spec_policy_for(&cpu);
	ck_assert(p.l1d_flush);
}
END_TEST

START_TEST(nested_and_amd)
{
	/* Nested under a VMM that flushes L1D at its own entries. */
	struct spec_cpu cpu = {.intel = true,
			       .leaf7_edx =
				   SPEC_7D_ARCH_CAPS | SPEC_7D_L1D_FLUSH | SPEC_7D_MD_CLEAR,
			       .arch_caps = ARCH_CAP_SKIP_L1DFL_VMENTRY};
	struct spec_policy p = spec_policy_for(&cpu);
	ck_assert(!p.l1d_flush && !p.l1tf_unmitigated && p.verw);

	/* AMD: neither L1TF nor MDS; IBPB from its own leaf. */
	struct spec_cpu amd = {.ext8_ebx = SPEC_8B_IBPB};
	p = spec_policy_for(&amd);
	ck_assert(p.ibpb_between_vms && p.rsb_fill);
	ck_assert(!p.l1d_flush && !p.verw && !p.l1tf_unmitigated && !p.mds_unmitigated);
	amd.ext8_ebx = 0;
	ck_assert(!spec_policy_for(&amd).ibpb_between_vms);
}
END_TEST

UNIT_SUITE(spec_policy_suite)
{
	Suite *s = suite_create("spec_policy");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, old_intel);
	tcase_add_test(tc, newer_intel);
	tcase_add_test(tc, nested_and_amd);
	suite_add_tcase(s, tc);
	return s;
}
