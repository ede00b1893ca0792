/*
 * Waking a blocked thread: back onto a run queue, usually the least loaded.
 * A thread that has not reached sched_block() yet is still queued where it
 * runs; waking it only marks it runnable, and its sched_block() returns.
 */
#include <asm/irq.h>
#include <pallas/kernel.h>
#include <pallas/smp.h>

#include "sched_impl.h"

/* t->cpu only changes under the lock of t's queue, so recheck after taking it. */
struct runqueue *lock_thread_rq(struct thread *t)
{
	for (;;) {
		struct runqueue *rq = rq_of(t->cpu);
		spin_lock_raw(&rq->lock);
		if (rq->cpu == t->cpu)
			return rq;
		spin_unlock_raw(&rq->lock);
	}
}

/* True when t only needed marking runnable. */
static bool wake_in_place(struct thread *t)
{
	struct runqueue *rq = lock_thread_rq(t);
	bool queued = t->se.queued;

	if (queued)
		t->state = THREAD_RUNNABLE;
	spin_unlock_raw(&rq->lock);
	return queued;
}

void sched_wakeup(struct thread *t)
{
	unsigned long flags = irq_save();

	spin_lock_raw(&t->wake_lock);
	if (t->state == THREAD_BLOCKED && !wake_in_place(t)) {
		struct runqueue *rq = rq_of(select_cpu(t));
		spin_lock_raw(&rq->lock);
		t->state = THREAD_RUNNABLE;
		rq_enqueue(rq, t);
		rq_kick(rq);
		spin_unlock_raw(&rq->lock);
	}
	spin_unlock_raw(&t->wake_lock);
	irq_restore(flags);
}

void thread_interrupt(struct thread *t)
{
	/* Set before the wakeup: a waiter checks it after sched_prepare_block,
	 * so it either sees it or is woken by what follows. */
	__atomic_store_n(&t->interrupted, true, __ATOMIC_SEQ_CST);
	sched_wakeup(t);
	/* Running on another CPU (in ring 3, say, where it only looks at the
	 * request on its way back out of an interrupt), it gets one now. */
	unsigned long flags = irq_save();
	unsigned cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
	if (cpu != this_cpu()->id && __atomic_load_n(&cpu_get(cpu)->current, __ATOMIC_ACQUIRE) == t)
		ipi_resched(cpu);
	irq_restore(flags);
}

bool thread_interrupted(void)
{
	return __atomic_load_n(&thread_current()->interrupted, __ATOMIC_SEQ_CST);
}

void thread_interrupt_clear(void)
{
	__atomic_store_n(&thread_current()->interrupted, false, __ATOMIC_SEQ_CST);
}
