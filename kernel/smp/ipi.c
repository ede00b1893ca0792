/*
 * Inter-processor interrupts: a reschedule request, and function calls run
 * on another CPU in interrupt context.  Calls are queued per target CPU; the
 * IPI only says "look at your queue".  A CPU waiting for its own calls to be
 * done keeps serving calls queued to it, so two CPUs calling each other with
 * interrupts off cannot deadlock.
 */
#include <asm/cpu.h>
#include <asm/lapic.h>
#include <pallas/irq.h>
#include <pallas/kernel.h>
#include <pallas/list.h>
#include <pallas/mm.h>
#include <pallas/smp.h>
#include <pallas/spinlock.h>

struct call {
	struct list node;
	void (*fn)(void *);
	void *arg;
	volatile bool done;
	bool heap; /* not waited for: freed by the target */
};

struct call_queue {
	spinlock_t lock;
	struct list calls;
};

static struct call_queue queues[MAX_CPUS];

void ipi_resched(unsigned cpu)
{
	__atomic_store_n(&cpus[cpu].need_resched, true, __ATOMIC_RELEASE);
	if (cpu != this_cpu()->id)
		lapic_send_ipi(cpus[cpu].apic_id, VEC_IPI_RESCHED);
}

static void run_queued_calls(void)
{
	struct call_queue *q = &queues[this_cpu()->id];

	for (;;) {
		unsigned long flags = spin_lock_irqsave(&q->lock);
		struct call *c = NULL;
		if (!list_empty(&q->calls)) {
			c = container_of(q->calls.next, struct call, node);
			list_remove(&c->node);
		}
		spin_unlock_irqrestore(&q->lock, flags);
		if (!c)
			return;
		c->fn(c->arg);
		if (c->heap)
			kfree(c);
		else
			__atomic_store_n(&c->done, true, __ATOMIC_RELEASE);
	}
}

static void call_interrupt(struct trap_frame *f, void *arg)
{
	run_queued_calls();
}

static void resched_interrupt(struct trap_frame *f, void *arg)
{
	/* need_resched is already set; sched_irq_exit acts on it. */
}

static void enqueue(unsigned cpu, struct call *c)
{
	struct call_queue *q = &queues[cpu];
	unsigned long flags = spin_lock_irqsave(&q->lock);

	list_push_back(&q->calls, &c->node);
	spin_unlock_irqrestore(&q->lock, flags);
	lapic_send_ipi(cpus[cpu].apic_id, VEC_IPI_CALL);
}

static void wait_done(struct call *c)
{
	while (!__atomic_load_n(&c->done, __ATOMIC_ACQUIRE)) {
		run_queued_calls();
		cpu_relax();
	}
}

void smp_call(unsigned cpu, void (*fn)(void *), void *arg, bool wait)
{
	BUG_ON(cpu >= cpu_count());
	if (cpu == this_cpu()->id) {
		unsigned long flags = irq_save();
		fn(arg);
		irq_restore(flags);
		return;
	}
	if (!wait) {
		struct call *c = kzalloc(sizeof(*c));
		BUG_ON(!c);
		*c = (struct call){.fn = fn, .arg = arg, .heap = true};
		list_init(&c->node);
		enqueue(cpu, c);
		return;
	}
	struct call c = {.fn = fn, .arg = arg};
	list_init(&c.node);
	enqueue(cpu, &c);
	wait_done(&c);
}

void smp_call_others(void (*fn)(void *), void *arg)
{
	static struct call calls[MAX_CPUS];
	static spinlock_t calls_lock = SPINLOCK_INIT; /* one broadcast at a time */
	unsigned self = this_cpu()->id, n = cpu_count();

	unsigned long flags = irq_save();
	while (!spin_trylock(&calls_lock))
		run_queued_calls(); /* the holder may be waiting for us */
	for (unsigned i = 0; i < n; i++) {
		if (i == self)
			continue;
		calls[i] = (struct call){.fn = fn, .arg = arg};
		list_init(&calls[i].node);
		enqueue(i, &calls[i]);
	}
	for (unsigned i = 0; i < n; i++) {
		if (i != self)
			wait_done(&calls[i]);
	}
	spin_unlock(&calls_lock);
	irq_restore(flags);
}

void ipi_init(void)
{
	for (unsigned i = 0; i < MAX_CPUS; i++) {
		queues[i].lock = (spinlock_t)SPINLOCK_INIT;
		list_init(&queues[i].calls);
	}
	irq_set_handler(VEC_IPI_CALL, call_interrupt, NULL);
	irq_set_handler(VEC_IPI_RESCHED, resched_interrupt, NULL);
}
