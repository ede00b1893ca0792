/*
 * The VMX capability MSRs.  Every control field has bits the CPU requires to
 * be 1 (allowed-0 = 1) and bits it permits to be 1 (allowed-1); the TRUE_*
 * variants, when IA32_VMX_BASIC says they exist, relax some defaults.
 */
#include <asm/cpu.h>
#include <pallas/kernel.h>
#include <pallas/string.h>

#include "vmx.h"

#define MSR_VMX_BASIC	       0x480
#define MSR_VMX_PINBASED       0x481
#define MSR_VMX_PROCBASED      0x482
#define MSR_VMX_EXIT	       0x483
#define MSR_VMX_ENTRY	       0x484
#define MSR_VMX_MISC	       0x485
#define MSR_VMX_CR0_FIXED0     0x486
#define MSR_VMX_CR0_FIXED1     0x487
#define MSR_VMX_CR4_FIXED0     0x488
#define MSR_VMX_CR4_FIXED1     0x489
#define MSR_VMX_PROCBASED2     0x48b
#define MSR_VMX_EPT_VPID_CAP   0x48c
#define MSR_VMX_TRUE_PINBASED  0x48d
#define MSR_VMX_TRUE_PROCBASED 0x48e
#define MSR_VMX_TRUE_EXIT      0x48f
#define MSR_VMX_TRUE_ENTRY     0x490
#define BASIC_TRUE_CTLS	       (1ull << 55)

struct vmx_caps vmx_caps;

static void split(uint64_t msr, uint32_t *allowed0, uint32_t *allowed1)
{
	*allowed0 = (uint32_t)msr;
	*allowed1 = (uint32_t)(msr >> 32);
}

bool vmx_caps_read(char *err, size_t errlen)
{
	uint64_t basic = rdmsr(MSR_VMX_BASIC);
	bool true_ctls = basic & BASIC_TRUE_CTLS;
	uint32_t unused;

	vmx_caps.revision = basic & 0x7fffffff;
	split(rdmsr(true_ctls ? MSR_VMX_TRUE_PINBASED : MSR_VMX_PINBASED), &vmx_caps.pin_allowed0,
	      &vmx_caps.pin_allowed1);
	split(rdmsr(true_ctls ? MSR_VMX_TRUE_PROCBASED : MSR_VMX_PROCBASED),
	      &vmx_caps.proc_allowed0, &vmx_caps.proc_allowed1);
	split(rdmsr(true_ctls ? MSR_VMX_TRUE_EXIT : MSR_VMX_EXIT), &vmx_caps.exit_allowed0,
	      &vmx_caps.exit_allowed1);
	split(rdmsr(true_ctls ? MSR_VMX_TRUE_ENTRY : MSR_VMX_ENTRY), &vmx_caps.entry_allowed0,
	      &vmx_caps.entry_allowed1);
	if (!(vmx_caps.proc_allowed1 & PROC_SECONDARY)) {
		ksnprintf(err, errlen, "no secondary processor-based controls (so no EPT)");
		return false;
	}
	split(rdmsr(MSR_VMX_PROCBASED2), &unused, &vmx_caps.proc2_allowed1);
	vmx_caps.cr0_fixed0 = rdmsr(MSR_VMX_CR0_FIXED0);
	vmx_caps.cr0_fixed1 = rdmsr(MSR_VMX_CR0_FIXED1);
	vmx_caps.cr4_fixed0 = rdmsr(MSR_VMX_CR4_FIXED0);
	vmx_caps.cr4_fixed1 = rdmsr(MSR_VMX_CR4_FIXED1);
	vmx_caps.ept_vpid = rdmsr(MSR_VMX_EPT_VPID_CAP);
	vmx_caps.preemption_timer_shift = rdmsr(MSR_VMX_MISC) & 0x1f;

	static const struct {
		uint32_t bit;
		const char *what;
	} needed[] = {{PROC2_EPT, "EPT"},
		      {PROC2_UNRESTRICTED_GUEST, "unrestricted guest"},
		      {PROC2_VPID, "VPID"}};
	for (size_t i = 0; i < ARRAY_SIZE(needed); i++) {
		if (!(vmx_caps.proc2_allowed1 & needed[i].bit)) {
			ksnprintf(err, errlen, "no %s", needed[i].what);
			return false;
		}
	}
	/* 4-level walks, write-back EPT structures, 2 MiB pages, INVEPT and INVVPID. */
	uint64_t need = (1ull << 6) | (1ull << 14) | (1ull << 16) | (1ull << 20) | (1ull << 32);
	if ((vmx_caps.ept_vpid & need) != need) {
		ksnprintf(err, errlen,
			  "EPT/VPID capabilities %#lx lack 4-level/WB/2M/INVEPT/INVVPID",
			  vmx_caps.ept_vpid);
		return false;
	}
	return true;
}

bool vmx_adjust(uint32_t wanted, uint32_t allowed0, uint32_t allowed1, uint32_t *out)
{
	*out = (wanted | allowed0) & allowed1;
	return (*out & wanted) == wanted;
}
