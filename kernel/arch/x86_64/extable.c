/*
 * Looking a faulting kernel RIP up in the exception table (asm/extable.h).
 * A linear search: the table holds a handful of entries, and only a fault
 * that would otherwise panic looks.
 */
#include <asm/extable.h>

extern const struct extable_entry __extable_start[], __extable_end[];

bool extable_fixup(struct trap_frame *f)
{
	if (f->cs & 3)
		return false; /* user faults are the process's, not the kernel's */
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++) {
		if (e->insn == f->rip) {
			f->rip = e->fixup;
			return true;
		}
	}
	return false;
}
