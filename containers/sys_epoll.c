/*
 * epoll_create, epoll_create1, epoll_ctl, epoll_wait and epoll_pwait over
 * the kernel's epoll (pallas/epoll.h).  An interrupted epoll_wait is
 * -EINTR, never restarted, as on Linux.
 */
#include <pallas/epoll.h>
#include <pallas/errno.h>
#include <pallas/fdtable.h>
#include <pallas/uaccess.h>
#include <pallas/vfs.h>

#include "fs_args.h"
#include "sys_fs.h"
#include "wait_args.h"

static long do_create(uint64_t flags)
{
	struct proc *p = fs_self();
	struct file *f;

	if (flags & ~(uint64_t)O_CLOEXEC)
		return -EINVAL;
	int err = epoll_create_file(&f);
	if (err)
		return err;
	long fd = fd_alloc(p->files, f, 0, flags & O_CLOEXEC);
	file_put(f);
	return fd;
}

long sys_epoll_create(const struct syscall_args *a)
{
	if ((int32_t)a->a[0] <= 0)
		return -EINVAL;
	return do_create(0);
}

long sys_epoll_create1(const struct syscall_args *a)
{
	return do_create(a->a[0]);
}

long sys_epoll_ctl(const struct syscall_args *a)
{
	struct proc *p = fs_self();
	int op = (int)a->a[1], fd = (int)a->a[2];
	struct epoll_event ev = {0};

	if (op != EPOLL_CTL_DEL && copy_from_user(&ev, (const void *)a->a[3], sizeof(ev)))
		return -EFAULT;
	struct file *ep = fs_fd(p, (int32_t)a->a[0]);
	struct file *target = ep ? fs_fd(p, fd) : NULL;
	long r = !target ? -EBADF : epoll_ctl_file(ep, op, fd, target, &ev);
	/* After epoll_ctl_file has let go of its locks: a put may remove items. */
	file_put(target);
	file_put(ep);
	return r;
}

static long do_wait(const struct syscall_args *a, uint64_t deadline)
{
	int maxevents = (int)a->a[2];

	if (maxevents <= 0 || (uint64_t)maxevents > EP_MAX_EVENTS)
		return -EINVAL;
	if (!user_range_ok(a->a[1], (size_t)maxevents * sizeof(struct epoll_event)))
		return -EFAULT;
	struct file *ep = fs_fd(fs_self(), (int32_t)a->a[0]);
	if (!ep)
		return -EBADF;
	long r = file_is_epoll(ep) ? epoll_wait_file(ep, a->a[1], maxevents, deadline) : -EINVAL;
	file_put(ep);
	return r;
}

long sys_epoll_wait(const struct syscall_args *a)
{
	return do_wait(a, wait_deadline_ms((int32_t)a->a[3]));
}

long sys_epoll_pwait(const struct syscall_args *a)
{
	int err = wait_temporary_sigmask(a->a[4], a->a[5]);

	if (err)
		return err;
	return do_wait(a, wait_deadline_ms((int32_t)a->a[3]));
}
