/*
 * The VT-x backend behind vcpu_ops: turning VMX on, and running a vCPU.
 * A vCPU's VMCS is set up on the host CPU its thread is pinned to and stays
 * current there, so entries need no VMPTRLD unless another vCPU ran on that
 * CPU in between.
 */
#include <asm/cpu.h>
#include <asm/irq.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/percpu.h>
#include <pallas/smp.h>
#include <pallas/string.h>

#include "vmx.h"
#include "vpid_pool.h"

#define CR0_PG	 (1ull << 31)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)

#define MSR_FEATURE_CONTROL    0x3a
#define FEATURE_CONTROL_LOCKED (1ull << 0)
#define FEATURE_CONTROL_VMXON  (1ull << 2)
#define CR4_VMXE	       (1ull << 13)

paddr_t vmx_io_bitmap_a, vmx_io_bitmap_b, vmx_msr_bitmap;
static paddr_t vmxon_region[MAX_CPUS];
static void *current_vmcs[MAX_CPUS]; /* which VMCS each CPU has loaded */

/*
 * The host's GDTR and IDTR as loaded, limits included: a VM exit restores
 * their bases from the VMCS but sets both limits to 0xFFFF (SDM 28.5.2), so a
 * selector or vector beyond the tables would read whatever follows them.  TR's
 * limit comes back as 0x67, which is the TSS's own (no I/O bitmap).
 */
struct pseudo_desc {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));
static struct pseudo_desc host_gdtr[MAX_CPUS], host_idtr[MAX_CPUS];
static struct vpid_pool vpids = {.used = {1}, .next = 1}; /* as vpid_pool_init leaves it */
static spinlock_t vpid_lock = SPINLOCK_INIT;

static bool has_vmx(void)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return c & (1u << 5);
}

static paddr_t zeroed_page(void)
{
	paddr_t p = page_alloc(0);

	if (p)
		memset(phys_to_virt(p), 0, PAGE_SIZE);
	return p;
}

/* MSRs the guest reads and writes without an exit: their guest values live
 * in the VMCS guest-state area or in the switched-MSR areas. */
static void pass_msr(uint8_t *bitmap, uint32_t msr, bool write_too)
{
	unsigned base = msr >= 0xc0000000 ? 1024 : 0;
	uint32_t bit = msr & 0x1fff;

	bitmap[base + bit / 8] &= (uint8_t) ~(1u << (bit % 8)); /* reads */
	if (write_too)
		bitmap[2048 + base + bit / 8] &= (uint8_t) ~(1u << (bit % 8));
}

static bool setup_bitmaps(void)
{
	static const uint32_t passed[] = {0x174,      0x175,	  0x176,      0xc0000080,
					  0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,
					  0xc0000100, 0xc0000101, 0xc0000102};

	vmx_io_bitmap_a = page_alloc(0);
	vmx_io_bitmap_b = page_alloc(0);
	vmx_msr_bitmap = page_alloc(0);
	if (!vmx_io_bitmap_a || !vmx_io_bitmap_b || !vmx_msr_bitmap)
		return false;
	/* Every port exits; every MSR exits but those listed. */
	memset(phys_to_virt(vmx_io_bitmap_a), 0xff, PAGE_SIZE);
	memset(phys_to_virt(vmx_io_bitmap_b), 0xff, PAGE_SIZE);
	memset(phys_to_virt(vmx_msr_bitmap), 0xff, PAGE_SIZE);
	for (size_t i = 0; i < ARRAY_SIZE(passed); i++)
		pass_msr(phys_to_virt(vmx_msr_bitmap), passed[i], true);
	/* TSC_AUX writes exit to be checked (bits 63:32 are reserved; Bochs 2.7
	 * drops them instead of raising #GP) and kept in the MSR-load area. */
	pass_msr(phys_to_virt(vmx_msr_bitmap), 0xc0000103, false);
	return true;
}

static bool vmx_probe(char *err, size_t errlen)
{
	if (!has_vmx()) {
		ksnprintf(err, errlen, "the CPU has no VMX");
		return false;
	}
	uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);
	if ((fc & FEATURE_CONTROL_LOCKED) && !(fc & FEATURE_CONTROL_VMXON)) {
		ksnprintf(err, errlen, "VMX is locked off by the firmware");
		return false;
	}
	if (!vmx_caps_read(err, errlen))
		return false;
	if (!setup_bitmaps()) {
		ksnprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}

