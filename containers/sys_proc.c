/*
 * System calls about the process itself: its end, its identity, its
 * limits, the machine it runs on.  IDs are the process's own credentials;
 * a TID is the calling task's, a PID its process's.
 */
#include <pallas/errno.h>
#include <pallas/fdtable.h>
#include <pallas/mm.h>
#include <pallas/percpu.h>
#include <pallas/random.h>
#include <pallas/sched.h>
#include <pallas/smp.h>
#include <pallas/string.h>
#include <pallas/time.h>
#include <pallas/uaccess.h>
#include <pallas/user.h>

#include "proc.h"
#include "sys.h"
#include "uapi/unistd.h"

long sys_exit(const struct syscall_args *a)
{
	task_exit(linux_status_exited((int)a->a[0]));
}

long sys_exit_group(const struct syscall_args *a)
{
	proc_exit(linux_status_exited((int)a->a[0]));
}

long sys_getpid(const struct syscall_args *a)
{
	return proc_current()->pid;
}

long sys_gettid(const struct syscall_args *a)
{
	return task_current()->tid;
}

long sys_getppid(const struct syscall_args *a)
{
	struct proc *parent = proc_current()->parent;

	return parent ? parent->pid : 0;
}

long sys_getuid(const struct syscall_args *a)
{
	return proc_current()->cred.uid;
}

long sys_geteuid(const struct syscall_args *a)
{
	return proc_current()->cred.euid;
}

long sys_getgid(const struct syscall_args *a)
{
	return proc_current()->cred.gid;
}

long sys_getegid(const struct syscall_args *a)
{
	return proc_current()->cred.egid;
}

static long put_three(uint64_t ua, uint64_t ub, uint64_t uc, uint32_t a, uint32_t b, uint32_t c)
{
	if (copy_to_user((void *)ua, &a, 4) || copy_to_user((void *)ub, &b, 4) ||
	    copy_to_user((void *)uc, &c, 4))
		return -EFAULT;
	return 0;
}

long sys_getresuid(const struct syscall_args *a)
{
	const struct cred *c = &proc_current()->cred;

	return put_three(a->a[0], a->a[1], a->a[2], c->uid, c->euid, c->suid);
}

long sys_getresgid(const struct syscall_args *a)
{
	const struct cred *c = &proc_current()->cred;

	return put_three(a->a[0], a->a[1], a->a[2], c->gid, c->egid, c->sgid);
}

long sys_getgroups(const struct syscall_args *a)
{
	const struct cred *c = &proc_current()->cred;
	int size = (int)a->a[0];

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return c->ngroups;
	if ((unsigned)size < c->ngroups)
		return -EINVAL;
	if (copy_to_user((void *)a->a[1], c->groups, c->ngroups * sizeof(uint32_t)))
		return -EFAULT;
	return c->ngroups;
}

long sys_set_tid_address(const struct syscall_args *a)
{
	struct task *k = task_current();

	k->clear_child_tid = a->a[0];
	return k->tid;
}

/* struct robust_list_head is three words on x86-64. */
long sys_set_robust_list(const struct syscall_args *a)
{
	if (a->a[1] != 24)
		return -EINVAL;
	task_current()->robust_list = a->a[0];
	return 0;
}

