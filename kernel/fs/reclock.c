/*
 * fcntl(2) record locks (pallas/vfs.h, vfs_reclock_*): byte ranges of an
 * inode, read (shared) or write (exclusive), held by an owner: a
 * descriptor table for the classic POSIX locks (F_SETLK, so the threads
 * of a process share them and a forked child has none), or an open file
 * description for OFD locks (F_OFD_SETLK).  An owner's own locks never
 * overlap: setting one replaces what the owner had in its range (splitting
 * a lock around it) and merges with its adjacent locks of the same type,
 * as Linux does, so F_GETLK reports the same ranges.  POSIX locks go when
 * their table closes any descriptor of the inode (vfs_reclock_close, from
 * fdtable.c), OFD locks with the description's last reference.  All locks
 * are on one list under one wait queue's lock, as flock.c's: a release
 * wakes every waiter, each of which looks again.  A POSIX F_SETLKW that
 * would close a cycle of POSIX owners waiting on each other is -EDEADLK
 * (Linux's posix_locks_deadlock, 10 steps at most); OFD locks wait blind.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/list.h>
#include <pallas/mm.h>
#include <pallas/waitqueue.h>

#include "vfs_internal.h"

struct reclock {
	struct list node;
	struct inode *inode; /* no reference: an open file of the owner keeps it */
	const void *owner;
	bool ofd, write;
	int32_t pid;
	int64_t start, end; /* inclusive; end VFS_RECLOCK_EOF: to the end and beyond */
};

static struct waitqueue reclock_wq = WAITQUEUE_INIT(reclock_wq);
static struct list reclocks = LIST_INIT(reclocks); /* under reclock_wq.lock */
static uint32_t nr_reclocks;			   /* atomic: 0 lets closes skip the lock */

/* A POSIX owner sleeping in F_SETLKW, and the owner it waits for. */
struct reclock_waiter {
	struct list node;
	const void *owner, *blocked_on;
};
static struct list waiters = LIST_INIT(waiters); /* under reclock_wq.lock */

/* Whether owner waiting for holder would wait for itself (lock held). */
static bool deadlock(const void *owner, const void *holder)
{
	for (int i = 0; i < 10; i++) {
		const void *next = NULL;
		struct list *n;
		list_for_each(n, &waiters)
		{
			struct reclock_waiter *w = container_of(n, struct reclock_waiter, node);
			if (w->owner == holder) {
				next = w->blocked_on;
				break;
			}
		}
		if (!next)
			return false;
		if (next == owner)
			return true;
		holder = next;
	}
	return false;
}

static struct reclock *entry_of(struct list *n)
{
	return container_of(n, struct reclock, node);
}

static bool overlaps(const struct reclock *e, int64_t start, int64_t end)
{
	return e->start <= end && start <= e->end;
}

/* The first other owner's lock on inode in the way of a lock of kind write
 * over [start, end] (lock held), or NULL. */
static struct reclock *blocker(struct inode *inode, const void *owner, bool write, int64_t start,
			       int64_t end)
{
	struct list *n;

	list_for_each(n, &reclocks)
	{
		struct reclock *e = entry_of(n);
		if (e->inode == inode && e->owner != owner && (write || e->write) &&
		    overlaps(e, start, end))
			return e;
	}
	return NULL;
}

static void drop_locked(struct reclock *e, struct list *freed)
{
	list_remove(&e->node);
	list_push_back(freed, &e->node);
	__atomic_sub_fetch(&nr_reclocks, 1, __ATOMIC_RELAXED);
}

static void free_all(struct list *freed)
{
	while (!list_empty(freed)) {
		struct list *n = freed->next;
		list_remove(n);
		kfree(entry_of(n));
	}
}

static void add_locked(struct reclock *e)
{
	list_push_back(&reclocks, &e->node);
	__atomic_add_fetch(&nr_reclocks, 1, __ATOMIC_RELAXED);
}

int vfs_reclock_get(struct file *f, const void *owner, struct vfs_reclock *lk)
{
	unsigned long flags = spin_lock_irqsave(&reclock_wq.lock);
	struct reclock *e =
	    blocker(f->inode, owner, lk->type == VFS_RECLOCK_WRITE, lk->start, lk->end);

	if (e) {
		lk->type = e->write ? VFS_RECLOCK_WRITE : VFS_RECLOCK_READ;
		lk->start = e->start;
		lk->end = e->end;
		lk->pid = e->ofd ? -1 : e->pid;
	} else {
		lk->type = VFS_RECLOCK_UNLOCK;
	}
	spin_unlock_irqrestore(&reclock_wq.lock, flags);
	return 0;
}

/* Sets owner's range [start, end] to lk->type (lock held): spare holds
 * two free entries, used ones are set to NULL; replaced ones go on freed. */
