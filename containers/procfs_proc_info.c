/* What several /proc/PID files say about a process: its memory, state,
 * CPU time and parent, each read under the locks of what it reads (the
 * tasks, state and parent under proc_tree_lock). */
#include <pallas/kernel.h>
#include <pallas/aspace.h>
#include <pallas/memobj.h>
#include <pallas/percpu.h>
#include <pallas/sched.h>
#include <pallas/smp.h>
#include <pallas/spinlock.h>
#include <pallas/string.h>

#include "procfs.h"

void pfs_proc_mem(struct proc *p, struct pfs_mem *m)
{
	struct aspace *as = proc_aspace(p);
	struct vma_info vi;

	memset(m, 0, sizeof(*m));
	if (!as)
		return;
	for (uintptr_t at = 0; aspace_vma_next(as, &at, &vi);) {
		uint64_t len = vi.end - vi.start;
		m->vsize += len;
		m->rss += aspace_resident_pages(as, vi.start, vi.end);
		if (p->arg_start >= vi.start && p->arg_start < vi.end)
			m->stack += len;
		else if ((vi.prot & VMA_WRITE) && (vi.flags & VMA_PRIVATE))
			m->data += len;
		if (vi.prot & VMA_EXEC)
			m->exec += len;
		if (vi.obj)
			memobj_put(vi.obj);
	}
	aspace_put(as);
}

static bool on_cpu(const struct thread *t)
{
	for (unsigned i = 0; i < MAX_CPUS; i++)
		if (cpus[i].online && __atomic_load_n(&cpus[i].current, __ATOMIC_RELAXED) == t)
			return true;
	return false;
}

char pfs_proc_state(struct proc *p, unsigned *threads)
{
	bool running = false;
	unsigned n = 0;

	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct list *pos;
	list_for_each(pos, &p->tasks)
	{
		struct task *k = container_of(pos, struct task, proc_node);
		n++;
		running |= k->thread && on_cpu(k->thread);
	}
	bool exited = p->exited;
	bool stopped = p->stopped;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	*threads = n;
	return exited ? 'Z' : stopped ? 'T' : running ? 'R' : 'S';
}

uint64_t pfs_proc_runtime(struct proc *p)
{
	uint64_t ns = 0;

	/* A task in the list has not ended its thread yet. */
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct list *pos;
	list_for_each(pos, &p->tasks)
	{
		struct task *k = container_of(pos, struct task, proc_node);
		if (k->thread)
			ns += thread_runtime_ns(k->thread);
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return ns;
}

int pfs_proc_ppid(struct proc *p)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	int ppid = p->parent ? p->parent->pid : 0;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return ppid;
}
