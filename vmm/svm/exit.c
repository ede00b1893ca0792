/*
 * Turning a #VMEXIT into what the core needs (struct vm_exit), or finishing
 * it here when it is SVM bookkeeping: EFER and TSC_AUX writes, XSETBV,
 * INVD/WBINVD, PAUSE, the SVM instructions, host interrupts and the virtual
 * interrupt window.  Without NRIP save (QEMU TCG) the end of the exiting
 * instruction is known from its fixed length, or from EXITINFO2 for I/O.
 */
#include <pallas/kernel.h>
#include <pallas/string.h>

#include "svm.h"

#define MSR_EFER    0xc0000080
#define MSR_TSC_AUX 0xc0000103
#define EFER_LMA    (1ull << 10)
#define EFER_SVME   (1ull << 12)

static const char *exit_name(uint64_t code)
{
	switch (code) {
	case VMEXIT_INVALID:
		return "invalid guest state";
	case VMEXIT_SMI:
		return "SMI";
	case 0x65:
		return "CR0 selective write";
	case 0x7d:
		return "task switch";
	case 0x7e:
		return "FERR freeze";
	case VMEXIT_NPF:
		return "nested page fault";
	default:
		if (code < 0x20)
			return "CR access";
		if (code < 0x40)
			return "DR access";
		if (code < 0x60)
			return "exception";
		return "unknown";
	}
}

/* Where the exiting instruction ends: NRIP when the CPU saves it, else the
 * instruction's fixed length. */
static void note_next_rip(struct svm_vcpu *v, unsigned len)
{
	v->next_rip = svm_caps.nrip ? v->vmcb->c.next_rip : v->vmcb->s.rip + len;
}

static void io_exit(struct svm_vcpu *v, struct vm_exit *exit)
{
	uint64_t info = v->vmcb->c.exit_info1;

	exit->kind = VM_EXIT_IO;
	exit->io.size = (info & IOIO_SZ32) ? 4 : (info & IOIO_SZ16) ? 2 : 1;
	exit->io.write = !(info & IOIO_IN);
	exit->io.string = info & IOIO_STRING;
	exit->io.rep = info & IOIO_REP;
	exit->io.port = (uint16_t)(info >> 16);
	exit->io.data = (uint32_t)v->vmcb->s.rax;
	v->next_rip = v->vmcb->c.exit_info2; /* always saved for IOIO */
}

static void npf_exit(struct svm_vcpu *v, struct vm_exit *exit)
{
	const struct vmcb_control *c = &v->vmcb->c;

	exit->kind = VM_EXIT_MMIO;
	exit->mmio.gpa = c->exit_info2;
	/* Decode assists fetch the bytes; otherwise the core does. */
	exit->mmio.insn_len = 0;
	if (svm_caps.decode_assists && c->insn_len && c->insn_len <= sizeof(exit->mmio.insn)) {
		memcpy(exit->mmio.insn, c->insn_bytes, c->insn_len);
		exit->mmio.insn_len = c->insn_len;
	}
}

/* EFER is the backend's: SVME stays set under the guest, and hidden. */
static bool efer_access(struct svm_vcpu *v, bool write)
{
	struct vmcb_save *g = &v->vmcb->s;

	if (!write) {
		g->rax = (uint32_t)(g->efer & ~EFER_SVME);
		v->regs.rdx = (g->efer & ~EFER_SVME) >> 32;
		return true;
	}
	uint64_t val = (v->regs.rdx << 32) | (uint32_t)g->rax;
	if (val & ~(svm_caps.guest_efer | EFER_LMA))
		return false;
	/* LMA is the CPU's to set (on CR0.PG with LME); writes leave it alone. */
	g->efer = (val & svm_caps.guest_efer) | (g->efer & EFER_LMA) | EFER_SVME;
	return true;
}

static void msr_exit(struct svm_vcpu *v, struct vm_exit *exit)
{
	uint32_t msr = (uint32_t)v->regs.rcx;
	bool write = v->vmcb->c.exit_info1 & 1;

	note_next_rip(v, 2);
	/* TSC_AUX writes exit only to be kept for the next VMRUN; without RDTSCP
	 * the MSR does not exist and the core's #GP is right. */
	if (msr == MSR_EFER || (msr == MSR_TSC_AUX && write && svm_caps.rdtscp)) {
		bool ok = true;
		if (msr == MSR_EFER)
			ok = efer_access(v, write);
		else
			ok = (uint32_t)v->regs.rdx == 0; /* bits 63:32 are reserved: #GP */
		if (ok && msr == MSR_TSC_AUX)
			v->tsc_aux = (uint32_t)v->vmcb->s.rax; /* loaded before each VMRUN */
		if (ok)
			svm_skip_insn(v);
		else
			svm_queue_exception(v, 13, true, 0);
		return;
	}
	exit->kind = write ? VM_EXIT_WRMSR : VM_EXIT_RDMSR;
	exit->msr.msr = msr;
	if (write)
		exit->msr.value = (v->regs.rdx << 32) | (uint32_t)v->vmcb->s.rax;
}

/*
 * An event the exit interrupted is delivered again on the next entry.  A
 * software interrupt (INT n, INT3, INTO) is not: the guest's RIP is still on
 * the instruction, which raises it again.
 */
