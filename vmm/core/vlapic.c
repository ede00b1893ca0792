/*
 * The virtual LAPIC: ID, version, TPR/PPR, EOI, SVR, LDR/DFR, ISR/TMR/IRR,
 * ESR (latched by writes; illegal vectors sent and received, the LVT error
 * interrupt), ICR (fixed, lowest-priority, INIT and STARTUP IPIs, with
 * shorthands), the LVTs, and the timer in one-shot and periodic mode counting at 1 GHz
 * before the divider, or in TSC-deadline mode.  xAPIC mode answers on the
 * MMIO page, x2APIC mode on MSRs 0x800-0x8ff (IA32_APIC_BASE switches, and
 * can disable the LAPIC).  All state is guarded by the VM's device lock
 * (dev_lock): MMIO handlers run with it held; MSR accesses and the timer
 * callback take it.
 */
#include <asm/cpu.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/percpu.h>
#include <pallas/sched.h>
#include <pallas/string.h>
#include <pallas/time.h>

#include "vlapic.h"
#include "vlapic_msr.h"
#include "vlapic_rules.h"
#include "vm_impl.h"

#define REG_ID	      0x020
#define REG_VERSION   0x030
#define REG_TPR	      0x080
#define REG_APR	      0x090
#define REG_PPR	      0x0a0
#define REG_EOI	      0x0b0
#define REG_LDR	      0x0d0
#define REG_DFR	      0x0e0
#define REG_SVR	      0x0f0
#define REG_ISR	      0x100
#define REG_TMR	      0x180
#define REG_IRR	      0x200
#define REG_ESR	      0x280
#define REG_ICR_LO    0x300
#define REG_ICR_HI    0x310
#define REG_LVT_TIMER 0x320
#define REG_LVT_LINT0 0x350
#define REG_LVT_LINT1 0x360
#define REG_LVT_ERROR 0x370
/* Indexes in lvt[], the LVT registers from 0x320 on. */
#define LVT_TIMER      0
#define LVT_LINT0      3
#define LVT_LINT1      4
#define LVT_ERROR      5
#define REG_TIMER_INIT 0x380
#define REG_TIMER_CUR  0x390
#define REG_TIMER_DIV  0x3e0
#define NLVT	       7 /* CMCI(0x2f0) is not offered; timer..error at 0x320..0x370 */

#define LVT_MASKED   (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define LVT_TSC_MODE (1u << 18) /* timer mode 10b: TSC deadline */
#define SVR_ENABLED  (1u << 8)
#define MODE_EXTINT  7
#define MODE_NMI     4
#define MODE_INIT    5
/* The shortest timer period or delay the host honours: a guest asking for
 * less (a count of 1 at divide-by-1 is 1 ns) would keep a host CPU in its
 * timer interrupt. */
#define MIN_PERIOD_NS (50 * NSEC_PER_USEC)
#define VERSION	      0x00060014u /* 7 LVT entries, version 0x14 */
/* A deadline further out is armed this far, then re-checked. */
#define MAX_ARM_NS (10 * NSEC_PER_SEC)

struct vlapic {
	struct vm *vm;
	struct vcpu *vcpu;
	enum vlapic_mode mode;
	uint32_t id, tpr, ldr, dfr, svr, icr_hi, icr_lo;
	struct vlapic_esr esr;
	uint32_t lvt[NLVT]; /* 0x320 + 16 * i: timer, thermal, perf, lint0, lint1, error */
	uint32_t irr[8], isr[8], tmr[8];
	uint32_t timer_init, timer_div_reg;
	uint64_t timer_start_ns, timer_tick_ns; /* ns per count */
	uint64_t tsc_deadline;			/* guest TSC; 0: disarmed */
	uint64_t last_fire_ns;			/* TSC-deadline interrupts keep this far apart */
	struct timer_event timer;
};

/* The vCPU whose thread is making the access: several vCPUs of a VM may
 * share a host CPU, so the thread, not the CPU, says which LAPIC it sees. */
static struct vcpu *accessing_vcpu(struct vm *vm)
{
	struct thread *self = thread_current();

