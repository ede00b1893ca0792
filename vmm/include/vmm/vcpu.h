/*
 * Guest CPU state in backend-neutral form, and the interface each
 * virtualization backend implements (vmm/vmx for VT-x, vmm/svm for AMD-V).
 * The core runs a vCPU by calling ops->run, which returns with a
 * struct vm_exit whenever something needs the core (I/O, MMIO, HLT, CPUID,
 * MSRs, a stop); everything architectural the backend can finish alone
 * (CR accesses, XSETBV, INVD, its own timer) it finishes alone.
 */
#ifndef VMM_VCPU_H
#define VMM_VCPU_H

#include <vmm/vm.h>

struct vcpu_regs {
	uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rip, rflags;
};

struct vcpu_segment {
	uint64_t base;
	uint32_t limit;
	uint16_t selector;
	/* Access rights in the VMX layout (type, S, DPL, P, AVL, L, D/B, G; bit 16 unusable). */
	uint32_t ar;
};

struct vcpu_sregs {
	struct vcpu_segment cs, ds, es, fs, gs, ss, tr, ldtr;
	uint64_t gdt_base, idt_base;
	uint16_t gdt_limit, idt_limit;
	uint64_t cr0, cr2, cr3, cr4, efer;
};

enum vm_exit_kind {
	VM_EXIT_NONE,  /* nothing for the core; run again (host interrupt, slice end) */
	VM_EXIT_IO,    /* port I/O; for IN the core fills in data */
	VM_EXIT_MMIO,  /* an access to guest-physical memory that is not RAM */
	VM_EXIT_HLT,   /* the vCPU halted with interrupts enabled (or not) */
	VM_EXIT_CPUID, /* the core computes the guest's view */
	VM_EXIT_RDMSR, /* the core decides: a value, or #GP */
	VM_EXIT_WRMSR,
	VM_EXIT_CR_WRITE,    /* MOV to CR0/CR4 the core must check (#GP or done) */
	VM_EXIT_SHUTDOWN,    /* triple fault */
	VM_EXIT_INIT,	     /* INIT signal received: wait for SIPI */
	VM_EXIT_TASK_SWITCH, /* a hardware task switch the core carries out (task_switch.c) */
	VM_EXIT_UNHANDLED,   /* the backend met an exit it cannot handle; see detail */
	VM_EXIT_ERROR,	     /* VM entry failed; see detail */
};

/* What started a task switch; the values are VT-x's exit qualification's. */
enum task_switch_source {
	TASK_SWITCH_CALL,
	TASK_SWITCH_IRET,
	TASK_SWITCH_JMP,
	TASK_SWITCH_GATE, /* a task gate in the IDT */
};

struct vm_exit {
	enum vm_exit_kind kind;
	union {
		struct {
			uint16_t port;
			uint8_t size; /* 1, 2, 4 */
			bool write;
			bool string, rep; /* INS/OUTS: the core emulates through the decoder */
			uint32_t data;
		} io;
		struct {
			uint64_t gpa;
			uint64_t gva;	  /* when the backend knows it */
			uint8_t insn[15]; /* fetched instruction bytes, when the backend has them */
			uint8_t insn_len; /* 0: the core fetches them itself */
		} mmio;
		struct {
			uint32_t msr;
			uint64_t value;
		} msr;
		struct {
			uint16_t selector; /* the new task's TSS */
			uint8_t source;	   /* enum task_switch_source */
			bool has_error;	   /* an exception's error code, for the new stack */
			uint32_t error;
			int16_t soft_vector; /* INT n/INT3/INTO through an IDT gate, else -1 */
			uint8_t insn_len; /* the instruction completes first (0: a fault, an IRQ) */
		} task;
		struct {
			uint32_t leaf, subleaf;
		} cpuid;
		struct {
			uint8_t cr;
			int8_t gpr; /* the source register, -1 when the core must decode it */
		} cr;
	};
	char detail[96];
};