long sys_arch_prctl(const struct syscall_args *a)
{
	struct task *k = task_current();
	uint64_t v;
	int err;

	switch (a->a[0]) {
	case ARCH_SET_FS:
		err = user_set_fs_base(a->a[1]);
		if (!err)
			k->fs_base = a->a[1];
		return err ? -EPERM : 0;
	case ARCH_SET_GS:
		err = user_set_gs_base(a->a[1]);
		if (!err)
			k->gs_base = a->a[1];
		return err ? -EPERM : 0;
	case ARCH_GET_FS:
	case ARCH_GET_GS:
		v = a->a[0] == ARCH_GET_FS ? k->fs_base : k->gs_base;
		return copy_to_user((void *)a->a[1], &v, sizeof(v)) ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}

static void set_field(char *dst, const char *src)
{
	memset(dst, 0, 65);
	memcpy(dst, src, strnlen(src, 64));
}

/* A release new enough for every glibc in Debian 12 and later. */
long sys_uname(const struct syscall_args *a)
{
	struct linux_utsname u;

	set_field(u.sysname, "Linux");
	set_field(u.nodename, "pallas");
	set_field(u.release, "6.1.0-pallas");
	set_field(u.version, "#1 SMP PREEMPT Pallas " PALLAS_VERSION);
	set_field(u.machine, "x86_64");
	set_field(u.domainname, "(none)");
	return copy_to_user((void *)a->a[0], &u, sizeof(u)) ? -EFAULT : 0;
}

/* pid 0 or the caller's own; other processes' limits need a process
 * table lookup with permission checks, which comes with kill(). */
long sys_prlimit64(const struct syscall_args *a)
{
	struct proc *p = proc_current();
	unsigned res = (unsigned)a->a[1];
	struct linux_rlimit nl;

	if ((int)a->a[0] != 0 && (int)a->a[0] != p->pid)
		return -ESRCH;
	if (res >= LINUX_RLIM_NLIMITS)
		return -EINVAL;
	if (a->a[2]) {
		if (copy_from_user(&nl, (const void *)a->a[2], sizeof(nl)))
			return -EFAULT;
		if (nl.rlim_cur > nl.rlim_max)
			return -EINVAL;
		if (nl.rlim_max > p->rlim[res].rlim_max && p->cred.euid != 0)
			return -EPERM;
		if (res == LINUX_RLIMIT_NOFILE && nl.rlim_max > FDTABLE_MAX_LIMIT)
			return -EPERM;
	}
	struct linux_rlimit old = p->rlim[res];
	if (a->a[3] && copy_to_user((void *)a->a[3], &old, sizeof(old)))
		return -EFAULT;
	if (a->a[2])
		p->rlim[res] = nl;
	if (a->a[2] && res == LINUX_RLIMIT_NOFILE) { /* what fd_alloc and dup2 go by */
		struct fdtable *t = proc_files(p);
		if (t)
			fdtable_set_limit(t, (unsigned)nl.rlim_cur);
		fdtable_put(t);
	}
	return 0;
}

long sys_getrlimit(const struct syscall_args *a)
{
	struct syscall_args b = {{0, a->a[0], 0, a->a[1], 0, 0}};

	return sys_prlimit64(&b);
}

long sys_setrlimit(const struct syscall_args *a)
{
	struct syscall_args b = {{0, a->a[0], a->a[1], 0, 0, 0}};

	return sys_prlimit64(&b);
}

long sys_sched_yield(const struct syscall_args *a)
{
	sched_yield();
	return 0;
}

long sys_getcpu(const struct syscall_args *a)
{
	uint32_t cpu = this_cpu()->id, node = 0;

	if (a->a[0] && copy_to_user((void *)a->a[0], &cpu, 4))
		return -EFAULT;
	if (a->a[1] && copy_to_user((void *)a->a[1], &node, 4))
		return -EFAULT;
	return 0;
}

long sys_sysinfo(const struct syscall_args *a)
{
	struct linux_sysinfo si;

	memset(&si, 0, sizeof(si));
	si.uptime = (int64_t)(clock_ns() / NSEC_PER_SEC);
	si.totalram = page_total_count() * PAGE_SIZE;
	si.freeram = page_free_count() * PAGE_SIZE;
	si.procs = 1;
	si.mem_unit = 1;
	return copy_to_user((void *)a->a[0], &si, sizeof(si)) ? -EFAULT : 0;
}

#define GRND_NONBLOCK 0x1
#define GRND_RANDOM   0x2
#define GRND_INSECURE 0x4

/* The generator is seeded before the first program runs, so no flag ever
 * has to wait; chunks keep a huge request from holding a CPU in one go. */
long sys_getrandom(const struct syscall_args *a)
{
	uint64_t flags = a->a[2];
	size_t len = a->a[1] > 0x1ffffff ? 0x1ffffff : a->a[1]; /* Linux's 32 MiB - 1 */
	uint8_t chunk[256];
	size_t done = 0;

	if (flags & ~(uint64_t)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE) ||
	    (flags & GRND_RANDOM && flags & GRND_INSECURE))
		return -EINVAL;
	while (done < len) {
		size_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
		random_bytes(chunk, n);
		if (copy_to_user((void *)(a->a[0] + done), chunk, n))
			return done ? (long)done : -EFAULT;
		done += n;
		if (done < len && this_cpu()->need_resched)
			sched_yield();
	}
	memset(chunk, 0, sizeof(chunk));
	return (long)done;
}
