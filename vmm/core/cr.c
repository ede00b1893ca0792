/*
 * MOV to CR0/CR4 exits: the value checked against what the guest may write
 * (cr_policy.c), then #GP or handed to the backend.  A backend that cannot
 * say which register held the value (AMD-V without decode assists) leaves
 * the instruction to be decoded here.
 */
#include <pallas/kernel.h>

#include "cr_policy.h"
#include "gva.h"
#include "linear.h"
#include "vm_impl.h"

uint64_t vcpu_cr4_allowed(struct vcpu *vcpu)
{
	uint32_t leaf1[4], leaf7[4];

	guest_cpuid(vcpu, 1, 0, leaf1);
	guest_cpuid(vcpu, 7, 0, leaf7);
	return cr4_allowed(leaf1, leaf7);
}

static uint64_t gpr_value(const struct vcpu_regs *r, unsigned n)
{
	const uint64_t v[16] = {r->rax, r->rcx, r->rdx, r->rbx, r->rsp, r->rbp, r->rsi, r->rdi,
				r->r8,	r->r9,	r->r10, r->r11, r->r12, r->r13, r->r14, r->r15};
	return v[n & 15];
}

/* The instruction at rip: its length and the value it writes (MOV to CRn,
 * or CLTS and LMSW, which AMD-V reports as CR0 writes), 0 when it is none. */
static unsigned decode_here(struct vcpu *vcpu, const struct vcpu_regs *r,
			    const struct vcpu_sregs *s, unsigned *cr, uint64_t *value)
{
	uint8_t insn[MMIO_INSN_MAX];
	size_t n = linear_fetch_insn(vcpu->vm, r, s, insn);
	bool long64 = guest_cpu_mode(s, r->rflags) == CPU_MODE_LONG64;
	unsigned len, gpr;
	int lmsw_gpr;

	if ((len = decode_mov_to_cr(insn, n, long64, cr, &gpr))) {
		*value = gpr_value(r, gpr);
		return len;
	}
	if (!(len = decode_clts_lmsw(insn, n, long64, &lmsw_gpr)))
		return 0;
	*cr = 0;
	*value = lmsw_gpr < 0 ? cr0_after_clts(s->cr0)
			      : cr0_after_lmsw(s->cr0, (uint16_t)gpr_value(r, (unsigned)lmsw_gpr));
	return len;
}

void cr_write_exit(struct vcpu *vcpu, const struct vm_exit *e)
{
	const struct vcpu_ops *ops = vcpu->vm->ops;
	struct vcpu_regs r;
	struct vcpu_sregs s;
	unsigned cr = e->cr.cr, len = 0;
	uint64_t value;

	ops->get_regs(vcpu, &r);
	ops->get_sregs(vcpu, &s);
	enum cpu_mode mode = guest_cpu_mode(&s, r.rflags);
	if (e->cr.gpr >= 0) {
		value = gpr_value(&r, (unsigned)e->cr.gpr);
	} else if (!(len = decode_here(vcpu, &r, &s, &cr, &value))) {
		vm_stop(vcpu->vm, VM_STOP_UNHANDLED, 0,
			"vCPU %u: CR%u write at rip %#lx: cannot decode the instruction", vcpu->id,
			e->cr.cr, r.rip);
		return;
	}
	if (mode != CPU_MODE_LONG64)
		value = (uint32_t)value; /* MOV to CR writes 32 bits outside 64-bit mode */
	bool ok;
	if (cr == 0)
		ok = cr0_write_ok(value, s.cr4, s.efer, mode == CPU_MODE_LONG64);
	else if (cr == 4)
		ok = cr4_write_ok(vcpu_cr4_allowed(vcpu), s.cr4, value, s.efer, s.cr3);
	else
		ok = false; /* no other control register write exits; CR8 is not offered */
	if (!ok) {
		ops->inject_exception(vcpu, 13, true, 0);
		return;
	}
	ops->set_cr(vcpu, cr, value);
	if (!len) {
		ops->skip_insn(vcpu);
		return;
	}
	ops->get_regs(vcpu, &r);
	r.rip = guest_rip_after(r.rip, len, mode);
	ops->set_regs(vcpu, &r);
	ops->insn_done(vcpu);
}
