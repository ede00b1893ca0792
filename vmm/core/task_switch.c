/*
 * Hardware task switches, which VT-x never carries out itself: every CALL or
 * JMP to a TSS or task gate, IRET with NT, and event through an IDT task
 * gate exits, and the VMM does the switch (SDM vol. 3, 8.3 and 27.2.4).
 * 32-bit TSSs only (a 16-bit one stops the VM, said so); with paging, CR3
 * comes from the new TSS, but PAE paging is refused (its PDPTEs would have
 * to be loaded too).  What is left out: the debug trap bit, DR7's local
 * enables, the I/O map; the new task's segments are checked for presence, kind and
 * the table's limit only, not for privilege (a failure is #TS in the new
 * task, after the switch, as on the CPU).
 *
 * Order: everything that can fault before the commit point (the new TSS's
 * descriptor, both TSSs readable) is read first, so a fault leaves the old
 * task as it was; then the old state is saved, busy bits and the link
 * written, and the new state loaded.
 */
#include <pallas/kernel.h>
#include <pallas/string.h>

#include "gva.h"
#include "linear.h"
#include "task_switch.h"
#include "vm_impl.h"

#define RFLAGS_NT   (1u << 14)
#define CR0_PE	    (1ull << 0)
#define CR0_TS	    (1ull << 3)
#define CR0_PG	    (1ull << 31)
#define CR4_PAE	    (1ull << 5)
#define VEC_TS	    10
#define VEC_NP	    11
#define VEC_GP	    13
#define SYS_NOT_RAM UINT32_MAX

/* Guest-linear bytes as the CPU's own accesses to system tables reach them
 * (supervisor, 32-bit wrap); false with the #PF in *a, or pf_error
 * SYS_NOT_RAM for a page that is not guest RAM. */
static bool sys_copy(struct vm *vm, const struct vcpu_sregs *s, uint64_t lin, void *buf, size_t len,
		     bool write, struct linear_access *a)
{
	struct linear_span sp;

	*a = (struct linear_access){.wrap32 = true, .write = write, .user = false};
	if (!linear_translate(vm, s, a, lin & 0xffffffffu, len, &sp))
		return false;
	if (linear_copy(vm, &sp, buf, write))
		return true;
	a->pf_error = SYS_NOT_RAM; /* mapped, but not to guest RAM: no #PF to give */
	return false;
}

/* A descriptor of the GDT (TI clear) or the LDT; false when the selector
 * is past the table's limit or the table is not readable. */
static bool read_desc(struct vm *vm, const struct vcpu_sregs *s, uint16_t sel, uint64_t *desc)
{
	struct linear_access a;
	uint64_t base = s->gdt_base, limit = s->gdt_limit;

	if (sel & 4) {
		if (s->ldtr.ar & SEG_AR_UNUSABLE)
			return false;
		base = s->ldtr.base, limit = s->ldtr.limit;
	}
	if ((uint32_t)(sel | 7) > limit)
		return false;
	return sys_copy(vm, s, base + (sel & ~7u), desc, 8, false, &a);
}

static void write_desc_byte5(struct vm *vm, const struct vcpu_sregs *s, uint16_t sel, uint8_t v)
{
	struct linear_access a;
	sys_copy(vm, s, s->gdt_base + (sel & ~7u) + 5, &v, 1, true, &a);
}

/* A segment register of the new task, from its TSS selector; false when
 * its descriptor is absent, not code or data, or past its table (#TS). */
static bool load_seg(struct vm *vm, const struct vcpu_sregs *s, uint16_t sel,
		     struct vcpu_segment *seg, bool code_or_stack)
{
	uint64_t desc;

	*seg = (struct vcpu_segment){.selector = sel, .ar = SEG_AR_UNUSABLE};
	if ((sel & ~3u) == 0)
		return !code_or_stack; /* a null DS, ES, FS or GS is fine */
	if (!read_desc(vm, s, sel, &desc) || !desc_present(desc) || !(desc_type(desc) & 0x10))
		return false;
	*seg = desc_to_segment(desc, sel);
	if (!((desc >> 40) & 1)) /* the accessed bit, as the CPU sets it */
		write_desc_byte5(vm, s, sel, (uint8_t)(desc >> 40) | 1);
	return true;
}

