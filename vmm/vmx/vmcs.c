/*
 * Setting up a vCPU's VMCS: controls adjusted to what the CPU allows, host
 * state from this CPU, guest state from what the loader asked for (or the
 * architectural reset state).  CR0 and CR4 bits VMX forces on (NE, VMXE) are
 * owned by the host and shown to the guest as it last wrote them.
 */
#include <asm/cpu.h>
#include <asm/segment.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/percpu.h>
#include <pallas/string.h>
#include <pallas/time.h>

#include "vmx.h"

#define CR0_PE		    (1ull << 0)
#define CR0_NE		    (1ull << 5)
#define CR0_NW		    (1ull << 29)
#define CR0_CD		    (1ull << 30)
#define CR0_PG		    (1ull << 31)
#define PREEMPTION_SLICE_NS 10000000ull
#define MSR_PAT		    0x277
#define PAT_DEFAULT	    0x0007040600070406ull /* the reset value (SDM 11.12.4) */

extern const char vmx_exit_landing[];

static const uint32_t switched_msrs[VMX_SWITCHED_MSRS] = {
    0xc0000081, /* STAR */
    0xc0000082, /* LSTAR */
    0xc0000083, /* CSTAR */
    0xc0000084, /* SFMASK */
    0xc0000102, /* KERNEL_GS_BASE */
    0xc0000103, /* TSC_AUX */
};

/*
 * The CR0 bits the host owns: those VMX forces, except PE/PG (unrestricted
 * guest), and CD/NW, so that a write setting NW without CD exits and gets #GP
 * from the core's policy; emulators (Bochs 2.7) do not check it in the guest.
 * Guests change CD rarely (MTRR set-up), so owning it costs nothing.
 */
static uint64_t cr0_host_owned(void)
{
	uint64_t forced = vmx_caps.cr0_fixed0 | ~vmx_caps.cr0_fixed1;

	return ((forced & ~(CR0_PE | CR0_PG)) | CR0_CD | CR0_NW) & 0xffffffffull;
}

static uint64_t cr4_host_owned(void)
{
	return (vmx_caps.cr4_fixed0 | ~vmx_caps.cr4_fixed1) & 0xffffffffull;
}

uint64_t vmx_cr0_real(uint64_t guest_value)
{
	return (guest_value | (vmx_caps.cr0_fixed0 & ~(CR0_PE | CR0_PG))) &
	       (vmx_caps.cr0_fixed1 | CR0_PE | CR0_PG);
}

uint64_t vmx_cr4_real(uint64_t guest_value)
{
	return (guest_value | vmx_caps.cr4_fixed0) & vmx_caps.cr4_fixed1;
}

static void write_segment(unsigned sel_field, const struct vcpu_segment *s)
{
	/* Selector, limit, AR and base fields of one segment are evenly spaced. */
	unsigned i = (sel_field - VMCS_GUEST_ES_SEL) / 2;
	vmwrite(sel_field, s->selector);
	vmwrite(VMCS_GUEST_ES_LIMIT + 2 * i, s->limit);
	vmwrite(VMCS_GUEST_ES_AR + 2 * i, s->ar);
	vmwrite(VMCS_GUEST_ES_BASE + 2 * i, s->base);
}

static void read_segment(unsigned sel_field, struct vcpu_segment *s)
{
	unsigned i = (sel_field - VMCS_GUEST_ES_SEL) / 2;
	s->selector = (uint16_t)vmread(sel_field);
	s->limit = (uint32_t)vmread(VMCS_GUEST_ES_LIMIT + 2 * i);
	s->ar = (uint32_t)vmread(VMCS_GUEST_ES_AR + 2 * i);
	s->base = vmread(VMCS_GUEST_ES_BASE + 2 * i);
}

#define SEG_FIELDS(X)            \
	X(VMCS_GUEST_ES_SEL, es) \
	X(VMCS_GUEST_CS_SEL, cs) \
	X(VMCS_GUEST_SS_SEL, ss) \
	X(VMCS_GUEST_DS_SEL, ds) \
	X(VMCS_GUEST_FS_SEL, fs) \
	X(VMCS_GUEST_GS_SEL, gs) X(VMCS_GUEST_LDTR_SEL, ldtr) X(VMCS_GUEST_TR_SEL, tr)

