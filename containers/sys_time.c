/*
 * Clocks and sleeping.  CLOCK_MONOTONIC and BOOTTIME are the kernel's
 * clock_ns (there is no suspend yet, so they agree); REALTIME is the wall
 * clock, and so is TAI (Linux's TAI offset is 0 until NTP sets one).  The
 * COARSE clocks read the same but report a tick (4 ms, Linux's 1/HZ for
 * HZ=250) as their resolution, and cannot be slept on (EOPNOTSUPP, as
 * MONOTONIC_RAW).  The CPU-time clocks are the scheduler's run time
 * (cputime.c), user and kernel time together: the thread's, or every
 * thread's of the process.
 * A signal ends a sleep early: the time left goes back where the call
 * asks for it, and the call fails with EINTR or restarts (no handler ran).
 */
#include <pallas/errno.h>
#include <pallas/sched.h>
#include <pallas/time.h>
#include <pallas/uaccess.h>
#include <pallas/wallclock.h>

#include "cputime.h"
#include "proc.h"
#include "sys.h"

static int clock_read(int64_t clk, uint64_t *ns)
{
	switch (clk) {
	case LINUX_CLOCK_REALTIME:
	case LINUX_CLOCK_REALTIME_COARSE:
	case LINUX_CLOCK_TAI:
		*ns = wallclock_ns();
		return 0;
	case LINUX_CLOCK_MONOTONIC:
	case LINUX_CLOCK_MONOTONIC_RAW:
	case LINUX_CLOCK_MONOTONIC_COARSE:
	case LINUX_CLOCK_BOOTTIME:
		*ns = clock_ns();
		return 0;
	case LINUX_CLOCK_PROCESS_CPUTIME_ID:
		*ns = proc_cputime_ns(proc_current());
		return 0;
	case LINUX_CLOCK_THREAD_CPUTIME_ID:
		*ns = task_self_cputime_ns();
		return 0;
	default:
		return -EINVAL;
	}
}

/* The COARSE clocks' resolution: Linux's tick (TICK_NSEC), for HZ=250. */
#define COARSE_RES_NS 4000000

static struct linux_timespec to_timespec(uint64_t ns)
{
	return (struct linux_timespec){(int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC)};
}

long sys_clock_gettime(const struct syscall_args *a)
{
	uint64_t ns;
	int err = clock_read((int64_t)a->a[0], &ns);

	if (err)
		return err;
	struct linux_timespec ts = to_timespec(ns);
	return copy_to_user((void *)a->a[1], &ts, sizeof(ts)) ? -EFAULT : 0;
}

long sys_clock_getres(const struct syscall_args *a)
{
	uint64_t ns;
	int err = clock_read((int64_t)a->a[0], &ns);

	if (err)
		return err;
	int64_t clk = (int64_t)a->a[0];
	bool coarse = clk == LINUX_CLOCK_REALTIME_COARSE || clk == LINUX_CLOCK_MONOTONIC_COARSE;
	struct linux_timespec res = {0, coarse ? COARSE_RES_NS : 1};
	if (a->a[1] && copy_to_user((void *)a->a[1], &res, sizeof(res)))
		return -EFAULT;
	return 0;
}

long sys_gettimeofday(const struct syscall_args *a)
{
	uint64_t ns = wallclock_ns();
	struct linux_timeval tv = {(int64_t)(ns / NSEC_PER_SEC),
				   (int64_t)(ns % NSEC_PER_SEC / NSEC_PER_USEC)};
	/* The obsolete timezone is all zero, as on Linux. */
	static const int32_t tz[2];

	if (a->a[0] && copy_to_user((void *)a->a[0], &tv, sizeof(tv)))
		return -EFAULT;
	if (a->a[1] && copy_to_user((void *)a->a[1], tz, sizeof(tz)))
		return -EFAULT;
	return 0;
}

long sys_time(const struct syscall_args *a)
{
	int64_t t = (int64_t)(wallclock_ns() / NSEC_PER_SEC);

	if (a->a[0] && copy_to_user((void *)a->a[0], &t, sizeof(t)))
		return -EFAULT;
	return t;
}

static int get_timespec(uint64_t uaddr, uint64_t *ns)
{
	struct linux_timespec ts;

	if (copy_from_user(&ts, (const void *)uaddr, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	/* Centuries are as good as forever. */
	uint64_t max_s = UINT64_MAX / NSEC_PER_SEC - 1;
	*ns = (uint64_t)ts.tv_sec > max_s
		  ? UINT64_MAX
		  : (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
	return 0;
}

/* 0, or the nanoseconds left when a signal ended the sleep. */
static uint64_t sleep_until(uint64_t deadline)
{
	while (clock_ns() < deadline) {
		if (!sched_sleep_until_interruptible(deadline)) {
			uint64_t now = clock_ns();
			return now < deadline ? deadline - now : 1;
		}
	}
	return 0;
}

static long interrupted(uint64_t urem, uint64_t left)
{
	struct linux_timespec rem = {.tv_sec = (int64_t)(left / 1000000000ull),
				     .tv_nsec = (int64_t)(left % 1000000000ull)};

	if (urem && copy_to_user((void *)urem, &rem, sizeof(rem)))
		return -EFAULT;
	return -ERESTART_RESTARTBLOCK;
}

long sys_nanosleep(const struct syscall_args *a)
{
	uint64_t ns;
	int err = get_timespec(a->a[0], &ns);

	if (err)
		return err;
	uint64_t now = clock_ns();
	uint64_t left = sleep_until(ns > UINT64_MAX - now ? UINT64_MAX : now + ns);
	return left ? interrupted(a->a[1], left) : 0;
}

long sys_clock_nanosleep(const struct syscall_args *a)
{
	int64_t clk = (int64_t)a->a[0];
	/* Linux looks at TIMER_ABSTIME only: other flag bits are ignored. */
	bool abs = a->a[1] & LINUX_TIMER_ABSTIME;
	uint64_t ns, now;

	/* Clocks Linux reads but cannot sleep on. */
	if (clk == LINUX_CLOCK_MONOTONIC_RAW || clk == LINUX_CLOCK_REALTIME_COARSE ||
	    clk == LINUX_CLOCK_MONOTONIC_COARSE)
		return -EOPNOTSUPP;
	if (clk == LINUX_CLOCK_THREAD_CPUTIME_ID)
		return -EINVAL;
	if (clock_read(clk, &now))
		return -EINVAL;
	int err = get_timespec(a->a[2], &ns);
	if (err)
		return err;
	uint64_t rel = ns;
	if (abs)
		rel = ns > now ? ns - now : 0;
	uint64_t mono = clock_ns();
	uint64_t left = sleep_until(rel > UINT64_MAX - mono ? UINT64_MAX : mono + rel);
	if (!left)
		return 0;
	if (abs)
		return -ERESTARTNOHAND; /* the same deadline again */
	return interrupted(a->a[3], left);
}