	for (unsigned i = 0; i < vm->nvcpus; i++) {
		if (vm->vcpus[i].thread == self)
			return &vm->vcpus[i];
	}
	return NULL;
}

static bool test_bit(const uint32_t *v, unsigned n)
{
	return v[n / 32] & (1u << (n % 32));
}

static void set_bit(uint32_t *v, unsigned n, bool on)
{
	if (on)
		v[n / 32] |= 1u << (n % 32);
	else
		v[n / 32] &= ~(1u << (n % 32));
}

static int highest(const uint32_t *v)
{
	for (int i = 7; i >= 0; i--) {
		if (v[i])
			return i * 32 + 31 - __builtin_clz(v[i]);
	}
	return -1;
}

static uint32_t ppr(const struct vlapic *l)
{
	return vlapic_ppr(l->tpr, highest(l->isr));
}

static uint32_t apr(const struct vlapic *l)
{
	return vlapic_apr(l->tpr, highest(l->irr), highest(l->isr));
}

static void set_irr(struct vlapic *l, uint8_t vector, bool level);

/* An error for the ESR; the first of its kind since the last ESR write
 * raises the LVT error interrupt unless that is masked.  An illegal vector
 * there logs one more error, which is no longer new: no loop. */
static void esr_error(struct vlapic *l, uint32_t bits)
{
	uint32_t lvt = l->lvt[LVT_ERROR];

	if (vlapic_esr_record(&l->esr, bits) && !(lvt & LVT_MASKED))
		set_irr(l, lvt & 0xff, false);
}

static void set_irr(struct vlapic *l, uint8_t vector, bool level)
{
	if (vector < 16) { /* never an IRR bit: the error alone */
		esr_error(l, VLAPIC_ESR_RECV_ILLEGAL);
		return;
	}
	set_bit(l->irr, vector, true);
	set_bit(l->tmr, vector, level);
	vcpu_kick(l->vcpu);
}

int vlapic_pending(struct vlapic *l)
{
	int v = highest(l->irr);

	if (v < 0 || !(l->svr & SVR_ENABLED) || l->mode == VLAPIC_DISABLED)
		return -1;
	return ((uint32_t)v & 0xf0) > (ppr(l) & 0xf0) ? v : -1;
}

void vlapic_accept(struct vlapic *l, int vector)
{
	set_bit(l->irr, (unsigned)vector, false);
	set_bit(l->isr, (unsigned)vector, true);
}

bool vlapic_accepts_extint(struct vlapic *l)
{
	uint32_t lint0 = l->lvt[LVT_LINT0];

	if (l->mode == VLAPIC_DISABLED)
		return true; /* a disabled LAPIC passes INTR straight to the CPU */
	return !(lint0 & LVT_MASKED) && ((lint0 >> 8) & 7) == MODE_EXTINT;
}

/* A LAPIC disabled in IA32_APIC_BASE is out of the way: the pin is the CPU's
 * own NMI input then (SDM 11.4.3), as QEMU's monitor `nmi` also has it. */
void vlapic_lint1(struct vlapic *l)
{
	uint32_t lvt = l->lvt[LVT_LINT1];

	if (l->mode == VLAPIC_DISABLED) {
		vcpu_nmi(l->vcpu);
		return;
	}
	if (lvt & LVT_MASKED) /* also every LVT of a software-disabled LAPIC */
		return;
	switch ((lvt >> 8) & 7) {
	case 0: /* fixed; a pulse, so edge whatever the trigger bit says */
		set_irr(l, lvt & 0xff, false);
		break;
	case MODE_NMI:
		vcpu_nmi(l->vcpu);
		break;
	default: /* SMI (no SMM offered), INIT, ExtINT (no 8259 on LINT1) */
		break;
	}
}

/* --- timer --- */

static uint64_t divide_by(uint32_t div_reg)
{
	unsigned code = ((div_reg & 8) >> 1) | (div_reg & 3);
	return code == 7 ? 1 : 2ull << code;
}

static bool deadline_mode(const struct vlapic *l)
{
	return ((l->lvt[LVT_TIMER] >> 17) & 3) == 2;
}

