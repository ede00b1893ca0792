/* The core's VM and vCPU objects (vmm/core/ only; others use vm.h / vcpu.h). */
#ifndef VMM_CORE_VM_IMPL_H
#define VMM_CORE_VM_IMPL_H

#include <pallas/spinlock.h>
#include <pallas/waitqueue.h>
#include <vmm/vcpu.h>

#define VM_MAX_PIO  48
#define VM_MAX_MMIO 16
#define GMEM_CHUNK  (2ull << 20)

struct pio_range {
	uint16_t base, count;
	vm_pio_fn fn;
	void *dev;
};

struct mmio_range {
	uint64_t base, size;
	vm_mmio_fn fn;
	void *dev;
};

/* Guest RAM: [gpa, gpa + size) backed by 2 MiB host chunks. */
struct gmem_region {
	uint64_t gpa, size;
	paddr_t *chunks;
};

struct vcpu {
	struct vm *vm;
	unsigned id;
	void *backend;
	struct thread *thread;
	int host_cpu;
	uint64_t exits;
	struct waitqueue wake; /* a halted vCPU sleeps here */
	volatile bool kick;
	volatile bool halted; /* in HLT, the thread asleep until kicked */
	/* An NMI waiting for the guest to be able to take it.  One is latched,
	 * as on the CPU: more that arrive meanwhile are the same NMI. */
	volatile bool nmi_pending;
	/* MSRs kept for the guest (msr.c) */
	uint64_t pat, mtrr_def_type, misc_enable;
	int64_t tsc_offset;
	int64_t tsc_adjust; /* IA32_TSC_ADJUST: what guest writes have added to its TSC */
	uint64_t mtrr_var[16], mtrr_fixed[11];
	/* Application processors wait for a STARTUP IPI: its vector, or -1. */
	volatile int sipi_vector;
	/* An INIT IPI the vCPU has yet to act on (vcpu_init_signal). */
	volatile bool init_pending;
};

struct vm {
	char name[VM_NAME_MAX];
	uint64_t serial; /* never reused, unlike the address (spec_ctrl.c) */
	const struct vcpu_ops *ops;
	void *backend;
	uint64_t mem_size;
	unsigned nregions;
	struct gmem_region regions[VM_MAX_MEM_REGIONS];
	unsigned nvcpus;
	struct vcpu vcpus[VM_MAX_VCPUS];
	struct sched_group *group;

	spinlock_t bus_lock;
	unsigned npio, nmmio;
	struct pio_range pio[VM_MAX_PIO];
	struct mmio_range mmio[VM_MAX_MMIO];

	spinlock_t console_lock;
	char *console;
	uint64_t
	    console_len; /* total bytes ever written; the ring keeps the last VM_CONSOLE_SIZE */
	bool echo_console;
	char echo_line[120]; /* the line being echoed, cut at its size */
	unsigned echo_len;
	bool echo_in_line;     /* echo_line_ns is the current line's */
	uint64_t echo_line_ns; /* host clock at the line's first character */
	/* Finished lines waiting for vm_console_flush, which prints them with no
	 * lock held and interrupts on; more than fit in one exit are counted. */
	struct echo_done {
		uint64_t ns;
		char text[120];
	} echo_done[8];
	unsigned echo_ndone, echo_dropped;

	spinlock_t stop_lock;
	struct waitqueue stop_wq; /* vm_wait sleeps here until vm_stop */
	volatile bool stopped;
	struct vm_stop stop;

	/* Serialises all device emulation: bus handlers run holding it (irqsave),
	 * device timer callbacks take it; vm_irq_line expects it held. */
	spinlock_t dev_lock;
	bool dying; /* set under dev_lock: device timers stop re-arming */
	struct vlapic *vlapics[VM_MAX_VCPUS];
	void *platform;

	/* Interrupt routing, set up by platform.c. */
	void *irq_ctx;
	void (*eoi_hook)(void *ctx, uint8_t vector);
	void (*irq_line)(void *ctx, unsigned gsi, bool level);
	/* The next interrupt vector for vcpu, or -1; and its acceptance. */
	int (*irq_pending)(void *ctx, struct vcpu *vcpu);
	void (*irq_accept)(void *ctx, struct vcpu *vcpu, int vector);
};

/* msr.c: the MSRs the core keeps, as after RESET. */
void guest_msrs_reset(struct vcpu *vcpu);

/* cr.c */
void cr_write_exit(struct vcpu *vcpu, const struct vm_exit *e);

/* vcpu.c */
void vcpu_thread(void *arg);
void vcpu_kick(struct vcpu *vcpu);
/* From the virtual LAPIC: starts an AP in real mode at vector << 12. */
void vcpu_startup(struct vcpu *vcpu, uint8_t vector);
/* From the virtual LAPIC, an INIT IPI: the AP stops where it is, takes the
 * INIT state (its LAPIC reset but for the ID) and waits for a STARTUP IPI. */
void vcpu_init_signal(struct vcpu *vcpu);
/* An NMI for the vCPU (an ICR or IOAPIC delivery in NMI mode): latched and
 * delivered once the guest is not blocking NMIs. */
void vcpu_nmi(struct vcpu *vcpu);
/* cpuid.c, msr.c: the guest's view of CPUID and the MSRs it may use. */
void guest_cpuid(struct vcpu *vcpu, uint32_t leaf, uint32_t sub, uint32_t out[4]);
bool guest_rdmsr(struct vcpu *vcpu, uint32_t msr, uint64_t *value);
bool guest_wrmsr(struct vcpu *vcpu, uint32_t msr, uint64_t value);

/* mmio_string.c: a decoded MOVS, CMPS or REP string instruction on MMIO;
 * false when it stopped the VM. */
struct mmio_insn;
bool mmio_string_exit(struct vcpu *vcpu, const struct mmio_insn *d, struct vcpu_regs *r,
		      struct vcpu_sregs *s);

/* spec_ctrl.c: reads the CPU's speculation state and says what is done. */
void vmm_spec_init(void);

/* vm.c: prints the console lines finished since the last call (vCPU thread,
 * nothing held).  Inline, since it runs after every exit and almost always
 * finds nothing: the call alone cost 25 instructions per exit. */
void vm_console_flush_lines(struct vm *vm);
static inline void vm_console_flush(struct vm *vm)
{
	if (__atomic_load_n(&vm->echo_ndone, __ATOMIC_RELAXED) ||
	    __atomic_load_n(&vm->echo_dropped, __ATOMIC_RELAXED))
		vm_console_flush_lines(vm);
}

#endif
