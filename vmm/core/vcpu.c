/*
 * The vCPU loop: each vCPU is a kernel thread in its VM's resource group,
 * pinned to one host CPU (the backend's per-CPU state stays put), running the
 * guest until an exit the core handles here.  A guest mistake stops its own
 * VM with a reason; nothing a guest does reaches panic().
 */
#include <pallas/kernel.h>
#include <pallas/sched.h>
#include <pallas/smp.h>
#include <pallas/string.h>
#include <pallas/time.h>
#include <vmm/mmio.h>

#include "gva.h"
#include "linear.h"
#include "pio_string.h"
#include "task_switch.h"
#include "vlapic.h"
#include "vm_impl.h"

#define RFLAGS_IF	(1ull << 9)
#define OPCODE_HLT	0xf4
#define VCPU_GUEST_XCR0 1ull /* x87: what a guest without CR4.OSXSAVE has */

void vcpu_kick(struct vcpu *vcpu)
{
	__atomic_store_n(&vcpu->kick, true, __ATOMIC_RELEASE);
	waitqueue_wake(&vcpu->wake, WAKE_ALL);
	int cpu = vcpu->host_cpu;
	/* In guest mode on another CPU: an interrupt there forces a VM exit. */
	if (cpu >= 0 && (unsigned)cpu != this_cpu()->id)
		ipi_resched((unsigned)cpu);
}

/* The BSP is not sent back to its reset vector: there is no firmware for
 * it to run, so an INIT to vCPU 0 is dropped. */
void vcpu_init_signal(struct vcpu *vcpu)
{
	if (vcpu->id == 0)
		return;
	/* From now on a STARTUP counts: one that comes before the vCPU has
	 * acted on the INIT starts it after the INIT. */
	__atomic_store_n(&vcpu->sipi_vector, -1, __ATOMIC_RELEASE);
	__atomic_store_n(&vcpu->init_pending, true, __ATOMIC_RELEASE);
	vcpu_kick(vcpu);
}

void vcpu_nmi(struct vcpu *vcpu)
{
	__atomic_store_n(&vcpu->nmi_pending, true, __ATOMIC_RELEASE);
	vcpu_kick(vcpu);
}

static void set_rax_low(struct vcpu *vcpu, unsigned size, uint32_t value)
{
	struct vcpu_regs r;

	vcpu->vm->ops->get_regs(vcpu, &r);
	if (size == 4)
		r.rax = value; /* a 32-bit result zero-extends */
	else {
		uint64_t mask = (1ull << (size * 8)) - 1;
		r.rax = (r.rax & ~mask) | (value & mask);
	}
	vcpu->vm->ops->set_regs(vcpu, &r);
}

static void do_io(struct vcpu *vcpu, const struct vm_exit *e)
{
	struct vm *vm = vcpu->vm;

	if (e->io.string) {
		pio_string_exit(vcpu, e);
		return;
	}
	uint32_t v = e->io.data;
	vm_pio(vm, e->io.port, e->io.size, e->io.write, &v);
	if (!e->io.write)
		set_rax_low(vcpu, e->io.size, v);
	vm->ops->skip_insn(vcpu);
}

static void do_cpuid(struct vcpu *vcpu, const struct vm_exit *e)
{
	const struct vcpu_ops *ops = vcpu->vm->ops;
	struct vcpu_regs r;
	uint32_t out[4];

	guest_cpuid(vcpu, e->cpuid.leaf, e->cpuid.subleaf, out);
	ops->get_regs(vcpu, &r);
	r.rax = out[0], r.rbx = out[1], r.rcx = out[2], r.rdx = out[3];
	ops->set_regs(vcpu, &r);
	ops->skip_insn(vcpu);
}

static void do_msr(struct vcpu *vcpu, const struct vm_exit *e)
{
	const struct vcpu_ops *ops = vcpu->vm->ops;
	uint64_t value = e->msr.value;
	bool ok;

	if (e->kind == VM_EXIT_RDMSR) {
		ok = guest_rdmsr(vcpu, e->msr.msr, &value);
		if (ok) {
			struct vcpu_regs r;
			ops->get_regs(vcpu, &r);
			r.rax = (uint32_t)value;
			r.rdx = value >> 32;
			ops->set_regs(vcpu, &r);
		}
	} else {
		ok = guest_wrmsr(vcpu, e->msr.msr, value);
	}
	if (ok)
		ops->skip_insn(vcpu);
	else
		ops->inject_exception(vcpu, 13, true, 0); /* #GP(0), as for an absent MSR */
}

