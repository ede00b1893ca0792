/*
 * Signals: masks, and (as the signal calls land) sending and delivery.
 */
#include "proc.h"
#include "signal.h"
#include "uapi/linux.h"

#define UNBLOCKABLE (SIGBIT(LINUX_SIGKILL) | SIGBIT(LINUX_SIGSTOP))

void signal_set_temporary_mask(uint64_t mask)
{
	struct task *k = task_current();

	if (!k->restore_sigmask) {
		k->saved_sigmask = k->sigblocked;
		k->restore_sigmask = true;
	}
	k->sigblocked = mask & ~UNBLOCKABLE;
}
