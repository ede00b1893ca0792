/*
 * The AMD-V backend behind vcpu_ops: turning SVM on, and running a vCPU.
 * VMRUN saves and restores only part of the host (segments CS/SS/DS/ES,
 * GDTR/IDTR, CR0/3/4, EFER, RFLAGS, RSP, RAX); the rest (FS/GS/TR/LDTR,
 * KERNEL_GS_BASE, STAR/LSTAR/CSTAR/SFMASK, SYSENTER) is swapped with
 * VMSAVE/VMLOAD of a per-CPU host VMCB in svm_entry.S, the FPU here.
 * Each vCPU thread is pinned, so its ASID belongs to one host CPU.
 */
#include <asm/cpu.h>
#include <asm/irq.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/percpu.h>
#include <pallas/smp.h>
#include <pallas/string.h>

#include "svm.h"

#define MSR_VM_HSAVE_PA 0xc0010117
#define MSR_TSC_AUX	0xc0000103
#define EFER_SVME	(1ull << 12)
#define RFLAGS_IF	(1ull << 9)
#define CR0_PG		(1ull << 31)
#define EFER_LME	(1ull << 8)
#define EFER_LMA	(1ull << 10)

static uint64_t svm_lost_entries; /* svm_replay.c */

struct svm_cpu {
	paddr_t hsave_pa;     /* where VMRUN keeps the host state */
	paddr_t host_vmcb_pa; /* what VMSAVE/VMLOAD keep of the host */
	uint64_t tsc_aux;     /* the host's TSC_AUX */
	/* ASIDs are handed out per CPU; a new generation flushes them all. */
	uint32_t next_asid;
	uint64_t asid_gen;
};

static struct svm_cpu svm_cpus[MAX_CPUS];

static paddr_t zeroed_page(void)
{
	paddr_t p = page_alloc(0);

	if (p)
		memset(phys_to_virt(p), 0, PAGE_SIZE);
	return p;
}

