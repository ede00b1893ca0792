/*
 * pipe, pipe2, eventfd and eventfd2: new descriptors for the kernel's
 * pipes (pallas/pipe.h) and eventfds (pallas/eventfd.h).
 */
#include <pallas/errno.h>
#include <pallas/eventfd.h>
#include <pallas/fdtable.h>
#include <pallas/pipe.h>
#include <pallas/uaccess.h>
#include <pallas/vfs.h>

#include "fs_args.h"
#include "sys_fs.h"

static long do_pipe2(uintptr_t ufds, uint64_t flags)
{
	struct proc *p = fs_self();
	struct file *rd, *wr;

	if (flags & ~(uint64_t)(O_CLOEXEC | O_NONBLOCK | O_DIRECT))
		return -EINVAL;
	if (flags & O_DIRECT)
		return -EINVAL; /* packet mode is not there */
	int err = pipe_create((unsigned)flags & O_NONBLOCK, &rd, &wr);
	if (err)
		return err;
	bool cloexec = flags & O_CLOEXEC;
	int fds[2] = {fd_alloc(p->files, rd, 0, cloexec), -1};
	if (fds[0] >= 0)
		fds[1] = fd_alloc(p->files, wr, 0, cloexec);
	file_put(rd);
	file_put(wr);
	if (fds[1] < 0) {
		err = fds[0] < 0 ? fds[0] : fds[1];
		if (fds[0] >= 0)
			fd_close(p->files, fds[0]);
		return err;
	}
	if (copy_to_user((void *)ufds, fds, sizeof(fds))) {
		/* As Linux: nothing was installed for the program to see. */
		fd_close(p->files, fds[0]);
		fd_close(p->files, fds[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(const struct syscall_args *a)
{
	return do_pipe2(a->a[0], 0);
}

long sys_pipe2(const struct syscall_args *a)
{
	return do_pipe2(a->a[0], a->a[1]);
}

static long do_eventfd(uint64_t initval, uint64_t flags)
{
	struct proc *p = fs_self();
	struct file *f;

	if (flags & ~(uint64_t)(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK))
		return -EINVAL;
	int err = eventfd_create((uint32_t)initval, (unsigned)flags, &f);
	if (err)
		return err;
	long fd = fd_alloc(p->files, f, 0, flags & EFD_CLOEXEC);
	file_put(f);
	return fd;
}

long sys_eventfd(const struct syscall_args *a)
{
	return do_eventfd(a->a[0], 0);
}

long sys_eventfd2(const struct syscall_args *a)
{
	return do_eventfd(a->a[0], a->a[1]);
}
