/*
 * Scheduling parameters as Linux programs query and set them: nice values
 * (getpriority/setpriority, kept per process; raising one's priority needs
 * root, as Linux's CAP_SYS_NICE) and the policy calls, where Pallas offers
 * SCHED_OTHER only: asking for a real-time policy is EPERM for anyone but
 * root and EINVAL for root, said plainly rather than pretended.
 */
#include <pallas/errno.h>
#include <pallas/sched.h>
#include <pallas/uaccess.h>

#include "proc.h"
#include "sys.h"

#define PRIO_PROCESS   0
#define PRIO_PGRP      1
#define PRIO_USER      2
#define SCHED_OTHER    0
#define SCHED_FIFO     1
#define SCHED_RR       2
#define SCHED_BATCH    3
#define SCHED_IDLE     5
#define SCHED_DEADLINE 6

struct prio_walk {
	int which, who, nice, found;
	bool set, denied;
	const struct proc *self;
};

static bool prio_match(const struct prio_walk *w, const struct proc *p)
{
	if (p->state != PROC_LIVE)
		return false;
	switch (w->which) {
	case PRIO_PROCESS:
		return p->pid == w->who;
	case PRIO_PGRP:
		return p->pgid == w->who;
	default:
		return p->cred.uid == (uint32_t)w->who;
	}
}

static void prio_one(struct proc *p, void *arg)
{
	struct prio_walk *w = arg;

	if (!prio_match(w, p))
		return;
	if (!w->set) {
		/* getpriority reports the highest priority: the lowest nice. */
		if (!w->found || p->nice < w->nice)
			w->nice = p->nice;
		w->found++;
		return;
	}
	w->found++;
	const struct cred *c = &w->self->cred;
	if (c->euid != 0 && (c->euid != p->cred.uid || w->nice < p->nice)) {
		w->denied = true;
		return;
	}
	p->nice = w->nice;
	proc_apply_nice_locked(p);
}

static long prio_walk(struct prio_walk *w, uint64_t which, uint64_t who)
{
	struct proc *self = proc_current();

	if (which > PRIO_USER)
		return -EINVAL;
	w->which = (int)which;
	w->who = (int)who;
	w->self = self;
	if (!w->who)
		w->who = which == PRIO_PROCESS ? self->pid
			 : which == PRIO_PGRP  ? self->pgid
					       : (int)self->cred.uid;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	proc_for_each_locked(prio_one, w);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return w->found ? 0 : -ESRCH;
}

long sys_getpriority(const struct syscall_args *a)
{
	struct prio_walk w = {0};
	long err = prio_walk(&w, a->a[0], a->a[1]);

	return err ? err : 20 - w.nice; /* the kernel's form: 1..40 */
}

long sys_setpriority(const struct syscall_args *a)
{
	int nice = (int)a->a[2];
	struct prio_walk w = {.set = true, .nice = nice < -20 ? -20 : nice > 19 ? 19 : nice};
	long err = prio_walk(&w, a->a[0], a->a[1]);

	if (err)
		return err;
	return w.denied ? (proc_current()->cred.euid ? -EACCES : -EPERM) : 0;
}

static long policy_known(uint64_t policy)
{
	switch (policy & ~0x40000000ull) { /* SCHED_RESET_ON_FORK */
	case SCHED_OTHER:
	case SCHED_BATCH:
	case SCHED_IDLE:
		return 0;
	case SCHED_FIFO:
	case SCHED_RR:
		return 1;
	default:
		return -EINVAL;
	}
}

/* The target of a sched_* call (a pid_t, as Linux takes it): 0 is the
 * caller; a thread's TID names it too. */
static long target_exists(uint64_t arg)
{
	int pid = (int)arg;

	if (pid < 0)
		return -EINVAL;
	if (!pid)
		return 0;
	struct proc *p = proc_find(pid);
	if (p) {
		proc_put(p);
		return 0;
	}
	struct task *k = task_find_tid(pid);
	if (!k)
		return -ESRCH;
	task_put(k);
	return 0;
}

long sys_sched_getscheduler(const struct syscall_args *a)
{
	long err = target_exists(a->a[0]);

	return err ? err : SCHED_OTHER;
}

long sys_sched_getparam(const struct syscall_args *a)
{
	int prio = 0;
	long err = target_exists(a->a[0]);

	if (err)
		return err;
	return copy_to_user((void *)a->a[1], &prio, sizeof(prio)) ? -EFAULT : 0;
}

static long set_param(uint64_t pid, uint64_t policy, uint64_t uparam)
{
	int prio;
	long err = target_exists(pid), rt = policy_known(policy);

	if (err)
		return err;
	if (!uparam)
		return -EINVAL;
	if (copy_from_user(&prio, (const void *)uparam, sizeof(prio)))
		return -EFAULT;
	if (rt < 0)
		return rt;
	if (rt)
		return prio < 1 || prio > 99	   ? -EINVAL
		       : proc_current()->cred.euid ? -EPERM
						   : -EINVAL;
	return prio == 0 ? 0 : -EINVAL;
}

long sys_sched_setscheduler(const struct syscall_args *a)
{
	return set_param(a->a[0], a->a[1], a->a[2]);
}

long sys_sched_setparam(const struct syscall_args *a)
{
	return set_param(a->a[0], SCHED_OTHER, a->a[1]);
}

/* A policy's priority range, as Linux's: 1..99 for the real-time ones, 0
 * for the others (SCHED_DEADLINE too, which sched_setscheduler refuses);
 * the policy exactly, SCHED_RESET_ON_FORK is not taken here. */
static long prio_range(uint64_t policy, bool max)
{
	switch ((int)policy) {
	case SCHED_FIFO:
	case SCHED_RR:
		return max ? 99 : 1;
	case SCHED_OTHER:
	case SCHED_BATCH:
	case SCHED_IDLE:
	case SCHED_DEADLINE:
		return 0;
	default:
		return -EINVAL;
	}
}

long sys_sched_get_priority_max(const struct syscall_args *a)
{
	return prio_range(a->a[0], true);
}

long sys_sched_get_priority_min(const struct syscall_args *a)
{
	return prio_range(a->a[0], false);
}

/* SCHED_OTHER's time slice: the scheduler's. */
long sys_sched_rr_get_interval(const struct syscall_args *a)
{
	long err = target_exists(a->a[0]);

	if (err)
		return err;
	struct linux_timespec ts = {(int64_t)(SCHED_SLICE_NS / 1000000000ull),
				    (int64_t)(SCHED_SLICE_NS % 1000000000ull)};
	return copy_to_user((void *)a->a[1], &ts, sizeof(ts)) ? -EFAULT : 0;
}
