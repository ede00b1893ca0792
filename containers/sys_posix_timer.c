/*
 * POSIX timers: timer_create, timer_settime, timer_gettime,
 * timer_getoverrun, timer_delete.  Each is an interval timer of the
 * process, with an id, a clock (REALTIME, MONOTONIC, BOOTTIME) and what an
 * expiration does: nothing (SIGEV_NONE) or a signal to the process
 * (SIGEV_SIGNAL) or to one of its threads (SIGEV_THREAD_ID), with si_code
 * SI_TIMER, si_timerid, si_overrun and si_value.  As Linux, an expiration
 * while the timer's signal is still pending is not a second signal but one
 * more overrun in the pending one.  At most RLIMIT_SIGPENDING timers
 * (EAGAIN beyond).
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/uaccess.h>

#include "signal.h"
#include "sys.h"
#include "timers.h"

#define SIGEV_SIGNAL	0
#define SIGEV_NONE	1
#define SIGEV_THREAD	2
#define SIGEV_THREAD_ID 4
#define TIMERS_MAX	4096 /* whatever RLIMIT_SIGPENDING says, no more */

struct linux_sigevent {
	uint64_t value;
	int32_t signo;
	int32_t notify;
	union {
		int32_t tid;
		int32_t pad[12];
	};
};
_Static_assert(sizeof(struct linux_sigevent) == 64, "sigevent is 64 bytes");

struct posix_timer {
	struct ktimer kt; /* its lock covers overrun */
	struct list node; /* in proc_timers.posix, by id */
	int id;
	int64_t clock;
	int notify, signo;
	uint64_t value;
	struct proc *proc;
	struct task *task; /* SIGEV_THREAD_ID's, a reference; else NULL */
	int overrun;	   /* of the last signal */
};

static int sat_int(uint64_t n)
{
	return n > INT32_MAX ? INT32_MAX : (int)n;
}

/* The timer's own signal if it is pending, under proc_tree_lock; else NULL. */
static struct linux_siginfo *pending_locked(struct posix_timer *t, struct sigpending **qp)
{
	struct sigpending *q = t->task ? &t->task->pending : &t->proc->shared_pending;

	*qp = q;
	if (t->notify == SIGEV_NONE)
		return NULL;
	return signal_find_timer_locked(q, t->signo, t->id);
}

/* The timer's own signal still pending: one more overrun in it. */
static bool add_to_pending(struct posix_timer *t, uint64_t n)
{
	struct sigpending *q;

	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	struct linux_siginfo *si = pending_locked(t, &q);
	if (si) {
		si->timer.overrun = sat_int((uint64_t)si->timer.overrun + n);
		t->overrun = si->timer.overrun;
	}
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return si != NULL;
}

/* A timer set again or deleted takes back a signal of its not yet taken,
 * as Linux (6.13 on) does. */
static void drop_pending(struct posix_timer *t)
{
	struct sigpending *q;

	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	if (pending_locked(t, &q))
		signal_drop_timer_locked(t->proc, q, t->signo, t->id);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
}

static void posix_fire(struct ktimer *kt, uint64_t n)
{
	struct posix_timer *t = container_of(kt, struct posix_timer, kt);

	if (t->notify == SIGEV_NONE || add_to_pending(t, n))
		return;
	struct linux_siginfo si = {.si_signo = t->signo, .si_code = LINUX_SI_TIMER};
	si.timer.tid = t->id;
	si.timer.overrun = t->overrun = sat_int(n - 1);
	si.timer.value = t->value;
	if (t->task)
		signal_send_task(t->task, t->signo, &si);
	else
		signal_send_proc(t->proc, t->signo, &si);
}

/* Under pt->lock. */
static struct posix_timer *find_locked(struct proc_timers *pt, int64_t id)
{
	struct list *n;

	list_for_each(n, &pt->posix)
	{
		struct posix_timer *t = container_of(n, struct posix_timer, node);
		if (t->id == id)
			return t;
	}
	return NULL;
}

/* The lowest free id goes in its place in the sorted list. */
static void insert_locked(struct proc_timers *pt, struct posix_timer *t)
{
	struct list *n;
	int id = 0;

	list_for_each(n, &pt->posix)
	{
		if (container_of(n, struct posix_timer, node)->id != id)
			break;
		id++;
	}
	t->id = id;
	list_insert_after(n->prev, &t->node);
	pt->nr_posix++;
}

static void timer_free(struct posix_timer *t)
{
	ktimer_shutdown(&t->kt);
	drop_pending(t);
	if (t->task)
		task_put(t->task);
	kfree(t);
}

/* Linux's good_sigevent. */
static int check_event(struct proc *p, const struct linux_sigevent *ev, struct task **task)
{
	*task = NULL;
	switch (ev->notify) {
	case SIGEV_SIGNAL | SIGEV_THREAD_ID:
		*task = task_find(p, ev->tid);
		if (!*task)
			return -EINVAL;
		/* fall through */
	case SIGEV_SIGNAL:
	case SIGEV_THREAD:
		if (ev->signo <= 0 || ev->signo > LINUX_NSIG) {
			if (*task)
				task_put(*task);
			*task = NULL;
			return -EINVAL;
		}
		return 0;
	case SIGEV_NONE:
		return 0;
	default:
		return -EINVAL;
	}
}

