/*
 * The time structures of the timer calls, checked as Linux checks them,
 * and their clocks as clock_ns() deadlines.  CLOCK_REALTIME's absolute
 * times are turned into clock_ns() ones when they are set: a later
 * settimeofday does not move a timer already set (Linux's would).
 */
#include <pallas/errno.h>
#include <pallas/time.h>
#include <pallas/uaccess.h>
#include <pallas/wallclock.h>

#include "timers.h"

struct linux_itimerspec {
	struct linux_timespec it_interval, it_value;
};

static int ts_to_ns(const struct linux_timespec *ts, uint64_t *ns)
{
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	uint64_t max_s = UINT64_MAX / NSEC_PER_SEC - 1;
	*ns = (uint64_t)ts->tv_sec > max_s
		  ? UINT64_MAX
		  : (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
	return 0;
}

static struct linux_timespec ns_to_ts(uint64_t ns)
{
	return (struct linux_timespec){(int64_t)(ns / NSEC_PER_SEC), (int64_t)(ns % NSEC_PER_SEC)};
}

int timer_args_get_spec(uint64_t uaddr, uint64_t *value_ns, uint64_t *interval_ns)
{
	struct linux_itimerspec its;

	if (copy_from_user(&its, (const void *)uaddr, sizeof(its)))
		return -EFAULT;
	int err = ts_to_ns(&its.it_value, value_ns);
	return err ? err : ts_to_ns(&its.it_interval, interval_ns);
}

int timer_args_put_spec(uint64_t uaddr, const struct ktimer_setting *s)
{
	struct linux_itimerspec its = {ns_to_ts(s->interval_ns), ns_to_ts(s->left_ns)};

	return copy_to_user((void *)uaddr, &its, sizeof(its)) ? -EFAULT : 0;
}

int timer_args_clock(int64_t clk)
{
	switch (clk) {
	case LINUX_CLOCK_REALTIME:
	case LINUX_CLOCK_MONOTONIC:
	case LINUX_CLOCK_BOOTTIME:
		return 0;
	case LINUX_CLOCK_PROCESS_CPUTIME_ID: /* CPU-time timers are not here */
	case LINUX_CLOCK_THREAD_CPUTIME_ID:
	case LINUX_CLOCK_MONOTONIC_RAW:
	case LINUX_CLOCK_REALTIME_COARSE:
	case LINUX_CLOCK_MONOTONIC_COARSE:
		return -EOPNOTSUPP;
	default:
		return -EINVAL;
	}
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return b > UINT64_MAX - a ? UINT64_MAX : a + b;
}

uint64_t timer_args_deadline(int64_t clk, bool absolute, uint64_t value_ns)
{
	uint64_t mono = clock_ns(), at;

	if (!value_ns)
		return 0;
	if (!absolute) {
		at = add_sat(mono, value_ns);
	} else if (clk == LINUX_CLOCK_REALTIME) {
		uint64_t wall = wallclock_ns();
		/* The same instant on the monotonic clock; a past one is due now. */
		at = value_ns >= wall ? add_sat(mono, value_ns - wall)
				      : (wall - value_ns < mono ? mono - (wall - value_ns) : 0);
	} else {
		at = value_ns;
	}
	return at ? at : 1;
}
