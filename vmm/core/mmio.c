/*
 * MMIO exits: fetch the faulting instruction from guest memory (through the
 * guest's page tables), decode it, perform the access on the MMIO bus at the
 * faulting guest-physical address, and move the guest past it.  Anything the
 * decoder refuses stops the VM with its reason.
 */
#include <pallas/kernel.h>
#include <pallas/string.h>
#include <vmm/decode.h>
#include <vmm/mmio.h>

#include "gva.h"
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

/* Copies up to MMIO_INSN_MAX bytes at cs:rip; each page translated separately. */
static size_t fetch(struct vm *vm, const struct vcpu_sregs *s, uint64_t linear, uint8_t *buf)
{
	size_t got = 0;

	while (got < MMIO_INSN_MAX) {
		uint64_t va = linear + got, gpa;
		size_t n = MIN((size_t)(4096 - (va & 4095)), MMIO_INSN_MAX - got);
		if (!gva_to_gpa(vm, s, va, &gpa) || !vm_gpa_read(vm, gpa, buf + got, n))
			break;
		got += n;
	}
	return got;
}

bool mmio_exit(struct vcpu *vcpu, const struct vm_exit *e)
{
	struct vm *vm = vcpu->vm;
	const struct vcpu_ops *ops = vm->ops;
	struct vcpu_regs r;
	struct vcpu_sregs s;
	struct mmio_insn d;
	uint8_t insn[MMIO_INSN_MAX];
	char err[64] = "cannot emulate the decoded instruction";

	ops->get_regs(vcpu, &r);
	ops->get_sregs(vcpu, &s);
	enum cpu_mode mode = guest_cpu_mode(&s, r.rflags);
	uint64_t linear = mode == CPU_MODE_LONG64 ? r.rip : s.cs.base + (uint32_t)r.rip;
	size_t len = e->mmio.insn_len ? e->mmio.insn_len : fetch(vm, &s, linear, insn);
	if (e->mmio.insn_len)
		memcpy(insn, e->mmio.insn, MIN(len, sizeof(insn)));
	struct access a = {vm, e->mmio.gpa};
	if (len == 0) {
		vm_stop(vm, VM_STOP_UNHANDLED, 0,
			"vCPU %u: MMIO at %#lx: cannot fetch the instruction at %#lx", vcpu->id,
			e->mmio.gpa, linear);
		return false;
	}
	if (!mmio_decode(insn, len, mode, &d, err, sizeof(err)) ||
	    !mmio_emulate(&d, &r, bus_read, bus_write, &a)) {
		vm_stop(vm, VM_STOP_UNHANDLED, 0, "vCPU %u: MMIO at %#lx from rip %#lx: %s",
			vcpu->id, e->mmio.gpa, r.rip, err);
		return false;
	}
	ops->set_regs(vcpu, &r);
	return true;
}
