/*
 * The end of tasks and processes.  A task ends alone (exit) or with its
 * whole process (exit_group, a fatal signal, exec's other threads).  The
 * last task to end releases what the process holds, gives its children to
 * the reaper (CT0's init) and tells its parent: SIGCHLD and a wake of
 * wait4, or exit_done for a process the kernel started.  A parent that
 * ignores SIGCHLD, or an orphan with no reaper, is reaped at once.
 */
#include <pallas/aspace.h>
#include <pallas/errno.h>
#include <pallas/fdtable.h>
#include <pallas/kernel.h>
#include <pallas/sched.h>
#include <pallas/tty.h>
#include <pallas/uaccess.h>
#include <pallas/user.h>
#include <pallas/vfs.h>

#include "futex.h"
#include "proc.h"
#include "signal.h"
#include "timers.h"

void proc_release_parts(struct proc *p)
{
	/* Taken out under p->lock, for /proc's proc_files and friends. */
	unsigned long flags = spin_lock_irqsave(&p->lock);
	struct fdtable *files = p->files;
	struct vfs_context *fs = p->fs;
	struct aspace *as = p->as;
	p->files = NULL;
	p->fs = NULL;
	p->as = NULL;
	spin_unlock_irqrestore(&p->lock, flags);
	if (files)
		fdtable_put(files);
	if (fs)
		vfs_context_put(fs);
	if (as)
		aspace_put(as);
}

/* What the process holds goes back before anyone is told it has ended,
 * so a waiter sees its memory and files released. */
static void proc_release(struct proc *p)
{
	thread_set_aspace(NULL);
	proc_release_parts(p);
}

/* Under proc_tree_lock: p's children go to the reaper, or become orphans
 * that reap themselves.  Zombies among them are returned, for reaping once
 * the lock is dropped, through *zombies (linked by sibling). */
static void reparent_children(struct proc *p, struct proc *to, struct list *zombies)
{
	while (!list_empty(&p->children)) {
		struct proc *c = container_of(p->children.next, struct proc, sibling);
		list_remove(&c->sibling);
		c->parent = NULL;
		proc_put(p); /* c's hold on its parent; p is still held by its task */
		if (c->pdeath_signal)
			signal_send_proc_locked(c, c->pdeath_signal, NULL);
		if (to && to != p) {
			proc_get(to);
			c->parent = to;
			list_push_back(&to->children, &c->sibling);
			if (c->state == PROC_ZOMBIE)
				to->child_events++;
		} else if (c->state == PROC_ZOMBIE) {
			list_push_back(zombies, &c->sibling);
		}
	}
}

static bool parent_discards(const struct proc *parent)
{
	const struct linux_sigaction *a = &parent->act[LINUX_SIGCHLD - 1];

	return a->handler == LINUX_SIG_IGN || (a->flags & LINUX_SA_NOCLDWAIT);
}

static void vfork_release(struct proc *p)
{
	struct completion *c = __atomic_exchange_n(&p->vfork_done, NULL, __ATOMIC_ACQ_REL);

	if (c)
		complete_all(c);
}

void proc_vfork_release(struct proc *p)
{
	vfork_release(p);
}

/* The last task has gone: p becomes a zombie for its parent. */
static void proc_finish(struct proc *p, int status)
{
	struct list zombies = LIST_INIT(zombies);

	proc_timers_exit(p); /* no more SIGALRM for a process that is gone */
	proc_release(p);
	vfork_release(p);
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	/* The nearest living subreaper above p takes its orphans, else init. */
	struct proc *to = proc_reaper_locked();
	for (struct proc *up = p->parent; up; up = up->parent) {
		if (up->child_subreaper && up->state == PROC_LIVE) {
			to = up;
			break;
		}
	}
	reparent_children(p, to, &zombies);
	p->exit_code = status;
	p->state = PROC_ZOMBIE;
	p->exited = true;
	struct proc *parent = p->parent;
	bool reap = false;
	if (parent) {
		if (p->exit_signal)
			signal_notify_parent_locked(p, status);
		reap = parent_discards(parent);
		parent->child_events++;
		proc_get(parent);
	} else {
		reap = !p->kernel_waits;
	}
	/* Claimed for its own reap below, so a wait4 running meanwhile cannot
	 * reap it too (it skips the dead, as Linux's wait finds ECHILD). */
	if (reap)
		p->state = PROC_DEAD;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (to)
		waitqueue_wake(&to->child_wait, WAKE_ALL);
	if (parent) {
		waitqueue_wake(&parent->child_wait, WAKE_ALL);
		proc_put(parent);
	}
	complete_all(&p->exit_done);
	if (p->sid == p->pid)
		tty_session_exit(p->sid); /* its terminal hangs up */
	while (!list_empty(&zombies)) {
		struct proc *z = container_of(zombies.next, struct proc, sibling);
		list_remove(&z->sibling);
		proc_reap(z);
	}
	if (reap)
		proc_reap(p);
}

