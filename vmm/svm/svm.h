/* The AMD-V backend's own state (vmm/svm/ only). */
#ifndef SVM_SVM_H
#define SVM_SVM_H

#include <vmm/debugreg.h>
#include <vmm/slat.h>
#include <vmm/vcpu.h>

#include "vmcb.h"

/* Guest registers the VMCB does not hold (it has RAX, RSP, RIP, RFLAGS);
 * svm_entry.S knows this layout. */
struct svm_guest_regs {
	uint64_t rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
};

struct svm_vm {
	struct slat npt;
};

/* svm_enter, or svm_enter_dregs while the guest's DR0-DR3 must be in the
 * hardware (debugreg.c): chosen per vCPU, so a guest that never touches its
 * debug registers pays nothing on its exits. */
typedef void (*svm_enter_fn)(struct svm_guest_regs *regs, paddr_t vmcb_pa, paddr_t host_vmcb_pa);

struct svm_vcpu {
	struct svm_guest_regs regs; /* svm_enter_dregs finds the vCPU from it */
	svm_enter_fn enter;
	struct vcpu_dregs dregs; /* DR0-DR3; DR6 and DR7 are the VMCB's */
	struct vmcb *vmcb;
	paddr_t vmcb_pa;
	int cpu;       /* the host CPU it runs on; -1 before its first run */
	uint32_t asid; /* on that CPU, valid while asid_gen matches the CPU's */
	uint64_t asid_gen;
	uint64_t next_rip;  /* where the instruction that caused the last exit ends */
	bool pending_event; /* event_inj holds an event for the next entry */
	uint64_t tsc_aux;   /* the guest's TSC_AUX (writes are intercepted) */
	struct svm_entry_copy *entry_copy; /* QEMU TCG only: see svm_replay.c */
	struct svm_nmi_state {
		bool masked;   /* in the guest's NMI handler: from injection to IRET */
		bool at_iret;  /* that IRET was intercepted and is about to run, at iret_rip */
		bool stepping; /* TF set to exit after one instruction (nmi.c) */
		bool guest_tf; /* the guest's own TF when the step began */
		uint64_t iret_rip;
		uint64_t dr6; /* the guest's DR6 before the step */
	} nmi;
};

/* svm_entry.S: VMSAVE host, VMLOAD guest, VMRUN, VMSAVE guest, VMLOAD host.
 * Called with GIF clear. */
void svm_enter(struct svm_guest_regs *regs, paddr_t vmcb_pa, paddr_t host_vmcb_pa);

/* svm_caps.c: CPUID 0x8000000A, read once at probe time. */
struct svm_caps {
	uint32_t nasid;
	bool npt, nrip, decode_assists, flush_by_asid, pause_filter;
	bool rdtscp;	     /* the host has TSC_AUX */
	bool lost_entries;   /* QEMU TCG: VMRUN may load the host state (svm_replay.c) */
	uint64_t guest_efer; /* the EFER bits a guest may set: those the CPU has */
};
extern struct svm_caps svm_caps;
bool svm_caps_read(char *err, size_t errlen);

/* svm_replay.c: QEMU TCG's lost VM entries, taken again. */
bool svm_replay_init(struct svm_vcpu *v);
void svm_replay_free(struct svm_vcpu *v);
void svm_replay_save(struct svm_vcpu *v);
bool svm_replay_lost(struct svm_vcpu *v, paddr_t hsave_pa);

/* vmcb.c */
void svm_vmcb_init(struct svm_vcpu *v, struct svm_vm *vm);
void svm_set_regs(struct svm_vcpu *v, const struct vcpu_regs *r);
void svm_get_regs(struct svm_vcpu *v, struct vcpu_regs *r);
void svm_set_sregs(struct svm_vcpu *v, const struct vcpu_sregs *s);
void svm_get_sregs(struct svm_vcpu *v, struct vcpu_sregs *s);
extern paddr_t svm_iopm_pa, svm_msrpm_pa;
bool svm_permission_maps_init(void);

/* npt.c */

/* debugreg.c */
#define SVM_DR_INTERCEPTS 0x00ff00ffu /* reads and writes of DR0-DR7 */
void svm_enter_dregs(struct svm_guest_regs *regs, paddr_t vmcb_pa, paddr_t host_vmcb_pa);
void svm_dregs_grant(struct svm_vcpu *v);

/* nmi.c: NMI blocking, which AMD-V leaves to the VMM */
bool svm_nmi_ready(struct vcpu *vcpu);
void svm_inject_nmi(struct vcpu *vcpu);
void svm_nmi_after_exit(struct svm_vcpu *v);
void svm_nmi_iret_exit(struct svm_vcpu *v);
bool svm_nmi_step_exit(struct svm_vcpu *v);

/* exit.c */
void svm_handle_exit(struct vcpu *vcpu, struct svm_vcpu *v, struct vm_exit *exit);

static inline void svm_queue_exception(struct svm_vcpu *v, uint8_t vector, bool has_error,
				       uint32_t error)
{
	has_error = exception_pushes_error(has_error, v->vmcb->s.cr0);
	v->vmcb->c.event_inj = EVENT_VALID | EVENT_TYPE_EXC | vector |
			       (has_error ? EVENT_HAS_ERROR | ((uint64_t)error << 32) : 0);
	v->pending_event = true;
}

void svm_step_trap(struct svm_vcpu *v);

/* The instruction the guest was at has completed (the VMM moved RIP past
 * it): the STI / MOV SS shadow ends with it, and with TF set its
 * single-step trap follows, as on the CPU. */
static inline void svm_insn_done(struct svm_vcpu *v)
{
	v->vmcb->c.int_state &= ~INT_SHADOW;
	if (v->vmcb->s.rflags & (1ull << 8))
		svm_step_trap(v);
}

/* Moves the guest past the instruction that caused the last exit. */
static inline void svm_skip_insn(struct svm_vcpu *v)
{
	v->vmcb->s.rip = v->next_rip;
	svm_insn_done(v);
}

#endif
