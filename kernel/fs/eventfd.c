/*
 * eventfd.  The counter lives under its wait queue's lock, so checking it
 * and going to sleep are one step (pallas/waitqueue.h); user copies happen
 * outside that spinlock.
 */
#include <pallas/errno.h>
#include <pallas/eventfd.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/poll.h>

#include "vfs_internal.h"

#define EFD_MAX UINT64_MAX /* the counter stays below it */

struct eventfd {
	struct waitqueue wq; /* its lock covers count */
	uint64_t count;
	bool semaphore;
};

static bool nonblocking(struct file *f)
{
	return __atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK;
}

static long eventfd_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct eventfd *e = f->priv;
	uint64_t val = 0;
	long r = 0;

	if (u->resid < sizeof(val))
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&e->wq.lock);
	while (!r && !e->count) {
		if (nonblocking(f))
			r = -EAGAIN;
		else if (waitqueue_sleep_interruptible_locked(&e->wq, UINT64_MAX))
			r = -ERESTARTSYS;
	}
	if (!r) {
		val = e->semaphore ? 1 : e->count;
		e->count -= val;
		waitqueue_wake_key_locked(&e->wq, WAKE_ALL, LINUX_POLLOUT);
	}
	spin_unlock_irqrestore(&e->wq.lock, flags);
	if (r)
		return r;
	/* Taken even when the copy faults, as on Linux. */
	return uio_copy_out(u, &val, sizeof(val)) == sizeof(val) ? (long)sizeof(val) : -EFAULT;
}

static long eventfd_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct eventfd *e = f->priv;
	uint64_t val;
	long r = 0;

	if (u->resid < sizeof(val))
		return -EINVAL;
	if (uio_copy_in(u, &val, sizeof(val)) != sizeof(val))
		return -EFAULT;
	if (val == EFD_MAX)
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&e->wq.lock);
	while (!r && EFD_MAX - e->count <= val) {
		if (nonblocking(f))
			r = -EAGAIN;
		else if (waitqueue_sleep_interruptible_locked(&e->wq, UINT64_MAX))
			r = -ERESTARTSYS;
	}
	if (!r) {
		e->count += val;
		if (val)
			waitqueue_wake_key_locked(&e->wq, WAKE_ALL, LINUX_POLLIN);
	}
	spin_unlock_irqrestore(&e->wq.lock, flags);
	return r ? r : (long)sizeof(val);
}

static unsigned eventfd_poll(struct file *f, struct poll_table *pt)
{
	struct eventfd *e = f->priv;
	unsigned mask = 0;

	poll_wait(pt, &e->wq);
	unsigned long flags = spin_lock_irqsave(&e->wq.lock);
	uint64_t count = e->count;
	spin_unlock_irqrestore(&e->wq.lock, flags);
	if (count > 0)
		mask |= LINUX_POLLIN;
	if (count == EFD_MAX)
		mask |= LINUX_POLLERR;
	if (EFD_MAX - 1 > count)
		mask |= LINUX_POLLOUT;
	return mask;
}

static void eventfd_release(struct file *f)
{
	kfree(f->priv);
}

static const struct file_ops eventfd_ops = {
    .read = eventfd_read,
    .write = eventfd_write,
    .lseek = anon_lseek,
    .poll = eventfd_poll,
    .release = eventfd_release,
};

int eventfd_create(uint64_t initval, unsigned flags, struct file **out)
{
	struct eventfd *e = kzalloc(sizeof(*e));

	if (!e)
		return -ENOMEM;
	waitqueue_init(&e->wq);
	e->count = initval;
	e->semaphore = flags & EFD_SEMAPHORE;
	/* Linux's anonymous inodes have no type bits and mode 0600. */
	int err = anon_file_create(0600, &eventfd_ops, O_RDWR | (flags & O_NONBLOCK), e, out);
	if (err)
		kfree(e);
	return err;
}
