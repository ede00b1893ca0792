/*
 * getrusage and times: CPU time (cputime.c), all of it reported as user
 * time, system time 0, since the scheduler does not split the two; the
 * other rusage fields are 0.  times' clock ticks are Linux's USER_HZ, 100
 * a second, and its result the ticks since boot.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/time.h>
#include <pallas/uaccess.h>

#include "cputime.h"
#include "proc.h"
#include "sys.h"

#define RUSAGE_SELF	0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD	1
#define NSEC_PER_TICK	(NSEC_PER_SEC / 100)

struct linux_tms {
	int64_t tms_utime, tms_stime, tms_cutime, tms_cstime;
};

long sys_getrusage(const struct syscall_args *a)
{
	struct proc *p = proc_current();
	struct linux_rusage ru = {0};
	uint64_t ns;

	switch ((int)a->a[0]) {
	case RUSAGE_SELF:
		ns = proc_cputime_ns(p);
		break;
	case RUSAGE_CHILDREN:
		ns = proc_children_cputime_ns(p);
		break;
	case RUSAGE_THREAD:
		ns = task_self_cputime_ns();
		break;
	default:
		return -EINVAL;
	}
	ru.ru_utime.tv_sec = (int64_t)(ns / NSEC_PER_SEC);
	ru.ru_utime.tv_usec = (int64_t)(ns % NSEC_PER_SEC / NSEC_PER_USEC);
	return copy_to_user((void *)a->a[1], &ru, sizeof(ru)) ? -EFAULT : 0;
}

long sys_times(const struct syscall_args *a)
{
	struct proc *p = proc_current();

	if (a->a[0]) {
		struct linux_tms t = {
		    .tms_utime = (int64_t)(proc_cputime_ns(p) / NSEC_PER_TICK),
		    .tms_cutime = (int64_t)(proc_children_cputime_ns(p) / NSEC_PER_TICK),
		};
		if (copy_to_user((void *)a->a[0], &t, sizeof(t)))
			return -EFAULT;
	}
	return (long)(clock_ns() / NSEC_PER_TICK);
}
