/*
 * INS/OUTS exits: the backend says port, size and direction; the bytes of
 * the instruction say address size, segment and REP.  Each element goes
 * through the guest's page tables (it may straddle two pages); a page the
 * guest has not mapped becomes #PF with the registers showing the elements
 * done so far, as a CPU leaves them.  A REP count is worked off at most
 * PIO_STRING_MAX_PER_EXIT elements per exit: rip stays on the instruction
 * until the count reaches 0, so interrupts and the host get their turn.
 */
#include <pallas/kernel.h>
#include <pallas/string.h>

#include "gva.h"
#include "pio_string.h"
#include "vm_impl.h"

#define FL_DF (1ull << 10)

/* Where a few guest-linear bytes live: at most one page boundary apart. */
struct span {
	uint64_t gpa[2];
	size_t len[2];
	unsigned n;
};

/* How an access is checked, and where it faulted. */
struct access {
	bool wrap32, write, user;
	uint64_t fault;
	uint32_t pf_error;
};

/* Translates [linear, linear + len), len <= 4096; false with the fault's
 * address and #PF error code in *a. */
static bool translate(struct vm *vm, const struct vcpu_sregs *s, struct access *a, uint64_t linear,
		      size_t len, struct span *sp)
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

/* false when a piece is not RAM (MMIO, or beyond guest memory). */
static bool span_copy(struct vm *vm, const struct span *sp, uint8_t *buf, bool to_guest)
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

/* In 64-bit mode only FS and GS have a base; elsewhere addresses wrap at 4 GiB. */
static uint64_t linear_of(const struct vcpu_sregs *s, enum cpu_mode mode, enum mmio_seg seg,
			  uint64_t offset)
{
	if (mode == CPU_MODE_LONG64)
		return (seg == MMIO_SEG_FS || seg == MMIO_SEG_GS ? segment(s, seg)->base : 0) +
		       offset;
	return (uint32_t)(segment(s, seg)->base + offset);
}

/* The instruction's bytes at cs:rip, as many as are mapped up to 15. */
static size_t fetch(struct vm *vm, const struct vcpu_sregs *s, enum cpu_mode mode, uint64_t rip,
		    uint8_t *buf)
{
	uint64_t linear =
	    linear_of(s, mode, MMIO_SEG_CS, mode == CPU_MODE_LONG64 ? rip : (uint32_t)rip);
	size_t got = 0;
	struct span sp;
	struct access a = {.wrap32 = mode != CPU_MODE_LONG64};

	while (got < MMIO_INSN_MAX) {
		uint64_t va = linear + got;
		size_t n = MIN((size_t)(4096 - (va & 4095)), MMIO_INSN_MAX - got);
		if (!translate(vm, s, &a, va, n, &sp) || !span_copy(vm, &sp, buf + got, false))
			break;
		got += n;
	}
	return got;
}

static void page_fault(struct vcpu *vcpu, const struct vcpu_regs *r, struct vcpu_sregs *s,
		       const struct access *a)
{
	const struct vcpu_ops *ops = vcpu->vm->ops;

	ops->set_regs(vcpu, r); /* the elements done so far; rip stays */
	s->cr2 = a->fault;
	ops->set_sregs(vcpu, s);
	ops->inject_exception(vcpu, 14, true, a->pf_error);
}

/* One element: OUTS reads guest memory then the port, INS the port then
 * memory; either way the page is checked first, so a fault leaves the
 * device untouched (a port read has side effects). */
static bool element(struct vcpu *vcpu, const struct vm_exit *e, uint64_t linear,
		    const struct vcpu_sregs *s, struct access *a, bool *not_ram)
{
	struct vm *vm = vcpu->vm;
	struct span sp;
	uint32_t v = 0;

	*not_ram = false;
	if (!translate(vm, s, a, linear, e->io.size, &sp))
		return false;
	if (e->io.write) {
		*not_ram = !span_copy(vm, &sp, (uint8_t *)&v, false);
		if (!*not_ram)
			vm_pio(vm, e->io.port, e->io.size, true, &v);
	} else {
		vm_pio(vm, e->io.port, e->io.size, false, &v);
		*not_ram = !span_copy(vm, &sp, (uint8_t *)&v, true);
	}
	return !*not_ram;
}

void pio_string_exit(struct vcpu *vcpu, const struct vm_exit *e)
{
	struct vm *vm = vcpu->vm;
	const struct vcpu_ops *ops = vm->ops;
	struct vcpu_regs r;
	struct vcpu_sregs s;
	struct pio_string_insn d;
	uint8_t insn[MMIO_INSN_MAX];

	ops->get_regs(vcpu, &r);
	ops->get_sregs(vcpu, &s);
	enum cpu_mode mode = guest_cpu_mode(&s, r.rflags);
	size_t len = fetch(vm, &s, mode, r.rip, insn);
	if (!pio_string_decode(insn, len, mode, &d) || d.out != e->io.write) {
		vm_stop(vm, VM_STOP_UNHANDLED, 0,
			"vCPU %u: string port I/O (port %#x) at rip %#lx: not an INS/OUTS there",
			vcpu->id, e->io.port, r.rip);
		return;
	}
	uint64_t count = d.rep ? pio_string_get(r.rcx, d.addr_size) : 1;
	uint64_t *index = d.out ? &r.rsi : &r.rdi;
	enum mmio_seg seg = d.out ? d.seg : MMIO_SEG_ES; /* INS cannot override ES */
	struct access a = {.wrap32 = mode != CPU_MODE_LONG64,
			   .write = !d.out, /* INS stores to memory */
			   .user = (r.rflags & (1ull << 17)) || ((s.ss.ar >> 5) & 3) == 3};
	for (unsigned n = 0; count && n < PIO_STRING_MAX_PER_EXIT; n++) {
		uint64_t linear = linear_of(&s, mode, seg, pio_string_get(*index, d.addr_size));
		bool not_ram;
		if (!element(vcpu, e, linear, &s, &a, &not_ram)) {
			if (!not_ram) {
				page_fault(vcpu, &r, &s, &a);
				return;
			}
			vm_stop(vm, VM_STOP_UNHANDLED, 0,
				"vCPU %u: string port I/O (port %#x) on %#lx, which is not RAM",
				vcpu->id, e->io.port, linear);
			return;
		}
		*index = pio_string_step(*index, e->io.size, r.rflags & FL_DF, d.addr_size);
		count--;
		if (d.rep)
			r.rcx = pio_string_put(r.rcx, count, d.addr_size);
	}
	ops->set_regs(vcpu, &r);
	if (count == 0)
		ops->skip_insn(vcpu);
}
