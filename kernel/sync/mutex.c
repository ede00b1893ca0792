/*
 * Mutexes with direct hand-off: unlock gives the mutex to the oldest waiter
 * before waking it, so a thread that arrives meanwhile cannot barge in.
 */
#include <pallas/kernel.h>
#include <pallas/mutex.h>
#include <pallas/sched.h>

void mutex_init(struct mutex *m)
{
	waitqueue_init(&m->wq);
	m->owner = NULL;
}

void mutex_lock(struct mutex *m)
{
	struct thread *self = thread_current();
	unsigned long flags = spin_lock_irqsave(&m->wq.lock);

	BUG_ON(m->owner == self);
	if (!m->owner)
		m->owner = self;
	while (m->owner != self)
		waitqueue_sleep_locked(&m->wq);
	spin_unlock_irqrestore(&m->wq.lock, flags);
}

bool mutex_trylock(struct mutex *m)
{
	unsigned long flags = spin_lock_irqsave(&m->wq.lock);
	bool got = !m->owner;

	if (got)
		m->owner = thread_current();
	spin_unlock_irqrestore(&m->wq.lock, flags);
	return got;
}

void mutex_unlock(struct mutex *m)
{
	unsigned long flags = spin_lock_irqsave(&m->wq.lock);

	BUG_ON(m->owner != thread_current());
	m->owner = waitqueue_first_locked(&m->wq);
	waitqueue_wake_locked(&m->wq, 1);
	spin_unlock_irqrestore(&m->wq.lock, flags);
}

bool mutex_held(struct mutex *m)
{
	return __atomic_load_n(&m->owner, __ATOMIC_RELAXED) == thread_current();
}