static void load_sregs(struct vmx_vcpu *v, const struct vcpu_sregs *s)
{
#define W(field, name) write_segment(field, &s->name);
	SEG_FIELDS(W)
#undef W
	vmwrite(VMCS_GUEST_GDTR_BASE, s->gdt_base);
	vmwrite(VMCS_GUEST_GDTR_LIMIT, s->gdt_limit);
	vmwrite(VMCS_GUEST_IDTR_BASE, s->idt_base);
	vmwrite(VMCS_GUEST_IDTR_LIMIT, s->idt_limit);
	v->cr0_shadow = s->cr0;
	v->cr4_shadow = s->cr4;
	vmwrite(VMCS_CR0_SHADOW, s->cr0);
	vmwrite(VMCS_CR4_SHADOW, s->cr4);
	vmwrite(VMCS_GUEST_CR0, vmx_cr0_real(s->cr0));
	vmwrite(VMCS_GUEST_CR4, vmx_cr4_real(s->cr4));
	vmwrite(VMCS_GUEST_CR3, s->cr3);
	v->regs.cr2 = s->cr2;
	vmwrite(VMCS_GUEST_EFER, s->efer);
	uint64_t entry = vmread(VMCS_ENTRY_CTLS);
	/* EFER.LMA decides whether the guest enters in IA-32e mode. */
	if (s->efer & (1ull << 10))
		entry |= ENTRY_GUEST_64;
	else
		entry &= ~(uint64_t)ENTRY_GUEST_64;
	vmwrite(VMCS_ENTRY_CTLS, entry);
}

static void load_regs(struct vmx_vcpu *v, const struct vcpu_regs *r)
{
	struct vmx_guest_regs *g = &v->regs;

	g->rax = r->rax, g->rbx = r->rbx, g->rcx = r->rcx, g->rdx = r->rdx;
	g->rsi = r->rsi, g->rdi = r->rdi, g->rbp = r->rbp;
	g->r8 = r->r8, g->r9 = r->r9, g->r10 = r->r10, g->r11 = r->r11;
	g->r12 = r->r12, g->r13 = r->r13, g->r14 = r->r14, g->r15 = r->r15;
	vmwrite(VMCS_GUEST_RSP, r->rsp);
	vmwrite(VMCS_GUEST_RIP, r->rip);
	vmwrite(VMCS_GUEST_RFLAGS, r->rflags | 2);
}

/* The state of a CPU after INIT: real mode at F000:FFF0. */
static void setup_host_state(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) gdtr, idtr;

	__asm__ volatile("sgdt %0; sidt %1" : "=m"(gdtr), "=m"(idtr));
	vmwrite(VMCS_HOST_CR0, read_cr0());
	vmwrite(VMCS_HOST_CR3, read_cr3());
	vmwrite(VMCS_HOST_CR4, read_cr4());
	vmwrite(VMCS_HOST_CS_SEL, GDT_KERNEL_CODE);
	vmwrite(VMCS_HOST_SS_SEL, GDT_KERNEL_DATA);
	vmwrite(VMCS_HOST_DS_SEL, GDT_KERNEL_DATA);
	vmwrite(VMCS_HOST_ES_SEL, GDT_KERNEL_DATA);
	vmwrite(VMCS_HOST_FS_SEL, 0);
	vmwrite(VMCS_HOST_GS_SEL, 0);
	vmwrite(VMCS_HOST_TR_SEL, GDT_TSS);
	vmwrite(VMCS_HOST_FS_BASE, rdmsr(0xc0000100));
	vmwrite(VMCS_HOST_GS_BASE, rdmsr(MSR_GS_BASE));
	vmwrite(VMCS_HOST_TR_BASE, (uint64_t)&this_cpu()->tables->tss);
	vmwrite(VMCS_HOST_GDTR_BASE, gdtr.base);
	vmwrite(VMCS_HOST_IDTR_BASE, idtr.base);
	vmwrite(VMCS_HOST_SYSENTER_CS, rdmsr(0x174));
	vmwrite(VMCS_HOST_SYSENTER_ESP, rdmsr(0x175));
	vmwrite(VMCS_HOST_SYSENTER_EIP, rdmsr(0x176));
	vmwrite(VMCS_HOST_EFER, rdmsr(MSR_EFER));
	vmwrite(VMCS_HOST_PAT, rdmsr(MSR_PAT));
	vmwrite(VMCS_HOST_RIP, (uint64_t)vmx_exit_landing);
}

static uint32_t ns_to_preemption_ticks(uint64_t ns)
{
	return (uint32_t)MIN(ns_to_tsc(ns) >> vmx_caps.preemption_timer_shift, 0xffffffffull);
}