struct vcpu_ops {
	const char *name; /* "vmx", "svm" */
	/* Whether this CPU can run the backend; why not in err. */
	bool (*probe)(char *err, size_t errlen);
	/* On each host CPU (VMXON / EFER.SVME and host save area). */
	bool (*cpu_enable)(char *err, size_t errlen);
	/* Per VM: the second-level page tables (EPT / NPT), the ASID / VPID. */
	bool (*vm_init)(struct vm *vm, void **backend);
	void (*vm_destroy)(void *backend);
	/* Maps [gpa, gpa + size) to host-physical hpa; size 4 KiB or 2 MiB, aligned. */
	bool (*map)(void *backend, uint64_t gpa, paddr_t hpa, uint64_t size);
	/* Per vCPU; the vCPU starts in real mode at the reset vector unless set otherwise. */
	bool (*vcpu_init)(struct vcpu *vcpu, void **backend);
	void (*vcpu_destroy)(void *backend);
	/* Runs until an exit the core must see; must be called on the CPU that
	 * last ran it, or after vcpu_migrated. */
	void (*run)(struct vcpu *vcpu, struct vm_exit *exit);
	void (*get_regs)(struct vcpu *vcpu, struct vcpu_regs *r);
	void (*set_regs)(struct vcpu *vcpu, const struct vcpu_regs *r);
	void (*get_sregs)(struct vcpu *vcpu, struct vcpu_sregs *s);
	void (*set_sregs)(struct vcpu *vcpu, const struct vcpu_sregs *s);
	/* Moves rip past the instruction that caused the last exit; then as
	 * insn_done. */
	void (*skip_insn)(struct vcpu *vcpu);
	/* The core completed the guest's instruction itself (set_regs moved
	 * rip): the STI / MOV SS shadow ends, and with RFLAGS.TF the guest gets
	 * its single-step #DB (DR6.BS), as after the instruction on the CPU. */
	void (*insn_done)(struct vcpu *vcpu);
	/* Queues an exception (vector, error code if has_error) for the next entry. */
	void (*inject_exception)(struct vcpu *vcpu, uint8_t vector, bool has_error, uint32_t error);
	/* Whether an external interrupt can be delivered now (IF=1, no blocking);
	 * if not, the backend asks to exit as soon as it can (interrupt window). */
	bool (*interrupt_ready)(struct vcpu *vcpu);
	void (*inject_interrupt)(struct vcpu *vcpu, uint8_t vector);
	/* Whether an NMI can be delivered now (no NMI handler running, no event
	 * queued, no shadow); if not, the backend exits as soon as one can.
	 * The guest blocks NMIs from the injection to its next IRET. */
	bool (*nmi_ready)(struct vcpu *vcpu);
	void (*inject_nmi)(struct vcpu *vcpu);
	/* The STI / MOV SS shadow: whether the next instruction runs with
	 * interrupts still blocked, and ending it (the core has completed it). */
	bool (*interrupt_shadow)(struct vcpu *vcpu);
	void (*end_interrupt_shadow)(struct vcpu *vcpu);
	/* The guest's IA32_PAT, as the hardware uses it for the guest's accesses
	 * (already validated by the core). */
	void (*set_pat)(struct vcpu *vcpu, uint64_t pat);
	/* A CR0 or CR4 write the core has checked: the backend's shadows, forced
	 * bits and mode changes (EFER.LMA with CR0.PG) follow it. */
	void (*set_cr)(struct vcpu *vcpu, unsigned cr, uint64_t value);
	/* The guest's TSC reads as the host's plus offset (a guest WRMSR to the TSC). */
	void (*set_tsc_offset)(struct vcpu *vcpu, int64_t offset);
};

/* Before vm_start: the state vCPU 0 starts in (a loader's entry state). */
void vm_set_boot_state(struct vm *vm, const struct vcpu_regs *r, const struct vcpu_sregs *s);

/* For backends: the architectural state after RESET or INIT, real mode at
 * F000:FFF0 with caches disabled (SDM 9.1.1, APM 14.1.3), the same on both. */
void vcpu_reset_state(struct vcpu_regs *r, struct vcpu_sregs *s);
/* An FXSAVE image of the x87/SSE state after RESET: nothing of the host's or
 * of another guest's registers is in it. */
void vcpu_fpu_reset_image(uint8_t image[512]);

/* For backends: the CR4 bits the guest's CPUID lets it set (the rest are
 * reserved for it: a write of one is #GP, see core/cr.c). */
uint64_t vcpu_cr4_allowed(struct vcpu *vcpu);

/* For backends, with interrupts off right before each entry: the
 * speculation barriers the CPU needs (IBPB when the CPU last ran another VM,
 * the L1D flush or VERW; vmm/core/spec_ctrl.c). */
void vcpu_spec_before_entry(struct vcpu *vcpu);

/* Whether an exception that has an error code pushes it, for a guest with
 * this CR0: not in real mode, where the frame is FLAGS, CS, IP and nothing
 * else (SDM vol. 3, 20.1.4).  VT-x refuses the VM entry that asks for one
 * there (SDM 27.2.1.3, deliver-error-code with CR0.PE clear); the backends
 * ask this before queueing any exception, whoever raised it. */
static inline bool exception_pushes_error(bool has_error, uint64_t guest_cr0)
{
	return has_error && (guest_cr0 & 1); /* CR0.PE */
}

/* For backends: the core's objects they are handed. */
void *vcpu_backend(struct vcpu *vcpu);
struct vm *vcpu_vm(struct vcpu *vcpu);
unsigned vcpu_id(const struct vcpu *vcpu);
void *vm_backend(struct vm *vm);

/* The backend for this CPU, or NULL (vmm/core/backend.c). */
const struct vcpu_ops *vcpu_ops_select(char *err, size_t errlen);

#endif