static long create(struct proc *p, int64_t clk, const struct linux_sigevent *ev, bool given,
		   uint64_t uid)
{
	struct proc_timers *pt = proc_timers(p);
	struct posix_timer *t = kzalloc(sizeof(*t));

	if (!pt || !t) {
		kfree(t);
		return -EAGAIN; /* Linux's answer when it cannot allocate one */
	}
	int err = check_event(p, ev, &t->task);
	if (err) {
		kfree(t);
		return err;
	}
	ktimer_init(&t->kt, posix_fire);
	t->clock = clk;
	t->notify = ev->notify;
	t->signo = ev->signo;
	t->proc = p;
	mutex_lock(&pt->lock);
	uint64_t limit = MIN(p->rlim[11].rlim_cur, TIMERS_MAX); /* RLIMIT_SIGPENDING */
	if ((uint64_t)pt->nr_posix >= limit) {
		mutex_unlock(&pt->lock);
		timer_free(t);
		return -EAGAIN;
	}
	insert_locked(pt, t);
	t->value = given ? ev->value : (uint64_t)t->id; /* no sigevent: the id, as Linux */
	int32_t id = t->id;
	err = copy_to_user((void *)uid, &id, sizeof(id)) ? -EFAULT : 0;
	if (err) {
		list_remove(&t->node);
		pt->nr_posix--;
	}
	mutex_unlock(&pt->lock);
	if (err)
		timer_free(t);
	return err;
}

long sys_timer_create(const struct syscall_args *a)
{
	int64_t clk = (int64_t)a->a[0];
	struct linux_sigevent ev = {.notify = SIGEV_SIGNAL, .signo = LINUX_SIGALRM};
	int err = timer_args_clock(clk);

	if (err)
		return err;
	if (a->a[1] && copy_from_user(&ev, (const void *)a->a[1], sizeof(ev)))
		return -EFAULT;
	return create(proc_current(), clk, &ev, a->a[1] != 0, a->a[2]);
}

/* The timer id with pt->lock held (release with mutex_unlock), or NULL. */
static struct posix_timer *lookup(int64_t id, struct proc_timers **ptp)
{
	struct proc_timers *pt = __atomic_load_n(&proc_current()->timers, __ATOMIC_ACQUIRE);

	if (!pt || id < 0 || id > INT32_MAX)
		return NULL;
	mutex_lock(&pt->lock);
	struct posix_timer *t = find_locked(pt, id);
	if (!t) {
		mutex_unlock(&pt->lock);
		return NULL;
	}
	*ptp = pt;
	return t;
}

/* timer_settime(id, flags, new, old) */
long sys_timer_settime(const struct syscall_args *a)
{
	uint64_t value, interval;
	struct ktimer_setting old;
	struct proc_timers *pt;

	if (!a->a[2])
		return -EINVAL;
	int err = timer_args_get_spec(a->a[2], &value, &interval);
	if (err)
		return err;
	struct posix_timer *t = lookup((int64_t)a->a[0], &pt);
	if (!t)
		return -EINVAL;
	uint64_t at = timer_args_deadline(t->clock, a->a[1] & LINUX_TIMER_ABSTIME, value);
	unsigned long flags = spin_lock_irqsave(&t->kt.lock);
	ktimer_set_locked(&t->kt, at, interval, &old);
	drop_pending(t);
	t->overrun = 0;
	spin_unlock_irqrestore(&t->kt.lock, flags);
	mutex_unlock(&pt->lock);
	return a->a[3] ? timer_args_put_spec(a->a[3], &old) : 0;
}

long sys_timer_gettime(const struct syscall_args *a)
{
	struct ktimer_setting cur;
	struct proc_timers *pt;
	struct posix_timer *t = lookup((int64_t)a->a[0], &pt);

	if (!t)
		return -EINVAL;
	ktimer_get(&t->kt, &cur);
	mutex_unlock(&pt->lock);
	return timer_args_put_spec(a->a[1], &cur);
}

long sys_timer_getoverrun(const struct syscall_args *a)
{
	struct proc_timers *pt;
	struct posix_timer *t = lookup((int64_t)a->a[0], &pt);

	if (!t)
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&t->kt.lock);
	int overrun = t->overrun;
	spin_unlock_irqrestore(&t->kt.lock, flags);
	mutex_unlock(&pt->lock);
	return overrun;
}

long sys_timer_delete(const struct syscall_args *a)
{
	struct proc_timers *pt;
	struct posix_timer *t = lookup((int64_t)a->a[0], &pt);

	if (!t)
		return -EINVAL;
	list_remove(&t->node);
	pt->nr_posix--;
	mutex_unlock(&pt->lock);
	timer_free(t);
	return 0;
}

void posix_timers_delete_all(struct proc_timers *pt)
{
	mutex_lock(&pt->lock);
	while (!list_empty(&pt->posix)) {
		struct posix_timer *t = container_of(pt->posix.next, struct posix_timer, node);
		list_remove(&t->node);
		pt->nr_posix--;
		mutex_unlock(&pt->lock);
		timer_free(t);
		mutex_lock(&pt->lock);
	}
	mutex_unlock(&pt->lock);
}
