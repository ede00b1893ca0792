/*
 * The guest's debug registers on AMD-V.  VMRUN and #VMEXIT switch DR6 and
 * DR7 through the VMCB, but not DR0-DR3.  DR accesses are intercepted until
 * the guest touches a debug register; then its DR0-DR3 go into the hardware
 * for the next run, the intercepts come off and the instruction runs again,
 * so the CPU itself does the CPL, CR4.DE, DR7.GD and reserved-bit checks.
 * The #VMEXIT that ends that run takes them back out and puts the intercepts
 * back.  While the guest's DR7 arms a breakpoint, its DR0-DR3 go in around
 * every run, so the breakpoints fire in the guest, and its #DB updates the
 * DR6 that #VMEXIT saves in the VMCB.  Without decode assists (QEMU TCG) an
 * intercepted MOV DR could not be emulated without decoding it: running it
 * again needs nothing of the sort.
 */
#include <pallas/kernel.h>

#include "svm.h"

void svm_enter_dregs(struct svm_guest_regs *regs, paddr_t vmcb_pa, paddr_t host_vmcb_pa)
{
	struct svm_vcpu *v = container_of(regs, struct svm_vcpu, regs);

	dregs_load(&v->dregs, false);
	svm_enter(regs, vmcb_pa, host_vmcb_pa);
	dregs_save(&v->dregs, false);
	dregs_scrub_hw();
	/* The guest's access ends with this exit; its next one exits again. */
	v->vmcb->c.intercept_dr = SVM_DR_INTERCEPTS;
	if (!(v->vmcb->s.dr7 & DR7_BP_ENABLED))
		v->enter = svm_enter;
}

/* A MOV DR was intercepted: the guest gets its registers and runs it again. */
void svm_dregs_grant(struct svm_vcpu *v)
{
	v->vmcb->c.intercept_dr = 0;
	v->enter = svm_enter_dregs;
}
