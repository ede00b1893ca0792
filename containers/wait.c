/*
 * wait4 and waitid: a parent collects a child that has ended (and reaps
 * it), stopped or continued.  The scan runs under proc_tree_lock and claims
 * what it reports there, so two threads waiting at once never both get one
 * child; the sleep is on the parent's child_wait, whose event count every
 * change in a child bumps first, so a change between scan and sleep is
 * seen.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/sched.h>
#include <pallas/uaccess.h>
#include <pallas/waitqueue.h>

#include "proc.h"
#include "signal.h"
#include "sys.h"

enum wait_kind { WAIT_NONE, WAIT_EXITED, WAIT_STOPPED, WAIT_CONTINUED };

struct wait_req {
	int idtype; /* LINUX_P_ALL, _PID, _PGID */
	int id;
	int options;
};

struct wait_result {
	enum wait_kind kind;
	int pid, uid, status; /* status: the wait4 status word */
	uint64_t utime_ns;
	struct proc *reap; /* an exited child to reap, with a reference */
};

static bool matches(const struct wait_req *w, const struct proc *c)
{
	switch (w->idtype) {
	case LINUX_P_PID:
		if (c->pid != w->id)
			return false;
		break;
	case LINUX_P_PGID:
		if (c->pgid != w->id)
			return false;
		break;
	default:
		break;
	}
	/* __WCLONE: only children that do not signal SIGCHLD; __WALL: both. */
	if (w->options & LINUX_WALL)
		return true;
	bool clone_child = c->exit_signal != LINUX_SIGCHLD;
	return !!(w->options & LINUX_WCLONE) == clone_child;
}

static int scan_locked(struct proc *me, const struct wait_req *w, struct wait_result *r)
{
	bool any = false;
	bool keep = w->options & LINUX_WNOWAIT;
	struct list *n;

	list_for_each(n, &me->children)
	{
		struct proc *c = container_of(n, struct proc, sibling);
		if (!matches(w, c) || c->state == PROC_DEAD)
			continue;
		any = true;
		*r = (struct wait_result){.pid = c->pid, .uid = (int)c->cred.uid};
		if (c->state == PROC_ZOMBIE && (w->options & LINUX_WEXITED)) {
			r->kind = WAIT_EXITED;
			r->status = c->exit_code;
			r->utime_ns = c->utime_ns;
			if (!keep) {
				c->state = PROC_DEAD; /* claimed */
				proc_get(c);
				r->reap = c;
			}
			return 1;
		}
		if (c->state == PROC_LIVE && c->stopped && c->stop_unreported &&
		    (w->options & LINUX_WUNTRACED)) {
			r->kind = WAIT_STOPPED;
			r->status = (c->stop_sig << 8) | 0x7f;
			if (!keep)
				c->stop_unreported = false;
			return 1;
		}
		if (c->state == PROC_LIVE && c->cont_unreported &&
		    (w->options & LINUX_WCONTINUED)) {
			r->kind = WAIT_CONTINUED;
			r->status = 0xffff;
			if (!keep)
				c->cont_unreported = false;
			return 1;
		}
	}
	return any ? 0 : -ECHILD;
}

static int do_wait(const struct wait_req *w, struct wait_result *r)
{
	struct proc *me = proc_current();

	for (;;) {
		unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
		uint64_t seen = me->child_events;
		int rc = scan_locked(me, w, r);
		spin_unlock_irqrestore(&proc_tree_lock, flags);
		if (rc)
			return rc;
		if (w->options & LINUX_WNOHANG)
			return 0;
		if (wait_event_interruptible(&me->child_wait,
					     __atomic_load_n(&me->child_events, __ATOMIC_ACQUIRE) !=
						 seen))
			return -ERESTARTSYS;
	}
}

static void finish(struct wait_result *r)
{
	if (r->reap) {
		r->reap->exited = true;
		proc_reap(r->reap);
		proc_put(r->reap);
		r->reap = NULL;
	}
}

