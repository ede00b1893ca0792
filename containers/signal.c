/*
 * Sending and delivering signals.  A sender marks the signal pending (one
 * per number), picks a task that does not block it and interrupts it
 * (thread_interrupt), which ends an interruptible wait; the task takes the
 * signal in signal_deliver on its way out to ring 3.  Stops and SIGKILL act
 * on the whole process at once, as in Linux.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/percpu.h>
#include <pallas/sched.h>
#include <pallas/signalfd.h>
#include <pallas/string.h>
#include <pallas/waitqueue.h>

#include "proc.h"
#include "rseq.h"
#include "signal.h"

#define RLIMIT_SIGPENDING 11 /* Linux's number */

enum sig_default { SIGDFL_TERM, SIGDFL_CORE, SIGDFL_IGNORE, SIGDFL_STOP, SIGDFL_CONT };

static enum sig_default sig_default(int sig)
{
	switch (sig) {
	case LINUX_SIGCHLD:
	case LINUX_SIGURG:
	case LINUX_SIGWINCH:
		return SIGDFL_IGNORE;
	case LINUX_SIGCONT:
		return SIGDFL_CONT;
	case LINUX_SIGSTOP:
	case LINUX_SIGTSTP:
	case LINUX_SIGTTIN:
	case LINUX_SIGTTOU:
		return SIGDFL_STOP;
	case LINUX_SIGQUIT:
	case LINUX_SIGILL:
	case LINUX_SIGTRAP:
	case LINUX_SIGABRT:
	case LINUX_SIGBUS:
	case LINUX_SIGFPE:
	case LINUX_SIGSEGV:
	case LINUX_SIGXCPU:
	case LINUX_SIGXFSZ:
	case LINUX_SIGSYS:
		return SIGDFL_CORE;
	default:
		return SIGDFL_TERM;
	}
}

#define STOP_SIGS                                                                \
	(SIGBIT(LINUX_SIGSTOP) | SIGBIT(LINUX_SIGTSTP) | SIGBIT(LINUX_SIGTTIN) | \
	 SIGBIT(LINUX_SIGTTOU))

void signal_set_temporary_mask(uint64_t mask)
{
	struct task *k = task_current();

	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	if (!k->restore_sigmask) {
		k->saved_sigmask = k->sigblocked;
		k->restore_sigmask = true;
	}
	k->sigblocked = mask & ~SIG_UNBLOCKABLE;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
}

static bool ignored_locked(const struct proc *p, int sig)
{
	uint64_t h = p->act[sig - 1].handler;

	if (h == LINUX_SIG_IGN)
		return true;
	return h == LINUX_SIG_DFL && sig_default(sig) == SIGDFL_IGNORE;
}

/* A kept siginfo more for p, within RLIMIT_SIGPENDING unless override. */
static bool sigq_charge(struct proc *p, bool override)
{
	if (!override && (uint64_t)p->sigq_count >= p->rlim[RLIMIT_SIGPENDING].rlim_cur)
		return false;
	p->sigq_count++;
	return true;
}

/*
 * Linux's __send_signal_locked: a standard signal already pending
 * coalesces; one from the kernel or kill (si_code >= 0) is kept beyond the
 * limit.  Every real-time instance is queued; one past the limit fails
 * with EAGAIN, unless kill (SI_USER) or the kernel sent it: then it is
 * pending without its siginfo.  1: sig is pending now, 0: coalesced.
 */
static int pending_queue(struct proc *p, struct sigpending *q, int sig,
			 const struct linux_siginfo *info, bool kernel)
{
	uint64_t bit = SIGBIT(sig);

	if (sig < LINUX_SIGRTMIN) {
		if (q->set & bit)
			return 0; /* coalesced */
		q->set |= bit;
		if (sigq_charge(p, kernel || info->si_code >= 0)) {
			q->counted |= bit;
			q->info[sig - 1] = *info;
		}
		return 1;
	}
	bool override = kernel || info->si_code > 0 || info->si_code == LINUX_SI_TIMER;
	struct sigqueue *e = NULL;
	if (sigq_charge(p, override)) {
		e = kmalloc(sizeof(*e));
		if (!e)
			p->sigq_count--;
	}
	if (!e) {
		if (!kernel && info->si_code != LINUX_SI_USER)
			return -EAGAIN;
		q->set |= bit; /* its siginfo is lost */
		return 1;
	}
	e->next = NULL;
	e->info = *info;
	struct sigqueue **t = &q->rt;
	while (*t)
		t = &(*t)->next;
	*t = e;
	q->set |= bit;
	return 1;
}

