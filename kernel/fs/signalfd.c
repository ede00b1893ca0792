/*
 * signalfd.  The signals are the personality's (its source, under its own
 * lock); the only state here is each file's mask and one wait queue for
 * all signalfds, with a count of notifications under the queue's lock so
 * that a reader that found nothing and then sleeps misses none: a signal
 * made pending after its look bumps the count before or after the reader
 * takes the queue's lock, and either way the reader sees it.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/poll.h>
#include <pallas/signalfd.h>

#include "vfs_internal.h"

struct signalfd {
	uint64_t mask; /* atomic */
};

static struct waitqueue sfd_wq = WAITQUEUE_INIT(sfd_wq);
static uint64_t sfd_seq;   /* under sfd_wq.lock */
static uint32_t sfd_files; /* atomic: while 0, notify does nothing */
static const struct signalfd_source *sfd_src;

void signalfd_set_source(const struct signalfd_source *src)
{
	sfd_src = src;
}

void signalfd_notify(void)
{
	if (!__atomic_load_n(&sfd_files, __ATOMIC_ACQUIRE))
		return;
	unsigned long flags = spin_lock_irqsave(&sfd_wq.lock);
	sfd_seq++;
	waitqueue_wake_key_locked(&sfd_wq, WAKE_ALL, LINUX_POLLIN);
	spin_unlock_irqrestore(&sfd_wq.lock, flags);
}

static uint64_t mask_of(struct file *f)
{
	return __atomic_load_n(&((struct signalfd *)f->priv)->mask, __ATOMIC_RELAXED);
}

static long signalfd_read(struct file *f, struct uio *u, uint64_t *pos)
{
	uint8_t info[SIGNALFD_INFO_SIZE];
	long done = 0;

	if (u->resid < sizeof(info))
		return -EINVAL;
	if (!sfd_src)
		return -EAGAIN;
	/* The first waits (unless O_NONBLOCK); the rest are only what is there. */
	while (u->resid >= sizeof(info)) {
		unsigned long flags = spin_lock_irqsave(&sfd_wq.lock);
		uint64_t seq = sfd_seq;
		spin_unlock_irqrestore(&sfd_wq.lock, flags);
		if (sfd_src->take(mask_of(f), info)) {
			if (uio_copy_out(u, info, sizeof(info)) != sizeof(info))
				return done ? done : -EFAULT;
			done += sizeof(info);
			continue;
		}
		if (done)
			break;
		if (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK)
			return -EAGAIN;
		flags = spin_lock_irqsave(&sfd_wq.lock);
		int r = 0;
		if (sfd_seq == seq)
			r = waitqueue_sleep_interruptible_locked(&sfd_wq, UINT64_MAX);
		spin_unlock_irqrestore(&sfd_wq.lock, flags);
		if (r)
			return -ERESTARTSYS;
	}
	return done;
}

static unsigned signalfd_poll(struct file *f, struct poll_table *pt)
{
	poll_wait(pt, &sfd_wq);
	return sfd_src && sfd_src->pending(mask_of(f)) ? LINUX_POLLIN : 0;
}

static void signalfd_release(struct file *f)
{
	kfree(f->priv);
	__atomic_fetch_sub(&sfd_files, 1, __ATOMIC_RELEASE);
}

static const struct file_ops signalfd_ops = {
    .read = signalfd_read,
    .lseek = anon_lseek,
    .poll = signalfd_poll,
    .release = signalfd_release,
};

bool file_is_signalfd(const struct file *f)
{
	return f->ops == &signalfd_ops;
}

void signalfd_set_mask(struct file *f, uint64_t mask)
{
	__atomic_store_n(&((struct signalfd *)f->priv)->mask, mask, __ATOMIC_RELAXED);
	/* A poller of the file looks again with the new mask. */
	unsigned long flags = spin_lock_irqsave(&sfd_wq.lock);
	sfd_seq++;
	waitqueue_wake_key_locked(&sfd_wq, WAKE_ALL, LINUX_POLLIN);
	spin_unlock_irqrestore(&sfd_wq.lock, flags);
}

int signalfd_create(uint64_t mask, unsigned flags, struct file **out)
{
	struct signalfd *s = kzalloc(sizeof(*s));

	if (!s)
		return -ENOMEM;
	s->mask = mask;
	__atomic_fetch_add(&sfd_files, 1, __ATOMIC_ACQ_REL);
	/* Linux's anonymous inodes have no type bits and mode 0600. */
	int err = anon_file_create(0600, &signalfd_ops, O_RDWR | (flags & O_NONBLOCK), s, out);
	if (err) {
		kfree(s);
		__atomic_fetch_sub(&sfd_files, 1, __ATOMIC_RELEASE);
	}
	return err;
}