static bool svm_probe(char *err, size_t errlen)
{
	if (!svm_caps_read(err, errlen))
		return false;
	if (!svm_permission_maps_init()) {
		ksnprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}

static bool svm_cpu_enable(char *err, size_t errlen)
{
	unsigned cpu = this_cpu()->id;
	struct svm_cpu *c = &svm_cpus[cpu];

	if (!c->hsave_pa) {
		c->hsave_pa = zeroed_page();
		c->host_vmcb_pa = zeroed_page();
		if (!c->hsave_pa || !c->host_vmcb_pa) {
			ksnprintf(err, errlen, "out of memory");
			return false;
		}
	}
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
	wrmsr(MSR_VM_HSAVE_PA, c->hsave_pa);
	c->tsc_aux = svm_caps.rdtscp ? rdmsr(MSR_TSC_AUX) : 0;
	/* Generation 1 flushes whatever earlier SVM users (firmware, a previous
	 * kernel) left tagged with the ASIDs we hand out. */
	c->asid_gen = 1;
	c->next_asid = 1;
	return true;
}

/* Nested page tables are in the host's own long-mode format.  The CPU walks
 * them as user accesses, so every entry carries U. */
#define NPT_P	  (1ull << 0)
#define NPT_RW	  (1ull << 1)
#define NPT_US	  (1ull << 2)
#define NPT_FLAGS (NPT_P | NPT_RW | NPT_US)
static const struct slat_format npt_format = {NPT_P, NPT_FLAGS, NPT_FLAGS};

static bool svm_vm_init(struct vm *vm, void **backend)
{
	struct svm_vm *v = kzalloc(sizeof(*v));

	if (!v)
		return false;
	if (!slat_init(&v->npt, &npt_format)) {
		kfree(v);
		return false;
	}
	*backend = v;
	return true;
}

/* No CPU keeps translations of a destroyed VM: its vCPUs' ASIDs are never
 * used again without a flush (a vCPU gets a fresh ASID, see assign_asid). */
static void svm_vm_destroy(void *backend)
{
	struct svm_vm *v = backend;

	slat_destroy(&v->npt);
	kfree(v);
}

static bool svm_map(void *backend, uint64_t gpa, paddr_t hpa, uint64_t size)
{
	return slat_map(&((struct svm_vm *)backend)->npt, gpa, hpa, size);
}

static bool svm_vcpu_init(struct vcpu *vcpu, void **backend)
{
	struct svm_vcpu *v = kzalloc(sizeof(*v));

	if (!v)
		return false;
	v->vmcb_pa = zeroed_page();
	if (!v->vmcb_pa) {
		kfree(v);
		return false;
	}
	v->vmcb = phys_to_virt(v->vmcb_pa);
	if (!svm_replay_init(v)) {
		page_free(v->vmcb_pa, 0);
		kfree(v);
		return false;
	}
	v->cpu = -1;
	v->enter = svm_enter;
	dregs_reset(&v->dregs);
	svm_vmcb_init(v, vm_backend(vcpu_vm(vcpu)));
	*backend = v;
	return true;
}

static void svm_vcpu_destroy(void *backend)
{
	struct svm_vcpu *v = backend;

	svm_replay_free(v);
	page_free(v->vmcb_pa, 0);
	kfree(v);
}

static struct svm_vcpu *svm_of(struct vcpu *vcpu)
{
	return vcpu_backend(vcpu);
}

/*
 * A vCPU keeps its ASID while its CPU's generation lasts.  When the CPU runs
 * out, a new generation starts with a flush of every ASID, so an ASID is
 * never reused with another vCPU's translations still in the TLB.
 */
static void assign_asid(struct svm_vcpu *v, struct svm_cpu *c)
{
	struct vmcb_control *ctl = &v->vmcb->c;

	ctl->tlb_control = TLB_CONTROL_NONE;
	if (v->asid_gen == c->asid_gen)
		return;
	if (c->next_asid >= svm_caps.nasid) {
		c->asid_gen++;
		c->next_asid = 1;
	}
	if (c->next_asid == 1)
		ctl->tlb_control = TLB_CONTROL_FLUSH_ALL;
	v->asid = c->next_asid++;
	v->asid_gen = c->asid_gen;
	ctl->asid = v->asid;
}

/* Entries QEMU may lose in a row before the vCPU is stopped (svm_replay.c):
 * it has lost one at a time so far. */
#define MAX_LOST_ENTRIES 8

static void vmrun(struct svm_vcpu *v, struct svm_cpu *c)
{
	v->vmcb->c.clean = 0;
	/* With GIF clear nothing interrupts the switch; with IF set, a host
	 * interrupt arriving in the guest is an INTR exit (V_INTR_MASKING),
	 * taken by the host after STGI once interrupts are on again. */
	__asm__ volatile("clgi; sti" ::: "memory");
	v->enter(&v->regs, v->vmcb_pa, c->host_vmcb_pa);
	__asm__ volatile("cli; stgi" ::: "memory");
}

/* Under QEMU TCG: the entry again, as long as VMRUN loses it. */
static bool vmrun_replayed(struct svm_vcpu *v, struct svm_cpu *c)
{
	for (unsigned try = 0; try < MAX_LOST_ENTRIES; try++) {
		svm_replay_save(v);
		vmrun(v, c);
		if (!svm_replay_lost(v, c->hsave_pa))
			return true;
		if (__atomic_add_fetch(&svm_lost_entries, 1, __ATOMIC_RELAXED) == 1)
			pr_info("svm: VMRUN loaded the host's state (a QEMU TCG fault); "
				"the entry is taken again, as every such one will be\n");
	}
	return false;
}

/* False if the entry never took place. */
static bool enter_guest(struct svm_vcpu *v, struct svm_cpu *c)
{
	bool swap_aux = v->tsc_aux != c->tsc_aux;
	bool entered = true;

	if (swap_aux)
		wrmsr(MSR_TSC_AUX, v->tsc_aux);
	if (v->entry_copy)
		entered = vmrun_replayed(v, c);
	else
		vmrun(v, c);
	if (swap_aux)
		wrmsr(MSR_TSC_AUX, c->tsc_aux);
	return entered;
}

static void svm_run(struct vcpu *vcpu, struct vm_exit *exit)
{
	struct svm_vcpu *v = svm_of(vcpu);
	unsigned long flags = irq_save();
	unsigned cpu = this_cpu()->id;

	memset(exit, 0, sizeof(*exit));
	if (v->cpu >= 0 && v->cpu != (int)cpu) {
		exit->kind = VM_EXIT_ERROR;
		ksnprintf(exit->detail, sizeof(exit->detail), "vCPU moved from host CPU %d to %u",
			  v->cpu, cpu);
		irq_restore(flags);
		return;
	}
	v->cpu = (int)cpu;
	assign_asid(v, &svm_cpus[cpu]);
	vcpu_spec_before_entry(vcpu);
	if (enter_guest(v, &svm_cpus[cpu]))
		svm_handle_exit(vcpu, v, exit);
	else {
		exit->kind = VM_EXIT_ERROR;
		ksnprintf(exit->detail, sizeof(exit->detail),
			  "VMRUN loaded the host's state %u times in a row", MAX_LOST_ENTRIES);
	}
	irq_restore(flags);
}

/* The VMCB is memory: the get/set operations need no CPU state, only that
 * the vCPU is not running, which holds (the core calls them from its thread). */
static void svm_get_regs_op(struct vcpu *vcpu, struct vcpu_regs *r)
{
	svm_get_regs(svm_of(vcpu), r);
}

static void svm_set_regs_op(struct vcpu *vcpu, const struct vcpu_regs *r)
{
	svm_set_regs(svm_of(vcpu), r);
}

static void svm_get_sregs_op(struct vcpu *vcpu, struct vcpu_sregs *s)
{
	svm_get_sregs(svm_of(vcpu), s);
}

static void svm_set_sregs_op(struct vcpu *vcpu, const struct vcpu_sregs *s)
{
	svm_set_sregs(svm_of(vcpu), s);
}

static void svm_skip_insn_op(struct vcpu *vcpu)
{
	svm_skip_insn(svm_of(vcpu));
}

static void svm_insn_done_op(struct vcpu *vcpu)
{
	svm_insn_done(svm_of(vcpu));
}

static void svm_inject_exception(struct vcpu *vcpu, uint8_t vector, bool has_error, uint32_t error)
{
	svm_queue_exception(svm_of(vcpu), vector, has_error, error);
}

/* Not ready: a virtual interrupt (V_IRQ) is posted so the CPU exits with
 * VINTR as soon as the guest could take it. */
static bool svm_interrupt_ready(struct vcpu *vcpu)
{
	struct svm_vcpu *v = svm_of(vcpu);
	struct vmcb_control *c = &v->vmcb->c;
	bool ready =
	    !v->pending_event && (v->vmcb->s.rflags & RFLAGS_IF) && !(c->int_state & INT_SHADOW);

	if (ready) {
		c->int_ctl &= ~V_IRQ;
		c->intercept_misc1 &= ~INTERCEPT_VINTR;
	} else {
		c->int_ctl |= V_IRQ | V_IGN_TPR | V_INTR_PRIO_MAX;
		c->intercept_misc1 |= INTERCEPT_VINTR;
	}
	return ready;
}

static void svm_inject_interrupt(struct vcpu *vcpu, uint8_t vector)
{
	struct svm_vcpu *v = svm_of(vcpu);

	v->vmcb->c.event_inj = EVENT_VALID | EVENT_TYPE_INTR | vector;
	v->pending_event = true;
}

static bool svm_interrupt_shadow(struct vcpu *vcpu)
{
	return svm_of(vcpu)->vmcb->c.int_state & INT_SHADOW;
}

static void svm_end_interrupt_shadow(struct vcpu *vcpu)
{
	svm_of(vcpu)->vmcb->c.int_state &= ~INT_SHADOW;
}

/* With nested paging the CPU combines G_PAT with the NPT's own memory types. */
static void svm_set_pat(struct vcpu *vcpu, uint64_t pat)
{
	svm_of(vcpu)->vmcb->s.g_pat = pat;
}

/* Nothing is forced: the VMCB takes the value as it is.  A CR0 write that
 * turns paging on with EFER.LME enters long mode, and one that turns it off
 * leaves it: the CPU would set EFER.LMA, but this write was intercepted. */
static void svm_set_cr(struct vcpu *vcpu, unsigned cr, uint64_t value)
{
	struct vmcb_save *g = &svm_of(vcpu)->vmcb->s;

	if (cr == 4) {
		g->cr4 = value;
		return;
	}
	if ((value & CR0_PG) && (g->efer & EFER_LME))
		g->efer |= EFER_LMA;
	else if (!(value & CR0_PG))
		g->efer &= ~EFER_LMA;
	g->cr0 = value;
}

static void svm_set_tsc_offset(struct vcpu *vcpu, int64_t offset)
{
	svm_of(vcpu)->vmcb->c.tsc_offset = (uint64_t)offset;
}

const struct vcpu_ops svm_ops = {
    .name = "svm",
    .probe = svm_probe,
    .cpu_enable = svm_cpu_enable,
    .vm_init = svm_vm_init,
    .vm_destroy = svm_vm_destroy,
    .map = svm_map,
    .vcpu_init = svm_vcpu_init,
    .vcpu_destroy = svm_vcpu_destroy,
    .run = svm_run,
    .get_regs = svm_get_regs_op,
    .set_regs = svm_set_regs_op,
    .get_sregs = svm_get_sregs_op,
    .set_sregs = svm_set_sregs_op,
    .skip_insn = svm_skip_insn_op,
    .insn_done = svm_insn_done_op,
    .inject_exception = svm_inject_exception,
    .interrupt_ready = svm_interrupt_ready,
    .inject_interrupt = svm_inject_interrupt,
    .nmi_ready = svm_nmi_ready,
    .inject_nmi = svm_inject_nmi,
    .interrupt_shadow = svm_interrupt_shadow,
    .end_interrupt_shadow = svm_end_interrupt_shadow,
    .set_pat = svm_set_pat,
    .set_cr = svm_set_cr,
    .set_tsc_offset = svm_set_tsc_offset,
};
