/*
 * Turning a VM exit into what the core needs (struct vm_exit), or finishing
 * it here when it is pure VT-x bookkeeping: XSETBV, RDPMC, INVD/WBINVD, the preemption timer, host
 * interrupts.
 */
#include <pallas/kernel.h>
#include <pallas/string.h>

#include "vmx.h"

static const char *const reason_names[] = {
    [EXIT_REASON_EXCEPTION] = "exception or NMI",
    [EXIT_REASON_TASK_SWITCH] = "task switch",
    [EXIT_REASON_INVLPG] = "INVLPG",
    [EXIT_REASON_RDPMC] = "RDPMC",
    [EXIT_REASON_VMCALL] = "VMCALL",
    [19] = "VMCLEAR",
    [20] = "VMLAUNCH",
    [21] = "VMPTRLD",
    [22] = "VMPTRST",
    [23] = "VMREAD",
    [24] = "VMRESUME",
    [25] = "VMWRITE",
    [26] = "VMXOFF",
    [27] = "VMXON",
    [EXIT_REASON_DR_ACCESS] = "MOV DR",
    [EXIT_REASON_BAD_GUEST_STATE] = "VM entry with invalid guest state",
    [EXIT_REASON_MSR_LOADING] = "VM entry failed loading MSRs",
    [EXIT_REASON_MWAIT] = "MWAIT",
    [EXIT_REASON_MONITOR] = "MONITOR",
    [EXIT_REASON_MACHINE_CHECK] = "machine check during VM entry",
    [EXIT_REASON_EPT_MISCONFIG] = "EPT misconfiguration",
    [50] = "INVEPT",
    [53] = "INVVPID",
};

static const char *reason_name(unsigned r)
{
	if (r < ARRAY_SIZE(reason_names) && reason_names[r])
		return reason_names[r];
	return "unknown";
}

#define MSR_TSC_AUX 0xc0000103

static void inject_gp(struct vmx_vcpu *v)
{
	vmx_queue_exception(v, 13, true, 0);
}

/* The guest's TSC_AUX lives in the MSR-load area, loaded at each entry. */
static void tsc_aux_write(struct vmx_vcpu *v)
{
	if ((uint32_t)v->regs.rdx) {
		inject_gp(v); /* bits 63:32 are reserved */
		return;
	}
	for (unsigned i = 0; i < VMX_SWITCHED_MSRS; i++) {
		if (v->guest_msrs[i].index == MSR_TSC_AUX) {
			v->guest_msrs[i].value = (uint32_t)v->regs.rax;
			vmx_skip_insn_current(v);
			return;
		}
	}
	inject_gp(v);
}

/* MOV to CR0/CR4 that touched a host-owned bit, or a CR4 bit the guest
 * was not offered (the others never exit): the core checks it, then
 * vmx_set_cr (vmx.c) carries it out. */
static bool cr_access(struct vm_exit *exit)
{
	uint64_t q = vmread(VMCS_EXIT_QUALIFICATION);
	unsigned cr = q & 15, type = (q >> 4) & 3;

	if (type != 0 || (cr != 0 && cr != 4)) {
		ksnprintf(exit->detail, sizeof(exit->detail), "CR access %#lx", q);
		return false;
	}
	exit->kind = VM_EXIT_CR_WRITE;
	exit->cr.cr = (uint8_t)cr;
	exit->cr.gpr = (int8_t)((q >> 8) & 15);
	return true;
}

static void io_exit(struct vmx_vcpu *v, struct vm_exit *exit)
{
	uint64_t q = vmread(VMCS_EXIT_QUALIFICATION);

	exit->kind = VM_EXIT_IO;
	exit->io.size = (uint8_t)((q & 7) + 1);
	exit->io.write = !(q & 8);
	exit->io.string = q & 16;
	exit->io.rep = q & 32;
	exit->io.port = (uint16_t)(q >> 16);
	exit->io.data = (uint32_t)v->regs.rax;
}

static void block_nmis(void)
{
	vmwrite(VMCS_GUEST_INTERRUPTIBILITY,
		vmread(VMCS_GUEST_INTERRUPTIBILITY) | INTERRUPTIBILITY_NMI);
}

static void ept_violation(struct vm_exit *exit)
{
	if (vmx_virtual_nmis() && (vmread(VMCS_EXIT_QUALIFICATION) & NMI_UNBLOCKED_BY_IRET))
		block_nmis(); /* as for an exception in that IRET */
	exit->kind = VM_EXIT_MMIO;
	exit->mmio.gpa = vmread(VMCS_GUEST_PHYS_ADDR);
	exit->mmio.gva = vmread(VMCS_GUEST_LINEAR_ADDR);
	exit->mmio.insn_len = 0; /* the core fetches the instruction */
}