/* pending_queue, and signalfd readers hear of a signal made pending. */
static int pending_add(struct proc *p, struct sigpending *q, int sig,
		       const struct linux_siginfo *info, bool kernel)
{
	int rc = pending_queue(p, q, sig, info, kernel);

	if (rc > 0)
		signalfd_notify();
	return rc < 0 ? rc : 0;
}

/* Takes sig (pending in q, a queue of p or of one of its tasks): its
 * oldest instance, or for one whose siginfo was lost, Linux's SI_USER
 * from pid 0. */
static void take_locked(struct proc *p, struct sigpending *q, int sig, struct linux_siginfo *info)
{
	uint64_t bit = SIGBIT(sig);
	struct sigqueue **pp = &q->rt, *e = NULL;

	*info = (struct linux_siginfo){.si_signo = sig, .si_code = LINUX_SI_USER};
	if (sig < LINUX_SIGRTMIN) {
		if (q->counted & bit) {
			*info = q->info[sig - 1];
			p->sigq_count--;
		}
		q->set &= ~bit;
		q->counted &= ~bit;
		return;
	}
	while ((e = *pp) && e->info.si_signo != sig)
		pp = &e->next;
	if (!e) {
		q->set &= ~bit;
		return;
	}
	*pp = e->next;
	*info = e->info;
	kfree(e);
	p->sigq_count--;
	for (e = *pp; e && e->info.si_signo != sig; e = e->next)
		;
	if (!e)
		q->set &= ~bit;
}

int signal_take_locked(struct task *k, uint64_t set, struct linux_siginfo *info)
{
	struct sigpending *qs[2] = {&k->pending, &k->proc->shared_pending};

	for (int i = 0; i < 2; i++) {
		uint64_t ready = qs[i]->set & set;
		if (!ready)
			continue;
		int sig = __builtin_ctzll(ready) + 1;
		take_locked(k->proc, qs[i], sig, info);
		return sig;
	}
	return 0;
}

/* Every signal of set goes from q, a queue of p or of one of its tasks. */
static void discard_locked(struct proc *p, struct sigpending *q, uint64_t set)
{
	struct sigqueue **pp = &q->rt, *e;

	for (uint64_t c = q->counted & set; c; c &= c - 1)
		p->sigq_count--;
	q->counted &= ~set;
	q->set &= ~set;
	while ((e = *pp)) {
		if (SIGBIT(e->info.si_signo) & set) {
			*pp = e->next;
			kfree(e);
			p->sigq_count--;
		} else {
			pp = &e->next;
		}
	}
}

void signal_discard_locked(struct proc *p, uint64_t set)
{
	struct list *n;

	discard_locked(p, &p->shared_pending, set);
	list_for_each(n, &p->tasks)
	    discard_locked(p, &container_of(n, struct task, proc_node)->pending, set);
}

void signal_flush_locked(struct proc *p, struct sigpending *q)
{
	discard_locked(p, q, ~0ull);
}

struct linux_siginfo *signal_find_timer_locked(struct sigpending *q, int sig, int timerid)
{
	if (!(q->set & SIGBIT(sig)))
		return NULL;
	if (sig < LINUX_SIGRTMIN) {
		struct linux_siginfo *si = &q->info[sig - 1];
		return (q->counted & SIGBIT(sig)) && si->si_code == LINUX_SI_TIMER &&
			       si->timer.tid == timerid
			   ? si
			   : NULL;
	}
	for (struct sigqueue *e = q->rt; e; e = e->next)
		if (e->info.si_signo == sig && e->info.si_code == LINUX_SI_TIMER &&
		    e->info.timer.tid == timerid)
			return &e->info;
	return NULL;
}

