/*
 * Guest-linear memory for the core's emulation of MMIO and string port I/O:
 * what an instruction's operand or its own bytes address, through segments
 * and the guest's page tables, checked as the CPU checks it.
 */
#include <pallas/kernel.h>
#include <pallas/string.h>

#include "gva.h"
#include "linear.h"
#include "vm_impl.h"

#define RFLAGS_VM (1ull << 17)

struct linear_access linear_access_for(const struct vcpu_regs *r, const struct vcpu_sregs *s,
				       bool write)
{
	return (struct linear_access){.wrap32 = guest_cpu_mode(s, r->rflags) != CPU_MODE_LONG64,
				      .write = write,
				      .user =
					  (r->rflags & RFLAGS_VM) || ((s->ss.ar >> 5) & 3) == 3};
}

bool linear_translate(struct vm *vm, const struct vcpu_sregs *s, struct linear_access *a,
		      uint64_t linear, size_t len, struct linear_span *sp)
{
	size_t done = 0;

	sp->n = 0;
	while (done < len && sp->n < 2) {
		uint64_t va = a->wrap32 ? (uint32_t)(linear + done) : linear + done;
		size_t n = MIN((size_t)(4096 - (va & 4095)), len - done);
		if (!gva_to_gpa_access(vm, s, va, a->write, a->user, &sp->gpa[sp->n],
				       &a->pf_error)) {
			a->fault = va;
			return false;
		}
		sp->len[sp->n++] = n;
		done += n;
	}
	return true;
}

bool linear_copy(struct vm *vm, const struct linear_span *sp, uint8_t *buf, bool to_guest)
{
	size_t off = 0;

	for (unsigned i = 0; i < sp->n; i++) {
		bool ok = to_guest ? vm_gpa_write(vm, sp->gpa[i], buf + off, sp->len[i])
				   : vm_gpa_read(vm, sp->gpa[i], buf + off, sp->len[i]);
		if (!ok)
			return false;
		off += sp->len[i];
	}
	return true;
}

static const struct vcpu_segment *segment(const struct vcpu_sregs *s, enum mmio_seg seg)
{
	const struct vcpu_segment *const segs[] = {&s->es, &s->cs, &s->ss, &s->ds, &s->fs, &s->gs};
	return segs[seg];
}

uint64_t linear_address(const struct vcpu_sregs *s, enum cpu_mode mode, enum mmio_seg seg,
			uint64_t offset)
{
	if (mode == CPU_MODE_LONG64)
		return (seg == MMIO_SEG_FS || seg == MMIO_SEG_GS ? segment(s, seg)->base : 0) +
		       offset;
	return (uint32_t)(segment(s, seg)->base + offset);
}

size_t linear_fetch_insn(struct vm *vm, const struct vcpu_regs *r, const struct vcpu_sregs *s,
			 uint8_t *buf)
{
	enum cpu_mode mode = guest_cpu_mode(s, r->rflags);
	uint64_t ip = mode == CPU_MODE_LONG64	? r->rip
		      : mode == CPU_MODE_PROT32 ? (uint32_t)r->rip
						: (uint16_t)r->rip;
	uint64_t linear = linear_address(s, mode, MMIO_SEG_CS, ip);
	struct linear_access a = linear_access_for(r, s, false);
	struct linear_span sp;
	size_t got = 0;

	while (got < MMIO_INSN_MAX) {
		uint64_t va = a.wrap32 ? (uint32_t)(linear + got) : linear + got;
		size_t n = MIN((size_t)(4096 - (va & 4095)), MMIO_INSN_MAX - got);
		if (!linear_translate(vm, s, &a, va, n, &sp) ||
		    !linear_copy(vm, &sp, buf + got, false))
			break;
		got += n;
	}
	return got;
}

void linear_page_fault(struct vcpu *vcpu, const struct vcpu_regs *r, struct vcpu_sregs *s,
		       const struct linear_access *a)
{
	const struct vcpu_ops *ops = vcpu->vm->ops;

	ops->set_regs(vcpu, r);
	s->cr2 = a->fault;
	ops->set_sregs(vcpu, s);
	ops->inject_exception(vcpu, 14, true, a->pf_error);
}
