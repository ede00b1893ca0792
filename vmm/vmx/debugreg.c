/*
 * The guest's debug registers on VT-x.  MOV DR exits until the guest touches
 * a debug register; then its DR0-DR3 and DR6 go into the hardware for the
 * next run and the instruction runs again without exiting, so the CPU itself
 * does the CPL, CR4.DE, DR7.GD and reserved-bit checks.  The exit that ends
 * that run takes them back out and turns MOV DR exiting on again.  While the
 * guest's DR7 arms a breakpoint, its registers go in around every run, so the
 * breakpoints fire in the guest.  DR7 and IA32_DEBUGCTL are switched by the
 * VMCS debug controls (the exit leaves DR7 0x400 and DEBUGCTL 0).
 *
 * #DB always exits: a #DB that exits leaves DR6 alone, so the bits the CPU
 * would have set reach the guest's DR6 here, whichever registers the hardware
 * held, and then the exception goes to the guest.
 */
#include <pallas/kernel.h>

#include "vmx.h"

#define INTR_TYPE_PRIV_SW_EXC (5u << 8) /* ICEBP */

int vmx_enter_dregs(struct vmx_guest_regs *regs, int launched)
{
	struct vmx_vcpu *v = container_of(regs, struct vmx_vcpu, regs);

	dregs_load(&v->dregs, true);
	int failed = vmx_enter(regs, launched);
	dregs_save(&v->dregs, true);
	dregs_scrub_hw();
	/* The guest's access ends with this exit; its next one exits again. */
	vmwrite(VMCS_PROC_CTLS, vmread(VMCS_PROC_CTLS) | PROC_MOV_DR_EXITING);
	if (!(vmread(VMCS_GUEST_DR7) & DR7_BP_ENABLED))
		v->enter = vmx_enter;
	return failed;
}

/* A MOV DR exited: the guest gets its registers and runs the instruction again. */
void vmx_dregs_grant(struct vmx_vcpu *v)
{
	vmwrite(VMCS_PROC_CTLS, vmread(VMCS_PROC_CTLS) & ~(uint64_t)PROC_MOV_DR_EXITING);
	v->enter = vmx_enter_dregs;
}

/* An exception exited; if it is a #DB, record it in the guest's DR6 as the
 * CPU would have, clear DR7.GD as delivery does, and deliver it. */
bool vmx_debug_exception(struct vmx_vcpu *v)
{
	uint32_t intr_info = (uint32_t)vmread(VMCS_EXIT_INTR_INFO);

	if ((intr_info & 0xff) != EXCEPTION_DB || (intr_info & INTR_TYPE_MASK) == INTR_TYPE_NMI)
		return false;
	uint64_t q = vmread(VMCS_EXIT_QUALIFICATION);

	v->dregs.dr6 = (v->dregs.dr6 & ~DR6_TRAP_BITS) | (q & DR6_DEBUG_EXC_BITS);
	vmwrite(VMCS_GUEST_DR7, vmread(VMCS_GUEST_DR7) & ~DR7_GD);
	/* ICEBP exits before it completes; delivered as a plain #DB, it must not
	 * run again when the handler returns. */
	if ((intr_info & INTR_TYPE_MASK) == INTR_TYPE_PRIV_SW_EXC)
		vmx_skip_insn_current(v);
	vmx_queue_exception(v, EXCEPTION_DB, false, 0);
	return true;
}