void signal_drop_timer_locked(struct proc *p, struct sigpending *q, int sig, int timerid)
{
	struct linux_siginfo *si = signal_find_timer_locked(q, sig, timerid);

	if (!si)
		return;
	if (sig < LINUX_SIGRTMIN) {
		discard_locked(p, q, SIGBIT(sig));
		return;
	}
	struct sigqueue **pp = &q->rt, *e;
	while ((e = *pp) && &e->info != si)
		pp = &e->next;
	*pp = e->next;
	kfree(e);
	p->sigq_count--;
	for (e = q->rt; e && e->info.si_signo != sig; e = e->next)
		;
	if (!e)
		q->set &= ~SIGBIT(sig);
}

static void interrupt_task(struct task *k)
{
	if (k->thread)
		thread_interrupt(k->thread);
}

static void interrupt_all_locked(struct proc *p)
{
	struct list *n;

	list_for_each(n, &p->tasks) interrupt_task(container_of(n, struct task, proc_node));
}

/* The task that takes a process-directed sig now: the caller if it can
 * (so a process that signals itself sees it before kill returns), else
 * the first that does not block it. */
static struct task *pick_task_locked(struct proc *p, int sig)
{
	struct task *self = task_current();
	struct list *n;

	if (self && self->proc == p && !(self->sigblocked & SIGBIT(sig)))
		return self;
	list_for_each(n, &p->tasks)
	{
		struct task *k = container_of(n, struct task, proc_node);
		if (!k->exiting && !(k->sigblocked & SIGBIT(sig)))
			return k;
	}
	return NULL;
}

static void notify_parent_locked(struct proc *p, int code, int status)
{
	struct proc *parent = p->parent;

	if (!parent)
		return;
	parent->child_events++;
	if (code == LINUX_CLD_EXITED || code == LINUX_CLD_KILLED || code == LINUX_CLD_DUMPED ||
	    !(parent->act[LINUX_SIGCHLD - 1].flags & LINUX_SA_NOCLDSTOP)) {
		struct linux_siginfo si = {.si_signo = LINUX_SIGCHLD, .si_code = code};
		si.proc.pid = p->pid;
		si.proc.uid = p->cred.uid;
		si.proc.chld.status = status;
		si.proc.chld.utime = (int64_t)(p->utime_ns / 10000000); /* clock ticks */
		signal_send_proc_locked(parent,
					code <= LINUX_CLD_DUMPED && p->exit_signal ? p->exit_signal
										   : LINUX_SIGCHLD,
					&si);
	}
	waitqueue_wake(&parent->child_wait, WAKE_ALL);
}

void signal_notify_parent_locked(struct proc *p, int status)
{
	int code, st;

	if ((status & 0x7f) == 0) {
		code = LINUX_CLD_EXITED;
		st = (status >> 8) & 0xff;
	} else {
		code = status & 0x80 ? LINUX_CLD_DUMPED : LINUX_CLD_KILLED;
		st = status & 0x7f;
	}
	notify_parent_locked(p, code, st);
}

/* What sending sig does before it is queued: SIGKILL ends the process,
 * SIGCONT resumes it and cancels pending stops, a stop cancels SIGCONT. */
static bool prepare_locked(struct proc *p, int sig)
{
	if (sig == LINUX_SIGKILL) {
		if (!p->group_exit) {
			p->group_exit = true;
			p->group_exit_code = linux_status_signaled(LINUX_SIGKILL);
		}
		p->stopped = false;
		interrupt_all_locked(p);
		waitqueue_wake(&p->stop_wait, WAKE_ALL);
		return false;
	}
	if (SIGBIT(sig) & STOP_SIGS)
		signal_discard_locked(p, SIGBIT(LINUX_SIGCONT));
	if (sig == LINUX_SIGCONT) {
		signal_discard_locked(p, STOP_SIGS);
		if (p->stopped) {
			__atomic_store_n(&p->stopped, false, __ATOMIC_RELEASE);
			p->stop_unreported = false;
			p->cont_unreported = true;
			waitqueue_wake(&p->stop_wait, WAKE_ALL);
			notify_parent_locked(p, LINUX_CLD_CONTINUED, LINUX_SIGCONT);
		}
	}
	return true;
}