/* An event the exit interrupted must be delivered again on the next entry.
 * An NMI that was not delivered blocks nothing yet (the injection will). */
static void requeue_vectoring_event(struct vmx_vcpu *v)
{
	uint32_t info = (uint32_t)vmread(VMCS_IDT_VECTORING_INFO);

	if (!(info & INTR_INFO_VALID))
		return;
	if ((info & INTR_TYPE_MASK) == INTR_TYPE_NMI)
		vmwrite(VMCS_GUEST_INTERRUPTIBILITY,
			vmread(VMCS_GUEST_INTERRUPTIBILITY) & ~(uint64_t)INTERRUPTIBILITY_NMI);
	vmwrite(VMCS_ENTRY_INTR_INFO, info & ~(1u << 12));
	if (info & INTR_INFO_DELIVER_CODE)
		vmwrite(VMCS_ENTRY_EXCEPTION_ERR, vmread(VMCS_IDT_VECTORING_ERR));
	vmwrite(VMCS_ENTRY_INSN_LEN, vmread(VMCS_EXIT_INSN_LEN));
	v->pending_event = true;
}

/*
 * A task switch, which VT-x leaves to the VMM whatever started it (SDM
 * 27.2.4, 28.2.1).  Through an IDT task gate, the event being delivered is
 * consumed by the switch, not delivered again: requeue_vectoring_event's
 * injection is undone (an NMI stays blocked, as delivery would leave it).
 * CALL, JMP, IRET and software interrupts complete first: the old TSS gets
 * the next instruction's EIP.
 */
static void task_switch(struct vmx_vcpu *v, struct vm_exit *exit)
{
	uint64_t q = vmread(VMCS_EXIT_QUALIFICATION);
	uint32_t info = (uint32_t)vmread(VMCS_IDT_VECTORING_INFO);
	unsigned source = (q >> 30) & 3;
	bool completes = true;

	exit->kind = VM_EXIT_TASK_SWITCH;
	exit->task.selector = (uint16_t)q;
	exit->task.source = (uint8_t)source;
	exit->task.has_error = false;
	exit->task.error = 0;
	exit->task.soft_vector = -1;
	if (source == TASK_SWITCH_GATE && (info & INTR_INFO_VALID)) {
		uint32_t type = info & INTR_TYPE_MASK;
		vmwrite(VMCS_ENTRY_INTR_INFO, 0);
		v->pending_event = false;
		if (type == INTR_TYPE_NMI)
			vmwrite(VMCS_GUEST_INTERRUPTIBILITY,
				vmread(VMCS_GUEST_INTERRUPTIBILITY) | INTERRUPTIBILITY_NMI);
		if (type == INTR_TYPE_HW_EXCEPTION && (info & INTR_INFO_DELIVER_CODE)) {
			exit->task.has_error = true;
			exit->task.error = (uint32_t)vmread(VMCS_IDT_VECTORING_ERR);
		}
		if (type == INTR_TYPE_EXTINT || type == INTR_TYPE_NMI ||
		    type == INTR_TYPE_HW_EXCEPTION)
			completes = false;
		if (type == INTR_TYPE_SOFT_INT || type == INTR_TYPE_SOFT_EXCEPTION)
			exit->task.soft_vector = (int16_t)(info & 0xff);
	}
	exit->task.insn_len = completes ? (uint8_t)vmread(VMCS_EXIT_INSN_LEN) : 0;
}

/* The reason is read again here, so that the hot path keeps no register
 * for it across the calls of the exits it handles. */
static void unhandled(struct vm_exit *exit)
{
	unsigned reason = vmread(VMCS_EXIT_REASON) & 0xffff;

	exit->kind = VM_EXIT_UNHANDLED;
	ksnprintf(exit->detail, sizeof(exit->detail),
		  "unhandled VM exit %u (%s), qualification %#lx, at rip %#lx", reason,
		  reason_name(reason), vmread(VMCS_EXIT_QUALIFICATION), vmread(VMCS_GUEST_RIP));
}

/*
 * An exception or NMI exited.  An NMI is the host's (NMI exiting): it goes to
 * the host's handler as if it had come there.  A fault in an IRET that had
 * already unblocked NMIs runs the IRET again, which must find them blocked
 * (SDM 27.2.3).  Of the exceptions only #DB is the guest's (debugreg.c).
 */
