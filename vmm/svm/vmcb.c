/*
 * Setting up a vCPU's VMCB, and guest state in and out of it.  The VMCB is
 * plain memory, so unlike a VMCS it is built when the vCPU is created and
 * read or written from any CPU; nothing of the host lives in it (the host's
 * state goes to the per-CPU host save area and host VMCB, see svm.c).
 * SVM forces no CR0/CR4 bits on a guest: the guest's values are the real
 * ones.  CR0 and CR4 writes exit all the same, to be checked as on VT-x: a
 * CR4 bit the guest was not offered is #GP rather than a VMRUN that fails,
 * and CR0 combinations the APM calls illegal are #GP whatever the CPU
 * underneath lets through (QEMU's TCG takes PG without PE).  EFER.SVME must stay set for VMRUN, so
 * EFER accesses exit (exit.c) and SVME is hidden from the guest here.
 */
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/string.h>

#include "svm.h"

#define CR0_PE	    (1ull << 0)
#define EFER_LMA    (1ull << 10)
#define EFER_SVME   (1ull << 12)
#define PAT_DEFAULT 0x0007040600070406ull
#define IOPM_ORDER  2 /* 12 KiB used */
#define MSRPM_ORDER 1 /* 8 KiB */

paddr_t svm_iopm_pa, svm_msrpm_pa;

/* Reads and writes of msr go straight to the guest's copy (the VMCB's,
 * switched by VMLOAD/VMSAVE); write_too false leaves writes intercepted. */
static void pass_msr(uint8_t *map, uint32_t msr, bool write_too)
{
	unsigned base = msr >= 0xc0000000 ? 0x800 : 0;
	unsigned bit = (msr & 0x1fff) * 2;

	map[base + bit / 8] &= (uint8_t) ~(1u << (bit % 8));
	if (write_too)
		map[base + bit / 8] &= (uint8_t) ~(2u << (bit % 8));
}

/* Every port exits; every MSR exits but those VMLOAD/VMSAVE switch (the
 * same set the VT-x backend passes through, less EFER and TSC_AUX writes). */
bool svm_permission_maps_init(void)
{
	static const uint32_t passed[] = {0x174,      0x175,	  0x176,      0xc0000081,
					  0xc0000082, 0xc0000083, 0xc0000084, 0xc0000100,
					  0xc0000101, 0xc0000102};

	svm_iopm_pa = page_alloc(IOPM_ORDER);
	svm_msrpm_pa = page_alloc(MSRPM_ORDER);
	if (!svm_iopm_pa || !svm_msrpm_pa)
		return false;
	memset(phys_to_virt(svm_iopm_pa), 0xff, PAGE_SIZE << IOPM_ORDER);
	memset(phys_to_virt(svm_msrpm_pa), 0xff, PAGE_SIZE << MSRPM_ORDER);
	for (size_t i = 0; i < ARRAY_SIZE(passed); i++)
		pass_msr(phys_to_virt(svm_msrpm_pa), passed[i], true);
	pass_msr(phys_to_virt(svm_msrpm_pa), 0xc0000103, false); /* TSC_AUX: see svm.c */
	return true;
}

static void put_seg(struct vmcb_seg *d, const struct vcpu_segment *s)
{
	d->selector = s->selector;
	d->attrib = vmcb_attrib_from_ar(s->ar);
	d->limit = s->limit;
	d->base = s->base;
}

static void get_seg(struct vcpu_segment *d, const struct vmcb_seg *s)
{
	d->selector = s->selector;
	d->ar = vmcb_attrib_to_ar(s->attrib);
	d->limit = s->limit;
	d->base = s->base;
}

#define SEGS(X) X(cs) X(ds) X(es) X(fs) X(gs) X(ss) X(tr) X(ldtr)

void svm_set_sregs(struct svm_vcpu *v, const struct vcpu_sregs *s)
{
	struct vmcb_save *g = &v->vmcb->s;

#define PUT(name) put_seg(&g->name, &s->name);
	SEGS(PUT)
#undef PUT
	g->gdtr = (struct vmcb_seg){.limit = s->gdt_limit, .base = s->gdt_base};
	g->idtr = (struct vmcb_seg){.limit = s->idt_limit, .base = s->idt_base};
	g->cr0 = s->cr0;
	g->cr2 = s->cr2;
	g->cr3 = s->cr3;
	g->cr4 = s->cr4;
	/* A bit the CPU lacks would make VMRUN fail; LMA comes with long mode. */
	g->efer = (s->efer & (svm_caps.guest_efer | EFER_LMA)) | EFER_SVME;
	/* The VMCB's CPL is what the guest runs at: SS.DPL once protected. */
	g->cpl = (s->cr0 & CR0_PE) ? (uint8_t)((g->ss.attrib >> 5) & 3) : 0;
}