static bool vmx_cpu_enable(char *err, size_t errlen)
{
	unsigned cpu = this_cpu()->id;
	uint64_t fc = rdmsr(MSR_FEATURE_CONTROL);

	if (!(fc & FEATURE_CONTROL_LOCKED))
		wrmsr(MSR_FEATURE_CONTROL, fc | FEATURE_CONTROL_LOCKED | FEATURE_CONTROL_VMXON);
	if (!vmxon_region[cpu]) {
		vmxon_region[cpu] = zeroed_page();
		if (!vmxon_region[cpu]) {
			ksnprintf(err, errlen, "out of memory");
			return false;
		}
		*(uint32_t *)phys_to_virt(vmxon_region[cpu]) = vmx_caps.revision;
	}
	write_cr0((read_cr0() | vmx_caps.cr0_fixed0) & vmx_caps.cr0_fixed1);
	write_cr4(((read_cr4() | CR4_VMXE) | vmx_caps.cr4_fixed0) & vmx_caps.cr4_fixed1);
	if (!vmxon(vmxon_region[cpu])) {
		ksnprintf(err, errlen, "VMXON failed on CPU %u", cpu);
		return false;
	}
	__asm__ volatile("sgdt %0; sidt %1" : "=m"(host_gdtr[cpu]), "=m"(host_idtr[cpu]));
	/* Translations of earlier VMX users (firmware, a previous kernel) must not survive. */
	invept(INVEPT_ALL, 0);
	invvpid(INVVPID_ALL, 0);
	return true;
}

/* EPT entries: an entry is present if it allows any access; leaves are write-back. */
#define EPT_RWX	    7ull
#define EPT_WB	    (6ull << 3) /* memory type of a leaf */
#define EPTP_WB	    6ull
#define EPTP_WALK_4 (3ull << 3)
static const struct slat_format ept_format = {EPT_RWX, EPT_RWX, EPT_RWX | EPT_WB};

static bool vmx_vm_init(struct vm *vm, void **backend)
{
	struct vmx_vm *v = kzalloc(sizeof(*v));

	if (!v)
		return false;
	if (!slat_init(&v->ept, &ept_format)) {
		kfree(v);
		return false;
	}
	v->eptp = v->ept.root | EPTP_WALK_4 | EPTP_WB;
	*backend = v;
	return true;
}

static void flush_ept_everywhere(void *arg)
{
	invept(INVEPT_SINGLE, *(uint64_t *)arg);
}

static void vmx_vm_destroy(void *backend)
{
	struct vmx_vm *v = backend;

	/* A later VM may get the same EPT root: no CPU may keep its translations. */
	flush_ept_everywhere(&v->eptp);
	smp_call_others(flush_ept_everywhere, &v->eptp);
	slat_destroy(&v->ept);
	kfree(v);
}

static bool vmx_map(void *backend, uint64_t gpa, paddr_t hpa, uint64_t size)
{
	return slat_map(&((struct vmx_vm *)backend)->ept, gpa, hpa, size);
}

static bool vmx_vcpu_init(struct vcpu *vcpu, void **backend)
{
	struct vmx_vcpu *v = kzalloc(sizeof(*v));

	if (!v)
		return false;
	v->vmcs_pa = zeroed_page();
	if (!v->vmcs_pa) {
		kfree(v);
		return false;
	}
	v->vmcs = phys_to_virt(v->vmcs_pa);
	*(uint32_t *)v->vmcs = vmx_caps.revision;
	v->cpu = -1;
	v->enter = vmx_enter;
	dregs_reset(&v->dregs);
	unsigned long flags = spin_lock_irqsave(&vpid_lock);
	v->vpid = vpid_pool_alloc(&vpids);
	spin_unlock_irqrestore(&vpid_lock, flags);
	if (!v->vpid) {
		pr_warn("vmx: all 65535 VPIDs are in use: no more vCPUs\n");
		page_free(v->vmcs_pa, 0);
		kfree(v);
		return false;
	}
	*backend = v;
	return true;
}

static void clear_on_cpu(void *arg)
{
	struct vmx_vcpu *v = arg;

	vmclear(v->vmcs_pa);
	if (current_vmcs[this_cpu()->id] == v)
		current_vmcs[this_cpu()->id] = NULL;
	invvpid(INVVPID_SINGLE, v->vpid);
}

