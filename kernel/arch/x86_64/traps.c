/*
 * Where every interrupt and exception lands.  A CPU exception in the kernel
 * is a kernel bug and panics, except a #PF or #GP at a user access listed in
 * the exception table (asm/extable.h), which resumes at its fixup.  A trap
 * from ring 3 goes to the user thread's owner (user.c).  Interrupts go to
 * their handler, and on the way out the scheduler may switch to another
 * thread.
 */
#include <asm/cpu.h>
#include <asm/extable.h>
#include <asm/irq.h>
#include <asm/trap.h>
#include <asm/uaccess.h>
#include <pallas/aspace.h>
#include <pallas/uaccess.h>
#include <pallas/debug.h>
#include <pallas/irq.h>
#include <pallas/sched.h>
#include <pallas/user.h>

#define PF_PRESENT (1u << 0)
#define PF_WRITE   (1u << 1)
#define PF_INSTR   (1u << 4)
#define RFLAGS_AC  (1ull << 18)

/* The access a #PF error code describes, as aspace_fault takes it. */
static unsigned pf_access(uint64_t error)
{
	return error & PF_WRITE ? VMA_WRITE : error & PF_INSTR ? VMA_EXEC : VMA_READ;
}

/* A kernel access to user memory (copy_from_user and friends) that found no
 * page, or wrote a read-only (copy-on-write) one: mapped from the current
 * address space, the access is retried.  The object may sleep to fill the
 * page, so interrupts go back on if the access had them. */
static bool user_page_fault(struct trap_frame *f)
{
	uintptr_t addr = read_cr2();
	struct aspace *as = aspace_current();

	if ((f->cs & 3) || !as || addr >= USER_TOP)
		return false;
	/* Of a present page only a write can be owed something.  With SMAP an
	 * access outside uaccess.S's window (AC clear) is a kernel bug, which
	 * must not loop on a page that is fine. */
	if ((f->error & PF_PRESENT) &&
	    (!(f->error & PF_WRITE) || (smap_enabled && !(f->rflags & RFLAGS_AC))))
		return false;
	irq_restore(f->rflags); /* on again if the access had them on */
	int err = aspace_fault(as, addr, pf_access(f->error));
	irq_disable();
	return err == 0;
}

/* NMI, #DF and #MC run on IST stacks: nothing there may schedule, so they
 * never take the way back to ring 3 that delivers signals. */
static bool on_ist(uint64_t vector)
{
	return vector == VEC_NMI || vector == VEC_DF || vector == VEC_MC;
}

void trap_dispatch(struct trap_frame *f)
{
	if ((f->cs & 3) && !on_ist(f->vector)) {
		if (f->vector >= 32) {
			irq_dispatch(f);
			sched_irq_exit(f);
		}
		user_trap(f);
		return;
	}
	if (f->vector < 32) {
		if (f->vector == VEC_PF && user_page_fault(f))
			return;
		if ((f->vector == VEC_PF || f->vector == VEC_GP) && extable_fixup(f))
			return;
		panic_trap(f);
	}
	irq_dispatch(f);
	sched_irq_exit(f);
}
