/* The VT-x backend's own state (vmm/vmx/ only). */
#ifndef VMX_VMX_H
#define VMX_VMX_H

#include <vmm/debugreg.h>
#include <vmm/slat.h>
#include <vmm/vcpu.h>

#include "vmcs_fields.h"
#include "vmx_insn.h"

/* Guest registers the VMCS does not hold; vmx_entry.S knows this layout. */
struct vmx_guest_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t cr2;
};

struct vmx_msr_entry {
	uint32_t index;
	uint32_t reserved;
	uint64_t value;
} __attribute__((packed));

/* MSRs the guest uses directly (SYSCALL and SWAPGS), switched by the CPU
 * through the VMCS MSR areas at every entry and exit. */
#define VMX_SWITCHED_MSRS 6

struct vmx_vm {
	struct slat ept;
	uint64_t eptp;
};

/* vmx_enter, or vmx_enter_dregs while the guest's debug registers must be
 * in the hardware (debugreg.c): chosen per vCPU, so a guest that never
 * touches them pays nothing on its exits. */
typedef int (*vmx_enter_fn)(struct vmx_guest_regs *regs, int launched);

struct vmx_vcpu {
	struct vmx_guest_regs regs; /* vmx_enter_dregs finds the vCPU from it */
	vmx_enter_fn enter;
	struct vcpu_dregs dregs;
	void *vmcs;
	paddr_t vmcs_pa;
	int cpu; /* the host CPU the VMCS was set up on; -1 before */
	bool launched;
	uint16_t vpid;
	uint64_t cr0_shadow, cr4_shadow;
	struct vmx_msr_entry guest_msrs[VMX_SWITCHED_MSRS] __attribute__((aligned(16)));
	struct vmx_msr_entry host_msrs[VMX_SWITCHED_MSRS] __attribute__((aligned(16)));
	bool pending_event; /* an event written to VMCS_ENTRY_INTR_INFO for the next entry */
	/* State set before the VMCS exists (it is built on the vCPU's own CPU). */
	struct vcpu_regs initial;
	struct vcpu_sregs initial_s;
	bool have_regs, have_sregs;
};

/* vmx_entry.S: 0 after a VM exit, 1 when VMLAUNCH/VMRESUME itself failed. */
int vmx_enter(struct vmx_guest_regs *regs, int launched);

/* vmx_caps.c: what the CPU allows, read once at probe time. */
struct vmx_caps {
	uint32_t revision;
	uint32_t pin_allowed0, pin_allowed1;
	uint32_t proc_allowed0, proc_allowed1;
	uint32_t proc2_allowed1;
	uint32_t exit_allowed0, exit_allowed1;
	uint32_t entry_allowed0, entry_allowed1;
	uint64_t cr0_fixed0, cr0_fixed1, cr4_fixed0, cr4_fixed1;
	uint64_t ept_vpid;
	unsigned preemption_timer_shift;
};
extern struct vmx_caps vmx_caps;
bool vmx_caps_read(char *err, size_t errlen);
/* (wanted | must-be-one) & may-be-one; false when a wanted bit is not allowed. */
bool vmx_adjust(uint32_t wanted, uint32_t allowed0, uint32_t allowed1, uint32_t *out);
/* Whether the CPU tracks the guest's NMI blocking: every vCPU then runs
 * with the virtual-NMIs pin control (vmcs.c). */
static inline bool vmx_virtual_nmis(void)
{
	return vmx_caps.pin_allowed1 & PIN_VIRTUAL_NMIS;
}

/* vmcs.c */
bool vmx_vmcs_setup(struct vcpu *vcpu, struct vmx_vcpu *v, struct vmx_vm *vm, char *err,
		    size_t errlen);
void vmx_set_regs(struct vmx_vcpu *v, const struct vcpu_regs *r);
void vmx_get_regs(struct vmx_vcpu *v, struct vcpu_regs *r);
void vmx_set_sregs(struct vmx_vcpu *v, const struct vcpu_sregs *s);
void vmx_get_sregs(struct vmx_vcpu *v, struct vcpu_sregs *s);

/* ept.c */

/* debugreg.c */
int vmx_enter_dregs(struct vmx_guest_regs *regs, int launched);
void vmx_dregs_grant(struct vmx_vcpu *v);
bool vmx_debug_exception(struct vmx_vcpu *v);

/* exit.c */
void vmx_handle_exit(struct vcpu *vcpu, struct vmx_vcpu *v, struct vm_exit *exit);

/* For exit handling and the vcpu_ops alike; v's VMCS must be current, with
 * interrupts off.  Inline: both sit on every exit's path. */
static inline void vmx_queue_exception(struct vmx_vcpu *v, uint8_t vector, bool has_error,
				       uint32_t error)
{
	has_error = exception_pushes_error(has_error, vmread(VMCS_GUEST_CR0));
	vmwrite(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vector |
					  (has_error ? INTR_INFO_DELIVER_CODE : 0));
	if (has_error)
		vmwrite(VMCS_ENTRY_EXCEPTION_ERR, error);
	v->pending_event = true;
}

/* The instruction the guest was at has completed (the VMM moved RIP past
 * it): STI / MOV SS blocking ends with it, and with TF set its single-step
 * trap follows, as on the CPU. */
static inline void vmx_insn_done_current(struct vmx_vcpu *v)
{
	vmwrite(VMCS_GUEST_INTERRUPTIBILITY,
		vmread(VMCS_GUEST_INTERRUPTIBILITY) &
		    ~(uint64_t)(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOVSS));
	if (vmread(VMCS_GUEST_RFLAGS) & (1u << 8)) {
		v->dregs.dr6 |= DR6_BS;
		vmx_queue_exception(v, 1, false, 0);
	}
}

static inline void vmx_skip_insn_current(struct vmx_vcpu *v)
{
	vmwrite(VMCS_GUEST_RIP, vmread(VMCS_GUEST_RIP) + vmread(VMCS_EXIT_INSN_LEN));
	vmx_insn_done_current(v);
}

/* The I/O and MSR bitmaps, shared by every vCPU (vmx.c). */
extern paddr_t vmx_io_bitmap_a, vmx_io_bitmap_b, vmx_msr_bitmap;

/* vmcs.c: the CR0/CR4 a guest value runs with, the bits VMX forces added. */
uint64_t vmx_cr0_real(uint64_t guest_value);
uint64_t vmx_cr4_real(uint64_t guest_value);

#endif
