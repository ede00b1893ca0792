/*
 * The mitigation rules, as the Intel and AMD guidance and Linux's KVM apply
 * them: a CPU that says it is not affected (RDCL_NO, MDS_NO, an AMD CPU for
 * L1TF and MDS) pays nothing; one that is affected gets the mitigation if it
 * has the means, and is reported unmitigated if it has not.
 */
#include "spec_policy.h"

struct spec_policy spec_policy_for(const struct spec_cpu *cpu)
{
	struct spec_policy p = {.rsb_fill = true, .clear_regs = true};
	uint64_t caps = (cpu->leaf7_edx & SPEC_7D_ARCH_CAPS) ? cpu->arch_caps : 0;

	p.ibpb_between_vms = (cpu->leaf7_edx & SPEC_7D_IBRS_IBPB) || (cpu->ext8_ebx & SPEC_8B_IBPB);
	if (cpu->intel && !(caps & ARCH_CAP_RDCL_NO) && !(caps & ARCH_CAP_SKIP_L1DFL_VMENTRY)) {
		p.l1d_flush = cpu->leaf7_edx & SPEC_7D_L1D_FLUSH;
		p.l1tf_unmitigated = !p.l1d_flush;
	}
	/* With MD_CLEAR microcode the L1D flush clears the CPU buffers too;
	 * without it nothing does. */
	if (cpu->intel && !(caps & ARCH_CAP_MDS_NO)) {
		bool md_clear = cpu->leaf7_edx & SPEC_7D_MD_CLEAR;
		p.verw = md_clear && !p.l1d_flush;
		p.mds_unmitigated = !md_clear;
	}
	return p;
}