static uint64_t guest_tsc(const struct vlapic *l)
{
	return rdtsc() + (uint64_t)l->vcpu->tsc_offset;
}

static void deadline_arm(struct vlapic *l);

/* The deadline passed: the interrupt (unless masked), and IA32_TSC_DEADLINE
 * reads 0 again.  The host clock and the guest TSC may round apart: a timer
 * that came early is armed again for the rest, so it is never early. */
static void deadline_fire(struct vlapic *l)
{
	if (!l->tsc_deadline)
		return;
	if (guest_tsc(l) < l->tsc_deadline) {
		deadline_arm(l);
		return;
	}
	if (!(l->lvt[LVT_TIMER] & LVT_MASKED))
		set_irr(l, l->lvt[LVT_TIMER] & 0xff, false);
	l->tsc_deadline = 0;
	l->last_fire_ns = clock_ns();
}

/* A deadline already past fires at once, but never sooner than MIN_PERIOD_NS
 * after the last one: a guest re-arming in the past in its handler gets one
 * interrupt per floor period, not a host stuck in its timer path. */
static void deadline_arm(struct vlapic *l)
{
	uint64_t now = clock_ns(), tsc = guest_tsc(l), due = now;

	if (l->vm->dying)
		return;
	if (l->tsc_deadline > tsc) /* capped before converting: no overflow */
		due = now + tsc_to_ns(MIN(l->tsc_deadline - tsc, ns_to_tsc(MAX_ARM_NS))) + 1;
	due = MAX(due, l->last_fire_ns + MIN_PERIOD_NS);
	if (due <= now)
		deadline_fire(l);
	else
		timer_event_arm(&l->timer, due);
}

static void timer_fire(struct timer_event *ev)
{
	struct vlapic *l = container_of(ev, struct vlapic, timer);
	unsigned long flags = spin_lock_irqsave(&l->vm->dev_lock);
	uint32_t lvt = l->lvt[LVT_TIMER];

	if (deadline_mode(l)) {
		deadline_fire(l);
		spin_unlock_irqrestore(&l->vm->dev_lock, flags);
		return;
	}

	if (l->timer_init && !(lvt & LVT_MASKED))
		set_irr(l, lvt & 0xff, false);
	if (l->timer_init && (lvt & LVT_PERIODIC) && !l->vm->dying) {
		uint64_t period = MAX(l->timer_tick_ns * l->timer_init, MIN_PERIOD_NS);
		l->timer_start_ns += period;
		/* Behind by more than a period (the host was busy): skip, do not burst. */
		if (l->timer_start_ns + period < clock_ns())
			l->timer_start_ns = clock_ns();
		timer_event_arm(&l->timer, l->timer_start_ns + period);
	}
	spin_unlock_irqrestore(&l->vm->dev_lock, flags);
}

static void timer_start(struct vlapic *l, uint32_t count)
{
	if (deadline_mode(l))
		return; /* the initial count is ignored in TSC-deadline mode */
	timer_event_cancel(&l->timer);
	l->timer_init = count;
	l->timer_tick_ns = divide_by(l->timer_div_reg); /* 1 GHz / divider */
	l->timer_start_ns = clock_ns();
	if (count)
		timer_event_arm(&l->timer,
				l->timer_start_ns + MAX(l->timer_tick_ns * count, MIN_PERIOD_NS));
}

static uint32_t timer_current(const struct vlapic *l)
{
	if (!l->timer_init)
		return 0;
	uint64_t elapsed = (clock_ns() - l->timer_start_ns) / l->timer_tick_ns;
	if (l->lvt[LVT_TIMER] & LVT_PERIODIC)
		return l->timer_init - (uint32_t)(elapsed % l->timer_init);
	return elapsed >= l->timer_init ? 0 : l->timer_init - (uint32_t)elapsed;
}

/* --- IPIs --- */

