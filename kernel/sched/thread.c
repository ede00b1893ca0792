/*
 * Thread life cycle: creation with a prepared stack, the first switch into
 * it, exit, and join, which frees what exit cannot (a thread cannot free
 * the stack it is running on).
 */
#include <asm/irq.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/string.h>

#include "sched_impl.h"

#define STACK_ORDER 2 /* 16 KiB */
_Static_assert(THREAD_STACK_SIZE == (PAGE_SIZE << STACK_ORDER), "stack order");

void sched_thread_start(struct thread *last);

static void sleep_timer_fired(struct timer_event *ev)
{
	sched_wakeup(container_of(ev, struct thread, sleep_timer));
}

static void thread_init_common(struct thread *t, struct sched_group *g, const char *name)
{
	t->group = g ? g : &sched_root_group;
	t->pinned = CPU_ANY;
	t->cpu = this_cpu()->id;
	t->wake_lock = (spinlock_t)SPINLOCK_INIT;
	list_init(&t->rq_node);
	fair_entity_init(&t->se, NULL, SCHED_SHARES_DEFAULT);
	timer_event_init(&t->sleep_timer, sleep_timer_fired);
	completion_init(&t->exited);
	memcpy(t->name, name, strnlen(name, sizeof(t->name) - 1));
	__atomic_add_fetch(&t->group->nr_threads, 1, __ATOMIC_RELAXED);
}

/* The caller's own context (kmain's, an AP's) becomes a thread, already running. */
void thread_init_current(struct thread *t, const char *name)
{
	thread_init_common(t, NULL, name);
	t->state = THREAD_RUNNABLE;
	t->on_cpu = true;
}

/* A thread that runs fn(arg) once switched to; not on any run queue yet. */
struct thread *thread_alloc(thread_fn fn, void *arg, struct sched_group *g, const char *name)
{
	struct thread *t = kzalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->stack = page_alloc(STACK_ORDER);
	if (!t->stack) {
		kfree(t);
		return NULL;
	}
	thread_init_common(t, g, name);
	t->fn = fn;
	t->arg = arg;
	t->state = THREAD_BLOCKED;
	/* What sched_switch pops: r15 r14 r13 r12 rbx rbp (0 ends backtraces), then
	 * its return address.  The trampoline then runs with a 16-byte aligned stack. */
	uint64_t *top = (uint64_t *)((char *)phys_to_virt(t->stack) + THREAD_STACK_SIZE);
	top[-1] = (uint64_t)sched_thread_trampoline;
	for (int i = 2; i <= 7; i++)
		top[-i] = 0;
	t->rsp = (uint64_t)&top[-7];
	return t;
}

__attribute__((noreturn)) void sched_thread_start(struct thread *last)
{
	sched_finish_switch(last);
	irq_enable();
	struct thread *t = thread_current();
	t->fn(t->arg);
	thread_exit();
}

struct thread *thread_create_on(thread_fn fn, void *arg, struct sched_group *g, const char *name,
				int cpu)
{
	struct thread *t = thread_alloc(fn, arg, g, name);
	if (!t)
		return NULL;
	t->pinned = cpu;
	sched_wakeup(t);
	return t;
}

struct thread *thread_create(thread_fn fn, void *arg, struct sched_group *g, const char *name)
{
	return thread_create_on(fn, arg, g, name, CPU_ANY);
}

void thread_exit(void)
{
	struct thread *t = thread_current();

	timer_event_cancel(&t->sleep_timer);
	complete_all(&t->exited);
	irq_disable();
	__atomic_store_n(&t->state, THREAD_DEAD, __ATOMIC_RELEASE);
	sched_schedule(false);
	panic("thread %s: scheduled after exit", t->name);
}

void thread_join(struct thread *t)
{
	wait_for_completion(&t->exited);
	/* Exit has signalled, but may since have been preempted (still queued,
	 * on_cpu false) or not yet have switched away for good.  DEAD is set
	 * while it runs, so once DEAD is seen, on_cpu clearing means gone. */
	while (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != THREAD_DEAD)
		__builtin_ia32_pause();
	while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
	__atomic_sub_fetch(&t->group->nr_threads, 1, __ATOMIC_RELAXED);
	if (t->stack)
		page_free(t->stack, STACK_ORDER);
	kfree(t);
}

const char *thread_name(const struct thread *t)
{
	return t->name;
}

uint64_t thread_runtime_ns(const struct thread *t)
{
	return t->runtime_ns;
}

uint64_t thread_longest_charge_ns(const struct thread *t)
{
	return __atomic_load_n(&t->longest_charge_ns, __ATOMIC_RELAXED);
}
