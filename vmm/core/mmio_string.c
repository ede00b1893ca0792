/*
 * String instructions that touched MMIO (MOVS, CMPS, and STOS/LODS with
 * REP): each element's operands go through the guest's page tables, as the
 * CPU's would, to guest RAM or to the device behind the address; a page the
 * guest has not mapped is a #PF with the registers of the elements done.  A
 * REP count is worked off at most MMIO_STRING_MAX_PER_EXIT elements per exit
 * (rip stays until it is done), so a memset_io of a large window does not
 * hold the host CPU.  An element that straddles a page boundary between RAM
 * and a device stops the VM: no driver does that.
 */
#include <pallas/kernel.h>
#include <pallas/string.h>
#include <vmm/mmio.h>

#include "gva.h"
#include "linear.h"
#include "vm_impl.h"

#define MMIO_STRING_MAX_PER_EXIT 1024

struct string_ctx {
	struct vm *vm;
	const struct vcpu_regs *r;
	const struct vcpu_sregs *s;
	enum cpu_mode mode;
	struct linear_access fault; /* the access that faulted, if one did */
	bool faulted;
	uint64_t straddle; /* the linear address of an element half RAM, half not */
};

/* One operand: its page(s), then RAM, or else the device at its address. */
static bool operand(struct string_ctx *c, enum mmio_seg seg, uint64_t offset, unsigned size,
		    uint64_t *v, bool write)
{
	uint64_t linear = linear_address(c->s, c->mode, seg, offset);
	struct linear_access a = linear_access_for(c->r, c->s, write);
	struct linear_span sp;

	if (!linear_translate(c->vm, c->s, &a, linear, size, &sp)) {
		c->fault = a;
		c->faulted = true;
		return false;
	}
	if (linear_copy(c->vm, &sp, (uint8_t *)v, write))
		return true;
	if (sp.n != 1) {
		c->straddle = linear;
		return false;
	}
	vm_mmio(c->vm, sp.gpa[0], size, write, v);
	return true;
}

static bool mem_read(void *ctx, enum mmio_seg seg, uint64_t offset, unsigned size, uint64_t *v)
{
	*v = 0;
	return operand(ctx, seg, offset, size, v, false);
}

static bool mem_write(void *ctx, enum mmio_seg seg, uint64_t offset, unsigned size, uint64_t v)
{
	return operand(ctx, seg, offset, size, &v, true);
}

bool mmio_string_exit(struct vcpu *vcpu, const struct mmio_insn *d, struct vcpu_regs *r,
		      struct vcpu_sregs *s)
{
	static const struct mmio_string_mem mem = {mem_read, mem_write};
	struct vm *vm = vcpu->vm;
	struct string_ctx c = {.vm = vm, .r = r, .s = s, .mode = d->mode};

	switch (mmio_emulate_string(d, r, &mem, &c, MMIO_STRING_MAX_PER_EXIT)) {
	case MMIO_STRING_DONE:
		vm->ops->set_regs(vcpu, r);
		vm->ops->insn_done(vcpu);
		return true;
	case MMIO_STRING_MORE:
		vm->ops->set_regs(vcpu, r); /* the elements done; rip stays */
		return true;
	case MMIO_STRING_STOPPED:
		if (c.faulted) {
			linear_page_fault(vcpu, r, s, &c.fault);
			return true;
		}
		vm_stop(vm, VM_STOP_UNHANDLED, 0,
			"vCPU %u: MMIO string instruction at rip %#lx: an element at %#lx is "
			"part RAM, part not",
			vcpu->id, r->rip, c.straddle);
		return false;
	case MMIO_STRING_INVALID:
		break;
	}
	vm_stop(vm, VM_STOP_UNHANDLED, 0, "vCPU %u: MMIO at rip %#lx: not a string instruction",
		vcpu->id, r->rip);
	return false;
}
