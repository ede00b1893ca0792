/*
 * Preemption control.  preempt_disable() lives in percpu.h beside the count;
 * preempt_enable() is here because it may call into the scheduler, and the
 * host unit build replaces this header with no-ops (tests/unit/host/pallas/).
 */
#ifndef PALLAS_PREEMPT_H
#define PALLAS_PREEMPT_H

#include <pallas/percpu.h>

/* Switches threads if this CPU was asked to; kernel/sched/core.c. */
void sched_preempt(void);

static inline bool preempt_irqs_on(void)
{
	unsigned long flags;

	__asm__ volatile("pushfq; popq %0" : "=r"(flags));
	return flags & (1ul << 9);
}

/* Re-allows switching; a reschedule that arrived meanwhile happens now. */
static inline void preempt_enable(void)
{
	preempt_enable_no_resched();
	struct cpu *c = this_cpu();
	if (c->preempt_count == 0 && c->need_resched && preempt_irqs_on())
		sched_preempt();
}

#endif
