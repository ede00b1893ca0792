/*
 * timerfd.  The expiration count lives under the wait queue's lock, as
 * eventfd's counter does; the timer's callback adds to it from interrupt
 * context (the timer's lock, then the queue's: the one order used here).
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/poll.h>
#include <pallas/timerfd.h>

#include "vfs_internal.h"

struct timerfd {
	struct ktimer timer;
	struct waitqueue wq; /* its lock covers ticks */
	uint64_t ticks;	     /* expirations not yet read */
	int clock;	     /* the creator's */
};

static const struct file_ops timerfd_ops;

static void expired(struct ktimer *t, uint64_t n)
{
	struct timerfd *tf = container_of(t, struct timerfd, timer);

	spin_lock(&tf->wq.lock); /* interrupts are off in a timer callback */
	tf->ticks = n > UINT64_MAX - tf->ticks ? UINT64_MAX : tf->ticks + n;
	waitqueue_wake_key_locked(&tf->wq, WAKE_ALL, LINUX_POLLIN);
	spin_unlock(&tf->wq.lock);
}

static bool nonblocking(struct file *f)
{
	return __atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK;
}

static long timerfd_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct timerfd *tf = f->priv;
	uint64_t val = 0;
	long r = 0;

	if (u->resid < sizeof(val))
		return -EINVAL;
	unsigned long flags = spin_lock_irqsave(&tf->wq.lock);
	while (!r && !tf->ticks) {
		if (nonblocking(f))
			r = -EAGAIN;
		else if (waitqueue_sleep_interruptible_locked(&tf->wq, UINT64_MAX))
			r = -ERESTARTSYS;
	}
	if (!r) {
		val = tf->ticks;
		tf->ticks = 0;
	}
	spin_unlock_irqrestore(&tf->wq.lock, flags);
	if (r)
		return r;
	return uio_copy_out(u, &val, sizeof(val)) == sizeof(val) ? (long)sizeof(val) : -EFAULT;
}

static unsigned timerfd_poll(struct file *f, struct poll_table *pt)
{
	struct timerfd *tf = f->priv;

	poll_wait(pt, &tf->wq);
	unsigned long flags = spin_lock_irqsave(&tf->wq.lock);
	bool ready = tf->ticks > 0;
	spin_unlock_irqrestore(&tf->wq.lock, flags);
	return ready ? LINUX_POLLIN : 0;
}

static void timerfd_release(struct file *f)
{
	struct timerfd *tf = f->priv;

	ktimer_shutdown(&tf->timer);
	kfree(tf);
}

static const struct file_ops timerfd_ops = {
    .read = timerfd_read,
    .lseek = anon_lseek,
    .poll = timerfd_poll,
    .release = timerfd_release,
};

bool file_is_timerfd(const struct file *f)
{
	return f->ops == &timerfd_ops;
}

void timerfd_set(struct file *f, uint64_t expires_ns, uint64_t interval_ns,
		 struct ktimer_setting *old)
{
	struct timerfd *tf = f->priv;

	unsigned long flags = spin_lock_irqsave(&tf->timer.lock);
	ktimer_set_locked(&tf->timer, expires_ns, interval_ns, old);
	spin_lock(&tf->wq.lock);
	tf->ticks = 0;
	spin_unlock(&tf->wq.lock);
	spin_unlock_irqrestore(&tf->timer.lock, flags);
}

void timerfd_get(struct file *f, struct ktimer_setting *cur)
{
	ktimer_get(&((struct timerfd *)f->priv)->timer, cur);
}

int timerfd_clock(const struct file *f)
{
	return ((const struct timerfd *)f->priv)->clock;
}

int timerfd_create(unsigned flags, int clock, struct file **out)
{
	struct timerfd *tf = kzalloc(sizeof(*tf));

	if (!tf)
		return -ENOMEM;
	ktimer_init(&tf->timer, expired);
	waitqueue_init(&tf->wq);
	tf->clock = clock;
	/* Linux's anonymous inodes have no type bits and mode 0600. */
	int err = anon_file_create(0600, &timerfd_ops, O_RDWR | (flags & O_NONBLOCK), tf, out);
	if (err)
		kfree(tf);
	return err;
}