static bool setup_controls(struct vmx_vcpu *v, struct vmx_vm *vm, char *err, size_t errlen)
{
	uint32_t pin, proc, proc2, exitc, entry;

	if (!vmx_adjust(PIN_EXTINT_EXITING | PIN_NMI_EXITING | PIN_PREEMPTION_TIMER,
			vmx_caps.pin_allowed0, vmx_caps.pin_allowed1, &pin) ||
	    !vmx_adjust(PROC_HLT_EXITING | PROC_MWAIT_EXITING | PROC_MONITOR_EXITING |
			    PROC_RDPMC_EXITING | PROC_USE_IO_BITMAPS | PROC_USE_MSR_BITMAPS |
			    PROC_TSC_OFFSETTING | PROC_MOV_DR_EXITING | PROC_SECONDARY,
			vmx_caps.proc_allowed0, vmx_caps.proc_allowed1, &proc) ||
	    !vmx_adjust(PROC2_EPT | PROC2_VPID | PROC2_UNRESTRICTED_GUEST | PROC2_WBINVD_EXITING, 0,
			vmx_caps.proc2_allowed1, &proc2) ||
	    !vmx_adjust(EXIT_HOST_64 | EXIT_SAVE_EFER | EXIT_LOAD_EFER | EXIT_SAVE_DEBUG,
			vmx_caps.exit_allowed0, vmx_caps.exit_allowed1, &exitc) ||
	    !vmx_adjust(ENTRY_LOAD_EFER | ENTRY_LOAD_DEBUG, vmx_caps.entry_allowed0,
			vmx_caps.entry_allowed1, &entry)) {
		ksnprintf(err, errlen, "the CPU does not allow the VMX controls Pallas needs");
		return false;
	}
	/* The guest's PAT switched at entry and exit where the CPU can; without
	 * these controls the guest runs on the host's PAT (write-back RAM). */
	if ((vmx_caps.exit_allowed1 & (EXIT_SAVE_PAT | EXIT_LOAD_PAT)) ==
		(EXIT_SAVE_PAT | EXIT_LOAD_PAT) &&
	    (vmx_caps.entry_allowed1 & ENTRY_LOAD_PAT)) {
		exitc |= EXIT_SAVE_PAT | EXIT_LOAD_PAT;
		entry |= ENTRY_LOAD_PAT;
	}
	/* With virtual NMIs the CPU blocks the guest's NMIs from injection to
	 * IRET and can exit at the NMI window (vmx.c); every VT-x CPU since
	 * 2006 has them. */
	if (vmx_virtual_nmis())
		pin |= PIN_VIRTUAL_NMIS;
	/* RDTSCP would #UD in the guest if not enabled; allow it when possible. */
	if (vmx_caps.proc2_allowed1 & PROC2_RDTSCP)
		proc2 |= PROC2_RDTSCP;
	vmwrite(VMCS_PIN_CTLS, pin);
	vmwrite(VMCS_PROC_CTLS, proc);
	vmwrite(VMCS_PROC_CTLS2, proc2);
	vmwrite(VMCS_EXIT_CTLS, exitc);
	vmwrite(VMCS_ENTRY_CTLS, entry);
	/* #MC: the host's business; #DB: its DR6 bits are recorded (debugreg.c). */
	vmwrite(VMCS_EXCEPTION_BITMAP, 1u << 18 | 1u << EXCEPTION_DB);
	vmwrite(VMCS_CR3_TARGET_COUNT, 0);
	vmwrite(VMCS_IO_BITMAP_A, vmx_io_bitmap_a);
	vmwrite(VMCS_IO_BITMAP_B, vmx_io_bitmap_b);
	vmwrite(VMCS_MSR_BITMAP, vmx_msr_bitmap);
	vmwrite(VMCS_EPTP, vm->eptp);
	vmwrite(VMCS_TSC_OFFSET, 0);
	vmwrite(VMCS_VPID, v->vpid);
	vmwrite(VMCS_LINK_POINTER, ~0ull);
	vmwrite(VMCS_CR0_MASK, cr0_host_owned());
	vmwrite(VMCS_CR4_MASK, cr4_host_owned());
	vmwrite(VMCS_PREEMPTION_TIMER, ns_to_preemption_ticks(PREEMPTION_SLICE_NS));
	return true;
}

static void setup_msr_areas(struct vmx_vcpu *v)
{
	for (unsigned i = 0; i < VMX_SWITCHED_MSRS; i++) {
		v->guest_msrs[i] = (struct vmx_msr_entry){.index = switched_msrs[i]};
		v->host_msrs[i] = (struct vmx_msr_entry){.index = switched_msrs[i],
							 .value = rdmsr(switched_msrs[i])};
	}
	vmwrite(VMCS_ENTRY_MSR_LOAD_ADDR, virt_to_phys(v->guest_msrs));
	vmwrite(VMCS_ENTRY_MSR_LOAD_COUNT, VMX_SWITCHED_MSRS);
	vmwrite(VMCS_EXIT_MSR_STORE_ADDR, virt_to_phys(v->guest_msrs));
	vmwrite(VMCS_EXIT_MSR_STORE_COUNT, VMX_SWITCHED_MSRS);
	vmwrite(VMCS_EXIT_MSR_LOAD_ADDR, virt_to_phys(v->host_msrs));
	vmwrite(VMCS_EXIT_MSR_LOAD_COUNT, VMX_SWITCHED_MSRS);
}

