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
#include "linear.h"
#include "pio_string.h"
#include "vm_impl.h"

#define FL_DF (1ull << 10)

/* One element: OUTS reads guest memory then the port, INS the port then
 * memory; either way the page is checked first, so a fault leaves the
 * device untouched (a port read has side effects). */
static bool element(struct vcpu *vcpu, const struct vm_exit *e, uint64_t linear,
		    const struct vcpu_sregs *s, struct linear_access *a, bool *not_ram)
{
	struct vm *vm = vcpu->vm;
	struct linear_span sp;
	uint32_t v = 0;

	*not_ram = false;
	if (!linear_translate(vm, s, a, linear, e->io.size, &sp))
		return false;
	if (e->io.write) {
		*not_ram = !linear_copy(vm, &sp, (uint8_t *)&v, false);
		if (!*not_ram)
			vm_pio(vm, e->io.port, e->io.size, true, &v);
	} else {
		vm_pio(vm, e->io.port, e->io.size, false, &v);
		*not_ram = !linear_copy(vm, &sp, (uint8_t *)&v, true);
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
	size_t len = linear_fetch_insn(vm, &r, &s, insn);
	if (!pio_string_decode(insn, len, mode, &d) || d.out != e->io.write) {
		vm_stop(vm, VM_STOP_UNHANDLED, 0,
			"vCPU %u: string port I/O (port %#x) at rip %#lx: not an INS/OUTS there",
			vcpu->id, e->io.port, r.rip);
		return;
	}
	uint64_t count = d.rep ? pio_string_get(r.rcx, d.addr_size) : 1;
	uint64_t *index = d.out ? &r.rsi : &r.rdi;
	enum mmio_seg seg = d.out ? d.seg : MMIO_SEG_ES;	    /* INS cannot override ES */
	struct linear_access a = linear_access_for(&r, &s, !d.out); /* INS stores to memory */
	for (unsigned n = 0; count && n < PIO_STRING_MAX_PER_EXIT; n++) {
		uint64_t linear =
		    linear_address(&s, mode, seg, pio_string_get(*index, d.addr_size));
		bool not_ram;
		if (!element(vcpu, e, linear, &s, &a, &not_ram)) {
			if (!not_ram) {
				linear_page_fault(vcpu, &r, &s, &a);
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