/* wide: a 32-bit x2APIC destination; else 8 bits (xAPIC ICR, the IOAPIC). */
static bool matches(const struct vlapic *l, uint32_t dest, bool logical, bool wide)
{
	if (l->mode == VLAPIC_DISABLED)
		return false;
	if (l->mode == VLAPIC_X2APIC) {
		if (!wide && dest == 0xff)
			dest = 0xffffffffu; /* an 8-bit broadcast is still one */
		return vlapic_x2apic_match(dest, logical, l->id);
	}
	return !wide || dest <= 0xff
		   ? vlapic_xapic_match((uint8_t)dest, logical, (uint8_t)l->id, l->ldr, l->dfr)
		   : dest == 0xffffffffu;
}

/* A fixed or lowest-priority interrupt, or an NMI, to the LAPICs in set (a
 * bit per vCPU): a lowest-priority one goes to exactly one of them, the one
 * arbitration picks. */
static void deliver_set(struct vm *vm, uint32_t set, uint8_t mode, uint8_t vector, bool level)
{
	if (mode == 1) {
		uint32_t aprs[VM_MAX_VCPUS];
		for (unsigned i = 0; i < vm->nvcpus; i++)
			aprs[i] = apr(vm->vlapics[i]);
		int to = vlapic_lowest(aprs, set, vm->nvcpus);
		set = to < 0 ? 0 : 1u << to;
		mode = 0;
	}
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		if (!(set & (1u << i)))
			continue;
		if (mode == 0)
			set_irr(vm->vlapics[i], vector, level);
		else if (mode == MODE_NMI)
			vcpu_nmi(vm->vlapics[i]->vcpu); /* the vector is ignored */
	}
}

void vlapic_deliver(struct vm *vm, uint32_t dest, bool logical, uint8_t mode, uint8_t vector,
		    bool level)
{
	uint32_t set = 0;

	for (unsigned i = 0; i < vm->nvcpus; i++) {
		if (matches(vm->vlapics[i], dest, logical, false))
			set |= 1u << i;
	}
	deliver_set(vm, set, mode, vector, level);
}

static void send_ipi(struct vlapic *src, uint32_t icr_lo)
{
	struct vm *vm = src->vm;
	uint8_t vector = icr_lo & 0xff, mode = (icr_lo >> 8) & 7;
	unsigned shorthand = (icr_lo >> 18) & 3;
	bool logical = icr_lo & (1u << 11), wide = src->mode == VLAPIC_X2APIC;
	uint32_t dest = wide ? src->icr_hi : src->icr_hi >> 24, set = 0;
	/* INIT level de-assert (level-triggered, level 0) only resynchronises
	 * arbitration IDs on old CPUs: nothing here. */
	bool init_deassert = (icr_lo & (1u << 15)) && !(icr_lo & (1u << 14));

	if ((mode == 0 || mode == 1) && vector < 16)
		esr_error(src, VLAPIC_ESR_SEND_ILLEGAL); /* sent all the same */
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		struct vlapic *l = vm->vlapics[i];
		bool hit = shorthand == 0   ? matches(l, dest, logical, wide)
			   : shorthand == 1 ? l == src
			   : shorthand == 2 ? true
					    : l != src;
		if (!hit || l->mode == VLAPIC_DISABLED)
			continue;
		if (mode == 6)
			vcpu_startup(l->vcpu, vector);
		else if (mode == MODE_INIT) {
			if (!init_deassert)
				vcpu_init_signal(l->vcpu);
		} else {
			set |= 1u << i; /* fixed, lowest priority, NMI: deliver_set decides */
		}
	}
	deliver_set(vm, set, mode, vector, false);
}

/* --- registers --- */

static uint32_t reg_read(struct vlapic *l, unsigned reg)
{
	if (reg >= REG_ISR && reg < REG_ISR + 0x80)
		return l->isr[(reg - REG_ISR) / 16];
	if (reg >= REG_TMR && reg < REG_TMR + 0x80)
		return l->tmr[(reg - REG_TMR) / 16];
	if (reg >= REG_IRR && reg < REG_IRR + 0x80)
		return l->irr[(reg - REG_IRR) / 16];
	if (reg >= REG_LVT_TIMER && reg <= REG_LVT_ERROR)
		return l->lvt[(reg - REG_LVT_TIMER) / 16];
	switch (reg) {
	case REG_ID:
		return l->id << 24;
	case REG_VERSION:
		return VERSION;
	case REG_TPR:
		return l->tpr;
	case REG_PPR:
		return ppr(l);
	case REG_LDR:
		return l->ldr;
	case REG_DFR:
		return l->dfr;
	case REG_SVR:
		return l->svr;
	case REG_APR:
		return apr(l);
	case REG_ESR:
		return l->esr.reg; /* as the last ESR write latched it */
	case REG_ICR_LO:
		return l->icr_lo; /* delivery is instant: status idle */
	case REG_ICR_HI:
		return l->icr_hi;
	case REG_TIMER_INIT:
		return l->timer_init;
	case REG_TIMER_CUR:
		return timer_current(l);
	case REG_TIMER_DIV:
		return l->timer_div_reg;
	}
	return 0;
}

