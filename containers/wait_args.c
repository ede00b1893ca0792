/* Timeouts and the temporary signal mask of the waiting calls (wait_args.h). */
#include <pallas/errno.h>
#include <pallas/time.h>
#include <pallas/uaccess.h>

#include "signal.h"
#include "uapi/linux.h"
#include "wait_args.h"

uint64_t wait_deadline_ns(uint64_t ns)
{
	uint64_t now = clock_ns();

	return ns >= WAIT_FOREVER - now ? WAIT_FOREVER - 1 : now + ns;
}

uint64_t wait_deadline_ms(int64_t ms)
{
	if (ms < 0)
		return WAIT_FOREVER;
	return wait_deadline_ns((uint64_t)ms * NSEC_PER_MSEC);
}

/* sec and sub (of sub_max, each unit ns) as nanoseconds, saturating. */
static int ns_of(int64_t sec, int64_t sub, int64_t sub_max, uint64_t unit, uint64_t *ns)
{
	if (sec < 0 || sub < 0 || sub >= sub_max)
		return -EINVAL;
	uint64_t max_s = WAIT_FOREVER / NSEC_PER_SEC - 1;
	*ns = (uint64_t)sec > max_s ? WAIT_FOREVER - 1
				    : (uint64_t)sec * NSEC_PER_SEC + (uint64_t)sub * unit;
	return 0;
}

static int deadline_of(int64_t sec, int64_t sub, int64_t sub_max, uint64_t unit, uint64_t *out)
{
	uint64_t ns;
	int err = ns_of(sec, sub, sub_max, unit, &ns);

	if (!err)
		*out = wait_deadline_ns(ns);
	return err;
}

int wait_timespec_ns(uintptr_t uts, uint64_t *ns)
{
	struct linux_timespec ts;

	if (copy_from_user(&ts, (const void *)uts, sizeof(ts)))
		return -EFAULT;
	return ns_of(ts.tv_sec, ts.tv_nsec, (int64_t)NSEC_PER_SEC, 1, ns);
}

int wait_deadline_timespec(uintptr_t uts, uint64_t *deadline)
{
	struct linux_timespec ts;

	*deadline = WAIT_FOREVER;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, (const void *)uts, sizeof(ts)))
		return -EFAULT;
	return deadline_of(ts.tv_sec, ts.tv_nsec, (int64_t)NSEC_PER_SEC, 1, deadline);
}

int wait_deadline_timeval(uintptr_t utv, uint64_t *deadline)
{
	struct linux_timeval tv;

	*deadline = WAIT_FOREVER;
	if (!utv)
		return 0;
	if (copy_from_user(&tv, (const void *)utv, sizeof(tv)))
		return -EFAULT;
	if (tv.tv_sec < 0 || tv.tv_usec < 0)
		return -EINVAL;
	/* Linux carries whole seconds of tv_usec over instead of refusing them. */
	int64_t carry = tv.tv_usec / 1000000;
	if (tv.tv_sec > INT64_MAX - carry)
		tv.tv_sec = INT64_MAX - carry;
	return deadline_of(tv.tv_sec + carry, tv.tv_usec % 1000000, 1000000, NSEC_PER_USEC,
			   deadline);
}

static uint64_t remaining(uint64_t deadline)
{
	uint64_t now = clock_ns();

	return deadline > now ? deadline - now : 0;
}

void wait_put_remaining_timespec(uintptr_t uts, uint64_t deadline)
{
	if (!uts || deadline == WAIT_FOREVER)
		return;
	uint64_t left = remaining(deadline);
	struct linux_timespec ts = {(int64_t)(left / NSEC_PER_SEC), (int64_t)(left % NSEC_PER_SEC)};
	(void)copy_to_user((void *)uts, &ts, sizeof(ts));
}

void wait_put_remaining_timeval(uintptr_t utv, uint64_t deadline)
{
	if (!utv || deadline == WAIT_FOREVER)
		return;
	uint64_t left = remaining(deadline);
	struct linux_timeval tv = {(int64_t)(left / NSEC_PER_SEC),
				   (int64_t)(left % NSEC_PER_SEC / NSEC_PER_USEC)};
	(void)copy_to_user((void *)utv, &tv, sizeof(tv));
}

int wait_temporary_sigmask(uintptr_t umask, uint64_t size)
{
	uint64_t mask;

	if (!umask)
		return 0;
	if (size != sizeof(mask))
		return -EINVAL;
	if (copy_from_user(&mask, (const void *)umask, sizeof(mask)))
		return -EFAULT;
	signal_set_temporary_mask(mask);
	return 0;
}
