/*
 * The MSRs a guest may use beyond those the backend passes through (the
 * SYSCALL/SWAPGS set, SYSENTER, EFER, FS/GS base).  Values the guest may
 * write are kept per vCPU and read back; they do not change how the host
 * runs it (RAM is write-back whatever the MTRRs say), except IA32_PAT,
 * which the backend gives the hardware for the guest's own accesses.  The LAPIC's MSRs
 * (IA32_APIC_BASE, IA32_TSC_DEADLINE, x2APIC) are the virtual LAPIC's.
 * Anything else is #GP, as on a CPU without that MSR; so is an MTRR value
 * with a reserved bit or memory type (msr_policy.c).
 */
#include <asm/cpu.h>

#include "msr_policy.h"
#include "vlapic.h"
#include "vm_impl.h"

#define MSR_TSC		    0x10
#define MSR_PLATFORM_ID	    0x17
#define MSR_TSC_ADJUST	    0x3b
#define MSR_FEATURE_CTL	    0x3a
#define MSR_BIOS_SIGN	    0x8b
#define MSR_MTRR_CAP	    0xfe
#define MSR_MISC_ENABLE	    0x1a0
#define MSR_MTRR_VAR	    0x200 /* 16 of them: base/mask pairs for 8 ranges */
#define MSR_MTRR_FIX64K	    0x250
#define MSR_MTRR_FIX16K_0   0x258
#define MSR_MTRR_FIX16K_1   0x259
#define MSR_MTRR_FIX4K	    0x268 /* 8 of them */
#define MSR_PAT		    0x277
#define MSR_MTRR_DEF	    0x2ff
#define MSR_MCG_CAP	    0x179
#define MSR_MCG_STATUS	    0x17a
#define MSR_K7_PERF_FIRST   0xc0010000 /* EVNTSEL0-3, then PERFCTR0-3 */
#define MSR_K7_PERF_LAST    0xc0010007
#define MSR_AMD_SYSCFG	    0xc0010010
#define MSR_AMD_INT_PENDING 0xc0010055 /* Linux reads it on old AMD families for C1E */

#define PAT_DEFAULT 0x0007040600070406ull
/* Fast strings (writable); BTS and PEBS unavailable (read-only: no PMU). */
#define MISC_ENABLE_FAST_STRINGS 1ull
#define MISC_ENABLE_RESET	 (MISC_ENABLE_FAST_STRINGS | (1ull << 11) | (1ull << 12))

void guest_msrs_reset(struct vcpu *vcpu)
{
	vcpu->pat = PAT_DEFAULT;
	vcpu->misc_enable = MISC_ENABLE_RESET;
}

static uint64_t *fixed_mtrr(struct vcpu *vcpu, uint32_t msr)
{
	if (msr == MSR_MTRR_FIX64K)
		return &vcpu->mtrr_fixed[0];
	if (msr == MSR_MTRR_FIX16K_0 || msr == MSR_MTRR_FIX16K_1)
		return &vcpu->mtrr_fixed[1 + msr - MSR_MTRR_FIX16K_0];
	if (msr >= MSR_MTRR_FIX4K && msr < MSR_MTRR_FIX4K + 8)
		return &vcpu->mtrr_fixed[3 + msr - MSR_MTRR_FIX4K];
	return NULL;
}

/* The guest's TSC moves by delta; IA32_TSC_ADJUST records it (SDM 18.17.3). */
static void move_tsc(struct vcpu *vcpu, int64_t delta)
{
	vcpu->tsc_offset += delta;
	vcpu->tsc_adjust += delta;
	vcpu->vm->ops->set_tsc_offset(vcpu, vcpu->tsc_offset);
}

