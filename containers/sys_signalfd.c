/*
 * signalfd and signalfd4 over the kernel's signalfd (pallas/signalfd.h),
 * whose source of signals is here: the calling task's own pending signals,
 * then its process's, lowest number first (Linux's dequeue_signal), each
 * turned into a struct signalfd_siginfo by the layout Linux gives its
 * si_code.  signal.c calls signalfd_notify whenever it makes one pending.
 */
#include <pallas/errno.h>
#include <pallas/fdtable.h>
#include <pallas/signalfd.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>
#include <pallas/vfs.h>

#include "fs_args.h"
#include "proc.h"
#include "signal.h"
#include "sys_fs.h"

struct linux_signalfd_siginfo {
	uint32_t ssi_signo;
	int32_t ssi_errno;
	int32_t ssi_code;
	uint32_t ssi_pid;
	uint32_t ssi_uid;
	int32_t ssi_fd;
	uint32_t ssi_tid;
	uint32_t ssi_band;
	uint32_t ssi_overrun;
	uint32_t ssi_trapno;
	int32_t ssi_status;
	int32_t ssi_int;
	uint64_t ssi_ptr;
	uint64_t ssi_utime;
	uint64_t ssi_stime;
	uint64_t ssi_addr;
	uint16_t ssi_addr_lsb;
	uint16_t pad2;
	int32_t ssi_syscall;
	uint64_t ssi_call_addr;
	uint32_t ssi_arch;
	uint8_t pad[28];
};
_Static_assert(sizeof(struct linux_signalfd_siginfo) == SIGNALFD_INFO_SIZE,
	       "signalfd_siginfo is 128 bytes");

static bool sfd_pending(uint64_t mask)
{
	struct task *k = task_current();

	if (!k)
		return false;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	bool r = ((k->pending.set | k->proc->shared_pending.set) & mask) != 0;
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	return r;
}

/* Linux's signalfd_copyinfo, by siginfo_layout's cases. */
static void to_sfd(const struct linux_siginfo *si, struct linux_signalfd_siginfo *o)
{
	int sig = si->si_signo, code = si->si_code;

	memset(o, 0, sizeof(*o));
	o->ssi_signo = (uint32_t)sig;
	o->ssi_errno = si->si_errno;
	o->ssi_code = code;
	if (code > 0 && code < LINUX_SI_KERNEL &&
	    (sig == LINUX_SIGSEGV || sig == LINUX_SIGBUS || sig == LINUX_SIGILL ||
	     sig == LINUX_SIGFPE || sig == LINUX_SIGTRAP)) {
		o->ssi_addr = si->fault.addr;
	} else if (code > 0 && code < LINUX_SI_KERNEL && sig == LINUX_SIGCHLD) {
		o->ssi_pid = (uint32_t)si->proc.pid;
		o->ssi_uid = si->proc.uid;
		o->ssi_status = si->proc.chld.status;
		o->ssi_utime = (uint64_t)si->proc.chld.utime;
		o->ssi_stime = (uint64_t)si->proc.chld.stime;
	} else if (code == LINUX_SI_TIMER) {
		o->ssi_tid = (uint32_t)si->timer.tid;
		o->ssi_overrun = (uint32_t)si->timer.overrun;
		o->ssi_ptr = si->timer.value;
		o->ssi_int = (int32_t)si->timer.value;
	} else if (code < 0) {
		o->ssi_pid = (uint32_t)si->proc.pid;
		o->ssi_uid = si->proc.uid;
		o->ssi_ptr = si->proc.value;
		o->ssi_int = (int32_t)si->proc.value;
	} else {
		o->ssi_pid = (uint32_t)si->proc.pid;
		o->ssi_uid = si->proc.uid;
	}
}

static int sfd_take(uint64_t mask, void *out)
{
	struct task *k = task_current();
	struct linux_siginfo info;

	if (!k)
		return 0;
	unsigned long flags = spin_lock_irqsave(&proc_tree_lock);
	int sig = signal_take_locked(k, mask, &info); /* the thread's, then the process's */
	spin_unlock_irqrestore(&proc_tree_lock, flags);
	if (sig > 0)
		to_sfd(&info, out);
	return sig > 0 ? sig : 0;
}

static const struct signalfd_source sfd_source = {
    .pending = sfd_pending,
    .take = sfd_take,
};

static long do_signalfd4(long ufd, uintptr_t umask, uint64_t size, uint64_t flags)
{
	uint64_t mask;

	if (size != sizeof(mask))
		return -EINVAL;
	if (copy_from_user(&mask, (void *)umask, sizeof(mask)))
		return -EFAULT;
	if (flags & ~(uint64_t)(SFD_CLOEXEC | SFD_NONBLOCK))
		return -EINVAL;
	mask &= ~SIG_UNBLOCKABLE;
	signalfd_set_source(&sfd_source);
	if ((int)ufd == -1) {
		struct file *f;
		int err = signalfd_create(mask, (unsigned)flags & SFD_NONBLOCK, &f);
		if (err)
			return err;
		long fd = fd_alloc(fs_self()->files, f, 0, flags & SFD_CLOEXEC);
		file_put(f);
		return fd;
	}
	struct file *f = fs_fd(fs_self(), (int)ufd);
	if (!f)
		return -EBADF;
	if (!file_is_signalfd(f)) {
		file_put(f);
		return -EINVAL;
	}
	signalfd_set_mask(f, mask);
	file_put(f);
	return (int)ufd;
}

/* signalfd(fd, mask, sizemask) */
long sys_signalfd(const struct syscall_args *a)
{
	return do_signalfd4((long)a->a[0], a->a[1], a->a[2], 0);
}

/* signalfd4(fd, mask, sizemask, flags) */
long sys_signalfd4(const struct syscall_args *a)
{
	return do_signalfd4((long)a->a[0], a->a[1], a->a[2], a->a[3]);
}