bool vmx_vmcs_setup(struct vcpu *vcpu, struct vmx_vcpu *v, struct vmx_vm *vm, char *err,
		    size_t errlen)
{
	struct vcpu_regs r;
	struct vcpu_sregs s;

	if (!setup_controls(v, vm, err, errlen))
		return false;
	/* A write of a CR4 bit the guest was not offered exits, to be #GP. */
	vmwrite(VMCS_CR4_MASK, cr4_host_owned() | ~vcpu_cr4_allowed(vcpu));
	setup_host_state();
	setup_msr_areas(v);
	vcpu_reset_state(&r, &s);
	if (v->have_regs)
		r = v->initial;
	if (v->have_sregs)
		s = v->initial_s;
	load_sregs(v, &s);
	load_regs(v, &r);
	vmwrite(VMCS_GUEST_DR7, 0x400);
	vmwrite(VMCS_GUEST_DEBUGCTL, 0);
	vmwrite(VMCS_GUEST_PAT, PAT_DEFAULT);
	vmwrite(VMCS_GUEST_PENDING_DBG, 0);
	vmwrite(VMCS_GUEST_INTERRUPTIBILITY, 0);
	vmwrite(VMCS_GUEST_ACTIVITY,
		vcpu_id(vcpu) == 0 || v->have_regs ? ACTIVITY_ACTIVE : ACTIVITY_WAIT_FOR_SIPI);
	vmwrite(VMCS_GUEST_SYSENTER_CS, 0);
	vmwrite(VMCS_GUEST_SYSENTER_ESP, 0);
	vmwrite(VMCS_GUEST_SYSENTER_EIP, 0);
	vmwrite(VMCS_ENTRY_INTR_INFO, 0);
	return true;
}

/* Before the VMCS exists, state is kept for vmx_vmcs_setup to load. */
static bool vmcs_live(struct vmx_vcpu *v)
{
	return v->cpu >= 0;
}

void vmx_set_regs(struct vmx_vcpu *v, const struct vcpu_regs *r)
{
	if (!vmcs_live(v)) {
		v->initial = *r;
		v->have_regs = true;
		return;
	}
	load_regs(v, r);
}

void vmx_get_regs(struct vmx_vcpu *v, struct vcpu_regs *r)
{
	if (!vmcs_live(v)) {
		struct vcpu_sregs unused;
		if (v->have_regs)
			*r = v->initial;
		else
			vcpu_reset_state(r, &unused);
		return;
	}
	const struct vmx_guest_regs *g = &v->regs;
	*r = (struct vcpu_regs){.rax = g->rax,
				.rbx = g->rbx,
				.rcx = g->rcx,
				.rdx = g->rdx,
				.rsi = g->rsi,
				.rdi = g->rdi,
				.rbp = g->rbp,
				.r8 = g->r8,
				.r9 = g->r9,
				.r10 = g->r10,
				.r11 = g->r11,
				.r12 = g->r12,
				.r13 = g->r13,
				.r14 = g->r14,
				.r15 = g->r15};
	r->rsp = vmread(VMCS_GUEST_RSP);
	r->rip = vmread(VMCS_GUEST_RIP);
	r->rflags = vmread(VMCS_GUEST_RFLAGS);
}

void vmx_set_sregs(struct vmx_vcpu *v, const struct vcpu_sregs *s)
{
	if (!vmcs_live(v)) {
		v->initial_s = *s;
		v->have_sregs = true;
		return;
	}
	load_sregs(v, s);
}

void vmx_get_sregs(struct vmx_vcpu *v, struct vcpu_sregs *s)
{
	if (!vmcs_live(v)) {
		struct vcpu_regs unused;
		if (v->have_sregs)
			*s = v->initial_s;
		else
			vcpu_reset_state(&unused, s);
		return;
	}
#define R(field, name) read_segment(field, &s->name);
	SEG_FIELDS(R)
#undef R
	s->gdt_base = vmread(VMCS_GUEST_GDTR_BASE);
	s->gdt_limit = (uint16_t)vmread(VMCS_GUEST_GDTR_LIMIT);
	s->idt_base = vmread(VMCS_GUEST_IDTR_BASE);
	s->idt_limit = (uint16_t)vmread(VMCS_GUEST_IDTR_LIMIT);
	uint64_t cr0_mask = vmread(VMCS_CR0_MASK), cr4_mask = vmread(VMCS_CR4_MASK);
	s->cr0 = (vmread(VMCS_GUEST_CR0) & ~cr0_mask) | (v->cr0_shadow & cr0_mask);
	s->cr4 = (vmread(VMCS_GUEST_CR4) & ~cr4_mask) | (v->cr4_shadow & cr4_mask);
	s->cr3 = vmread(VMCS_GUEST_CR3);
	s->cr2 = v->regs.cr2;
	s->efer = vmread(VMCS_GUEST_EFER);
}
