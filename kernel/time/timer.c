/*
 * One-shot timer events.  Each CPU keeps its armed events in a list sorted by
 * deadline and programs its LAPIC timer for the first one: in TSC-deadline
 * mode when the CPU has it (the deadline is written as a TSC value, nothing to
 * convert or calibrate), else in one-shot mode counting the LAPIC timer's
 * own clock, measured against the TSC at boot.
 */
#include <asm/cpu.h>
#include <asm/lapic.h>
#include <pallas/irq.h>
#include <pallas/kernel.h>
#include <pallas/percpu.h>
#include <pallas/smp.h>
#include <pallas/spinlock.h>
#include <pallas/time.h>

#define MSR_TSC_DEADLINE 0x6e0
#define TIMER_DIV_1	 0xb

struct timer_queue {
	spinlock_t lock;
	struct list events; /* sorted by deadline_ns */
};

static struct timer_queue queues[MAX_CPUS];
static bool tsc_deadline;
static uint64_t lapic_hz; /* one-shot mode: the LAPIC timer's count rate */

void timer_event_init(struct timer_event *ev, timer_fn fn)
{
	list_init(&ev->node);
	ev->fn = fn;
	ev->cpu = -1;
	ev->deadline_ns = 0;
}

static struct timer_event *first(struct timer_queue *q)
{
	return list_empty(&q->events) ? NULL
				      : container_of(q->events.next, struct timer_event, node);
}

/*
 * The TSC value at which clock_ns() will have reached deadline_ns.  Counted
 * from now, not converted from the boot TSC: the two fixed-point conversions
 * are not exact inverses, and an absolute conversion drifts early with uptime.
 * An early interrupt finds nothing due and programs the same passed deadline
 * again, an interrupt storm that lasted as long as the drift.  A relative
 * conversion is off by a fraction of the remaining time only, so each early
 * interrupt comes closer, and the +1 keeps it moving.
 */
static uint64_t deadline_tsc(uint64_t deadline_ns)
{
	uint64_t tsc = rdtsc(), now = clock_ns();

	return deadline_ns > now ? tsc + ns_to_tsc(deadline_ns - now) + 1 : MAX(tsc, 1);
}

/* Programs this CPU's LAPIC timer for the queue's first event (or stops it). */
static void program(struct timer_queue *q)
{
	struct timer_event *ev = first(q);

	if (tsc_deadline) {
		wrmsr(MSR_TSC_DEADLINE, ev ? deadline_tsc(ev->deadline_ns) : 0); /* 0 disarms */
		return;
	}
	if (!ev) {
		lapic_write(LAPIC_TIMER_INIT, 0);
		return;
	}
	uint64_t now = clock_ns();
	/* Capped so the count cannot overflow; an early interrupt just reprograms. */
	uint64_t delta = MIN(ev->deadline_ns > now ? ev->deadline_ns - now : 0, NSEC_PER_SEC);
	uint64_t count = delta * (lapic_hz / 1000) / (NSEC_PER_SEC / 1000);
	lapic_write(LAPIC_TIMER_INIT, (uint32_t)MIN(MAX(count, 1), 0xffffffffull));
}

static void insert(struct timer_queue *q, struct timer_event *ev)
{
	struct list *pos;

	list_for_each(pos, &q->events)
	{
		if (container_of(pos, struct timer_event, node)->deadline_ns > ev->deadline_ns)
			break;
	}
	list_insert_after(pos->prev, &ev->node);
}

bool timer_event_cancel(struct timer_event *ev)
{
	for (;;) {
		int cpu = __atomic_load_n(&ev->cpu, __ATOMIC_ACQUIRE);
		if (cpu < 0)
			return false;
		struct timer_queue *q = &queues[cpu];
		unsigned long flags = spin_lock_irqsave(&q->lock);
		bool ours = ev->cpu == cpu;
		if (ours) {
			bool was_first = first(q) == ev;
			list_remove(&ev->node);
			ev->cpu = -1;
			if (was_first && cpu == (int)this_cpu()->id)
				program(q);
		}
		spin_unlock_irqrestore(&q->lock, flags);
		if (ours)
			return true;
		/* It fired or moved while we looked; look again. */
	}
}

void timer_event_arm(struct timer_event *ev, uint64_t deadline_ns)
{
	unsigned long flags = irq_save();
	struct timer_queue *q = &queues[this_cpu()->id];

	timer_event_cancel(ev);
	spin_lock(&q->lock);
	ev->deadline_ns = deadline_ns;
	insert(q, ev);
	ev->cpu = (int)this_cpu()->id;
	if (first(q) == ev)
		program(q);
	spin_unlock(&q->lock);
	irq_restore(flags);
}

/* Runs every event that is due; callbacks may arm events again. */
static void timer_interrupt(struct trap_frame *f, void *arg)
{
	struct timer_queue *q = &queues[this_cpu()->id];

	spin_lock(&q->lock);
	for (struct timer_event *ev; (ev = first(q)) && ev->deadline_ns <= clock_ns();) {
		list_remove(&ev->node);
		__atomic_store_n(&ev->cpu, -1, __ATOMIC_RELEASE);
		spin_unlock(&q->lock);
		ev->fn(ev);
		spin_lock(&q->lock);
	}
	program(q);
	spin_unlock(&q->lock);
}

static bool cpu_has_tsc_deadline(void)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return c & (1u << 24);
}

/*
 * LAPIC timer ticks per second, divider 1, over 10 ms of TSC time.  The TSC
 * is read just before the count starts and just after it is read, so a pause
 * of this (virtual) CPU in between can only make a try read low; the highest
 * of a few tries is kept.  Without the bracket, one pause under a loaded host
 * made every timer event fire a third late.
 */
static uint64_t measure_lapic_hz(void)
{
	uint64_t best = 0;

	lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_1);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
	for (int i = 0; i < 3; i++) {
		uint64_t t0 = rdtsc();
		lapic_write(LAPIC_TIMER_INIT, 0xffffffff);
		udelay(10000);
		uint32_t left = lapic_read(LAPIC_TIMER_CUR);
		uint64_t t1 = rdtsc();
		lapic_write(LAPIC_TIMER_INIT, 0);
		uint64_t hz = (uint64_t)(0xffffffffu - left) * tsc_hz() / (t1 - t0);
		best = MAX(best, hz);
	}
	return best;
}

void timer_cpu_init(void)
{
	struct timer_queue *q = &queues[this_cpu()->id];

	list_init(&q->events);
	if (this_cpu()->id == 0) {
		tsc_deadline = cpu_has_tsc_deadline();
		irq_set_handler(VEC_TIMER, timer_interrupt, NULL);
		if (!tsc_deadline)
			lapic_hz = measure_lapic_hz();
		if (tsc_deadline)
			pr_info("time: LAPIC timer in TSC-deadline mode\n");
		else
			pr_info("time: LAPIC timer in one-shot mode at %lu kHz\n", lapic_hz / 1000);
	}
	if (tsc_deadline) {
		lapic_write(LAPIC_LVT_TIMER, LVT_TIMER_TSC_DEADLINE | VEC_TIMER);
	} else {
		lapic_write(LAPIC_TIMER_DIV, TIMER_DIV_1);
		lapic_write(LAPIC_LVT_TIMER, VEC_TIMER); /* one-shot */
	}
}

static void nothing(void *arg)
{
}

/* Callbacks run with interrupts off, so a CPU that has taken a call IPI has
 * finished any callback it was in. */
void timer_event_sync(void)
{
	if (cpu_count() > 1)
		smp_call_others(nothing, NULL);
}