static void requeue_interrupted_event(struct svm_vcpu *v)
{
	uint64_t info = v->vmcb->c.exit_int_info;
	uint32_t type = info & EVENT_TYPE_MASK;
	uint8_t vector = info & 0xff;

	if (!(info & EVENT_VALID) || type == EVENT_TYPE_SOFT ||
	    (type == EVENT_TYPE_EXC && (vector == 3 || vector == 4)))
		return;
	v->vmcb->c.event_inj = info;
	v->pending_event = true;
}

/* Exits whose instruction is finished or refused here. */
static bool handled_here(struct svm_vcpu *v, uint64_t code)
{
	switch (code) {
	case VMEXIT_INTR:
	case VMEXIT_NMI:
		return true; /* taken by the host once GIF is set again */
	case VMEXIT_IRET:
		svm_nmi_iret_exit(v);
		return true;
	case VMEXIT_EXCP_DB:
		if (!svm_nmi_step_exit(v))
			svm_queue_exception(v, 1, false, 0); /* the guest's own, with its DR6 */
		return true;
	case VMEXIT_VINTR:
		/* The window is open: the core injects before the next entry. */
		v->vmcb->c.int_ctl &= ~V_IRQ;
		v->vmcb->c.intercept_misc1 &= ~INTERCEPT_VINTR;
		return true;
	case VMEXIT_INVD:
	case VMEXIT_WBINVD:
		/* Guest RAM is write-back and coherent: nothing to do. */
		note_next_rip(v, 2);
		svm_skip_insn(v);
		return true;
	case VMEXIT_PAUSE:
		note_next_rip(v, 2);
		svm_skip_insn(v);
		return true;
	case VMEXIT_DR_FIRST ... VMEXIT_DR_LAST:
		svm_dregs_grant(v); /* the instruction runs again, on the guest's registers */
		return true;
	case VMEXIT_RDPMC:
		/* CPUID offers no PMU: every counter index is invalid, #GP as on
		 * VT-x (exit.c there).  A guest never reads the host's counters. */
		svm_queue_exception(v, 13, true, 0);
		return true;
	case VMEXIT_XSETBV:
		svm_queue_exception(v, 13, true, 0); /* CPUID tells the guest there is no XSAVE */
		return true;
	case VMEXIT_VMRUN ... VMEXIT_SKINIT:
	case VMEXIT_INVLPGA:
	case VMEXIT_MONITOR:
	case VMEXIT_MWAIT:
	case VMEXIT_MWAIT_C:
		/* Not offered by the guest's CPUID: #UD, as a CPU without them would. */
		svm_queue_exception(v, 6, false, 0);
		return true;
	default:
		return false;
	}
}

static void to_core(struct svm_vcpu *v, uint64_t code, struct vm_exit *exit)
{
	switch (code) {
	case VMEXIT_SHUTDOWN:
		exit->kind = VM_EXIT_SHUTDOWN;
		return;
	case VMEXIT_INIT:
		exit->kind = VM_EXIT_INIT;
		return;
	case VMEXIT_CPUID:
		note_next_rip(v, 2);
		exit->kind = VM_EXIT_CPUID;
		exit->cpuid.leaf = (uint32_t)v->vmcb->s.rax;
		exit->cpuid.subleaf = (uint32_t)v->regs.rcx;
		return;
	case VMEXIT_CR0_WRITE:
	case VMEXIT_CR4_WRITE: {
		/* Decode assists name the register (EXITINFO1 bit 63); the length
		 * is known only with NRIP save.  Otherwise the core decodes. */
		uint64_t info = v->vmcb->c.exit_info1;
		bool named = svm_caps.decode_assists && svm_caps.nrip && (info >> 63);
		exit->kind = VM_EXIT_CR_WRITE;
		exit->cr.cr = (uint8_t)(code - VMEXIT_CR0_WRITE);
		exit->cr.gpr = named ? (int8_t)(info & 15) : -1;
		if (named)
			note_next_rip(v, 0);
		return;
	}
	case VMEXIT_HLT:
		note_next_rip(v, 1);
		exit->kind = VM_EXIT_HLT;
		return;
	case VMEXIT_IOIO:
		io_exit(v, exit);
		return;
	case VMEXIT_MSR:
		msr_exit(v, exit);
		return;
	case VMEXIT_NPF:
		npf_exit(v, exit);
		return;
	default:
		exit->kind = VM_EXIT_UNHANDLED;
		ksnprintf(exit->detail, sizeof(exit->detail),
			  "unhandled #VMEXIT %#lx (%s), info %#lx/%#lx, at rip %#lx", code,
			  exit_name(code), v->vmcb->c.exit_info1, v->vmcb->c.exit_info2,
			  v->vmcb->s.rip);
	}
}

void svm_handle_exit(struct vcpu *vcpu, struct svm_vcpu *v, struct vm_exit *exit)
{
	uint64_t code = v->vmcb->c.exit_code;

	exit->kind = VM_EXIT_NONE;
	if (code == VMEXIT_INVALID) {
		exit->kind = VM_EXIT_ERROR;
		/* The state VMRUN checks most: what a loader or the core last wrote. */
		ksnprintf(exit->detail, sizeof(exit->detail),
			  "VMRUN refused the guest state: cr0 %#lx cr4 %#lx efer %#lx rip %#lx",
			  v->vmcb->s.cr0, v->vmcb->s.cr4, v->vmcb->s.efer, v->vmcb->s.rip);
		return;
	}
	v->vmcb->c.event_inj = 0;
	v->pending_event = false;
	requeue_interrupted_event(v);
	if (!handled_here(v, code))
		to_core(v, code, exit);
	svm_nmi_after_exit(v);
}
