/*
 * Wait queues.  A waiter's entry lives on its own stack: it is only linked
 * while the waiter sleeps, and the waker unlinks it before waking.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/sched.h>
#include <pallas/waitqueue.h>

void waitqueue_init(struct waitqueue *wq)
{
	wq->lock = (spinlock_t)SPINLOCK_INIT;
	list_init(&wq->waiters);
}

/* deadline_ns 0: none.  -EINTR, without sleeping, when interruptible and
 * the thread has been interrupted. */
static int sleep_locked(struct waitqueue *wq, uint64_t deadline_ns, bool interruptible)
{
	struct wait_entry e = {.thread = thread_current()};

	sched_prepare_block();
	/* After sched_prepare_block: thread_interrupt sets the flag before it
	 * wakes, so either it is seen here or the block below ends at once. */
	if (interruptible && thread_interrupted()) {
		sched_cancel_block();
		return -EINTR;
	}
	list_push_back(&wq->waiters, &e.node);
	/* Interrupts stay off until sched_block, as spin_lock_irqsave left them;
	 * preemption must be allowed again for the switch. */
	spin_unlock_raw(&wq->lock);
	preempt_enable_no_resched();
	if (deadline_ns)
		sched_block_until(deadline_ns);
	else
		sched_block();
	preempt_disable();
	spin_lock_raw(&wq->lock);
	/* Woken by the timer, or early: still linked, so unlinked here. */
	if (!list_empty(&e.node))
		list_remove(&e.node);
	return 0;
}

void waitqueue_sleep_locked(struct waitqueue *wq)
{
	sleep_locked(wq, 0, false);
}

void waitqueue_sleep_until_locked(struct waitqueue *wq, uint64_t deadline_ns)
{
	sleep_locked(wq, deadline_ns ? deadline_ns : 1, false);
}

int waitqueue_sleep_interruptible_locked(struct waitqueue *wq, uint64_t deadline_ns)
{
	return sleep_locked(wq,
			    deadline_ns == UINT64_MAX ? 0
			    : deadline_ns	      ? deadline_ns
						      : 1,
			    true);
}

struct thread *waitqueue_first_locked(struct waitqueue *wq)
{
	struct list *pos;

	list_for_each(pos, &wq->waiters)
	{
		struct wait_entry *e = container_of(pos, struct wait_entry, node);
		if (!e->wake)
			return e->thread;
	}
	return NULL;
}

unsigned waitqueue_wake_key_locked(struct waitqueue *wq, unsigned n, unsigned key)
{
	unsigned woken = 0;
	struct list *pos = wq->waiters.next;

	while (pos != &wq->waiters) {
		struct wait_entry *e = container_of(pos, struct wait_entry, node);
		pos = pos->next;
		if (e->wake) {
			e->wake(e, key); /* a poller: it stays linked and is not counted */
			continue;
		}
		if (woken == n)
			continue; /* later pollers still hear of it */
		struct thread *t = e->thread;
		/* After the unlink the entry may vanish with its waiter's stack. */
		list_remove(&e->node);
		sched_wakeup(t);
		woken++;
	}
	return woken;
}

unsigned waitqueue_wake_locked(struct waitqueue *wq, unsigned n)
{
	return waitqueue_wake_key_locked(wq, n, 0);
}

unsigned waitqueue_wake_key(struct waitqueue *wq, unsigned n, unsigned key)
{
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	unsigned woken = waitqueue_wake_key_locked(wq, n, key);
	spin_unlock_irqrestore(&wq->lock, flags);
	return woken;
}

unsigned waitqueue_wake(struct waitqueue *wq, unsigned n)
{
	return waitqueue_wake_key(wq, n, 0);
}
