/*
 * POSIX timers: timer_create, timer_settime, timer_gettime,
 * timer_getoverrun, timer_delete.  Each is an interval timer of the
 * process, with an id, a clock (REALTIME, MONOTONIC, BOOTTIME) and what an
 * expiration does: nothing (SIGEV_NONE) or a signal to the process
 * (SIGEV_SIGNAL) or to one of its threads (SIGEV_THREAD_ID), with si_code
 * SI_TIMER, si_timerid, si_overrun and si_value.  As Linux, an expiration
 * while the timer's signal is still pending is not a second signal but one
 * more overrun in the pending one.  At most RLIMIT_SIGPENDING timers
 * (EAGAIN beyond).  A timer on CLOCK_PROCESS_CPUTIME_ID (the process's CPU
 * time) or CLOCK_THREAD_CPUTIME_ID (its creator's) keeps its expiry in
 * that clock; its ktimer is then a poll every CPU_POLL_NS while it runs,
 * which fires it once the clock has passed the expiry (at most a poll
 * late).  A thread's clock stops when the thread ends.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/sched.h>
#include <pallas/uaccess.h>

#include "cputime.h"
#include "proc.h"
#include "signal.h"
#include "sys.h"
#include "timers.h"

#define SIGEV_SIGNAL	0
#define SIGEV_NONE	1
#define SIGEV_THREAD	2
#define SIGEV_THREAD_ID 4
#define TIMERS_MAX	4096 /* whatever RLIMIT_SIGPENDING says, no more */
#define CPU_POLL_NS	(2 * NSEC_PER_MSEC)

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
	/* CPU-time clocks: the expiry in the clock (0: stopped) and the
	 * interval, under kt.lock; the thread whose clock it is, a reference
	 * (NULL: the process's). */
	uint64_t cpu_at, cpu_interval;
	struct task *clock_task;
};

static bool cpu_clock(int64_t clk)
{
	return clk == LINUX_CLOCK_PROCESS_CPUTIME_ID || clk == LINUX_CLOCK_THREAD_CPUTIME_ID;
}

/* The timer's CPU-time clock now; a thread that has ended reads 0. */
static uint64_t cpu_now(struct posix_timer *t)
{
	struct task *k = t->clock_task;

	if (!k)
		return proc_cputime_ns(t->proc);
	uint64_t ns = 0;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	if (!k->exiting && k->thread)
		ns = k == task_current() ? thread_self_runtime_ns()
					 : thread_runtime_now_ns(k->thread);
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return ns;
}

/* Under kt.lock. */
static struct ktimer_setting cpu_setting_locked(struct posix_timer *t, uint64_t now)
{
	struct ktimer_setting s = {.interval_ns = t->cpu_interval};

	if (t->cpu_at)
		s.left_ns = t->cpu_at > now ? t->cpu_at - now : 1;
	return s;
}

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

static void posix_cpu_fire(struct ktimer *kt, uint64_t n)
{
	struct posix_timer *t = container_of(kt, struct posix_timer, kt);
	uint64_t at = t->cpu_at;

	(void)n;
	if (!at || (t->clock_task && __atomic_load_n(&t->clock_task->exiting, __ATOMIC_RELAXED)))
		return;
	uint64_t now = cpu_now(t);
	if (now < at)
		return;
	uint64_t times = 1;
	if (t->cpu_interval) {
		times += (now - at) / t->cpu_interval;
		t->cpu_at = at + times * t->cpu_interval;
	} else {
		t->cpu_at = 0;
	}
	posix_fire(kt, times);
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
	if (t->clock_task)
		task_put(t->clock_task);
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
	ktimer_init(&t->kt, cpu_clock(clk) ? posix_cpu_fire : posix_fire);
	if (clk == LINUX_CLOCK_THREAD_CPUTIME_ID) {
		t->clock_task = task_current();
		task_get(t->clock_task);
	}
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

/*
 * A CPU-time clock of the caller as Linux encodes them (glibc passes
 * these): ~pid << 3 | thread << 2 | kind (0 PROF, 1 VIRT, 2 SCHED, all
 * one clock here), pid 0 being the caller's.  Other processes' and
 * threads' clocks cannot drive timers here (EINVAL).
 */
static int64_t cpu_clock_id(int64_t clk)
{
	if (clk >= 0 || (clk & 3) == 3)
		return clk;
	int pid = (int)~(clk >> 3);
	bool thread = clk & 4;
	if (pid != 0 && pid != (thread ? task_current()->tid : proc_current()->pid))
		return -1;
	return thread ? LINUX_CLOCK_THREAD_CPUTIME_ID : LINUX_CLOCK_PROCESS_CPUTIME_ID;
}

long sys_timer_create(const struct syscall_args *a)
{
	int64_t clk = cpu_clock_id((int32_t)a->a[0]); /* a clockid_t is an int */
	struct linux_sigevent ev = {.notify = SIGEV_SIGNAL, .signo = LINUX_SIGALRM};
	int err = cpu_clock(clk) ? 0 : timer_args_clock(clk);

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
	bool abs = a->a[1] & LINUX_TIMER_ABSTIME;
	unsigned long flags;
	if (cpu_clock(t->clock)) {
		uint64_t now = cpu_now(t);
		flags = spin_lock_irqsave(&t->kt.lock);
		old = cpu_setting_locked(t, now);
		t->cpu_at = !value		       ? 0
			    : abs		       ? value
			    : value > UINT64_MAX - now ? UINT64_MAX
						       : now + value;
		t->cpu_interval = value ? interval : 0;
		uint64_t poll = t->cpu_at ? clock_ns() + CPU_POLL_NS : 0;
		ktimer_set_locked(&t->kt, poll, t->cpu_at ? CPU_POLL_NS : 0, NULL);
	} else {
		uint64_t at = timer_args_deadline(t->clock, abs, value);
		flags = spin_lock_irqsave(&t->kt.lock);
		ktimer_set_locked(&t->kt, at, interval, &old);
	}
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
	if (cpu_clock(t->clock)) {
		uint64_t now = cpu_now(t);
		unsigned long flags = spin_lock_irqsave(&t->kt.lock);
		cur = cpu_setting_locked(t, now);
		spin_unlock_irqrestore(&t->kt.lock, flags);
	} else {
		ktimer_get(&t->kt, &cur);
	}
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
