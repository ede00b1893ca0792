/*
 * QEMU's TCG (7.2, Debian 12's) sometimes runs a VMRUN as if it had loaded
 * the host's state as the guest's: the "guest" starts at the host RIP after
 * VMRUN, on the host's CR3, with nested paging on, and its first fetch ends
 * in a nested page fault whose VMCB save area holds the host's state.  No
 * guest instruction ran, so the vCPU's true state is what the VMCB held
 * before the entry: it is copied before each entry and put back, and the
 * entry taken again.  Seen only on the host CPU that also runs other host
 * threads, with IPIs between vCPUs (tests/guests/ipi_latency, the Linux
 * guest); real CPUs and Bochs do not do this, so the copy is made only when
 * CPUID names QEMU's TCG (svm_caps.c).
 *
 * It does not always hold that no guest instruction ran.  The IPI storm
 * (tests/guests/ipi_storm, `make soak-vmm`) on two vCPUs has one such entry
 * every few tens of thousands of rounds, always with a nested-page-fault exit
 * code, and after most of them the guest goes wrong (an IPI its handler
 * counted is missing, an invalid opcode): the guest ran on, or QEMU wrote
 * more than the save area, before the fault.  Putting the VMCB back cannot
 * undo that.  The same storm passes on Bochs, VT-x and AMD-V alike.
 *
 * The check compares the exit's RIP, RSP and CR3 with what VMRUN saved in
 * the host save area, which QEMU keeps in VMCB layout.  A guest that made
 * its own state look like the host's would only be put back to where it
 * was, a bounded number of times (svm.c), and learns nothing.
 */
#include <pallas/kernel.h>
#include <pallas/mm.h>

#include "svm.h"

/* What VMRUN loads from the save area and #VMEXIT writes back (APM vol. 2,
 * 15.5.1 and 15.6): copied field by field, a few dozen stores, where the
 * whole area would cost more than the exit itself. */
struct svm_entry_copy {
	struct vmcb_seg es, cs, ss, ds, gdtr, idtr;
	uint8_t cpl;
	uint64_t efer, cr4, cr3, cr0, dr7, dr6, rflags, rip, rsp, rax, cr2, g_pat;
	uint64_t event_inj, int_ctl, int_state;
};

#define COPY_FIELDS(to, from)                                                        \
	do {                                                                         \
		(to)->es = (from)->es, (to)->cs = (from)->cs, (to)->ss = (from)->ss; \
		(to)->ds = (from)->ds, (to)->gdtr = (from)->gdtr;                    \
		(to)->idtr = (from)->idtr, (to)->cpl = (from)->cpl;                  \
		(to)->efer = (from)->efer, (to)->cr4 = (from)->cr4;                  \
		(to)->cr3 = (from)->cr3, (to)->cr0 = (from)->cr0;                    \
		(to)->dr7 = (from)->dr7, (to)->dr6 = (from)->dr6;                    \
		(to)->rflags = (from)->rflags, (to)->rip = (from)->rip;              \
		(to)->rsp = (from)->rsp, (to)->rax = (from)->rax;                    \
		(to)->cr2 = (from)->cr2, (to)->g_pat = (from)->g_pat;                \
	} while (0)

bool svm_replay_init(struct svm_vcpu *v)
{
	if (!svm_caps.lost_entries)
		return true;
	v->entry_copy = kzalloc(sizeof(*v->entry_copy));
	return v->entry_copy != NULL;
}

void svm_replay_free(struct svm_vcpu *v)
{
	kfree(v->entry_copy);
	v->entry_copy = NULL;
}

void svm_replay_save(struct svm_vcpu *v)
{
	struct svm_entry_copy *c = v->entry_copy;

	if (!c)
		return;
	COPY_FIELDS(c, &v->vmcb->s);
	c->event_inj = v->vmcb->c.event_inj;
	c->int_ctl = v->vmcb->c.int_ctl;
	c->int_state = v->vmcb->c.int_state;
}

/* After an exit: true if the entry was lost, with the VMCB put back as it
 * was before it. */
bool svm_replay_lost(struct svm_vcpu *v, paddr_t hsave_pa)
{
	struct svm_entry_copy *c = v->entry_copy;
	const struct vmcb_save *host = &((const struct vmcb *)phys_to_virt(hsave_pa))->s;
	const struct vmcb_save *got = &v->vmcb->s;

	if (!c || got->rip != host->rip || got->rsp != host->rsp || got->cr3 != host->cr3)
		return false;
	COPY_FIELDS(&v->vmcb->s, c);
	v->vmcb->c.event_inj = c->event_inj;
	v->vmcb->c.int_ctl = c->int_ctl;
	v->vmcb->c.int_state = c->int_state;
	return true;
}
