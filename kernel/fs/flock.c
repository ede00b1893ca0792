/*
 * flock(2) locks: advisory, whole-file, held by an open file description
 * (so a forked child's inherited descriptor holds the parent's lock too),
 * shared or exclusive, gone when the description's last reference is
 * (file_put calls flock_file_gone).  All locks of all files are on one
 * list under one wait queue's lock: they are few, and a release wakes
 * every waiter, each of which looks again.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/list.h>
#include <pallas/mm.h>
#include <pallas/waitqueue.h>

#include "vfs_internal.h"

struct flock_entry {
	struct list node;
	struct inode *inode; /* no reference: the file's keeps it */
	struct file *file;
	bool excl;
};

static struct waitqueue flock_wq = WAITQUEUE_INIT(flock_wq);
static struct list flocks = LIST_INIT(flocks); /* under flock_wq.lock */

static struct flock_entry *entry_of(struct list *n)
{
	return container_of(n, struct flock_entry, node);
}

/* f's own lock (lock held), or NULL. */
static struct flock_entry *held(struct file *f)
{
	struct list *n;

	list_for_each(n, &flocks) if (entry_of(n)->file == f) return entry_of(n);
	return NULL;
}

/* Whether another description's lock on f's file keeps f from this one. */
static bool conflicts(struct file *f, bool excl)
{
	struct list *n;

	list_for_each(n, &flocks)
	{
		struct flock_entry *e = entry_of(n);
		if (e->inode == f->inode && e->file != f && (excl || e->excl))
			return true;
	}
	return false;
}

/* Drops f's lock (lock held); the caller wakes the waiters. */
static struct flock_entry *drop(struct file *f)
{
	struct flock_entry *e = held(f);

	if (e)
		list_remove(&e->node);
	return e;
}

static int unlock(struct file *f)
{
	unsigned long flags = spin_lock_irqsave(&flock_wq.lock);
	struct flock_entry *e = drop(f);

	if (e)
		waitqueue_wake_locked(&flock_wq, WAKE_ALL);
	spin_unlock_irqrestore(&flock_wq.lock, flags);
	kfree(e);
	return 0;
}

/* Takes a lock of kind excl for f, converting one it has (which, as on
 * Linux, is let go first, so others may get in between). */
static int lock(struct file *f, bool excl, bool nonblock)
{
	struct flock_entry *mine = kzalloc(sizeof(*mine));
	int err = 0;

	if (!mine)
		return -ENOMEM;
	unsigned long flags = spin_lock_irqsave(&flock_wq.lock);
	struct flock_entry *old = held(f);
	if (old && old->excl == excl) {
		spin_unlock_irqrestore(&flock_wq.lock, flags);
		kfree(mine);
		return 0;
	}
	if (old) {
		list_remove(&old->node);
		waitqueue_wake_locked(&flock_wq, WAKE_ALL);
	}
	while (conflicts(f, excl)) {
		if (nonblock) {
			err = -EAGAIN;
			break;
		}
		if (waitqueue_sleep_interruptible_locked(&flock_wq, UINT64_MAX)) {
			err = -ERESTARTSYS;
			break;
		}
	}
	if (!err) {
		*mine = (struct flock_entry){.inode = f->inode, .file = f, .excl = excl};
		list_push_back(&flocks, &mine->node);
		__atomic_store_n(&f->flocked, true, __ATOMIC_RELAXED);
		mine = NULL;
	}
	spin_unlock_irqrestore(&flock_wq.lock, flags);
	kfree(mine);
	kfree(old);
	return err;
}

int vfs_flock(struct file *f, unsigned op)
{
	bool nonblock = op & LOCK_NB;

	if (f->flags & O_PATH)
		return -EBADF;
	switch (op & ~(unsigned)LOCK_NB) {
	case LOCK_SH:
		return lock(f, false, nonblock);
	case LOCK_EX:
		return lock(f, true, nonblock);
	case LOCK_UN:
		return unlock(f);
	default:
		return -EINVAL;
	}
}

void flock_file_gone(struct file *f)
{
	unlock(f);
	reclock_file_gone(f);
}
