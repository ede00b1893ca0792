/*
 * prctl(2): the options Debian's programs use (names, the parent-death
 * signal, dumpable, the child subreaper, no_new_privs, the seccomp and
 * capability queries), each with Linux's argument checks; anything else is
 * EINVAL, as Linux answers an option it does not know.
 */
#include <pallas/errno.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>

#include "proc.h"
#include "sys.h"

#define PR_SET_PDEATHSIG       1
#define PR_GET_PDEATHSIG       2
#define PR_GET_DUMPABLE	       3
#define PR_SET_DUMPABLE	       4
#define PR_GET_KEEPCAPS	       7
#define PR_SET_KEEPCAPS	       8
#define PR_SET_NAME	       15
#define PR_GET_NAME	       16
#define PR_GET_SECCOMP	       21
#define PR_CAPBSET_READ	       23
#define PR_SET_TIMERSLACK      29
#define PR_GET_TIMERSLACK      30
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37
#define PR_SET_NO_NEW_PRIVS    38
#define PR_GET_NO_NEW_PRIVS    39
#define CAP_LAST_CAP	       40
#define TIMERSLACK_NS	       50000 /* Linux's default */

static long put_int(uint64_t uptr, int v)
{
	return copy_to_user((void *)uptr, &v, sizeof(v)) ? -EFAULT : 0;
}

static bool flag_arg(uint64_t v)
{
	return v == 0 || v == 1;
}

long sys_prctl(const struct syscall_args *a)
{
	struct proc *p = proc_current();
	uint64_t arg2 = a->a[1];
	char name[16];

	switch ((int)a->a[0]) {
	case PR_SET_PDEATHSIG:
		if (arg2 > LINUX_NSIG)
			return -EINVAL;
		p->pdeath_signal = (int)arg2;
		return 0;
	case PR_GET_PDEATHSIG:
		return put_int(arg2, p->pdeath_signal);
	case PR_GET_DUMPABLE:
		return p->dumpable;
	case PR_SET_DUMPABLE:
		if (!flag_arg(arg2))
			return -EINVAL;
		p->dumpable = (int)arg2;
		return 0;
	case PR_GET_KEEPCAPS:
		return p->keepcaps;
	case PR_SET_KEEPCAPS:
		if (!flag_arg(arg2))
			return -EINVAL;
		p->keepcaps = (int)arg2;
		return 0;
	case PR_SET_NAME: {
		long n = strncpy_from_user(name, (const char *)arg2, sizeof(name) - 1);
		if (n < 0)
			return -EFAULT;
		name[n] = 0;
		memset(p->comm, 0, sizeof(p->comm));
		memcpy(p->comm, name, (size_t)n + 1);
		return 0;
	}
	case PR_GET_NAME:
		memcpy(name, p->comm, sizeof(name));
		name[15] = 0;
		return copy_to_user((void *)arg2, name, sizeof(name)) ? -EFAULT : 0;
	case PR_GET_SECCOMP:
		return 0; /* no filter: seccomp mode 0 */
	case PR_CAPBSET_READ:
		return arg2 <= CAP_LAST_CAP ? 1 : -EINVAL;
	case PR_SET_TIMERSLACK:
		return 0; /* timers are not coalesced: any slack is met */
	case PR_GET_TIMERSLACK:
		return TIMERSLACK_NS;
	case PR_SET_CHILD_SUBREAPER:
		p->child_subreaper = arg2 != 0;
		return 0;
	case PR_GET_CHILD_SUBREAPER:
		return put_int(arg2, p->child_subreaper);
	case PR_SET_NO_NEW_PRIVS:
		if (arg2 != 1 || a->a[2] || a->a[3] || a->a[4])
			return -EINVAL;
		p->no_new_privs = true;
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		if (arg2 || a->a[2] || a->a[3] || a->a[4])
			return -EINVAL;
		return p->no_new_privs;
	default:
		return -EINVAL;
	}
}