static void apply_locked(struct inode *inode, const void *owner, bool ofd, int32_t pid,
			 const struct vfs_reclock *lk, struct reclock **spare, struct list *freed)
{
	int64_t start = lk->start, end = lk->end;
	bool write = lk->type == VFS_RECLOCK_WRITE, unlock = lk->type == VFS_RECLOCK_UNLOCK;
	struct list *n, *next;

	/* Same-type locks overlapping or adjacent join the new one. */
	if (!unlock) {
		for (n = reclocks.next; n != &reclocks; n = next) {
			next = n->next;
			struct reclock *e = entry_of(n);
			if (e->inode != inode || e->owner != owner || e->write != write)
				continue;
			bool adjacent = (end != VFS_RECLOCK_EOF && e->start == end + 1) ||
					(start > 0 && e->end == start - 1);
			if (overlaps(e, start, end) || adjacent) {
				start = MIN(start, e->start);
				end = MAX(end, e->end);
				drop_locked(e, freed);
			}
		}
	}
	/* The owner's other locks lose the range, split when it is inside. */
	for (n = reclocks.next; n != &reclocks; n = next) {
		next = n->next;
		struct reclock *e = entry_of(n);
		if (e->inode != inode || e->owner != owner || !overlaps(e, start, end))
			continue;
		if (e->start < start && e->end > end) {
			struct reclock *tail = spare[1];
			spare[1] = NULL;
			*tail = *e;
			tail->start = end + 1;
			add_locked(tail);
			e->end = start - 1;
		} else if (e->start < start) {
			e->end = start - 1;
		} else if (e->end > end) {
			e->start = end + 1;
		} else {
			drop_locked(e, freed);
		}
	}
	if (!unlock) {
		struct reclock *mine = spare[0];
		spare[0] = NULL;
		*mine = (struct reclock){.inode = inode,
					 .owner = owner,
					 .ofd = ofd,
					 .write = write,
					 .pid = pid,
					 .start = start,
					 .end = end};
		add_locked(mine);
	}
}

int vfs_reclock_set(struct file *f, const void *owner, int32_t pid, const struct vfs_reclock *lk,
		    bool wait)
{
	bool ofd = owner == NULL;
	struct reclock *spare[2] = {kzalloc(sizeof(struct reclock)),
				    kzalloc(sizeof(struct reclock))};
	struct list freed = LIST_INIT(freed);
	int err = 0;

	if (!spare[0] || !spare[1]) {
		kfree(spare[0]);
		kfree(spare[1]);
		return -ENOLCK;
	}
	if (ofd) {
		owner = f;
		__atomic_store_n(&f->flocked, true, __ATOMIC_RELAXED);
	}
	struct reclock_waiter me = {.owner = owner};
	bool queued = false;
	unsigned long flags = spin_lock_irqsave(&reclock_wq.lock);
	if (lk->type != VFS_RECLOCK_UNLOCK) {
		struct reclock *e;
		while ((e = blocker(f->inode, owner, lk->type == VFS_RECLOCK_WRITE, lk->start,
				    lk->end))) {
			if (!wait) {
				err = -EAGAIN;
				break;
			}
			if (!ofd && !e->ofd && deadlock(owner, e->owner)) {
				err = -EDEADLK;
				break;
			}
			me.blocked_on = e->owner;
			if (!ofd && !queued) {
				list_push_back(&waiters, &me.node);
				queued = true;
			}
			if (waitqueue_sleep_interruptible_locked(&reclock_wq, UINT64_MAX)) {
				err = -ERESTARTSYS;
				break;
			}
		}
	}
	if (queued)
		list_remove(&me.node);
	if (!err) {
		apply_locked(f->inode, owner, ofd, pid, lk, spare, &freed);
		waitqueue_wake_locked(&reclock_wq, WAKE_ALL);
	}
	spin_unlock_irqrestore(&reclock_wq.lock, flags);
	free_all(&freed);
	kfree(spare[0]);
	kfree(spare[1]);
	return err;
}

/* Drops the locks of owner on inode (any inode when NULL). */
static void drop_owner(struct inode *inode, const void *owner)
{
	struct list freed = LIST_INIT(freed), *n, *next;

	if (!__atomic_load_n(&nr_reclocks, __ATOMIC_RELAXED))
		return;
	unsigned long flags = spin_lock_irqsave(&reclock_wq.lock);
	for (n = reclocks.next; n != &reclocks; n = next) {
		next = n->next;
		struct reclock *e = entry_of(n);
		if (e->owner == owner && (!inode || e->inode == inode))
			drop_locked(e, &freed);
	}
	if (!list_empty(&freed))
		waitqueue_wake_locked(&reclock_wq, WAKE_ALL);
	spin_unlock_irqrestore(&reclock_wq.lock, flags);
	free_all(&freed);
}

void vfs_reclock_close(struct file *f, const void *owner)
{
	if (f && f->inode)
		drop_owner(f->inode, owner);
}

void reclock_file_gone(struct file *f)
{
	drop_owner(NULL, f);
}
