/*
 * Waiting for files to become ready (kernel/fs/poll.c), behind poll(2),
 * select(2) and epoll.  A file's poll op reports its LINUX_POLL* events and
 * hands the table each wait queue whose wakeups may change them
 * (poll_wait); the table puts an entry with a wake function on it.  The
 * poller sleeps until one of those entries is woken, the deadline passes
 * or the thread is interrupted.
 *
 * Lost wakeups: an entry is on its queue before the poll op looks at the
 * file's state, and a wake sets the poller's flag before sched_wakeup,
 * which the poller checks after sched_prepare_block.
 */
#ifndef PALLAS_POLL_H
#define PALLAS_POLL_H

#include <pallas/types.h>
#include <pallas/waitqueue.h>

struct file;

/* What poll_wait calls: the poller's (an entry per queue) or epoll's. */
struct poll_table {
	void (*queue)(struct poll_table *pt, struct waitqueue *wq);
};

/* An entry on one wait queue, owned by a poller or an epoll item. */
struct poll_entry {
	struct wait_entry we;
	struct waitqueue *wq;
	void *owner;
};

/* Links e onto wq (under wq->lock); wake is called, under wq->lock, on
 * every wake of wq until poll_entry_remove. */
void poll_entry_add(struct poll_entry *e, struct waitqueue *wq,
		    void (*wake)(struct wait_entry *, unsigned key), void *owner);
void poll_entry_remove(struct poll_entry *e);

/* The events of f now (pt non-NULL: also waited on); a file without a
 * poll op is readable and writable. */
unsigned vfs_poll(struct file *f, struct poll_table *pt);

/*
 * Calls check(arg, pt) until it returns non-zero, and returns that (> 0
 * ready, < 0 an error of its own); 0 once clock_ns() reaches deadline_ns
 * (UINT64_MAX: never; 0 or past: check once without waiting), -EINTR when
 * the thread is interrupted, -ENOMEM when the entries cannot be had.  The
 * last call before a timeout gets pt NULL (nothing to wait on).
 */
typedef long (*poll_check_fn)(void *arg, struct poll_table *pt);
long poll_until(poll_check_fn check, void *arg, uint64_t deadline_ns);

#endif
