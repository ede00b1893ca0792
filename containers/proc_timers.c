/*
 * A process's timers, made on first use: most programs never set one.
 * Freed when the process ends, after every timer has stopped and no
 * callback can still be running (ktimer_shutdown).
 */
#include <pallas/mm.h>

#include "timers.h"

struct proc_timers *proc_timers(struct proc *p)
{
	struct proc_timers *pt = __atomic_load_n(&p->timers, __ATOMIC_ACQUIRE);

	if (pt)
		return pt;
	pt = kzalloc(sizeof(*pt));
	if (!pt)
		return NULL;
	pt->proc = p;
	mutex_init(&pt->lock);
	list_init(&pt->posix);
	itimer_real_init(pt);
	struct proc_timers *seen = NULL;
	if (!__atomic_compare_exchange_n(&p->timers, &seen, pt, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		kfree(pt); /* another thread of p made them first */
		return seen;
	}
	return pt;
}

void proc_timers_exec(struct proc *p)
{
	struct proc_timers *pt = __atomic_load_n(&p->timers, __ATOMIC_ACQUIRE);

	if (pt)
		posix_timers_delete_all(pt);
}

void proc_timers_exit(struct proc *p)
{
	struct proc_timers *pt = __atomic_exchange_n(&p->timers, NULL, __ATOMIC_ACQ_REL);

	if (!pt)
		return;
	posix_timers_delete_all(pt);
	ktimer_shutdown(&pt->real);
	ktimer_shutdown(&pt->cpu_poll);
	kfree(pt);
}