static void vmx_vcpu_destroy(void *backend)
{
	struct vmx_vcpu *v = backend;

	/* Its translations are flushed on its CPU first, then its VPID is free. */
	if (v->cpu >= 0)
		smp_call((unsigned)v->cpu, clear_on_cpu, v, true);
	unsigned long flags = spin_lock_irqsave(&vpid_lock);
	vpid_pool_free(&vpids, v->vpid);
	spin_unlock_irqrestore(&vpid_lock, flags);
	page_free(v->vmcs_pa, 0);
	kfree(v);
}

static struct vmx_vcpu *vmx_of(struct vcpu *vcpu)
{
	return vcpu_backend(vcpu);
}

/* Loads v's (already set up) VMCS on this CPU unless it is current already. */
static inline bool make_current(struct vmx_vcpu *v, unsigned cpu)
{
	if (current_vmcs[cpu] == v)
		return true;
	if (!vmptrld(v->vmcs_pa))
		return false;
	current_vmcs[cpu] = v;
	return true;
}

/* Makes v's VMCS current on this CPU, setting it up on first use. */
static bool load_vmcs(struct vcpu *vcpu, struct vmx_vcpu *v, struct vm_exit *exit)
{
	unsigned cpu = this_cpu()->id;

	if (v->cpu >= 0 && v->cpu != (int)cpu) {
		ksnprintf(exit->detail, sizeof(exit->detail), "vCPU moved from host CPU %d to %u",
			  v->cpu, cpu);
		return false;
	}
	if (v->cpu < 0) {
		if (!vmclear(v->vmcs_pa) || !vmptrld(v->vmcs_pa)) {
			ksnprintf(exit->detail, sizeof(exit->detail), "VMCLEAR/VMPTRLD failed");
			return false;
		}
		current_vmcs[cpu] = v;
		v->cpu = (int)cpu;
		invvpid(INVVPID_SINGLE, v->vpid);
		if (!vmx_vmcs_setup(vcpu, v, vm_backend(vcpu_vm(vcpu)), exit->detail,
				    sizeof(exit->detail)))
			return false;
	} else if (!make_current(v, cpu)) {
		ksnprintf(exit->detail, sizeof(exit->detail), "VMPTRLD failed");
		return false;
	}
	return true;
}

static void vmx_run(struct vcpu *vcpu, struct vm_exit *exit)
{
	struct vmx_vcpu *v = vmx_of(vcpu);
	unsigned long flags = irq_save();

	memset(exit, 0, sizeof(*exit));
	if (!load_vmcs(vcpu, v, exit)) {
		exit->kind = VM_EXIT_ERROR;
		irq_restore(flags);
		return;
	}
	vcpu_spec_before_entry(vcpu);
	int failed = v->enter(&v->regs, v->launched);
	unsigned cpu = this_cpu()->id;
	__asm__ volatile("lgdt %0; lidt %1" ::"m"(host_gdtr[cpu]), "m"(host_idtr[cpu]));
	if (failed) {
		exit->kind = VM_EXIT_ERROR;
		ksnprintf(exit->detail, sizeof(exit->detail),
			  "VM entry failed: VM-instruction error %lu", vmread(VMCS_INSN_ERROR));
	} else {
		v->launched = true;
		v->pending_event = false;
		vmx_handle_exit(vcpu, v, exit);
	}
	irq_restore(flags);
}

/*
 * Every operation on a vCPU's VMCS runs with interrupts off and makes that
 * VMCS current first: between two operations the thread may have been
 * preempted by another vCPU's thread on the same CPU, which loaded its own.
 */
static unsigned long vmcs_enter(struct vmx_vcpu *v)
{
	unsigned long flags = irq_save();
	unsigned cpu = this_cpu()->id;

	/* The pinning check only when a load is needed: this is every exit's path. */
	if (v->cpu >= 0 && current_vmcs[cpu] != v) {
		BUG_ON(v->cpu != (int)cpu); /* vCPU threads are pinned */
		make_current(v, cpu);
	}
	return flags;
}

#define WITH_VMCS(v, body)                                 \
	do {                                               \
		unsigned long vmcs_flags_ = vmcs_enter(v); \
		body;                                      \
		irq_restore(vmcs_flags_);                  \
	} while (0)