static int irq_pending_locked(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	if (!vm->irq_pending)
		return -1;
	unsigned long flags = spin_lock_irqsave(&vm->dev_lock);
	int vec = vm->irq_pending(vm->irq_ctx, vcpu);
	spin_unlock_irqrestore(&vm->dev_lock, flags);
	return vec;
}

/*
 * Sleep until a device or another vCPU has an interrupt the guest will take
 * (or the VM stops).  With IF clear an interrupt does not end HLT: `cli; hlt`
 * stays halted until NMI, INIT or the VM's end, asleep, however many
 * interrupts come pending meanwhile.  IF cannot change while halted.
 */
static void do_hlt(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct vcpu_regs r;

	vm->ops->skip_insn(vcpu);
	vm->ops->get_regs(vcpu, &r);
	bool interruptible = r.rflags & RFLAGS_IF;
	for (;;) {
		if (vm_stopped(vm) || __atomic_load_n(&vcpu->nmi_pending, __ATOMIC_ACQUIRE) ||
		    __atomic_load_n(&vcpu->init_pending, __ATOMIC_ACQUIRE))
			return; /* an NMI or INIT ends HLT whatever IF says */
		if (interruptible && irq_pending_locked(vcpu) >= 0)
			return;
		vcpu->halted = true;
		wait_event(&vcpu->wake, __atomic_exchange_n(&vcpu->kick, false, __ATOMIC_ACQ_REL));
		vcpu->halted = false;
	}
}

/*
 * `sti; hlt` with an interrupt pending, stopped by an exit between the two:
 * the interrupt may only come once HLT has begun, and then wakes it at once,
 * so the HLT is finished here and the interrupt delivered after it.  Leaving
 * the shadow to the CPU is not enough: QEMU's TCG before 9.1 does not reload
 * it at VMRUN, takes the interrupt before the HLT, and the guest then halts
 * with nothing left to wake it.  Linux idles with `sti; hlt`.
 */
static bool finish_shadowed_hlt(struct vcpu *vcpu)
{
	const struct vcpu_ops *ops = vcpu->vm->ops;
	struct vcpu_regs r;
	struct vcpu_sregs s;
	uint8_t insn[MMIO_INSN_MAX];

	if (!ops->interrupt_shadow(vcpu))
		return false;
	ops->get_regs(vcpu, &r);
	if (!(r.rflags & RFLAGS_IF))
		return false; /* a MOV SS shadow with interrupts off: nothing to deliver */
	ops->get_sregs(vcpu, &s);
	if (!linear_fetch_insn(vcpu->vm, &r, &s, insn) || insn[0] != OPCODE_HLT)
		return false;
	r.rip = guest_rip_after(r.rip, 1, guest_cpu_mode(&s, r.rflags));
	ops->set_regs(vcpu, &r);
	ops->end_interrupt_shadow(vcpu);
	return true;
}

/*
 * An NMI goes in when the guest is not blocking NMIs (it is in no NMI
 * handler, or has left it with IRET; no MOV SS or STI shadow); until then the
 * backend has the CPU exit as soon as it could take one.  It comes before any
 * external interrupt: one event per entry, and the interrupt follows at the
 * next window.
 */
static void deliver_nmi(struct vcpu *vcpu)
{
	const struct vcpu_ops *ops = vcpu->vm->ops;

	if (!__atomic_load_n(&vcpu->nmi_pending, __ATOMIC_ACQUIRE) || !ops->nmi_ready(vcpu))
		return;
	if (__atomic_exchange_n(&vcpu->nmi_pending, false, __ATOMIC_ACQ_REL))
		ops->inject_nmi(vcpu);
}

static void deliver_interrupts(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	deliver_nmi(vcpu);
	if (!vm->irq_pending)
		return;
	unsigned long flags = spin_lock_irqsave(&vm->dev_lock);
	int vec = vm->irq_pending(vm->irq_ctx, vcpu);
	bool ready = vec >= 0 && vm->ops->interrupt_ready(vcpu);
	if (vec >= 0 && !ready && finish_shadowed_hlt(vcpu))
		ready = vm->ops->interrupt_ready(vcpu);
	if (ready) {
		vm->ops->inject_interrupt(vcpu, (uint8_t)vec);
		vm->irq_accept(vm->irq_ctx, vcpu, vec);
	}
	spin_unlock_irqrestore(&vm->dev_lock, flags);
}