static void exception_exit(struct vmx_vcpu *v, struct vm_exit *exit)
{
	uint32_t info = (uint32_t)vmread(VMCS_EXIT_INTR_INFO);

	if ((info & INTR_TYPE_MASK) == INTR_TYPE_NMI) {
		__asm__ volatile("int $2");
		return;
	}
	if (vmx_virtual_nmis() && (info & NMI_UNBLOCKED_BY_IRET) &&
	    !(vmread(VMCS_IDT_VECTORING_INFO) & INTR_INFO_VALID))
		block_nmis();
	if (!vmx_debug_exception(v))
		unhandled(exit);
}

void vmx_handle_exit(struct vcpu *vcpu, struct vmx_vcpu *v, struct vm_exit *exit)
{
	uint32_t raw = (uint32_t)vmread(VMCS_EXIT_REASON);
	unsigned reason = raw & 0xffff;

	exit->kind = VM_EXIT_NONE;
	if (raw & EXIT_REASON_FAILED_ENTRY) {
		exit->kind = VM_EXIT_ERROR;
		ksnprintf(exit->detail, sizeof(exit->detail), "VM entry failed: %s (reason %u)",
			  reason_name(reason), reason);
		return;
	}
	requeue_vectoring_event(v);
	switch (reason) {
	case EXIT_REASON_NMI_WINDOW:
		vmwrite(VMCS_PROC_CTLS,
			vmread(VMCS_PROC_CTLS) & ~(uint64_t)PROC_NMI_WINDOW_EXITING);
		return; /* the core injects the NMI before the next entry */
	case EXIT_REASON_EXTINT:
	case EXIT_REASON_PREEMPTION_TIMER:
	case EXIT_REASON_INTR_WINDOW:
		return; /* the core re-evaluates pending interrupts before the next entry */
	case EXIT_REASON_TRIPLE_FAULT:
		exit->kind = VM_EXIT_SHUTDOWN;
		return;
	case EXIT_REASON_TASK_SWITCH:
		task_switch(v, exit);
		return;
	case EXIT_REASON_INIT:
		exit->kind = VM_EXIT_INIT;
		return;
	case EXIT_REASON_CPUID:
		exit->kind = VM_EXIT_CPUID;
		exit->cpuid.leaf = (uint32_t)v->regs.rax;
		exit->cpuid.subleaf = (uint32_t)v->regs.rcx;
		return;
	case EXIT_REASON_HLT:
		exit->kind = VM_EXIT_HLT;
		return;
	case EXIT_REASON_IO:
		io_exit(v, exit);
		return;
	case EXIT_REASON_RDMSR:
		exit->kind = VM_EXIT_RDMSR;
		exit->msr.msr = (uint32_t)v->regs.rcx;
		return;
	case EXIT_REASON_WRMSR:
		if ((uint32_t)v->regs.rcx == MSR_TSC_AUX) {
			tsc_aux_write(v);
			return;
		}
		exit->kind = VM_EXIT_WRMSR;
		exit->msr.msr = (uint32_t)v->regs.rcx;
		exit->msr.value = (v->regs.rdx << 32) | (uint32_t)v->regs.rax;
		return;
	case EXIT_REASON_EPT_VIOLATION:
		ept_violation(exit);
		return;
	case EXIT_REASON_CR_ACCESS:
		if (!cr_access(exit))
			exit->kind = VM_EXIT_UNHANDLED;
		return;
	case EXIT_REASON_DR_ACCESS:
		vmx_dregs_grant(v); /* the instruction runs again, on the guest's registers */
		return;
	case EXIT_REASON_INVD:
	case EXIT_REASON_WBINVD:
		vmx_skip_insn_current(v); /* guest RAM is write-back and coherent: nothing to do */
		return;
	case EXIT_REASON_PAUSE:
		vmx_skip_insn_current(v);
		return;
	case EXIT_REASON_RDPMC:
		inject_gp(v); /* CPUID offers no PMU: no counter index is valid */
		return;
	case EXIT_REASON_XSETBV:
		inject_gp(v); /* CPUID tells the guest there is no XSAVE */
		return;
	case EXIT_REASON_MWAIT:
	case EXIT_REASON_MONITOR:
	case EXIT_REASON_VMCALL:
	case 19 ... 27:
	case 50:
	case 53:
		/* Not offered by the guest's CPUID: #UD, as a CPU without them would. */
		vmx_queue_exception(v, 6, false, 0);
		return;
	case EXIT_REASON_EXCEPTION:
		exception_exit(v, exit);
		return;
	default:
		unhandled(exit);
	}
}