static void vmx_get_regs_op(struct vcpu *vcpu, struct vcpu_regs *r)
{
	WITH_VMCS(vmx_of(vcpu), vmx_get_regs(vmx_of(vcpu), r));
}

static void vmx_set_regs_op(struct vcpu *vcpu, const struct vcpu_regs *r)
{
	WITH_VMCS(vmx_of(vcpu), vmx_set_regs(vmx_of(vcpu), r));
}

static void vmx_get_sregs_op(struct vcpu *vcpu, struct vcpu_sregs *s)
{
	WITH_VMCS(vmx_of(vcpu), vmx_get_sregs(vmx_of(vcpu), s));
}

static void vmx_set_sregs_op(struct vcpu *vcpu, const struct vcpu_sregs *s)
{
	WITH_VMCS(vmx_of(vcpu), vmx_set_sregs(vmx_of(vcpu), s));
}

static void vmx_skip_insn(struct vcpu *vcpu)
{
	WITH_VMCS(vmx_of(vcpu), vmx_skip_insn_current(vmx_of(vcpu)));
}

static void vmx_insn_done(struct vcpu *vcpu)
{
	WITH_VMCS(vmx_of(vcpu), vmx_insn_done_current(vmx_of(vcpu)));
}

static void vmx_inject_exception(struct vcpu *vcpu, uint8_t vector, bool has_error, uint32_t error)
{
	struct vmx_vcpu *v = vmx_of(vcpu);

	WITH_VMCS(v, vmx_queue_exception(v, vector, has_error, error));
}

static bool vmx_interrupt_ready(struct vcpu *vcpu)
{
	struct vmx_vcpu *v = vmx_of(vcpu);
	unsigned long flags = vmcs_enter(v);
	bool ready = !v->pending_event && (vmread(VMCS_GUEST_RFLAGS) & (1u << 9)) &&
		     !(vmread(VMCS_GUEST_INTERRUPTIBILITY) &
		       (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOVSS));
	uint64_t proc = vmread(VMCS_PROC_CTLS);

	if (ready)
		vmwrite(VMCS_PROC_CTLS, proc & ~(uint64_t)PROC_INTR_WINDOW_EXITING);
	else
		vmwrite(VMCS_PROC_CTLS, proc | PROC_INTR_WINDOW_EXITING);
	irq_restore(flags);
	return ready;
}

static void vmx_inject_interrupt(struct vcpu *vcpu, uint8_t vector)
{
	struct vmx_vcpu *v = vmx_of(vcpu);
	unsigned long flags = vmcs_enter(v);

	vmwrite(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_EXTINT | vector);
	v->pending_event = true;
	/* A halted vCPU wakes for the interrupt. */
	vmwrite(VMCS_GUEST_ACTIVITY, ACTIVITY_ACTIVE);
	irq_restore(flags);
}

/*
 * NMIs: with virtual NMIs the CPU blocks them from the injection to the
 * handler's IRET, and NMI-window exiting ends the guest's run when that IRET
 * (or a MOV SS shadow) is past.  An STI shadow does not hold an NMI back: the
 * entry checks allow the injection, and an NMI-window exit would come at
 * once, again and again.  Without virtual NMIs (no CPU made since 2006) the
 * interrupt window stands in for the NMI window: an NMI handler runs with IF
 * clear until its IRET.
 */
static bool vmx_nmi_ready(struct vcpu *vcpu)
{
	if (!vmx_virtual_nmis())
		return vmx_interrupt_ready(vcpu);

	struct vmx_vcpu *v = vmx_of(vcpu);
	unsigned long flags = vmcs_enter(v);
	bool ready = !v->pending_event && !(vmread(VMCS_GUEST_INTERRUPTIBILITY) &
					    (INTERRUPTIBILITY_MOVSS | INTERRUPTIBILITY_NMI));

	if (!ready)
		vmwrite(VMCS_PROC_CTLS, vmread(VMCS_PROC_CTLS) | PROC_NMI_WINDOW_EXITING);
	irq_restore(flags);
	return ready;
}

static void vmx_inject_nmi(struct vcpu *vcpu)
{
	struct vmx_vcpu *v = vmx_of(vcpu);
	unsigned long flags = vmcs_enter(v);

	vmwrite(VMCS_ENTRY_INTR_INFO, INTR_INFO_VALID | INTR_TYPE_NMI | 2);
	v->pending_event = true;
	vmwrite(VMCS_GUEST_ACTIVITY, ACTIVITY_ACTIVE);
	irq_restore(flags);
}