static void fault(struct vcpu *vcpu, uint8_t vector, uint16_t sel)
{
	vcpu->vm->ops->inject_exception(vcpu, vector, true, sel & 0xfffc);
}

void task_switch_exit(struct vcpu *vcpu, const struct vm_exit *e)
{
	struct vm *vm = vcpu->vm;
	const struct vcpu_ops *ops = vm->ops;
	struct vcpu_regs r;
	struct vcpu_sregs s;
	struct linear_access a;
	uint16_t sel = e->task.selector, old_sel;
	uint64_t desc, old_desc;
	struct tss32 ot, nt;
	bool iret = e->task.source == TASK_SWITCH_IRET;
	bool nest = e->task.source == TASK_SWITCH_CALL || e->task.source == TASK_SWITCH_GATE;

	ops->get_regs(vcpu, &r);
	ops->get_sregs(vcpu, &s);
	enum cpu_mode mode = guest_cpu_mode(&s, r.rflags);
	old_sel = s.tr.selector;
	if (!(s.cr0 & CR0_PE) || mode == CPU_MODE_LONG64 || (r.rflags & (1u << 17))) {
		vm_stop(vm, VM_STOP_UNHANDLED, 0, "vCPU %u: task switch outside protected mode",
			vcpu->id);
		return;
	}
	if ((s.cr0 & CR0_PG) && (s.cr4 & CR4_PAE)) {
		vm_stop(vm, VM_STOP_UNHANDLED, 0, "vCPU %u: task switch with PAE paging", vcpu->id);
		return;
	}

	/* INT n, INT3 and INTO must be allowed through the gate (CPL <= DPL). */
	if (e->task.soft_vector >= 0) {
		uint64_t gate;
		unsigned v = (unsigned)e->task.soft_vector;
		if (v * 8 + 7 > s.idt_limit ||
		    !sys_copy(vm, &s, s.idt_base + v * 8, &gate, 8, false, &a)) {
			ops->inject_exception(vcpu, VEC_GP, true, v * 8 + 2);
			return;
		}
		if (((s.ss.ar >> 5) & 3) > desc_dpl(gate)) {
			ops->inject_exception(vcpu, VEC_GP, true, v * 8 + 2);
			return;
		}
	}

	/* The new TSS's descriptor: in the GDT, a 32-bit TSS, busy for IRET
	 * and available otherwise, present, large enough. */
	uint8_t bad = iret ? VEC_TS : VEC_GP;
	if ((sel & 4) || !read_desc(vm, &s, sel, &desc)) {
		fault(vcpu, bad, sel);
		return;
	}
	unsigned type = desc_type(desc);
	if (type == DESC_TSS16_AVAIL || type == DESC_TSS16_BUSY) {
		vm_stop(vm, VM_STOP_UNHANDLED, 0, "vCPU %u: task switch to a 16-bit TSS", vcpu->id);
		return;
	}
	if (type != (iret ? DESC_TSS32_BUSY : DESC_TSS32_AVAIL)) {
		fault(vcpu, bad, sel);
		return;
	}
	if (!desc_present(desc)) {
		fault(vcpu, VEC_NP, sel);
		return;
	}
	struct vcpu_segment tr = desc_to_segment(desc, sel);
	if (tr.limit < TSS32_MIN_LIMIT) {
		fault(vcpu, VEC_TS, sel);
		return;
	}
	if ((s.tr.ar & 0xf) != DESC_TSS32_BUSY || s.tr.limit < TSS32_MIN_LIMIT) {
		vm_stop(vm, VM_STOP_UNHANDLED, 0,
			"vCPU %u: task switch from TR %#x, not a 32-bit TSS", vcpu->id, old_sel);
		return;
	}
	if (!sys_copy(vm, &s, tr.base, &nt, sizeof(nt), false, &a) ||
	    !sys_copy(vm, &s, s.tr.base, &ot, sizeof(ot), false, &a)) {
		if (a.pf_error == SYS_NOT_RAM)
			vm_stop(vm, VM_STOP_UNHANDLED, 0, "vCPU %u: task switch: a TSS not in RAM",
				vcpu->id);
		else
			linear_page_fault(vcpu, &r, &s, &a);
		return;
	}

	/* Commit: the old task's state, as of the end of the instruction that
	 * switched (or of none, for a fault or an interrupt). */
	r.rip = guest_rip_after(r.rip, e->task.insn_len, mode);
	tss32_save(&ot, &r, &s, (uint32_t)r.rflags & ~(iret ? RFLAGS_NT : 0u));
	sys_copy(vm, &s, s.tr.base + TSS32_DYNAMIC, (uint8_t *)&ot + TSS32_DYNAMIC,
		 TSS32_DYNAMIC_END - TSS32_DYNAMIC, true, &a);
	if (!nest && read_desc(vm, &s, old_sel, &old_desc)) /* JMP, IRET: the old task is free */
		write_desc_byte5(vm, &s, old_sel, (uint8_t)(old_desc >> 40) & ~DESC_TSS_BUSY_BIT);
	if (nest) {
		nt.link = old_sel;
		nt.eflags |= RFLAGS_NT;
		sys_copy(vm, &s, tr.base, &nt.link, sizeof(nt.link), true, &a);
	}
	if (!iret)
		write_desc_byte5(vm, &s, sel, (uint8_t)(desc >> 40) | DESC_TSS_BUSY_BIT);

	/* The new task. */
	tr.ar |= DESC_TSS_BUSY_BIT;
	s.tr = tr;
	s.cr0 |= CR0_TS;
	if (s.cr0 & CR0_PG)
		s.cr3 = nt.cr3;
	tss32_load_regs(&nt, &r);
	bool ts = false;
	uint16_t ts_error = 0;
	uint64_t ldt_desc;
	if ((nt.ldt & ~3u) == 0) {
		s.ldtr = (struct vcpu_segment){.selector = nt.ldt, .ar = SEG_AR_UNUSABLE};
	} else if ((nt.ldt & 4) || !read_desc(vm, &s, nt.ldt, &ldt_desc) ||
		   desc_type(ldt_desc) != DESC_LDT || !desc_present(ldt_desc)) {
		s.ldtr = (struct vcpu_segment){.selector = nt.ldt, .ar = SEG_AR_UNUSABLE};
		ts = true, ts_error = nt.ldt & 0xfffc;
	} else {
		s.ldtr = desc_to_segment(ldt_desc, nt.ldt);
	}
	/* LDTR first: the segments may come from the new LDT. */
	const struct {
		uint16_t sel;
		struct vcpu_segment *seg;
		bool required;
	} segs[] = {{nt.cs, &s.cs, true},  {nt.ss, &s.ss, true},  {nt.ds, &s.ds, false},
		    {nt.es, &s.es, false}, {nt.fs, &s.fs, false}, {nt.gs, &s.gs, false}};
	for (unsigned i = 0; i < ARRAY_SIZE(segs); i++)
		if (!load_seg(vm, &s, segs[i].sel, segs[i].seg, segs[i].required) && !ts)
			ts = true, ts_error = segs[i].sel & 0xfffc;

	/* An exception's error code goes on the new task's stack. */
	if (e->task.has_error && !ts) {
		bool big = s.ss.ar & (1u << 14);
		uint32_t sp = (uint32_t)r.rsp - (big ? 4 : 2);
		if (!big)
			sp = ((uint32_t)r.rsp & ~0xffffu) | (uint16_t)sp;
		uint32_t code = e->task.error;
		sys_copy(vm, &s, s.ss.base + (big ? sp : (uint16_t)sp), &code, big ? 4 : 2, true,
			 &a);
		r.rsp = sp;
	}
	ops->set_regs(vcpu, &r);
	ops->set_sregs(vcpu, &s);
	ops->end_interrupt_shadow(vcpu);
	if (ts)
		ops->inject_exception(vcpu, VEC_TS, true, ts_error);
}