static void handle(struct vcpu *vcpu, const struct vm_exit *e)
{
	struct vm *vm = vcpu->vm;

	switch (e->kind) {
	case VM_EXIT_NONE:
		return;
	case VM_EXIT_IO:
		do_io(vcpu, e);
		return;
	case VM_EXIT_MMIO:
		mmio_exit(vcpu, e); /* on failure it has stopped the VM with the reason */
		return;
	case VM_EXIT_HLT:
		do_hlt(vcpu);
		return;
	case VM_EXIT_CPUID:
		do_cpuid(vcpu, e);
		return;
	case VM_EXIT_RDMSR:
	case VM_EXIT_WRMSR:
		do_msr(vcpu, e);
		return;
	case VM_EXIT_CR_WRITE:
		cr_write_exit(vcpu, e);
		return;
	case VM_EXIT_SHUTDOWN:
		vm_stop(vm, VM_STOP_TRIPLE_FAULT, 0, "vCPU %u: triple fault", vcpu->id);
		return;
	case VM_EXIT_INIT:
		vm_stop(vm, VM_STOP_UNHANDLED, 0, "vCPU %u: INIT signal (not supported yet)",
			vcpu->id);
		return;
	case VM_EXIT_TASK_SWITCH:
		task_switch_exit(vcpu, e);
		return;
	case VM_EXIT_UNHANDLED:
		vm_stop(vm, VM_STOP_UNHANDLED, 0, "vCPU %u: %s", vcpu->id, e->detail);
		return;
	case VM_EXIT_ERROR:
		vm_stop(vm, VM_STOP_ERROR, 0, "vCPU %u: %s", vcpu->id, e->detail);
		return;
	}
}

void vcpu_startup(struct vcpu *vcpu, uint8_t vector)
{
	int none = -1;

	if (__atomic_compare_exchange_n(&vcpu->sipi_vector, &none, vector, false, __ATOMIC_ACQ_REL,
					__ATOMIC_ACQUIRE))
		vcpu_kick(vcpu);
}

/* An AP's state after INIT and STARTUP: real mode, CS = vector << 8, IP = 0,
 * EDX the processor signature (CPUID.1:EAX), as after RESET. */
void vcpu_reset_state(struct vcpu_regs *r, struct vcpu_sregs *s)
{
	static const struct vcpu_segment data = {.limit = 0xffff, .ar = 0x93};

	*r = (struct vcpu_regs){.rip = 0xfff0, .rflags = 2};
	*s = (struct vcpu_sregs){
	    .cs = {.selector = 0xf000, .base = 0xffff0000, .limit = 0xffff, .ar = 0x9b},
	    .ds = data,
	    .es = data,
	    .fs = data,
	    .gs = data,
	    .ss = data,
	    .ldtr = {.limit = 0xffff, .ar = 0x82},
	    .tr = {.limit = 0xffff, .ar = 0x8b},
	    .gdt_limit = 0xffff,
	    .idt_limit = 0xffff,
	    .cr0 = (1ull << 4) | (1ull << 29) | (1ull << 30)}; /* ET, NW, CD */
}

void vcpu_fpu_reset_image(uint8_t image[512])
{
	memset(image, 0, 512);
	image[0] = 0x7f; /* FCW 0x037f: all x87 exceptions masked, extended precision */
	image[1] = 0x03;
	image[24] = 0x80; /* MXCSR 0x1f80: all SIMD exceptions masked */
	image[25] = 0x1f;
}

static void enter_startup_state(struct vcpu *vcpu)
{
	const struct vcpu_ops *ops = vcpu->vm->ops;
	struct vcpu_regs r;
	struct vcpu_sregs s;

	ops->get_regs(vcpu, &r);
	ops->get_sregs(vcpu, &s);
	uint16_t sel = (uint16_t)(vcpu->sipi_vector << 8);
	s.cs.selector = sel;
	s.cs.base = (uint64_t)sel << 4;
	r.rip = 0;
	uint32_t sig[4];
	guest_cpuid(vcpu, 1, 0, sig);
	r.rdx = sig[0];
	ops->set_sregs(vcpu, &s);
	ops->set_regs(vcpu, &r);
}

