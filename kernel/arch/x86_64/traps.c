/*
 * Where every interrupt and exception lands.  A CPU exception in the kernel
 * is a kernel bug and panics, except a #PF or #GP at a user access listed in
 * the exception table (asm/extable.h), which resumes at its fixup; there are
 * no user contexts yet whose faults could be handled instead.  Interrupts go
 * to their handler, and on the way out the scheduler may switch to another
 * thread.
 */
#include <asm/extable.h>
#include <asm/trap.h>
#include <pallas/debug.h>
#include <pallas/irq.h>
#include <pallas/sched.h>

void trap_dispatch(struct trap_frame *f)
{
	if (f->vector < 32) {
		if ((f->vector == VEC_PF || f->vector == VEC_GP) && extable_fixup(f))
			return;
		panic_trap(f);
	}
	irq_dispatch(f);
	sched_irq_exit(f);
}
