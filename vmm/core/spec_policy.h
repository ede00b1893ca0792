/*
 * Which speculative-execution mitigations the VMM applies around guest entry
 * and exit, from what the CPU says of itself (CPUID and
 * IA32_ARCH_CAPABILITIES): pure, so that the unit tests pin the rules down
 * (vmm/core/spec_policy.c); vmm/core/spec_ctrl.c reads the CPU and applies
 * them.  vmm/README.md says which attack each one covers.
 */
#ifndef VMM_CORE_SPEC_POLICY_H
#define VMM_CORE_SPEC_POLICY_H

#include <pallas/types.h>

/* CPUID.7.0:EDX */
#define SPEC_7D_MD_CLEAR  (1u << 10)
#define SPEC_7D_IBRS_IBPB (1u << 26)
#define SPEC_7D_L1D_FLUSH (1u << 28)
#define SPEC_7D_ARCH_CAPS (1u << 29)
/* CPUID.80000008:EBX (AMD) */
#define SPEC_8B_IBPB (1u << 12)
/* IA32_ARCH_CAPABILITIES */
#define ARCH_CAP_RDCL_NO	    (1ull << 0)
#define ARCH_CAP_SKIP_L1DFL_VMENTRY (1ull << 3)
#define ARCH_CAP_MDS_NO		    (1ull << 5)

struct spec_cpu {
	bool intel;	    /* GenuineIntel: L1TF and MDS are Intel's */
	uint32_t leaf7_edx; /* 0 when leaf 7 is absent */
	uint32_t ext8_ebx;  /* 0 when 0x80000008 is absent */
	uint64_t arch_caps; /* 0 unless SPEC_7D_ARCH_CAPS */
};

struct spec_policy {
	/* Always: the return stack buffer refilled after each exit, and the
	 * guest's values cleared from the registers the host does not restore. */
	bool rsb_fill, clear_regs;
	/* IBPB when a host CPU goes from one VM's vCPU to another VM's. */
	bool ibpb_between_vms;
	/* L1TF: the L1 data cache flushed before each entry; or the CPU needs it
	 * but cannot (no IA32_FLUSH_CMD), which the boot log says. */
	bool l1d_flush, l1tf_unmitigated;
	/* MDS: the CPU buffers cleared with VERW before each entry (not needed
	 * when the L1D flush runs: with MD_CLEAR microcode it clears them too). */
	bool verw, mds_unmitigated;
};

struct spec_policy spec_policy_for(const struct spec_cpu *cpu);

#endif
