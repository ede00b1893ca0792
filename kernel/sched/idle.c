/*
 * Starting the scheduler on each CPU, and what a CPU does with nothing to
 * run: halt until an interrupt brings work.
 */
#include <asm/cpu.h>
#include <asm/irq.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>

#include "sched_impl.h"

static struct thread main_thread;

/* sti takes effect after the next instruction, so an interrupt that makes
 * work cannot slip in between the check and the hlt and be slept through. */
static void halt_until_interrupt(void)
{
	__asm__ volatile("sti; hlt" ::: "memory");
}

void idle_loop(void *unused)
{
	for (;;) {
		irq_disable();
		if (this_cpu()->need_resched) {
			irq_enable();
			sched_yield();
			continue;
		}
		halt_until_interrupt();
	}
}

void sched_init(void)
{
	group_init_root();
	thread_init_current(&main_thread, "main");
	struct thread *idle = thread_alloc(idle_loop, NULL, NULL, "idle0");
	BUG_ON(!idle);
	rq_init(0, idle);
	rq_run_first(this_rq(), &main_thread);
	pr_info("sched: started on CPU 0 (slice %llu ms, limit period %llu ms)\n",
		SCHED_SLICE_NS / NSEC_PER_MSEC, SCHED_PERIOD_NS / NSEC_PER_MSEC);
}

void sched_cpu_start(void)
{
	struct thread *idle = kzalloc(sizeof(*idle));
	unsigned id = this_cpu()->id;

	BUG_ON(!idle);
	char name[16];
	ksnprintf(name, sizeof(name), "idle%u", id);
	thread_init_current(idle, name);
	rq_init(id, idle);
	rq_run_first(this_rq(), idle);
	idle_loop(NULL);
}