static void eoi(struct vlapic *l)
{
	int v = highest(l->isr);

	if (v < 0)
		return;
	set_bit(l->isr, (unsigned)v, false);
	if (test_bit(l->tmr, (unsigned)v) && l->vm->eoi_hook)
		l->vm->eoi_hook(l->vm->irq_ctx, (uint8_t)v);
}

/* Mode 11b is reserved (taken as periodic); entering or leaving TSC-deadline
 * mode disarms the timer, whichever way it was armed. */
static void lvt_timer_mode(struct vlapic *l, uint32_t *v)
{
	if (((*v >> 17) & 3) == 3)
		*v &= ~LVT_TSC_MODE;
	if (((l->lvt[LVT_TIMER] ^ *v) & LVT_TSC_MODE) == 0)
		return;
	timer_event_cancel(&l->timer);
	l->timer_init = 0;
	l->tsc_deadline = 0;
}

static void reg_write(struct vlapic *l, unsigned reg, uint32_t v)
{
	if (reg >= REG_LVT_TIMER && reg <= REG_LVT_ERROR) {
		unsigned i = (reg - REG_LVT_TIMER) / 16;
		if (!(l->svr & SVR_ENABLED))
			v |= LVT_MASKED; /* a disabled LAPIC keeps its LVTs masked */
		if (i == 0)
			lvt_timer_mode(l, &v);
		l->lvt[i] = v;
		return;
	}
	switch (reg) {
	case REG_ID:
		l->id = v >> 24;
		return;
	case REG_TPR:
		l->tpr = v & 0xff;
		return;
	case REG_EOI:
		eoi(l);
		return;
	case REG_LDR:
		l->ldr = v & 0xff000000u;
		return;
	case REG_DFR:
		l->dfr = v | 0x0fffffffu;
		return;
	case REG_SVR:
		l->svr = v & 0x3ff;
		if (!(v & SVR_ENABLED)) {
			for (int i = 0; i < NLVT; i++)
				l->lvt[i] |= LVT_MASKED;
		}
		return;
	case REG_ESR: /* the value written is ignored */
		vlapic_esr_write(&l->esr);
		return;
	case REG_ICR_HI:
		l->icr_hi = v & 0xff000000u;
		return;
	case REG_ICR_LO:
		l->icr_lo = v & VLAPIC_ICR_LO_RW;
		send_ipi(l, l->icr_lo);
		return;
	case REG_TIMER_INIT:
		timer_start(l, v);
		return;
	case REG_TIMER_DIV:
		l->timer_div_reg = v & 0xb;
		return;
	}
}

static void lapic_mmio(void *dev, uint64_t addr, unsigned size, bool write, uint64_t *val)
{
	struct vm *vm = dev;
	struct vcpu *vcpu = accessing_vcpu(vm);
	unsigned reg = (unsigned)(addr - VLAPIC_BASE);

	if (!vcpu) {
		if (!write)
			*val = 0;
		return;
	}
	struct vlapic *l = vm->vlapics[vcpu->id];
	/* Registers are 32 bits at 16-byte strides; other accesses read 0, write
	 * nothing.  In x2APIC mode or disabled, the page is not the LAPIC's. */
	if (size != 4 || (reg & 15) || l->mode != VLAPIC_XAPIC) {
		if (!write)
			*val = 0;
		return;
	}
	if (write)
		reg_write(l, reg, (uint32_t)*val);
	else
		*val = reg_read(l, reg);
}

