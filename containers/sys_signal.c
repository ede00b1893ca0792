/*
 * The signal system calls: actions, masks, waiting for signals, the
 * alternate stack, and sending (kill, tkill, tgkill).  Permission to send
 * is Linux's: root, or a real or effective uid matching the target's real
 * or saved uid.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/sched.h>
#include <pallas/time.h>
#include <pallas/uaccess.h>
#include <pallas/user.h>

#include "proc.h"
#include "signal.h"
#include "sys.h"
#include "wait_args.h"

#define SIGSET_SIZE 8 /* what rt_sig* calls accept as sigsetsize */

static bool sig_valid(uint64_t sig)
{
	return sig >= 1 && sig <= LINUX_NSIG;
}

long sys_rt_sigaction(const struct syscall_args *a)
{
	uint64_t sig = a->a[0];
	struct linux_sigaction act, old;
	struct proc *p = proc_current();

	if (a->a[3] != SIGSET_SIZE)
		return -EINVAL;
	if (!sig_valid(sig))
		return -EINVAL;
	if (a->a[1] && copy_from_user(&act, (void *)a->a[1], sizeof(act)))
		return -EFAULT;
	if (a->a[1] && (sig == LINUX_SIGKILL || sig == LINUX_SIGSTOP))
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	old = p->act[sig - 1];
	if (a->a[1]) {
		act.mask &= ~SIG_UNBLOCKABLE;
		p->act[sig - 1] = act;
		/* POSIX: setting SIG_IGN (or a default that ignores) drops what is
		 * pending. */
		if (act.handler == LINUX_SIG_IGN ||
		    (act.handler == LINUX_SIG_DFL &&
		     (sig == LINUX_SIGCHLD || sig == LINUX_SIGWINCH || sig == LINUX_SIGURG))) {
			signal_discard_locked(p, SIGBIT(sig));
		}
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (a->a[2] && copy_to_user((void *)a->a[2], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigprocmask(const struct syscall_args *a)
{
	struct task *k = task_current();
	uint64_t set = 0, old;

	if (a->a[3] != SIGSET_SIZE)
		return -EINVAL;
	if (a->a[1] && copy_from_user(&set, (void *)a->a[1], sizeof(set)))
		return -EFAULT;
	if (a->a[1] && a->a[0] > LINUX_SIG_SETMASK)
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	old = k->sigblocked;
	if (a->a[1]) {
		switch (a->a[0]) {
		case LINUX_SIG_BLOCK:
			k->sigblocked |= set;
			break;
		case LINUX_SIG_UNBLOCK:
			k->sigblocked &= ~set;
			break;
		default:
			k->sigblocked = set;
		}
		k->sigblocked &= ~SIG_UNBLOCKABLE;
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (a->a[1])
		signal_recalc_self();
	if (a->a[2] && copy_to_user((void *)a->a[2], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

long sys_rt_sigpending(const struct syscall_args *a)
{
	struct task *k = task_current();

	if (a->a[1] > SIGSET_SIZE)
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	uint64_t set = (k->pending.set | k->proc->shared_pending.set) & k->sigblocked;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return copy_to_user((void *)a->a[0], &set, a->a[1]) ? -EFAULT : 0;
}

long sys_rt_sigsuspend(const struct syscall_args *a)
{
	uint64_t mask;

	if (a->a[1] != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&mask, (void *)a->a[0], sizeof(mask)))
		return -EFAULT;
	signal_set_temporary_mask(mask);
	while (!signal_pending())
		sched_sleep_until_interruptible(UINT64_MAX);
	return -ERESTARTNOHAND;
}

long sys_pause(const struct syscall_args *a)
{
	while (!signal_pending())
		sched_sleep_until_interruptible(UINT64_MAX);
	return -ERESTARTNOHAND;
}

/* rt_sigtimedwait(set, info, timeout, sigsetsize): takes one of set, even
 * though it is blocked, without running its handler. */
long sys_rt_sigtimedwait(const struct syscall_args *a)
{
	struct task *k = task_current();
	uint64_t set, deadline;

	if (a->a[3] != SIGSET_SIZE)
		return -EINVAL;
	if (copy_from_user(&set, (void *)a->a[0], sizeof(set)))
		return -EFAULT;
	int err = wait_deadline_timespec(a->a[2], &deadline);
	if (err)
		return err;
	set &= ~SIG_UNBLOCKABLE;
	for (;;) {
		struct linux_siginfo info;
		unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
		int sig = signal_take_locked(k, set, &info);
		if (sig) {
			spin_unlock_irqrestore(&proc_tree_lock, flags);
			if (a->a[1] && copy_to_user((void *)a->a[1], &info, sizeof(info)))
				return -EFAULT;
			return sig;
		}
		/* Blocked signals of set do not interrupt: the wait must see
		 * them, so they count as unblocked while it sleeps. */
		uint64_t was = k->sigblocked;
		k->sigblocked &= ~set;
		spin_unlock_irqrestore(&proc_tree_lock, flags);
		bool other = signal_pending();
		bool slept = !other && sched_sleep_until_interruptible(deadline);
		flags = spin_lock_irqsave(&proc_tree_lock);
		k->sigblocked = was | (k->sigblocked & ~set);
		bool ours = ((k->pending.set | k->proc->shared_pending.set) & set) != 0;
		spin_unlock_irqrestore(&proc_tree_lock, flags);
		if (ours)
			continue;
		if (other || !slept)
			return signal_pending() ? -EINTR : -EAGAIN;
		return -EAGAIN;
	}
}

long sys_rt_sigreturn(const struct syscall_args *a)
{
	return signal_frame_return(user_frame());
}

long sys_sigaltstack(const struct syscall_args *a)
{
	struct task *k = task_current();
	struct linux_stack ss, old = k->altstack;
	uint64_t sp = user_frame()->rsp;
	bool on =
	    !(old.ss_flags & LINUX_SS_DISABLE) && sp > old.ss_sp && sp - old.ss_sp <= old.ss_size;

	old.ss_flags = on ? LINUX_SS_ONSTACK : old.ss_flags;
	if (a->a[0]) {
		if (copy_from_user(&ss, (void *)a->a[0], sizeof(ss)))
			return -EFAULT;
		if (on)
			return -EPERM;
		uint32_t mode = (uint32_t)ss.ss_flags & ~LINUX_SS_AUTODISARM;
		if (mode != LINUX_SS_DISABLE && mode != LINUX_SS_ONSTACK && mode != 0)
			return -EINVAL;
		if (mode == LINUX_SS_DISABLE) {
			k->altstack = (struct linux_stack){.ss_flags = LINUX_SS_DISABLE};
		} else {
			if (ss.ss_size < LINUX_MINSIGSTKSZ)
				return -ENOMEM;
			if (ss.ss_sp >= USER_TOP || ss.ss_size > USER_TOP - ss.ss_sp)
				return -EFAULT;
			k->altstack = (struct linux_stack){
			    .ss_sp = ss.ss_sp,
			    .ss_size = ss.ss_size,
			    .ss_flags = (int32_t)((uint32_t)ss.ss_flags & LINUX_SS_AUTODISARM)};
		}
	}
	if (a->a[1] && copy_to_user((void *)a->a[1], &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

static bool may_signal(const struct proc *from, const struct proc *to)
{
	const struct cred *c = &from->cred, *t = &to->cred;

	return c->euid == 0 || c->euid == t->uid || c->euid == t->suid || c->uid == t->uid ||
	       c->uid == t->suid;
}

static struct linux_siginfo user_info(int sig, int code)
{
	struct proc *p = proc_current();
	struct linux_siginfo si = {.si_signo = sig, .si_code = code};

	si.proc.pid = p->pid;
	si.proc.uid = p->cred.uid;
	return si;
}

struct kill_all {
	struct proc *self;
	int sig, found, sent;
	struct linux_siginfo info;
	int pgid; /* 0: every process but init and self */
};

static void kill_one(struct proc *p, void *arg)
{
	struct kill_all *k = arg;

	if (p->state != PROC_LIVE)
		return;
	if (k->pgid ? p->pgid != k->pgid : (p->pid == 1 || p == k->self || p->kernel_waits))
		return;
	k->found++;
	if (!may_signal(k->self, p))
		return;
	k->sent++;
	signal_send_proc_locked(p, k->sig, &k->info);
}

static long kill_many(int pgid, int sig)
{
	struct kill_all k = {.self = proc_current(),
			     .sig = sig,
			     .info = user_info(sig, LINUX_SI_USER),
			     .pgid = pgid};

	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	proc_for_each_locked(kill_one, &k);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (!k.found)
		return -ESRCH;
	return k.sent ? 0 : -EPERM;
}

long sys_kill(const struct syscall_args *a)
{
	int pid = (int)a->a[0];
	int sig = (int)a->a[1];
	struct proc *self = proc_current();

	if (sig < 0 || sig > LINUX_NSIG)
		return -EINVAL;
	if (pid == -1)
		return kill_many(0, sig);
	if (pid == 0 || pid < -1)
		return kill_many(pid == 0 ? self->pgid : -pid, sig);
	struct proc *p = proc_find(pid);
	if (!p) {
		/* A thread's TID names its thread group, as on Linux. */
		struct task *k = task_find_tid(pid);
		if (!k)
			return -ESRCH;
		p = k->proc;
		proc_get(p);
		task_put(k);
	}
	struct linux_siginfo si = user_info(sig, LINUX_SI_USER);
	long rc = !may_signal(self, p) ? -EPERM : signal_send_proc(p, sig, &si);
	proc_put(p);
	return rc;
}

static long send_to_thread(int tgid, int tid, int sig)
{
	struct proc *self = proc_current();
	struct linux_siginfo si = user_info(sig, LINUX_SI_TKILL);

	if (tid <= 0 || sig < 0 || sig > LINUX_NSIG)
		return -EINVAL;
	struct task *k = task_find_tid(tid);
	long rc = -ESRCH;
	if (k && (tgid < 0 || k->proc->pid == tgid))
		rc = !may_signal(self, k->proc) ? -EPERM : sig ? signal_send_task(k, sig, &si) : 0;
	if (k)
		task_put(k);
	return rc;
}

long sys_tkill(const struct syscall_args *a)
{
	return send_to_thread(-1, (int)a->a[0], (int)a->a[1]);
}

long sys_tgkill(const struct syscall_args *a)
{
	if ((int)a->a[0] <= 0)
		return -EINVAL;
	return send_to_thread((int)a->a[0], (int)a->a[1], (int)a->a[2]);
}

/*
 * rt_sigqueueinfo(tgid, sig, info) and rt_tgsigqueueinfo(tgid, tid, sig,
 * info): a signal with the caller's siginfo (sigqueue's SI_QUEUE and its
 * value), to a process or one thread.  Linux's do_rt_sigqueueinfo: a code
 * of the kernel's or kill's (>= 0) or tkill's is only for the caller
 * itself, compared by TID.
 */
static bool forged_info(const struct linux_siginfo *si, int target_tid)
{
	return (si->si_code >= 0 || si->si_code == LINUX_SI_TKILL) &&
	       target_tid != task_current()->tid;
}

long sys_rt_sigqueueinfo(const struct syscall_args *a)
{
	int pid = (int)a->a[0], sig = (int)a->a[1];
	struct linux_siginfo si;

	if (copy_from_user(&si, (const void *)a->a[2], sizeof(si)))
		return -EFAULT;
	si.si_signo = sig;
	if (forged_info(&si, pid))
		return -EPERM;
	struct proc *p = pid > 0 ? proc_find(pid) : NULL;
	if (!p)
		return -ESRCH;
	long rc = sig < 0 || sig > LINUX_NSIG	   ? -EINVAL
		  : !may_signal(proc_current(), p) ? -EPERM
						   : signal_send_proc(p, sig, &si);
	proc_put(p);
	return rc;
}

long sys_rt_tgsigqueueinfo(const struct syscall_args *a)
{
	int tgid = (int)a->a[0], tid = (int)a->a[1], sig = (int)a->a[2];
	struct linux_siginfo si;

	if (copy_from_user(&si, (const void *)a->a[3], sizeof(si)))
		return -EFAULT;
	si.si_signo = sig;
	if (tid <= 0 || tgid <= 0)
		return -EINVAL;
	if (forged_info(&si, tid))
		return -EPERM;
	struct task *k = task_find_tid(tid);
	long rc = -ESRCH;
	if (k && k->proc->pid == tgid)
		rc = sig < 0 || sig > LINUX_NSIG	    ? -EINVAL
		     : !may_signal(proc_current(), k->proc) ? -EPERM
		     : sig				    ? signal_send_task(k, sig, &si)
							    : 0;
	if (k)
		task_put(k);
	return rc;
}
