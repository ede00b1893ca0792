/*
 * The heart of the scheduler: per-CPU run queues, picking the next thread,
 * charging run time, the time slice, and preemption from interrupts.
 *
 * A running thread stays on its run queue (and in its fair queues), so
 * charging it only re-sorts it; a thread leaves the queue when it blocks.
 * Switching happens with the run queue lock held and interrupts off; the
 * thread resumed releases it (sched_finish_switch), so no other CPU sees a
 * half-switched queue.
 */
#include <asm/cpu.h>
#include <asm/fpu.h>
#include <asm/irq.h>
#include <pallas/aspace.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/smp.h>

#include "sched_impl.h"

/* A slice shorter than this costs more in interrupts than it buys in precision. */
#define SLICE_MIN_NS 50000ull

static void slice_expired(struct timer_event *ev)
{
	this_cpu()->need_resched = true;
}

void rq_init(unsigned cpu, struct thread *idle)
{
	struct runqueue *rq = kzalloc(sizeof(*rq));

	BUG_ON(!rq);
	rq->lock = (spinlock_t)SPINLOCK_INIT;
	rq->cpu = cpu;
	rq->root = &sched_root_group.pcpu[cpu].q;
	list_init(&rq->threads);
	rq->idle = idle;
	timer_event_init(&rq->slice, slice_expired);
	__atomic_store_n((struct runqueue **)&cpus[cpu].sched, rq, __ATOMIC_RELEASE);
}

/* Caller holds rq->lock.  A thread arriving from another CPU starts at that
 * queue's minimum: virtual times of different CPUs do not compare. */
void rq_enqueue(struct runqueue *rq, struct thread *t)
{
	if (t->cpu != rq->cpu) {
		t->se.vruntime = 0;
		t->cpu = rq->cpu;
	}
	t->se.on = &t->group->pcpu[rq->cpu].q;
	fair_enqueue(&t->se);
	list_push_back(&rq->threads, &t->rq_node);
	rq->nr_threads++;
	if (t->pinned == CPU_ANY)
		rq->nr_movable++;
}

void rq_dequeue(struct runqueue *rq, struct thread *t)
{
	fair_dequeue(&t->se);
	list_remove(&t->rq_node);
	rq->nr_threads--;
	if (t->pinned == CPU_ANY)
		rq->nr_movable--;
}

/* Makes rq's CPU pick again soon if nothing else will: it is idling, or its
 * lone thread runs without a slice timer.  Caller holds rq->lock. */
void rq_kick(struct runqueue *rq)
{
	struct cpu *c = cpu_get(rq->cpu);

	if (c->current != rq->idle && __atomic_load_n(&rq->slice.cpu, __ATOMIC_ACQUIRE) >= 0)
		return;
	if (c == this_cpu())
		c->need_resched = true;
	else
		ipi_resched(rq->cpu);
}

static void account(struct runqueue *rq, struct thread *curr, uint64_t now)
{
	uint64_t delta = now > rq->run_start ? now - rq->run_start : 0;

	rq->run_start = now;
	if (curr == rq->idle || !curr->se.queued)
		return;
	curr->runtime_ns += delta;
	if (delta > curr->longest_charge_ns)
		__atomic_store_n(&curr->longest_charge_ns, delta, __ATOMIC_RELAXED);
	fair_charge(&curr->se, delta);
	group_charge(curr->group, now, delta);
}

uint64_t thread_self_runtime_ns(void)
{
	unsigned long flags = irq_save();
	struct cpu *c = this_cpu();
	struct runqueue *rq = c->sched;
	struct thread *t = c->current;
	uint64_t now = clock_ns(), ns = t->runtime_ns;

	/* Only this CPU's sched_schedule moves run_start, and it cannot run
	 * while interrupts are off here. */
	if (rq && t != rq->idle && t->se.queued && now > rq->run_start)
		ns += now - rq->run_start;
	irq_restore(flags);
	return ns;
}

uint64_t thread_runtime_now_ns(struct thread *t)
{
	unsigned long flags = irq_save();
	struct runqueue *rq = lock_thread_rq(t);
	uint64_t now = clock_ns(), ns = t->runtime_ns;

	/* current and run_start change only under rq->lock. */
	if (cpu_get(rq->cpu)->current == t && t->se.queued && now > rq->run_start)
		ns += now - rq->run_start;
	spin_unlock_raw(&rq->lock);
	irq_restore(flags);
	return ns;
}

static struct thread *pick_next(struct runqueue *rq, uint64_t now)
{
	struct fair_entity *e = fair_pick(rq->root, group_entity_throttled, &now);

	if (e)
		return container_of(e, struct thread, se);
	struct thread *t = pull_thread(rq, now);
	return t ? t : rq->idle;
}

/* The next pick happens when the slice ends or the group's quota runs out,
 * or, for a CPU idling beside throttled threads, when the next period begins.
 * A thread alone and unlimited needs no slice: the CPU stays quiet until a
 * wakeup kicks it (rq_kick). */
