/*
 * MMIO exits: fetch the faulting instruction from guest memory (linear.c:
 * the guest's page tables, as its CPU would fetch), decode it, perform the
 * access on the MMIO bus at the faulting guest-physical address, and move
 * the guest past it; string instructions go to mmio_string.c.  Anything the
 * decoder refuses stops the VM with its reason.
 */
#include <pallas/kernel.h>
#include <pallas/string.h>
#include <vmm/decode.h>
#include <vmm/mmio.h>

#include "gva.h"
#include "linear.h"
#include "vm_impl.h"

struct access {
	struct vm *vm;
	uint64_t gpa;
};

static uint64_t bus_read(void *ctx, unsigned size)
{
	struct access *a = ctx;
	uint64_t v = 0;

	vm_mmio(a->vm, a->gpa, size, false, &v);
	return v;
}

static void bus_write(void *ctx, unsigned size, uint64_t v)
{
	struct access *a = ctx;

	vm_mmio(a->vm, a->gpa, size, true, &v);
}

bool mmio_exit(struct vcpu *vcpu, const struct vm_exit *e)
{
	struct vm *vm = vcpu->vm;
	const struct vcpu_ops *ops = vm->ops;
	struct vcpu_regs r;
	struct vcpu_sregs s;
	struct mmio_insn d;
	uint8_t insn[MMIO_INSN_MAX];
	char err[64];

	ops->get_regs(vcpu, &r);
	ops->get_sregs(vcpu, &s);
	enum cpu_mode mode = guest_cpu_mode(&s, r.rflags);
	size_t len = e->mmio.insn_len ? e->mmio.insn_len : linear_fetch_insn(vm, &r, &s, insn);
	if (e->mmio.insn_len)
		memcpy(insn, e->mmio.insn, MIN(len, sizeof(insn)));
	struct access a = {vm, e->mmio.gpa};
	if (len == 0) {
		vm_stop(vm, VM_STOP_UNHANDLED, 0,
			"vCPU %u: MMIO at %#lx: cannot fetch the instruction at rip %#lx", vcpu->id,
			e->mmio.gpa, r.rip);
		return false;
	}
	bool decoded = mmio_decode(insn, len, mode, &d, err, sizeof(err));
	if (decoded && mmio_is_string(&d))
		return mmio_string_exit(vcpu, &d, &r, &s);
	if (decoded && !mmio_emulate(&d, &r, bus_read, bus_write, &a)) {
		ksnprintf(err, sizeof(err), "cannot emulate the decoded instruction");
		decoded = false;
	}
	if (!decoded) {
		vm_stop(vm, VM_STOP_UNHANDLED, 0, "vCPU %u: MMIO at %#lx from rip %#lx: %s",
			vcpu->id, e->mmio.gpa, r.rip, err);
		return false;
	}
	ops->set_regs(vcpu, &r);
	ops->insn_done(vcpu);
	return true;
}