/* Power-up state, also what re-enabling a disabled LAPIC starts from. */
static void reset(struct vlapic *l)
{
	timer_event_cancel(&l->timer);
	l->mode = VLAPIC_XAPIC;
	l->id = l->vcpu->id;
	l->tpr = l->ldr = l->icr_hi = l->icr_lo = 0;
	l->esr = (struct vlapic_esr){0, 0};
	l->dfr = 0xffffffffu;
	l->svr = 0xff;
	for (int j = 0; j < NLVT; j++)
		l->lvt[j] = LVT_MASKED;
	memset(l->irr, 0, sizeof(l->irr));
	memset(l->isr, 0, sizeof(l->isr));
	memset(l->tmr, 0, sizeof(l->tmr));
	l->timer_init = l->timer_div_reg = 0;
	l->tsc_deadline = 0;
}

bool vlapic_init_all(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		struct vlapic *l = kzalloc(sizeof(*l));
		if (!l)
			return false;
		vm->vlapics[i] = l;
		l->vm = vm;
		l->vcpu = &vm->vcpus[i];
		timer_event_init(&l->timer, timer_fire);
		reset(l);
		if (i == 0) { /* virtual-wire mode, as the firmware leaves the BSP */
			l->svr |= SVR_ENABLED;
			l->lvt[LVT_LINT0] = MODE_EXTINT << 8;
			l->lvt[LVT_LINT1] = MODE_NMI << 8;
		}
	}
	return vm_mmio_register(vm, VLAPIC_BASE, 0x1000, lapic_mmio, vm);
}

/* After vm->dying is set: no callback re-arms, so cancel, wait, free. */
void vlapic_destroy_all(struct vm *vm)
{
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		if (vm->vlapics[i])
			timer_event_cancel(&vm->vlapics[i]->timer);
	}
	timer_event_sync();
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		kfree(vm->vlapics[i]);
		vm->vlapics[i] = NULL;
	}
}

struct vlapic *vlapic_of(struct vm *vm, unsigned vcpu)
{
	return vm->vlapics[vcpu];
}

void vlapic_init_reset(struct vlapic *l)
{
	unsigned long flags = spin_lock_irqsave(&l->vm->dev_lock);
	enum vlapic_mode mode = l->mode;
	uint32_t id = l->id;

	reset(l);
	l->mode = mode;
	l->id = id;
	spin_unlock_irqrestore(&l->vm->dev_lock, flags);
}

bool vlapic_hw_enabled(const struct vlapic *l)
{
	return __atomic_load_n(&l->mode, __ATOMIC_RELAXED) != VLAPIC_DISABLED;
}

/* --- the MSR interface --- */

static uint64_t base_msr(const struct vlapic *l)
{
	uint64_t v = VLAPIC_BASE | (l->vcpu->id == 0 ? APIC_BASE_BSP : 0);

	if (l->mode == VLAPIC_XAPIC)
		v |= APIC_BASE_ENABLE;
	else if (l->mode == VLAPIC_X2APIC)
		v |= APIC_BASE_ENABLE | APIC_BASE_EXTD;
	return v;
}

static bool set_base(struct vlapic *l, uint64_t value)
{
	enum vlapic_mode to = vlapic_mode_of(value);

	if (!vlapic_base_write_ok(base_msr(l), value, VLAPIC_BASE))
		return false;
	if (to == l->mode)
		return true;
	if (l->mode == VLAPIC_DISABLED)
		reset(l); /* re-enabled: the power-up state, in xAPIC mode */
	if (to == VLAPIC_X2APIC) {
		l->id = l->vcpu->id; /* the x2APIC ID; the LDR follows from it */
		l->icr_hi = 0;
	} else if (to == VLAPIC_DISABLED) {
		timer_event_cancel(&l->timer);
		l->timer_init = 0;
		l->tsc_deadline = 0;
		memset(l->irr, 0, sizeof(l->irr));
	}
	l->mode = to;
	return true;
}

