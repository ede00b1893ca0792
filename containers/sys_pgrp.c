/*
 * Process groups and sessions, with POSIX's rules: a process moves itself
 * or a child that has not exec'd, only within its session, only into a
 * group of that session (or a new one named by its own PID); a session
 * leader stays where it is; setsid fails for a group leader.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>

#include "proc.h"
#include "sys.h"

struct group_probe {
	int pgid, sid;
	bool in_session, any;
};

static void probe_one(struct proc *p, void *arg)
{
	struct group_probe *g = arg;

	if (p->state == PROC_DEAD || p->pgid != g->pgid)
		return;
	g->any = true;
	if (p->sid == g->sid)
		g->in_session = true;
}

static struct group_probe probe_locked(int pgid, int sid)
{
	struct group_probe g = {.pgid = pgid, .sid = sid};

	proc_for_each_locked(probe_one, &g);
	return g;
}

long sys_setpgid(const struct syscall_args *a)
{
	struct proc *self = proc_current();
	int pid = (int)a->a[0], pgid = (int)a->a[1];
	long rc = 0;

	if (pgid < 0)
		return -EINVAL;
	struct proc *t = pid ? proc_find(pid) : self;
	if (!t)
		return -ESRCH;
	if (!pid)
		proc_get(t);
	if (!pgid)
		pgid = t->pid;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	if (t != self && t->parent != self)
		rc = -ESRCH;
	else if (t->state != PROC_LIVE)
		rc = -ESRCH;
	else if (t != self && t->did_exec)
		rc = -EACCES;
	else if (t->sid != self->sid || t->sid == t->pid)
		rc = -EPERM;
	else if (pgid != t->pid && !probe_locked(pgid, self->sid).in_session)
		rc = -EPERM;
	else
		t->pgid = pgid;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	proc_put(t);
	return rc;
}

long sys_getpgid(const struct syscall_args *a)
{
	int pid = (int)a->a[0];

	if (!pid)
		return proc_current()->pgid;
	struct proc *p = proc_find(pid);
	if (!p)
		return -ESRCH;
	long pgid = p->state == PROC_LIVE || p->state == PROC_ZOMBIE ? p->pgid : -ESRCH;
	proc_put(p);
	return pgid;
}

long sys_getpgrp(const struct syscall_args *a)
{
	return proc_current()->pgid;
}

long sys_getsid(const struct syscall_args *a)
{
	int pid = (int)a->a[0];

	if (!pid)
		return proc_current()->sid;
	struct proc *p = proc_find(pid);
	if (!p)
		return -ESRCH;
	long sid = p->state == PROC_DEAD ? -ESRCH : p->sid;
	proc_put(p);
	return sid;
}

long sys_setsid(const struct syscall_args *a)
{
	struct proc *self = proc_current();
	long rc;

	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	if (self->pgid == self->pid || probe_locked(self->pid, -1).any) {
		rc = -EPERM;
	} else {
		self->pgid = self->sid = self->pid;
		rc = self->pid;
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return rc;
}