bool guest_rdmsr(struct vcpu *vcpu, uint32_t msr, uint64_t *value)
{
	uint64_t *fixed = fixed_mtrr(vcpu, msr);

	if (fixed) {
		*value = *fixed;
		return true;
	}
	if (vlapic_owns_msr(msr))
		return vlapic_rdmsr(vcpu, msr, value);
	if (msr >= MSR_MTRR_VAR && msr < MSR_MTRR_VAR + 16) {
		*value = vcpu->mtrr_var[msr - MSR_MTRR_VAR];
		return true;
	}
	/* Guests probe these without CPUID (KVM and QEMU answer the same way):
	 * with no PMU offered they read 0 and take any write. */
	if (msr >= MSR_K7_PERF_FIRST && msr <= MSR_K7_PERF_LAST) {
		*value = 0;
		return true;
	}
	switch (msr) {
	case MSR_TSC:
		*value = rdtsc() + (uint64_t)vcpu->tsc_offset;
		return true;
	case MSR_TSC_ADJUST:
		*value = (uint64_t)vcpu->tsc_adjust;
		return true;
	case MSR_PLATFORM_ID:
	case MSR_BIOS_SIGN:
	case MSR_MCG_CAP:	  /* no banks, no MCG_CTL: nothing to report a machine check in */
	case MSR_MCG_STATUS:	  /* no machine check in progress */
	case MSR_AMD_SYSCFG:	  /* no memory encryption, no fixed-MTRR DRAM bits */
	case MSR_AMD_INT_PENDING: /* C1E is not active */
		*value = 0;
		return true;
	case MSR_FEATURE_CTL:
		*value = 1; /* locked, VMX off */
		return true;
	case MSR_MTRR_CAP:
		*value = 0x508; /* 8 variable ranges, fixed ranges, write-combining */
		return true;
	case MSR_MISC_ENABLE:
		*value = vcpu->misc_enable;
		return true;
	case MSR_PAT:
		*value = vcpu->pat;
		return true;
	case MSR_MTRR_DEF:
		*value = vcpu->mtrr_def_type;
		return true;
	}
	return false;
}

/* The guest's MAXPHYADDR, which bounds the variable MTRRs' bases and masks. */
static unsigned guest_maxphyaddr(struct vcpu *vcpu)
{
	uint32_t r[4];

	guest_cpuid(vcpu, 0x80000000u, 0, r);
	if (r[0] < 0x80000008u)
		return 36;
	guest_cpuid(vcpu, 0x80000008u, 0, r);
	return r[0] & 0xff;
}

bool guest_wrmsr(struct vcpu *vcpu, uint32_t msr, uint64_t value)
{
	uint64_t *fixed = fixed_mtrr(vcpu, msr);

	if (fixed) {
		if (!mtrr_fixed_ok(value))
			return false;
		*fixed = value;
		return true;
	}
	if (vlapic_owns_msr(msr))
		return vlapic_wrmsr(vcpu, msr, value);
	if (msr >= MSR_MTRR_VAR && msr < MSR_MTRR_VAR + 16) {
		if (!mtrr_var_ok(msr & 1, value, guest_maxphyaddr(vcpu)))
			return false;
		vcpu->mtrr_var[msr - MSR_MTRR_VAR] = value;
		return true;
	}
	if (msr >= MSR_K7_PERF_FIRST && msr <= MSR_K7_PERF_LAST)
		return true; /* no PMU: the write goes nowhere */
	switch (msr) {
	case MSR_TSC: /* the guest's TSC moves; the host's does not */
		move_tsc(vcpu, (int64_t)(value - (rdtsc() + (uint64_t)vcpu->tsc_offset)));
		return true;
	case MSR_TSC_ADJUST:
		move_tsc(vcpu, (int64_t)(value - (uint64_t)vcpu->tsc_adjust));
		return true;
	case MSR_BIOS_SIGN:
		return true; /* accepted and ignored, as hypervisors commonly do */
	case MSR_MISC_ENABLE:
		/* Only fast strings can change; the other bits keep what they
		 * say (writes to them are ignored, as KVM does). */
		vcpu->misc_enable = (MISC_ENABLE_RESET & ~MISC_ENABLE_FAST_STRINGS) |
				    (value & MISC_ENABLE_FAST_STRINGS);
		return true;
	case MSR_MCG_STATUS:
		return value == 0; /* clearing it is all a guest may do */
	case MSR_AMD_SYSCFG:
		return value == 0; /* none of its features are offered */
	case MSR_PAT:
		for (int i = 0; i < 8; i++) {
			uint8_t type = (value >> (8 * i)) & 0xff;
			if (type == 2 || type == 3 || type > 7)
				return false; /* reserved memory type: #GP, as the SDM says */
		}
		vcpu->pat = value;
		vcpu->vm->ops->set_pat(vcpu, value);
		return true;
	case MSR_MTRR_DEF:
		if (!mtrr_def_type_ok(value))
			return false;
		vcpu->mtrr_def_type = value;
		return true;
	}
	return false;
}