static bool vmx_interrupt_shadow(struct vcpu *vcpu)
{
	uint64_t state;

	WITH_VMCS(vmx_of(vcpu), state = vmread(VMCS_GUEST_INTERRUPTIBILITY));
	return state & (INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOVSS);
}

static void vmx_end_interrupt_shadow(struct vcpu *vcpu)
{
	WITH_VMCS(vmx_of(vcpu),
		  vmwrite(VMCS_GUEST_INTERRUPTIBILITY,
			  vmread(VMCS_GUEST_INTERRUPTIBILITY) &
			      ~(uint64_t)(INTERRUPTIBILITY_STI | INTERRUPTIBILITY_MOVSS)));
}

/*
 * A checked CR0/CR4 write (core/cr.c).  The guest reads back what it wrote
 * (the shadow); the CPU runs with the bits VMX forces.  Turning paging on or
 * off with EFER.LME is what enters or leaves long mode: the CPU would set
 * EFER.LMA itself, but for a write that exited the VMM must, and the
 * IA-32e-guest entry control must follow it or the next entry fails.
 */
static void vmx_set_cr(struct vcpu *vcpu, unsigned cr, uint64_t value)
{
	struct vmx_vcpu *v = vmx_of(vcpu);
	unsigned long flags = vmcs_enter(v);

	if (cr == 4) {
		v->cr4_shadow = value;
		vmwrite(VMCS_CR4_SHADOW, value);
		vmwrite(VMCS_GUEST_CR4, vmx_cr4_real(value));
		irq_restore(flags);
		return;
	}
	uint64_t efer = vmread(VMCS_GUEST_EFER), entry = vmread(VMCS_ENTRY_CTLS);
	if ((value & CR0_PG) && (efer & EFER_LME)) {
		efer |= EFER_LMA;
		entry |= ENTRY_GUEST_64;
	} else if (!(value & CR0_PG)) {
		efer &= ~EFER_LMA;
		entry &= ~(uint64_t)ENTRY_GUEST_64;
	}
	v->cr0_shadow = value;
	vmwrite(VMCS_CR0_SHADOW, value);
	vmwrite(VMCS_GUEST_CR0, vmx_cr0_real(value));
	vmwrite(VMCS_GUEST_EFER, efer);
	vmwrite(VMCS_ENTRY_CTLS, entry);
	irq_restore(flags);
}

/* Loaded at entry and saved at exit (ENTRY_LOAD_PAT, EXIT_SAVE_PAT): the
 * guest's PAT is in force while it runs, the host's is back after. */
static void vmx_set_pat(struct vcpu *vcpu, uint64_t pat)
{
	WITH_VMCS(vmx_of(vcpu), vmwrite(VMCS_GUEST_PAT, pat));
}

static void vmx_set_tsc_offset(struct vcpu *vcpu, int64_t offset)
{
	WITH_VMCS(vmx_of(vcpu), vmwrite(VMCS_TSC_OFFSET, (uint64_t)offset));
}

const struct vcpu_ops vmx_ops = {
    .name = "vmx",
    .probe = vmx_probe,
    .cpu_enable = vmx_cpu_enable,
    .vm_init = vmx_vm_init,
    .vm_destroy = vmx_vm_destroy,
    .map = vmx_map,
    .vcpu_init = vmx_vcpu_init,
    .vcpu_destroy = vmx_vcpu_destroy,
    .run = vmx_run,
    .get_regs = vmx_get_regs_op,
    .set_regs = vmx_set_regs_op,
    .get_sregs = vmx_get_sregs_op,
    .set_sregs = vmx_set_sregs_op,
    .skip_insn = vmx_skip_insn,
    .insn_done = vmx_insn_done,
    .inject_exception = vmx_inject_exception,
    .interrupt_ready = vmx_interrupt_ready,
    .inject_interrupt = vmx_inject_interrupt,
    .nmi_ready = vmx_nmi_ready,
    .inject_nmi = vmx_inject_nmi,
    .interrupt_shadow = vmx_interrupt_shadow,
    .end_interrupt_shadow = vmx_end_interrupt_shadow,
    .set_pat = vmx_set_pat,
    .set_cr = vmx_set_cr,
    .set_tsc_offset = vmx_set_tsc_offset,
};