static struct linux_siginfo kernel_info(int sig)
{
	return (struct linux_siginfo){.si_signo = sig, .si_code = LINUX_SI_KERNEL};
}

int signal_send_proc_locked(struct proc *p, int sig, const struct linux_siginfo *info)
{
	if (sig < 0 || sig > LINUX_NSIG)
		return -EINVAL;
	if (sig == 0 || p->state != PROC_LIVE || p->group_exit)
		return 0;
	if (!prepare_locked(p, sig))
		return 0;
	struct task *k = pick_task_locked(p, sig);
	if (ignored_locked(p, sig) && k)
		return 0; /* blocked everywhere: kept, the handler may change */
	struct linux_siginfo si = info ? *info : kernel_info(sig);
	si.si_signo = sig;
	int err = pending_add(p, &p->shared_pending, sig, &si, !info);
	if (!err && k)
		interrupt_task(k);
	return err;
}

int signal_send_proc(struct proc *p, int sig, const struct linux_siginfo *info)
{
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	int rc = signal_send_proc_locked(p, sig, info);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return rc;
}

int signal_send_task(struct task *k, int sig, const struct linux_siginfo *info)
{
	struct proc *p = k->proc;
	int rc = 0;

	if (sig < 0 || sig > LINUX_NSIG)
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	if (sig && !k->exiting && p->state == PROC_LIVE && !p->group_exit &&
	    prepare_locked(p, sig) && !(ignored_locked(p, sig) && !(k->sigblocked & SIGBIT(sig)))) {
		struct linux_siginfo si = info ? *info : kernel_info(sig);
		si.si_signo = sig;
		rc = pending_add(p, &k->pending, sig, &si, !info);
		if (!rc && !(k->sigblocked & SIGBIT(sig)))
			interrupt_task(k);
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return rc;
}

struct pgrp_send {
	int pgid, sig, found;
	const struct linux_siginfo *info;
};

static void pgrp_send_one(struct proc *p, void *arg)
{
	struct pgrp_send *s = arg;

	if (p->pgid == s->pgid && p->state == PROC_LIVE) {
		s->found++;
		signal_send_proc_locked(p, s->sig, s->info);
	}
}

int signal_send_pgrp(int pgid, int sig, const struct linux_siginfo *info)
{
	struct pgrp_send s = {.pgid = pgid, .sig = sig, .info = info};

	if (sig < 0 || sig > LINUX_NSIG)
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	proc_for_each_locked(pgrp_send_one, &s);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return s.found ? 0 : -ESRCH;
}

struct orphan_check {
	int pgid, sid;
	bool orphaned;
};

static void orphan_check_one(struct proc *p, void *arg)
{
	struct orphan_check *c = arg;
	struct proc *parent = p->parent;

	if (p->pgid != c->pgid || p->state != PROC_LIVE || !parent)
		return;
	if (parent->pgid != c->pgid && parent->sid == c->sid)
		c->orphaned = false;
}

bool pgrp_orphaned_locked(int pgid, int sid)
{
	struct orphan_check c = {.pgid = pgid, .sid = sid, .orphaned = true};

	proc_for_each_locked(orphan_check_one, &c);
	return c.orphaned;
}

void signal_force_fault(int sig, int code, uint64_t addr)
{
	struct task *k = task_current();
	struct proc *p = k->proc;
	struct linux_siginfo si = {.si_signo = sig, .si_code = code};

	si.fault.addr = addr;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct linux_sigaction *a = &p->act[sig - 1];
	if ((k->sigblocked & SIGBIT(sig)) || a->handler == LINUX_SIG_IGN) {
		a->handler = LINUX_SIG_DFL;
		k->sigblocked &= ~SIGBIT(sig);
	}
	/* A second fault of the same kind while the first is pending (its
	 * handler's frame could not be written) must not be lost in the
	 * coalescing: it replaces the first. */
	discard_locked(p, &k->pending, SIGBIT(sig));
	pending_add(p, &k->pending, sig, &si, true);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	thread_interrupt(thread_current());
}

static uint64_t deliverable_locked(const struct task *k)
{
	return (k->pending.set | k->proc->shared_pending.set) & ~k->sigblocked;
}

bool signal_pending(void)
{
	struct task *k = task_current();
	struct proc *p = k->proc;

	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	bool pending = deliverable_locked(k) || p->group_exit || p->stopped ||
		       (p->exec_killer && p->exec_killer != k);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return pending;
}

/* The lowest deliverable signal, the task's own before the process's,
 * removed from its set; 0 if none. */
static int dequeue_locked(struct task *k, struct linux_siginfo *info)
{
	return signal_take_locked(k, ~k->sigblocked, info);
}

/* Process-directed signals this task blocks may have come to it while
 * another could take them: that one is interrupted, as Linux's
 * recalc_sigpending_and_wake would. */
static void pass_on_locked(struct proc *p, struct task *self)
{
	uint64_t left = p->shared_pending.set & self->sigblocked;

	if (!left)
		return;
	struct task *k = pick_task_locked(p, __builtin_ctzll(left) + 1);
	if (k && k != self)
		interrupt_task(k);
}

void signal_recalc_self(void)
{
	struct task *k = task_current();

	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	if (deliverable_locked(k))
		thread_interrupt(thread_current());
	spin_unlock_irqrestore(&proc_tree_lock, flags);
}

static void stop_locked(struct proc *p, int sig)
{
	__atomic_store_n(&p->stopped, true, __ATOMIC_RELEASE);
	p->stop_sig = sig;
	p->stop_unreported = true;
	p->cont_unreported = false;
	interrupt_all_locked(p);
	notify_parent_locked(p, LINUX_CLD_STOPPED, sig);
}

static bool stop_over(struct proc *p, struct task *k)
{
	return !__atomic_load_n(&p->stopped, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&p->group_exit, __ATOMIC_ACQUIRE) ||
	       (__atomic_load_n(&p->exec_killer, __ATOMIC_ACQUIRE) &&
		__atomic_load_n(&p->exec_killer, __ATOMIC_ACQUIRE) != k);
}

/*
 * An interrupted system call: with no handler to run it starts again (the
 * SYSCALL instruction once more, with its number back in RAX); a handler
 * makes it fail with EINTR unless SA_RESTART asks for the restart and the
 * call allows it.  Linux's rules, from its handle_signal and
 * arch_do_signal_or_restart.
 */
static void syscall_restart(struct trap_frame *f, struct task *k, const struct linux_sigaction *act)
{
	if (k->syscall_nr < 0)
		return;
	switch ((long)f->rax) {
	case -ERESTARTNOHAND:
	case -ERESTART_RESTARTBLOCK:
		if (act) {
			f->rax = (uint64_t)-EINTR;
			break;
		}
		goto restart;
	case -ERESTARTSYS:
		if (act && !(act->flags & LINUX_SA_RESTART)) {
			f->rax = (uint64_t)-EINTR;
			break;
		}
		goto restart;
	case -ERESTARTNOINTR:
	restart:
		f->rax = (uint64_t)k->syscall_nr;
		f->rip -= 2; /* the SYSCALL instruction */
		break;
	default:
		break;
	}
	k->syscall_nr = -1;
}

/* Takes one signal; true when a handler's frame was built (the rest wait
 * for the next way out, after the handler). */
static bool deliver_one(struct trap_frame *f, struct task *k, bool *more)
{
	struct proc *p = k->proc;
	struct linux_siginfo info;

	*more = false;
	thread_interrupt_clear();
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	if (p->group_exit || (p->exec_killer && p->exec_killer != k)) {
		int code = p->group_exit ? p->group_exit_code : 0;
		spin_unlock_irqrestore(&proc_tree_lock, flags);
		task_exit(code);
	}
	if (p->stopped) {
		spin_unlock_irqrestore(&proc_tree_lock, flags);
		wait_event(&p->stop_wait, stop_over(p, k));
		*more = true;
		return false;
	}
	int sig = dequeue_locked(k, &info);
	if (!sig) {
		pass_on_locked(p, k);
		spin_unlock_irqrestore(&proc_tree_lock, flags);
		return false;
	}
	*more = true;
	struct linux_sigaction act = p->act[sig - 1];
	if (act.handler == LINUX_SIG_IGN) {
		spin_unlock_irqrestore(&proc_tree_lock, flags);
		return false;
	}
	if (act.handler == LINUX_SIG_DFL) {
		switch (sig_default(sig)) {
		case SIGDFL_IGNORE:
		case SIGDFL_CONT:
			break;
		case SIGDFL_STOP:
			if (sig == LINUX_SIGSTOP || !pgrp_orphaned_locked(p->pgid, p->sid))
				stop_locked(p, sig);
			break;
		case SIGDFL_TERM:
		case SIGDFL_CORE: /* RLIMIT_CORE is 0: no dump, so no 0x80 */
			spin_unlock_irqrestore(&proc_tree_lock, flags);
			proc_exit(linux_status_signaled(sig));
		}
		spin_unlock_irqrestore(&proc_tree_lock, flags);
		return false;
	}
	if (act.flags & LINUX_SA_RESETHAND)
		p->act[sig - 1].handler = LINUX_SIG_DFL;
	uint64_t old = k->restore_sigmask ? k->saved_sigmask : k->sigblocked;
	k->restore_sigmask = false;
	k->sigblocked |= act.mask | (act.flags & LINUX_SA_NODEFER ? 0 : SIGBIT(sig));
	k->sigblocked &= ~SIG_UNBLOCKABLE;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	syscall_restart(f, k, &act);
	/* A critical section under the handler is aborted first: the frame
	 * saves its abort_ip (Linux's rseq_signal_deliver in setup_rt_frame). */
	rseq_signal_deliver(f, sig);
	if (signal_frame_setup(f, sig, &info, &act, old)) {
		/* No room for the frame: Linux's force_sigsegv. */
		proc_exit(linux_status_signaled(LINUX_SIGSEGV));
	}
	return true;
}

static bool restart_pending(const struct trap_frame *f, const struct task *k)
{
	long rc = (long)f->rax;

	return k->syscall_nr >= 0 && rc <= -ERESTARTSYS && rc >= -ERESTART_RESTARTBLOCK;
}

void signal_deliver(struct trap_frame *f)
{
	struct task *k = task_current();
	bool more;

	/* The common way out: no signal came (every sender interrupts the task
	 * it picks, and a task that unblocks a pending signal interrupts
	 * itself), no mask to restore, no call to restart. */
	if (!thread_interrupted() && !k->restore_sigmask && !restart_pending(f, k)) {
		k->syscall_nr = -1;
		return;
	}

	/* Pinned to another CPU while it ran (sched_setaffinity from another
	 * thread interrupts it): it moves there now. */
	int pin = thread_pinned_cpu(thread_current());
	if (pin != CPU_ANY && this_cpu()->id != (unsigned)pin)
		thread_set_cpu(thread_current(), pin);

	for (;;) {
		if (deliver_one(f, k, &more))
			break;
		if (more)
			continue;
		syscall_restart(f, k, NULL);
		if (!k->restore_sigmask)
			break;
		unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
		k->sigblocked = k->saved_sigmask;
		k->restore_sigmask = false;
		bool again = deliverable_locked(k) != 0;
		spin_unlock_irqrestore(&proc_tree_lock, flags);
		if (!again)
			break;
	}
	k->syscall_nr = -1;
}
