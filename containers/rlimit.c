/*
 * Enforced resource limits (containers/rlimit.h).  The counts are made when
 * asked, by walking the process list or the address space: a fork or an
 * mmap is rare enough next to the walk's cost, and nothing has to be kept
 * in step.  A new process is counted and inserted under proc_tree_lock
 * (proc_create), so forks at once cannot overshoot; a new thread is checked
 * before it is made (clone.c), so threads at once may, by at most the CPUs.
 */
#include <pallas/aspace.h>
#include <pallas/memobj.h>

#include "proc.h"
#include "rlimit.h"

struct nproc_count {
	uint32_t uid;
	uint64_t n;
};

static void count_user_tasks(struct proc *q, void *arg)
{
	struct nproc_count *c = arg;

	if (q->state == PROC_DEAD || q->cred.uid != c->uid)
		return;
	c->n += q->nr_tasks > 0 ? (uint64_t)q->nr_tasks : 1;
}

bool rlimit_nproc_ok_locked(const struct proc *p)
{
	uint64_t lim = p->rlim[LINUX_RLIMIT_NPROC].rlim_cur;
	struct nproc_count c = {.uid = p->cred.uid};

	if (lim == LINUX_RLIM_INFINITY)
		return true;
	proc_for_each_locked(count_user_tasks, &c);
	return c.n < lim;
}

bool rlimit_nproc_ok(const struct proc *p)
{
	unsigned long irq = spin_lock_irqsave(&proc_tree_lock);
	bool ok = rlimit_nproc_ok_locked(p);
	spin_unlock_irqrestore(&proc_tree_lock, irq);
	return ok;
}

/* The bytes mapped in as, and of them those inside [lo, hi). */
static void vm_size(struct aspace *as, uintptr_t lo, uintptr_t hi, uint64_t *total,
		    uint64_t *inside)
{
	uintptr_t at = 0;
	struct vma_info vi;

	*total = *inside = 0;
	while (aspace_vma_next(as, &at, &vi)) {
		if (vi.obj)
			memobj_put(vi.obj);
		*total += vi.end - vi.start;
		uintptr_t s = vi.start > lo ? vi.start : lo;
		uintptr_t e = vi.end < hi ? vi.end : hi;
		if (s < e)
			*inside += e - s;
	}
}

bool rlimit_as_ok(struct proc *p, uintptr_t addr, size_t len, bool fixed)
{
	uint64_t lim = p->rlim[LINUX_RLIMIT_AS].rlim_cur, total, inside;

	if (lim == LINUX_RLIM_INFINITY)
		return true;
	if (len > lim)
		return false;
	uintptr_t end = addr + len < addr ? (uintptr_t)UINT64_MAX : addr + len;
	if (!fixed)
		addr = end = 0;
	vm_size(p->as, addr, end, &total, &inside);
	return total - inside + len <= lim;
}

bool rlimit_data_brk_ok(const struct proc *p, uintptr_t new_brk)
{
	uint64_t lim = p->rlim[LINUX_RLIMIT_DATA].rlim_cur;

	return lim == LINUX_RLIM_INFINITY || new_brk - p->brk_start <= lim;
}