void svm_get_sregs(struct svm_vcpu *v, struct vcpu_sregs *s)
{
	const struct vmcb_save *g = &v->vmcb->s;

#define GET(name) get_seg(&s->name, &g->name);
	SEGS(GET)
#undef GET
	s->gdt_base = g->gdtr.base;
	s->gdt_limit = (uint16_t)g->gdtr.limit;
	s->idt_base = g->idtr.base;
	s->idt_limit = (uint16_t)g->idtr.limit;
	s->cr0 = g->cr0;
	s->cr2 = g->cr2;
	s->cr3 = g->cr3;
	s->cr4 = g->cr4;
	s->efer = g->efer & ~EFER_SVME;
}

void svm_set_regs(struct svm_vcpu *v, const struct vcpu_regs *r)
{
	struct svm_guest_regs *g = &v->regs;

	g->rbx = r->rbx, g->rcx = r->rcx, g->rdx = r->rdx;
	g->rsi = r->rsi, g->rdi = r->rdi, g->rbp = r->rbp;
	g->r8 = r->r8, g->r9 = r->r9, g->r10 = r->r10, g->r11 = r->r11;
	g->r12 = r->r12, g->r13 = r->r13, g->r14 = r->r14, g->r15 = r->r15;
	v->vmcb->s.rax = r->rax;
	v->vmcb->s.rsp = r->rsp;
	v->vmcb->s.rip = r->rip;
	v->vmcb->s.rflags = r->rflags | 2;
}

void svm_get_regs(struct svm_vcpu *v, struct vcpu_regs *r)
{
	const struct svm_guest_regs *g = &v->regs;

	*r = (struct vcpu_regs){.rbx = g->rbx,
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
	r->rax = v->vmcb->s.rax;
	r->rsp = v->vmcb->s.rsp;
	r->rip = v->vmcb->s.rip;
	r->rflags = v->vmcb->s.rflags;
}

/* The state of a CPU after INIT: real mode at F000:FFF0. */
static void reset_state(struct svm_vcpu *v)
{
	struct vcpu_regs r;
	struct vcpu_sregs s;

	vcpu_reset_state(&r, &s);
	svm_set_sregs(v, &s);
	svm_set_regs(v, &r);
	v->vmcb->s.dr6 = 0xffff0ff0;
	v->vmcb->s.dr7 = 0x400;
	v->vmcb->s.g_pat = PAT_DEFAULT;
}

static void setup_intercepts(struct vmcb_control *c)
{
	c->intercept_exceptions = 1u << 18;			     /* #MC: the host's business */
	c->intercept_cr = INTERCEPT_CR0_WRITE | INTERCEPT_CR4_WRITE; /* checked: see core/cr.c */
	c->intercept_dr = SVM_DR_INTERCEPTS; /* until the guest touches them, see debugreg.c */
	/* RDPMC: no PMU is offered, and the host's counters are not the guest's. */
	c->intercept_misc1 = INTERCEPT_INTR | INTERCEPT_NMI | INTERCEPT_INIT | INTERCEPT_CPUID |
			     INTERCEPT_RDPMC | INTERCEPT_INVD | INTERCEPT_HLT | INTERCEPT_INVLPGA |
			     INTERCEPT_IOIO | INTERCEPT_MSR | INTERCEPT_SHUTDOWN;
	/* VMRUN must be intercepted (the CPU refuses a VMCB without it); none of
	 * these is offered by the guest's CPUID, so each becomes #UD. */
	c->intercept_misc2 = INTERCEPT_VMRUN | INTERCEPT_VMMCALL | INTERCEPT_VMLOAD |
			     INTERCEPT_VMSAVE | INTERCEPT_STGI | INTERCEPT_CLGI | INTERCEPT_SKINIT |
			     INTERCEPT_WBINVD | INTERCEPT_MONITOR | INTERCEPT_MWAIT |
			     INTERCEPT_MWAIT_C | INTERCEPT_XSETBV;
	/* A spinning guest gives its CPU back after a few thousand PAUSEs. */
	if (svm_caps.pause_filter) {
		c->intercept_misc1 |= INTERCEPT_PAUSE;
		c->pause_filter_count = 3000;
	}
}

void svm_vmcb_init(struct svm_vcpu *v, struct svm_vm *vm)
{
	struct vmcb_control *c = &v->vmcb->c;

	setup_intercepts(c);
	c->iopm_base_pa = svm_iopm_pa;
	c->msrpm_base_pa = svm_msrpm_pa;
	c->tsc_offset = 0;
	/* The guest's IF masks only virtual interrupts; the host's still exit. */
	c->int_ctl = V_INTR_MASKING;
	c->nested_ctl = NESTED_CTL_NP;
	c->nested_cr3 = vm->npt.root;
	c->clean = 0; /* nothing cached: the VMCB is written freely between runs */
	reset_state(v);
}
