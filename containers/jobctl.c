/*
 * The terminal's job control (pallas/tty.h), answered from the process
 * tree: groups, sessions and signals are the personality's.
 */
#include <pallas/boot_hook.h>
#include <pallas/tty.h>

#include "proc.h"
#include "signal.h"

static int caller_pgrp(void)
{
	struct proc *p = proc_current();

	return p ? p->pgid : 0;
}

static int caller_sid(void)
{
	struct proc *p = proc_current();

	return p ? p->sid : 0;
}

static bool caller_is_session_leader(void)
{
	struct proc *p = proc_current();

	return p && p->sid == p->pid;
}

static bool caller_ignores(int sig)
{
	struct task *k = task_current();

	if (!k || sig < 1 || sig > LINUX_NSIG)
		return false;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	bool ign = (k->sigblocked & SIGBIT(sig)) || k->proc->act[sig - 1].handler == LINUX_SIG_IGN;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return ign;
}

struct group_find {
	int pgrp, sid;
	bool found, in_session;
};

static void group_find_one(struct proc *p, void *arg)
{
	struct group_find *g = arg;

	if (p->state != PROC_LIVE || p->pgid != g->pgrp)
		return;
	if (!g->found)
		g->sid = p->sid;
	g->found = true;
}

static struct group_find group_find(int pgrp)
{
	struct group_find g = {.pgrp = pgrp};

	proc_for_each_locked(group_find_one, &g);
	return g;
}

static bool pgrp_in_session(int pgrp, int sid)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct group_find g = group_find(pgrp);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return g.found && g.sid == sid;
}

static bool pgrp_orphaned(int pgrp)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct group_find g = group_find(pgrp);
	bool orphaned = !g.found || pgrp_orphaned_locked(pgrp, g.sid);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return orphaned;
}

static void kill_pgrp(int pgrp, int sig)
{
	if (pgrp > 0)
		signal_send_pgrp(pgrp, sig, NULL);
}

static const struct tty_jobctl linux_jobctl = {
    .caller_pgrp = caller_pgrp,
    .caller_sid = caller_sid,
    .caller_is_session_leader = caller_is_session_leader,
    .caller_ignores = caller_ignores,
    .pgrp_in_session = pgrp_in_session,
    .pgrp_orphaned = pgrp_orphaned,
    .kill_pgrp = kill_pgrp,
};

static void jobctl_hook(const char *cmdline)
{
	tty_set_jobctl(&linux_jobctl);
}

BOOT_HOOK_EARLY(jobctl, jobctl_hook);