static uint64_t x2_read(struct vlapic *l, unsigned reg)
{
	switch (reg) {
	case REG_ID:
		return l->id;
	case REG_LDR:
		return x2apic_ldr(l->id);
	case REG_ICR_LO:
		return ((uint64_t)l->icr_hi << 32) | l->icr_lo;
	}
	return reg_read(l, reg);
}

static void x2_write(struct vlapic *l, unsigned reg, uint64_t v)
{
	if (reg == REG_ICR_LO) { /* one 64-bit write: destination, then send */
		l->icr_hi = (uint32_t)(v >> 32);
		l->icr_lo = (uint32_t)v;
		send_ipi(l, (uint32_t)v);
	} else if (reg == VLAPIC_REG_SELF_IPI) {
		if ((v & 0xff) < 16)
			esr_error(l, VLAPIC_ESR_SEND_ILLEGAL);
		set_irr(l, v & 0xff, false); /* fixed, edge, to this LAPIC */
	} else {
		reg_write(l, reg, (uint32_t)v);
	}
}

bool vlapic_owns_msr(uint32_t msr)
{
	return msr == MSR_APIC_BASE || msr == MSR_TSC_DEADLINE ||
	       (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST);
}

/* Runs access(l, msr, value) under the device lock; #GP without a LAPIC. */
static bool locked(struct vcpu *vcpu, uint32_t msr, uint64_t *value,
		   bool (*access)(struct vlapic *, uint32_t, uint64_t *))
{
	struct vm *vm = vcpu->vm;

	if (!vm->vlapics[vcpu->id])
		return false;
	unsigned long flags = spin_lock_irqsave(&vm->dev_lock);
	bool ok = access(vm->vlapics[vcpu->id], msr, value);
	spin_unlock_irqrestore(&vm->dev_lock, flags);
	return ok;
}

static bool rdmsr_locked(struct vlapic *l, uint32_t msr, uint64_t *value)
{
	if (msr == MSR_APIC_BASE) {
		*value = base_msr(l);
		return true;
	}
	if (msr == MSR_TSC_DEADLINE) { /* reads 0 in the other timer modes */
		*value = deadline_mode(l) ? l->tsc_deadline : 0;
		return true;
	}
	int reg = x2apic_msr_reg(msr, false, 0);
	if (reg < 0 || l->mode != VLAPIC_X2APIC)
		return false;
	*value = x2_read(l, (unsigned)reg);
	return true;
}

static bool wrmsr_locked(struct vlapic *l, uint32_t msr, uint64_t *value)
{
	if (msr == MSR_APIC_BASE)
		return set_base(l, *value);
	if (msr == MSR_TSC_DEADLINE) {
		if (!deadline_mode(l))
			return true; /* ignored in the other timer modes */
		timer_event_cancel(&l->timer);
		l->tsc_deadline = *value; /* 0 disarms */
		if (*value)
			deadline_arm(l);
		return true;
	}
	int reg = x2apic_msr_reg(msr, true, *value);
	if (reg < 0 || l->mode != VLAPIC_X2APIC)
		return false;
	x2_write(l, (unsigned)reg, *value);
	return true;
}

bool vlapic_rdmsr(struct vcpu *vcpu, uint32_t msr, uint64_t *value)
{
	return locked(vcpu, msr, value, rdmsr_locked);
}

bool vlapic_wrmsr(struct vcpu *vcpu, uint32_t msr, uint64_t value)
{
	return locked(vcpu, msr, &value, wrmsr_locked);
}

void vlapic_describe(struct vlapic *l, char *buf, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&l->vm->dev_lock);
	int armed = __atomic_load_n(&l->timer.cpu, __ATOMIC_ACQUIRE);
	uint64_t now = clock_ns(), due = l->timer.deadline_ns;

	ksnprintf(buf, len,
		  "LAPIC IRR %d ISR %d TPR %#x SVR %#x LVT timer %#x, timer %s (%ld us from now)",
		  highest(l->irr), highest(l->isr), l->tpr, l->svr, l->lvt[LVT_TIMER],
		  armed >= 0 ? "armed" : "not armed",
		  armed >= 0 ? (long)((int64_t)(due - now) / 1000) : 0L);
	spin_unlock_irqrestore(&l->vm->dev_lock, flags);
}
