/*
 * alarm, setitimer and getitimer.  ITIMER_REAL counts the monotonic clock
 * and sends SIGALRM to the process (from the kernel: SI_KERNEL, as
 * Linux's).  ITIMER_VIRTUAL (SIGVTALRM) and ITIMER_PROF (SIGPROF) count
 * the process's CPU time, both the same clock, since Pallas does not split
 * user from system time: while one runs, a periodic poll (every
 * CPU_POLL_NS of the monotonic clock) reads the process's CPU time and
 * sends the signal once it has passed the expiry, so a signal comes at or
 * after its CPU time, by up to a poll late.  The poll stops at the next
 * setitimer or getitimer that finds both stopped, or with the process.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/uaccess.h>

#include "cputime.h"
#include "signal.h"
#include "sys.h"
#include "timers.h"

#define ITIMER_REAL    0
#define ITIMER_VIRTUAL 1
#define ITIMER_PROF    2

struct linux_itimerval {
	struct linux_timeval it_interval, it_value;
};

static void alarm_fire(struct ktimer *t, uint64_t n)
{
	struct proc_timers *pt = container_of(t, struct proc_timers, real);

	signal_send_proc(pt->proc, LINUX_SIGALRM, NULL);
}

#define CPU_POLL_NS (2 * NSEC_PER_MSEC)

/* cpu_poll's lock held. */
static void cpu_poll_fire(struct ktimer *t, uint64_t n)
{
	static const int sigs[2] = {LINUX_SIGVTALRM, LINUX_SIGPROF};
	struct proc_timers *pt = container_of(t, struct proc_timers, cpu_poll);
	uint64_t now = proc_cputime_ns(pt->proc);

	(void)n;
	for (int i = 0; i < 2; i++) {
		uint64_t at = pt->cpu_expires[i];
		if (!at || now < at)
			continue;
		if (pt->cpu_interval[i]) {
			/* Missed periods make no more signals (Linux's itimers). */
			uint64_t k = (now - at) / pt->cpu_interval[i] + 1;
			pt->cpu_expires[i] = at + k * pt->cpu_interval[i];
		} else {
			pt->cpu_expires[i] = 0;
		}
		signal_send_proc(pt->proc, sigs[i], NULL);
	}
}

void itimer_real_init(struct proc_timers *pt)
{
	ktimer_init(&pt->real, alarm_fire);
	ktimer_init(&pt->cpu_poll, cpu_poll_fire);
}

/* What CPU-time itimer which (0: VIRTUAL, 1: PROF) has left at CPU time
 * now, under cpu_poll's lock; one about to fire reads as 1 us. */
static struct ktimer_setting cpu_left_locked(struct proc_timers *pt, int which, uint64_t now)
{
	uint64_t at = pt->cpu_expires[which];
	struct ktimer_setting s = {.interval_ns = pt->cpu_interval[which]};

	if (at)
		s.left_ns = at > now ? at - now : NSEC_PER_USEC;
	return s;
}

/* Under cpu_poll's lock: the poll runs while a CPU itimer does. */
static void cpu_poll_update_locked(struct proc_timers *pt)
{
	struct ktimer_setting cur;
	bool want = pt->cpu_expires[0] || pt->cpu_expires[1];

	ktimer_get_locked(&pt->cpu_poll, &cur);
	if (want && !cur.left_ns)
		ktimer_set_locked(&pt->cpu_poll, clock_ns() + CPU_POLL_NS, CPU_POLL_NS, NULL);
	else if (!want && cur.left_ns)
		ktimer_set_locked(&pt->cpu_poll, 0, 0, NULL);
}

/* which: 0 VIRTUAL, 1 PROF; value 0 stops it. */
static int set_cpu(int which, uint64_t value_ns, uint64_t interval_ns, struct ktimer_setting *old)
{
	struct proc *p = proc_current();
	struct proc_timers *pt = proc_timers(p);

	if (!pt)
		return -ENOMEM;
	uint64_t now = proc_cputime_ns(p);
	unsigned long flags = spin_lock_irqsave(&pt->cpu_poll.lock);
	*old = cpu_left_locked(pt, which, now);
	pt->cpu_expires[which] = !value_ns		       ? 0
				 : value_ns > UINT64_MAX - now ? UINT64_MAX
							       : now + value_ns;
	pt->cpu_interval[which] = value_ns ? interval_ns : 0;
	cpu_poll_update_locked(pt);
	spin_unlock_irqrestore(&pt->cpu_poll.lock, flags);
	return 0;
}

