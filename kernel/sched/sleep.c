/*
 * Sleeping until a point in time: block, with a timer event on this CPU
 * that wakes the thread.  The loop absorbs any early wakeup.
 */
#include <asm/irq.h>

#include "sched_impl.h"

void sched_sleep_until(uint64_t deadline_ns)
{
	struct thread *t = thread_current();
	unsigned long flags = irq_save();

	/* Interrupts stay off from arming to blocking, so the timer cannot
	 * fire on this CPU before the thread is ready to be woken. */
	while (clock_ns() < deadline_ns) {
		sched_prepare_block();
		timer_event_arm(&t->sleep_timer, deadline_ns);
		sched_block();
	}
	timer_event_cancel(&t->sleep_timer);
	irq_restore(flags);
}

/* Called like sched_block(), with interrupts off after sched_prepare_block():
 * the timer cannot fire before the thread is ready to be woken.  It is gone
 * when this returns, so it cannot wake a later, unrelated block. */
void sched_block_until(uint64_t deadline_ns)
{
	struct thread *t = thread_current();

	timer_event_arm(&t->sleep_timer, deadline_ns);
	sched_block();
	timer_event_cancel(&t->sleep_timer);
}

bool sched_sleep_until_interruptible(uint64_t deadline_ns)
{
	struct thread *t = thread_current();
	unsigned long flags = irq_save();
	bool slept = true;

	while (clock_ns() < deadline_ns) {
		sched_prepare_block();
		if (thread_interrupted()) {
			sched_cancel_block();
			slept = false;
			break;
		}
		timer_event_arm(&t->sleep_timer, deadline_ns);
		sched_block();
	}
	timer_event_cancel(&t->sleep_timer);
	irq_restore(flags);
	return slept;
}

void sched_sleep_ns(uint64_t ns)
{
	sched_sleep_until(clock_ns() + ns);
}