/* A thread's last write: CLONE_CHILD_CLEARTID's word is zeroed and its
 * waiter woken, which is how pthread_join learns of the end. */
static void clear_child_tid(struct task *k)
{
	uint32_t zero = 0;

	if (!k->clear_child_tid || !k->proc->as)
		return;
	if (copy_to_user((void *)k->clear_child_tid, &zero, sizeof(zero)) == 0)
		futex_wake(k->proc->as, k->clear_child_tid, 1);
}

void task_exit(int status)
{
	struct task *k = task_current();
	struct proc *p = k->proc;

	BUG_ON(!k);
	futex_robust_release(k);
	clear_child_tid(k);
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	k->exiting = true;
	list_remove(&k->proc_node);
	bool last = --p->nr_tasks == 0;
	if (p->group_exit)
		status = p->group_exit_code;
	p->utime_ns += thread_self_runtime_ns();
	signal_flush_locked(p, &k->pending);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	futex_pi_exit(k);
	/* Pending signals die with the task; a thread's TID goes back now, the
	 * PID only when the process is reaped. */
	if (k->tid != p->pid)
		proc_tid_free(k->tid);
	if (last)
		proc_finish(p, status);
	else
		thread_set_aspace(NULL);
	user_thread_init(NULL, NULL);
	task_put(k);
	thread_exit();
}

/* Under proc_tree_lock: every task of p but self is to end. */
static void kill_others_locked(struct proc *p, struct task *self)
{
	struct list *n;

	list_for_each(n, &p->tasks)
	{
		struct task *k = container_of(n, struct task, proc_node);
		if (k != self && k->thread)
			thread_interrupt(k->thread);
	}
}

void proc_exit(int status)
{
	struct task *k = task_current();
	struct proc *p = k->proc;

	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	if (!p->group_exit) {
		p->group_exit = true;
		p->group_exit_code = status;
	}
	kill_others_locked(p, k);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	waitqueue_wake(&p->stop_wait, WAKE_ALL);
	task_exit(status);
}

bool proc_group_exiting(const struct proc *p)
{
	return __atomic_load_n(&p->group_exit, __ATOMIC_ACQUIRE);
}

bool proc_exec_killing(const struct proc *p)
{
	struct task *killer = __atomic_load_n(&p->exec_killer, __ATOMIC_ACQUIRE);

	return killer && killer != task_current();
}

void proc_kill_other_tasks(void)
{
	struct task *k = task_current();
	struct proc *p = k->proc;

	/* Each of them sees exec_kill at its next way out and ends; the exec
	 * waits until only it is left. */
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	p->exec_killer = k;
	kill_others_locked(p, k);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	waitqueue_wake(&p->stop_wait, WAKE_ALL);
	while (__atomic_load_n(&p->nr_tasks, __ATOMIC_ACQUIRE) > 1)
		sched_sleep_ns(1000000);
	flags = spin_lock_irqsave(&proc_tree_lock);
	p->exec_killer = NULL;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
}

void proc_exec_take_pid(void)
{
	struct task *k = task_current();
	struct proc *p = k->proc;

	if (k->tid == p->pid)
		return;
	/* The leader is gone (its TID was the PID, kept by the process): the
	 * exec'ing thread becomes it, as Linux's de_thread. */
	int old = k->tid;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	k->tid = p->pid;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	proc_tid_free(old);
}
