/*
 * timerfd_create, timerfd_settime, timerfd_gettime over the kernel's
 * timerfd (pallas/timerfd.h), whose times are clock_ns(): the clocks and
 * TFD_TIMER_ABSTIME are turned into that here (timer_args.c).
 * TFD_TIMER_CANCEL_ON_SET is taken but a clock change cancels nothing.
 */
#include <pallas/errno.h>
#include <pallas/fdtable.h>
#include <pallas/timerfd.h>
#include <pallas/vfs.h>

#include "fs_args.h"
#include "sys.h"
#include "timers.h"

#define TFD_TIMER_ABSTIME	1
#define TFD_TIMER_CANCEL_ON_SET 2

long sys_timerfd_create(const struct syscall_args *a)
{
	int clk = (int)a->a[0];
	uint64_t flags = a->a[1];
	struct file *f;

	/* Linux's alarm clocks (8, 9) need CAP_WAKE_ALARM and a suspend to
	 * wake from; neither is here, so they are unknown clocks. */
	if (timer_args_clock(clk))
		return -EINVAL;
	if (flags & ~(uint64_t)(TFD_CLOEXEC | TFD_NONBLOCK))
		return -EINVAL;
	int err = timerfd_create((unsigned)flags, clk, &f);
	if (err)
		return err;
	long fd = fd_alloc(fs_self()->files, f, 0, flags & TFD_CLOEXEC);
	file_put(f);
	return fd;
}

/* fd's timerfd with a reference: -EBADF for no file, -EINVAL for another kind. */
static int get_timerfd(long fd, struct file **out)
{
	struct file *f = fs_fd(fs_self(), fd);

	if (!f)
		return -EBADF;
	if (!file_is_timerfd(f)) {
		file_put(f);
		return -EINVAL;
	}
	*out = f;
	return 0;
}

/* timerfd_settime(fd, flags, new, old) */
long sys_timerfd_settime(const struct syscall_args *a)
{
	uint64_t flags = a->a[1], value, interval;
	struct ktimer_setting old;
	struct file *f;

	int err = timer_args_get_spec(a->a[2], &value, &interval);
	if (err)
		return err;
	if (flags & ~(uint64_t)(TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET))
		return -EINVAL;
	err = get_timerfd((long)a->a[0], &f);
	if (err)
		return err;
	uint64_t at = timer_args_deadline(timerfd_clock(f), flags & TFD_TIMER_ABSTIME, value);
	timerfd_set(f, at, interval, &old);
	file_put(f);
	return a->a[3] ? timer_args_put_spec(a->a[3], &old) : 0;
}

long sys_timerfd_gettime(const struct syscall_args *a)
{
	struct ktimer_setting cur;
	struct file *f;
	int err = get_timerfd((long)a->a[0], &f);

	if (err)
		return err;
	timerfd_get(f, &cur);
	file_put(f);
	return timer_args_put_spec(a->a[1], &cur);
}