static void get_cpu(int which, struct ktimer_setting *cur)
{
	struct proc *p = proc_current();
	struct proc_timers *pt = __atomic_load_n(&p->timers, __ATOMIC_ACQUIRE);

	*cur = (struct ktimer_setting){0};
	if (!pt)
		return;
	uint64_t now = proc_cputime_ns(p);
	unsigned long flags = spin_lock_irqsave(&pt->cpu_poll.lock);
	*cur = cpu_left_locked(pt, which, now);
	cpu_poll_update_locked(pt);
	spin_unlock_irqrestore(&pt->cpu_poll.lock, flags);
}

static int tv_to_ns(const struct linux_timeval *tv, uint64_t *ns)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return -EINVAL;
	uint64_t max_s = UINT64_MAX / NSEC_PER_SEC - 1;
	*ns = (uint64_t)tv->tv_sec > max_s
		  ? UINT64_MAX
		  : (uint64_t)tv->tv_sec * NSEC_PER_SEC + (uint64_t)tv->tv_usec * NSEC_PER_USEC;
	return 0;
}

/* A timer about to fire still reads as 1 us, never as stopped (Linux's). */
static struct linux_timeval ns_to_tv(uint64_t ns)
{
	if (ns && ns < NSEC_PER_USEC)
		ns = NSEC_PER_USEC;
	return (struct linux_timeval){(int64_t)(ns / NSEC_PER_SEC),
				      (int64_t)(ns % NSEC_PER_SEC / NSEC_PER_USEC)};
}

static struct linux_itimerval to_itimerval(const struct ktimer_setting *s)
{
	return (struct linux_itimerval){ns_to_tv(s->interval_ns), ns_to_tv(s->left_ns)};
}

/* ITIMER_REAL set to value (0: stopped), then every interval. */
static int set_real(uint64_t value_ns, uint64_t interval_ns, struct ktimer_setting *old)
{
	struct proc_timers *pt = proc_timers(proc_current());

	if (!pt)
		return -ENOMEM;
	uint64_t now = clock_ns();
	uint64_t at = !value_ns ? 0 : value_ns > UINT64_MAX - now ? UINT64_MAX : now + value_ns;
	ktimer_set(&pt->real, at, interval_ns, old);
	return 0;
}

static void get_real(struct ktimer_setting *cur)
{
	struct proc_timers *pt = __atomic_load_n(&proc_current()->timers, __ATOMIC_ACQUIRE);

	*cur = (struct ktimer_setting){0};
	if (pt)
		ktimer_get(&pt->real, cur);
}

long sys_getitimer(const struct syscall_args *a)
{
	struct ktimer_setting cur = {0};

	if (a->a[0] > ITIMER_PROF)
		return -EINVAL;
	if (a->a[0] == ITIMER_REAL)
		get_real(&cur);
	else
		get_cpu((int)a->a[0] - ITIMER_VIRTUAL, &cur);
	struct linux_itimerval v = to_itimerval(&cur);
	return copy_to_user((void *)a->a[1], &v, sizeof(v)) ? -EFAULT : 0;
}

long sys_setitimer(const struct syscall_args *a)
{
	struct linux_itimerval v = {0};
	uint64_t value = 0, interval = 0;
	struct ktimer_setting old = {0};

	if (a->a[0] > ITIMER_PROF)
		return -EINVAL;
	/* A NULL new value stops the timer, as Linux still allows. */
	if (a->a[1] && copy_from_user(&v, (const void *)a->a[1], sizeof(v)))
		return -EFAULT;
	int err = tv_to_ns(&v.it_value, &value);
	if (!err)
		err = tv_to_ns(&v.it_interval, &interval);
	if (err)
		return err;
	if (a->a[0] != ITIMER_REAL)
		err = set_cpu((int)a->a[0] - ITIMER_VIRTUAL, value, interval, &old);
	else
		err = set_real(value, interval, &old);
	if (err)
		return err;
	struct linux_itimerval o = to_itimerval(&old);
	if (a->a[2] && copy_to_user((void *)a->a[2], &o, sizeof(o)))
		return -EFAULT;
	return 0;
}

/* alarm(seconds): the seconds the old alarm had left, rounded to nearest
 * (and a sub-second one as 1), as Linux's alarm_setitimer. */
long sys_alarm(const struct syscall_args *a)
{
	struct ktimer_setting old = {0};
	uint64_t secs = (uint32_t)a->a[0];

	if (set_real(secs * NSEC_PER_SEC, 0, &old))
		return -ENOMEM;
	uint64_t left_s = old.left_ns / NSEC_PER_SEC, frac = old.left_ns % NSEC_PER_SEC;
	if ((!left_s && frac) || frac >= NSEC_PER_SEC / 2)
		left_s++;
	return (long)left_s;
}
