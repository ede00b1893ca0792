/*
 * Where every interrupt and exception lands.  Any CPU exception in the kernel
 * is a kernel bug and panics; there are no user or guest contexts yet whose
 * faults could be handled instead.  Device interrupts arrive with the
 * interrupt-controller work; until then any other vector is only reported.
 */
#include <asm/trap.h>
#include <pallas/debug.h>
#include <pallas/printk.h>

void trap_dispatch(struct trap_frame *f)
{
	if (f->vector < 32)
		panic_trap(f);
	pr_warn("trap: unexpected interrupt vector %lu at %016lx\n", f->vector, f->rip);
}
