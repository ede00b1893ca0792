/*
 * Where every interrupt and exception lands.  Any CPU exception in the kernel
 * is a kernel bug and panics; there are no user or guest contexts yet whose
 * faults could be handled instead.  Interrupts go to their handler, and on the
 * way out the scheduler may switch to another thread.
 */
#include <asm/trap.h>
#include <pallas/debug.h>
#include <pallas/irq.h>
#include <pallas/sched.h>

void trap_dispatch(struct trap_frame *f)
{
	if (f->vector < 32)
		panic_trap(f);
	irq_dispatch(f);
	sched_irq_exit(f);
}