static void arm_slice(struct runqueue *rq, struct thread *next, uint64_t now)
{
	if (next == rq->idle) {
		if (rq->nr_threads)
			timer_event_arm(&rq->slice,
					fair_limit_next_period(&sched_root_group.limit, now));
		else
			timer_event_cancel(&rq->slice);
		return;
	}
	uint64_t left = group_remaining(next->group, now);
	if (rq->nr_threads <= 1 && left == UINT64_MAX) {
		timer_event_cancel(&rq->slice);
		return;
	}
	uint64_t d = MIN(SCHED_SLICE_NS, left);
	timer_event_arm(&rq->slice, now + MAX(d, SLICE_MIN_NS));
}

/* This CPU's first thread: the context that is already running. */
void rq_run_first(struct runqueue *rq, struct thread *t)
{
	unsigned long flags = irq_save();

	spin_lock_raw(&rq->lock);
	if (t != rq->idle)
		rq_enqueue(rq, t);
	this_cpu()->current = t;
	rq->run_start = clock_ns();
	arm_slice(rq, t, rq->run_start);
	spin_unlock_raw(&rq->lock);
	irq_restore(flags);
}

/* Only threads that use the FPU have state to switch, and a CPU that still
 * holds next's registers (no other FPU thread loaded since, next ran nowhere
 * else) need not load them again. */
static void switch_fpu(struct thread *prev, struct thread *next)
{
	struct cpu *c = this_cpu();

	if (prev->fpu)
		fpu_save(prev->fpu);
	if (!next->fpu)
		return;
	if (c->fpu_owner != next || next->fpu_cpu != (int)c->id)
		fpu_load(next->fpu);
	c->fpu_owner = next;
	next->fpu_cpu = (int)c->id;
}

static void switch_to(struct thread *prev, struct thread *next)
{
	/* Woken here while its last CPU is still inside sched_switch. */
	while (__atomic_load_n(&next->on_cpu, __ATOMIC_ACQUIRE))
		cpu_relax();
	next->on_cpu = true;
	this_cpu()->current = next;
	if (prev->as != next->as)
		aspace_switch(prev->as, next->as);
	switch_fpu(prev, next);
	user_switch_in(&next->user, next->stack ? thread_stack_top(next) : 0);
	sched_finish_switch(sched_switch(prev, next));
}

void sched_finish_switch(struct thread *last)
{
	struct runqueue *rq = this_rq();
	/* Read before on_cpu clears: a dead thread is never switched to again,
	 * so this CPU is the one to drop its own reference. */
	bool dead = __atomic_load_n(&last->state, __ATOMIC_ACQUIRE) == THREAD_DEAD;

	__atomic_store_n(&last->on_cpu, false, __ATOMIC_RELEASE);
	spin_unlock_raw(&rq->lock);
	if (dead)
		thread_put(last);
}

void sched_schedule(bool preempt)
{
	unsigned long flags = irq_save();
	struct cpu *c = this_cpu();
	struct runqueue *rq = c->sched;
	struct thread *prev = c->current;

	BUG_ON(!preempt && c->preempt_count != 0);
	spin_lock_raw(&rq->lock);
	c->need_resched = false;
	uint64_t now = clock_ns();
	account(rq, prev, now);
	/* A preempted thread keeps its place even if it was about to block:
	 * it still has to reach its own sched_block(). */
	if (!preempt && prev != rq->idle && prev->state != THREAD_RUNNABLE && prev->se.queued)
		rq_dequeue(rq, prev);
	struct thread *next = pick_next(rq, now);
	arm_slice(rq, next, now);
	if (rq->nr_threads > 1 && rq->nr_movable)
		kick_idle_cpu(rq);
	if (next != prev)
		switch_to(prev, next);
	else
		spin_unlock_raw(&rq->lock);
	irq_restore(flags);
}

void sched_preempt(void)
{
	struct cpu *c = this_cpu();

	if (c->sched && c->current)
		sched_schedule(true);
}

void sched_irq_exit(struct trap_frame *f)
{
	struct cpu *c = this_cpu();

	if (c->need_resched && c->preempt_count == 0 && (f->rflags & (1ul << 9)) && c->sched &&
	    c->current)
		sched_schedule(true);
}

void sched_yield(void)
{
	sched_schedule(false);
}

void sched_prepare_block(void)
{
	this_cpu()->current->state = THREAD_BLOCKED;
}

void sched_block(void)
{
	sched_schedule(false);
}

void sched_cancel_block(void)
{
	struct thread *t = this_cpu()->current;
	unsigned long flags = irq_save();

	/* Under wake_lock, so a racing sched_wakeup sees one state or the other. */
	spin_lock_raw(&t->wake_lock);
	t->state = THREAD_RUNNABLE;
	spin_unlock_raw(&t->wake_lock);
	irq_restore(flags);
}

struct thread *thread_current(void)
{
	return this_cpu()->current;
}
