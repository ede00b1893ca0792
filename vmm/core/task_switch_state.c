/* The pure half of the task switch (task_switch.h): TSS fields against the
 * registers, descriptors as the segments they load. */
#include "task_switch.h"

struct vcpu_segment desc_to_segment(uint64_t desc, uint16_t selector)
{
	struct vcpu_segment seg = {0};
	uint32_t limit = (uint32_t)(desc & 0xffff) | (uint32_t)((desc >> 48) & 0xf) << 16;

	if (desc & (1ull << 55)) /* G: 4 KiB units */
		limit = limit << 12 | 0xfff;
	seg.base = ((desc >> 16) & 0xffffff) | ((desc >> 56) & 0xff) << 24;
	seg.limit = limit;
	seg.selector = selector;
	seg.ar = (uint32_t)((desc >> 40) & 0xff) | (uint32_t)((desc >> 52) & 0xf) << 12;
	if (seg.ar & (1u << 4)) /* S: code or data */
		seg.ar |= 1;	/* accessed */
	return seg;
}

void tss32_save(struct tss32 *t, const struct vcpu_regs *r, const struct vcpu_sregs *s,
		uint32_t eflags)
{
	t->eip = (uint32_t)r->rip;
	t->eflags = eflags;
	t->eax = (uint32_t)r->rax;
	t->ecx = (uint32_t)r->rcx;
	t->edx = (uint32_t)r->rdx;
	t->ebx = (uint32_t)r->rbx;
	t->esp = (uint32_t)r->rsp;
	t->ebp = (uint32_t)r->rbp;
	t->esi = (uint32_t)r->rsi;
	t->edi = (uint32_t)r->rdi;
	t->es = s->es.selector;
	t->cs = s->cs.selector;
	t->ss = s->ss.selector;
	t->ds = s->ds.selector;
	t->fs = s->fs.selector;
	t->gs = s->gs.selector;
}

void tss32_load_regs(const struct tss32 *t, struct vcpu_regs *r)
{
	r->rip = t->eip;
	r->rflags = t->eflags | 2; /* bit 1 reads as 1 */
	r->rax = t->eax;
	r->rcx = t->ecx;
	r->rdx = t->edx;
	r->rbx = t->ebx;
	r->rsp = t->esp;
	r->rbp = t->ebp;
	r->rsi = t->esi;
	r->rdi = t->edi;
}
