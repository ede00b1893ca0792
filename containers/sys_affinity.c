/*
 * sched_setaffinity and sched_getaffinity: the CPUs a thread may run on.
 * The scheduler pins a thread to one CPU or lets it run on any
 * (thread_set_cpu), so a mask of every online CPU is "any" and any other
 * mask pins the thread to its lowest online CPU; the mask read back is
 * what the thread may run on: every online CPU, or that one.  Linux's
 * rules: pid 0 is the caller, else a TID (a PID is its main thread); the
 * mask set is read up to the kernel's mask size (shorter: the rest is 0),
 * and must hold an online CPU (EINVAL); the one read needs a buffer of
 * whole words with a bit for every CPU (EINVAL), and the call returns the
 * bytes written, the kernel's mask size at most.  A new thread or process
 * inherits its creator's.  Another thread pinned elsewhere is interrupted,
 * and moves on its way out to ring 3 (signal_deliver).
 */
#include <pallas/errno.h>
#include <pallas/sched.h>
#include <pallas/smp.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>

#include "proc.h"
#include "sys.h"

#define MASK_WORDS (MAX_CPUS / 64)

/* The task pid names (0: the caller), with a reference; NULL if none. */
static struct task *target(int pid)
{
	if (pid < 0)
		return NULL;
	if (pid == 0) {
		struct task *k = task_current();
		task_get(k);
		return k;
	}
	return task_find_tid(pid);
}

/* Linux's check_same_owner, or root (CAP_SYS_NICE). */
static bool may_set(const struct task *k)
{
	const struct cred *c = &proc_current()->cred, *t = &k->proc->cred;

	return c->euid == 0 || c->euid == t->uid || c->euid == t->euid;
}

long sys_sched_setaffinity(const struct syscall_args *a)
{
	uint64_t mask[MASK_WORDS] = {0};
	size_t len = (uint32_t)a->a[1];
	unsigned n = cpu_count();

	if (copy_from_user(mask, (const void *)a->a[2], len < sizeof(mask) ? len : sizeof(mask)))
		return -EFAULT;
	struct task *k = target((int)a->a[0]);
	if (!k)
		return -ESRCH;
	long rc = 0;
	int first = -1;
	unsigned online = 0;
	for (unsigned i = 0; i < n; i++) {
		if (mask[i / 64] & (1ull << (i % 64))) {
			if (first < 0)
				first = (int)i;
			online++;
		}
	}
	if (!may_set(k))
		rc = -EPERM;
	else if (first < 0)
		rc = -EINVAL;
	else if (!k->thread || !thread_set_cpu(k->thread, online == n ? CPU_ANY : first))
		rc = -EINVAL;
	else if (k != task_current())
		thread_interrupt(k->thread); /* running elsewhere, it moves on its way out */
	task_put(k);
	return rc;
}

long sys_sched_getaffinity(const struct syscall_args *a)
{
	uint64_t mask[MASK_WORDS] = {0};
	size_t len = (uint32_t)a->a[1];
	unsigned n = cpu_count();

	if (len * 8 < n || len % sizeof(uint64_t))
		return -EINVAL;
	struct task *k = target((int)a->a[0]);
	if (!k)
		return -ESRCH;
	int cpu = k->thread ? thread_pinned_cpu(k->thread) : CPU_ANY;
	task_put(k);
	if (cpu == CPU_ANY) {
		for (unsigned i = 0; i < n; i++)
			mask[i / 64] |= 1ull << (i % 64);
	} else {
		mask[cpu / 64] |= 1ull << (cpu % 64);
	}
	size_t out = len < sizeof(mask) ? len : sizeof(mask);
	return copy_to_user((void *)a->a[2], mask, out) ? -EFAULT : (long)out;
}