static int put_rusage(uint64_t uptr, uint64_t ns)
{
	struct linux_rusage ru = {0};

	if (!uptr)
		return 0;
	ru.ru_utime.tv_sec = (int64_t)(ns / 1000000000ull);
	ru.ru_utime.tv_usec = (int64_t)(ns % 1000000000ull / 1000);
	return copy_to_user((void *)uptr, &ru, sizeof(ru)) ? -EFAULT : 0;
}

/* wait4(pid, wstatus, options, rusage) */
long sys_wait4(const struct syscall_args *a)
{
	int pid = (int)a->a[0];
	int options = (int)a->a[2];
	struct wait_req w = {.options = options | LINUX_WEXITED};
	struct wait_result r = {0};

	if (options & ~(LINUX_WNOHANG | LINUX_WUNTRACED | LINUX_WCONTINUED | LINUX_WNOTHREAD |
			LINUX_WALL | LINUX_WCLONE))
		return -EINVAL;
	if (pid == INT32_MIN)
		return -ESRCH;
	if (pid > 0) {
		w.idtype = LINUX_P_PID;
		w.id = pid;
	} else if (pid == 0) {
		w.idtype = LINUX_P_PGID;
		w.id = proc_current()->pgid;
	} else if (pid < -1) {
		w.idtype = LINUX_P_PGID;
		w.id = -pid;
	}
	int rc = do_wait(&w, &r);
	if (rc <= 0)
		return rc;
	rc = r.pid;
	if (a->a[1] && copy_to_user((void *)a->a[1], &r.status, sizeof(r.status)))
		rc = -EFAULT;
	if (rc > 0 && put_rusage(a->a[3], r.utime_ns))
		rc = -EFAULT;
	finish(&r);
	return rc;
}

/* waitid(idtype, id, infop, options, rusage) */
long sys_waitid(const struct syscall_args *a)
{
	int options = (int)a->a[3];
	struct wait_req w = {.idtype = (int)a->a[0], .id = (int)a->a[1], .options = options};
	struct wait_result r = {0};

	if (options & ~(LINUX_WNOHANG | LINUX_WUNTRACED | LINUX_WEXITED | LINUX_WCONTINUED |
			LINUX_WNOWAIT | LINUX_WNOTHREAD | LINUX_WALL | LINUX_WCLONE))
		return -EINVAL;
	if (!(options & (LINUX_WEXITED | LINUX_WUNTRACED | LINUX_WCONTINUED)))
		return -EINVAL;
	if (w.idtype == LINUX_P_PGID && w.id == 0)
		w.id = proc_current()->pgid;
	if (w.idtype != LINUX_P_ALL && w.idtype != LINUX_P_PID && w.idtype != LINUX_P_PGID)
		return -EINVAL;
	if (w.idtype != LINUX_P_ALL && w.id <= 0 && w.idtype == LINUX_P_PID)
		return -EINVAL;
	int rc = do_wait(&w, &r);
	if (rc < 0)
		return rc;
	struct linux_siginfo si = {0};
	if (rc > 0) {
		si.si_signo = LINUX_SIGCHLD;
		si.proc.pid = r.pid;
		si.proc.uid = (uint32_t)r.uid;
		switch (r.kind) {
		case WAIT_EXITED:
			if ((r.status & 0x7f) == 0) {
				si.si_code = LINUX_CLD_EXITED;
				si.proc.chld.status = (r.status >> 8) & 0xff;
			} else {
				si.si_code = r.status & 0x80 ? LINUX_CLD_DUMPED : LINUX_CLD_KILLED;
				si.proc.chld.status = r.status & 0x7f;
			}
			break;
		case WAIT_STOPPED:
			si.si_code = LINUX_CLD_STOPPED;
			si.proc.chld.status = (r.status >> 8) & 0xff;
			break;
		default:
			si.si_code = LINUX_CLD_CONTINUED;
			si.proc.chld.status = LINUX_SIGCONT;
			break;
		}
	}
	/* WNOHANG with nothing to report: Linux zeroes si_signo and si_pid. */
	rc = 0;
	if (a->a[2] && copy_to_user((void *)a->a[2], &si, sizeof(si)))
		rc = -EFAULT;
	if (!rc && put_rusage(a->a[4], r.utime_ns))
		rc = -EFAULT;
	finish(&r);
	return rc;
}
