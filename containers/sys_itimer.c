/*
 * alarm, setitimer and getitimer.  ITIMER_REAL counts the monotonic clock
 * and sends SIGALRM to the process (from the kernel: SI_KERNEL, as
 * Linux's).  ITIMER_VIRTUAL and ITIMER_PROF (CPU time) are not here: they
 * read as stopped, and setting one running is -EINVAL.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/uaccess.h>

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

void itimer_real_init(struct proc_timers *pt)
{
	ktimer_init(&pt->real, alarm_fire);
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
	if (a->a[0] != ITIMER_REAL) {
		if (value)
			return -EINVAL; /* CPU-time itimers are not here */
	} else {
		err = set_real(value, interval, &old);
		if (err)
			return err;
	}
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
