/*
 * Wait queues: threads sleeping until someone wakes them, oldest first.
 * The queue's lock is also the lock of whatever condition the waiters wait
 * for (a mutex's owner, a completion's count), so checking the condition and
 * going to sleep cannot miss a wakeup.
 */
#ifndef PALLAS_WAITQUEUE_H
#define PALLAS_WAITQUEUE_H

#include <pallas/errno.h>
#include <pallas/list.h>
#include <pallas/spinlock.h>
#include <pallas/time.h>

struct thread;

struct waitqueue {
	spinlock_t lock;
	struct list waiters; /* struct wait_entry */
};

/*
 * A plain waiter (wake NULL) is unlinked and woken, and counts toward the
 * n of a wake.  An entry with a wake function (poll's and epoll's, see
 * pallas/poll.h) stays linked, is called under wq->lock on every wake of
 * the queue with the wake's key (the LINUX_POLL* events it is about, 0:
 * any), and does not count: its owner unlinks it, under wq->lock.
 */
struct wait_entry {
	struct list node;
	struct thread *thread;
	void (*wake)(struct wait_entry *e, unsigned key);
};

#define WAITQUEUE_INIT(name)                                                 \
	{                                                                    \
		.lock = SPINLOCK_INIT, .waiters = LIST_INIT((name).waiters), \
	}
#define WAKE_ALL (~0u)

void waitqueue_init(struct waitqueue *wq);
/* Called holding wq->lock (spin_lock_irqsave); sleeps until woken, returns holding it again. */
void waitqueue_sleep_locked(struct waitqueue *wq);
/* Wakes up to n waiters, oldest first, and returns how many; the _locked form with wq->lock held.
 */
unsigned waitqueue_wake_locked(struct waitqueue *wq, unsigned n);
unsigned waitqueue_wake(struct waitqueue *wq, unsigned n);
/* The same, telling entries with a wake function which events it is about. */
unsigned waitqueue_wake_key_locked(struct waitqueue *wq, unsigned n, unsigned key);
unsigned waitqueue_wake_key(struct waitqueue *wq, unsigned n, unsigned key);
/* The thread that a waitqueue_wake_locked(wq, 1) would wake, or NULL. */
struct thread *waitqueue_first_locked(struct waitqueue *wq);

/* As waitqueue_sleep_locked, but also woken at deadline_ns. */
void waitqueue_sleep_until_locked(struct waitqueue *wq, uint64_t deadline_ns);

/* As waitqueue_sleep_until_locked (UINT64_MAX: no deadline), but -EINTR
 * at once, without sleeping, once the thread is interrupted
 * (thread_interrupt); 0 otherwise. */
int waitqueue_sleep_interruptible_locked(struct waitqueue *wq, uint64_t deadline_ns);

/* Sleeps on wq until cond (evaluated with wq->lock held) is true. */
#define wait_event(wq, cond)                                                \
	do {                                                                \
		unsigned long wait_flags_ = spin_lock_irqsave(&(wq)->lock); \
		while (!(cond))                                             \
			waitqueue_sleep_locked(wq);                         \
		spin_unlock_irqrestore(&(wq)->lock, wait_flags_);           \
	} while (0)

/* Sleeps on wq until cond is true or clock_ns() reaches deadline_ns
 * (UINT64_MAX: no deadline); evaluates to cond, as last seen under the lock. */
#define wait_event_until(wq, cond, deadline_ns)                                   \
	({                                                                        \
		uint64_t wait_deadline_ = (deadline_ns);                          \
		unsigned long wait_flags_ = spin_lock_irqsave(&(wq)->lock);       \
		bool wait_met_;                                                   \
		while (!(wait_met_ = (cond)) && clock_ns() < wait_deadline_) {    \
			if (wait_deadline_ == UINT64_MAX)                         \
				waitqueue_sleep_locked(wq);                       \
			else                                                      \
				waitqueue_sleep_until_locked(wq, wait_deadline_); \
		}                                                                 \
		spin_unlock_irqrestore(&(wq)->lock, wait_flags_);                 \
		wait_met_;                                                        \
	})

/*
 * Sleeps on wq until cond is true, clock_ns() reaches deadline_ns
 * (UINT64_MAX: none) or the thread is interrupted: 0, -ETIMEDOUT or
 * -EINTR.  cond is evaluated with wq->lock held and wins over the others.
 */
#define wait_event_interruptible_until(wq, cond, deadline_ns)                                \
	({                                                                                   \
		uint64_t wait_deadline_ = (deadline_ns);                                     \
		unsigned long wait_flags_ = spin_lock_irqsave(&(wq)->lock);                  \
		int wait_rc_ = 0;                                                            \
		while (!(cond)) {                                                            \
			if (wait_deadline_ != UINT64_MAX && clock_ns() >= wait_deadline_) {  \
				wait_rc_ = -ETIMEDOUT;                                       \
				break;                                                       \
			}                                                                    \
			wait_rc_ = waitqueue_sleep_interruptible_locked(wq, wait_deadline_); \
			if (wait_rc_)                                                        \
				break;                                                       \
		}                                                                            \
		spin_unlock_irqrestore(&(wq)->lock, wait_flags_);                            \
		wait_rc_;                                                                    \
	})
#define wait_event_interruptible(wq, cond) wait_event_interruptible_until(wq, cond, UINT64_MAX)

#endif
