/*
 * CPU time: a process's ended tasks are summed in utime_ns at their exit
 * (exit.c), its live ones are read from their threads, all under
 * proc_tree_lock so a task is counted once, live or ended.
 */
#include <pallas/kernel.h>
#include <pallas/sched.h>

#include "cputime.h"
#include "proc.h"

uint64_t task_self_cputime_ns(void)
{
	return thread_self_runtime_ns();
}

uint64_t proc_cputime_ns(struct proc *p)
{
	struct task *self = task_current();
	struct list *n;

	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	uint64_t ns = p->utime_ns;
	list_for_each(n, &p->tasks)
	{
		struct task *k = container_of(n, struct task, proc_node);
		if (k == self)
			ns += thread_self_runtime_ns();
		else if (k->thread)
			ns += thread_runtime_now_ns(k->thread);
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return ns;
}

uint64_t proc_children_cputime_ns(struct proc *p)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	uint64_t ns = p->child_utime_ns;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return ns;
}
