/* Completions: a count of events under a wait queue's lock. */
#include <pallas/completion.h>

/* complete_all's count: large enough that waiters never use it up. */
#define DONE_ALL (~0u / 2)

void completion_init(struct completion *c)
{
	waitqueue_init(&c->wq);
	c->done = 0;
}

void complete(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->wq.lock);
	if (c->done != DONE_ALL)
		c->done++;
	waitqueue_wake_locked(&c->wq, 1);
	spin_unlock_irqrestore(&c->wq.lock, flags);
}

void complete_all(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->wq.lock);
	c->done = DONE_ALL;
	waitqueue_wake_locked(&c->wq, WAKE_ALL);
	spin_unlock_irqrestore(&c->wq.lock, flags);
}

void wait_for_completion(struct completion *c)
{
	unsigned long flags = spin_lock_irqsave(&c->wq.lock);
	while (c->done == 0)
		waitqueue_sleep_locked(&c->wq);
	if (c->done != DONE_ALL)
		c->done--;
	spin_unlock_irqrestore(&c->wq.lock, flags);
}

bool completion_done(struct completion *c)
{
	return __atomic_load_n(&c->done, __ATOMIC_ACQUIRE) != 0;
}