/* Sleeps until a STARTUP IPI, then starts there; false when the VM stopped
 * first.  An INIT that came meanwhile is the one being waited out. */
static bool wait_for_sipi(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	wait_event(&vcpu->wake, vm_stopped(vm) || vcpu->sipi_vector >= 0);
	if (vm_stopped(vm))
		return false;
	__atomic_store_n(&vcpu->init_pending, false, __ATOMIC_RELEASE);
	enter_startup_state(vcpu);
	return true;
}

/*
 * INIT (SDM 9.1.1, Table 9-1): the general registers, segments, CR0/CR4,
 * EFER and the descriptor tables as after RESET, the LAPIC reset but for its ID; x87/SSE state, the
 * MSRs and the caches are left alone.  Then the AP waits for a STARTUP IPI.
 */
static void do_init(struct vcpu *vcpu)
{
	const struct vcpu_ops *ops = vcpu->vm->ops;
	struct vcpu_regs r;
	struct vcpu_sregs s;

	vcpu_reset_state(&r, &s);
	ops->set_sregs(vcpu, &s);
	ops->set_regs(vcpu, &r);
	vlapic_init_reset(vlapic_of(vcpu->vm, vcpu->id));
}

/*
 * One VM entry, as bhyve's vmx_run orders it: interrupts off, then the
 * injection, then a last look for requests, then the entry.  A kick that
 * lands after the injection is seen here, or its IPI stays pending on this
 * CPU and ends the guest's run at once; with interrupts on in between, the
 * IPI was taken by the host and the guest ran on without the interrupt until
 * its next exit.  Returns false when it did not enter.
 */
static bool enter_once(struct vcpu *vcpu, struct vm_exit *exit)
{
	unsigned long flags = irq_save();

	__atomic_store_n(&vcpu->kick, false, __ATOMIC_RELEASE);
	deliver_interrupts(vcpu);
	bool enter = !__atomic_load_n(&vcpu->kick, __ATOMIC_ACQUIRE) && !vm_stopped(vcpu->vm);
	if (enter) {
		/* The guest's XCR0: x87 only, its CPUID offering no XSAVE; the
		 * registers stay the thread's (asm/fpu.h), saved under the host's. */
		uint64_t host_xcr0 = thread_fpu_guest_enter(VCPU_GUEST_XCR0);
		vcpu->vm->ops->run(vcpu, exit);
		thread_fpu_guest_exit(host_xcr0);
	}
	irq_restore(flags);
	return enter;
}

void vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	struct vm *vm = vcpu->vm;
	struct vm_exit exit;

	vcpu->host_cpu = (int)this_cpu()->id;
	vcpu->thread = thread_current(); /* before any access that asks "which vCPU?" */
	/* The guest's x87/SSE registers are this thread's: live in the CPU while
	 * it runs, exits included, and switched by the scheduler with it. */
	uint8_t fpu_image[512] __attribute__((aligned(16)));
	vcpu_fpu_reset_image(fpu_image);
	if (!thread_fpu_enable(fpu_image)) {
		vm_stop(vm, VM_STOP_ERROR, 0, "vCPU %u: no memory for its FPU state", vcpu->id);
		vcpu->host_cpu = -1;
		return;
	}
	if (vcpu->id != 0 && !wait_for_sipi(vcpu)) {
		vcpu->host_cpu = -1;
		return;
	}
	while (!vm_stopped(vm)) {
		/* A plain load first: the locked exchange only when an INIT came. */
		if (__atomic_load_n(&vcpu->init_pending, __ATOMIC_ACQUIRE) &&
		    __atomic_exchange_n(&vcpu->init_pending, false, __ATOMIC_ACQ_REL)) {
			do_init(vcpu);
			if (!wait_for_sipi(vcpu))
				break;
			continue;
		}
		if (!enter_once(vcpu, &exit))
			continue;
		__atomic_add_fetch(&vcpu->exits, 1, __ATOMIC_RELAXED);
		handle(vcpu, &exit);
		vm_console_flush(vm);
	}
	vcpu->host_cpu = -1;
}
