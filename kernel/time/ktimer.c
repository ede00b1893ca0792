/*
 * Interval timers over timer events.  Every change of the setting happens
 * under t->lock, and the callback takes it too, so a callback that lost a
 * race with a change sees it: an event that was armed again (ev.cpu >= 0)
 * or a deadline not yet reached is a stale firing, and does nothing.
 */
#include <pallas/kernel.h>
#include <pallas/ktimer.h>

static void fire(struct timer_event *ev)
{
	struct ktimer *t = container_of(ev, struct ktimer, ev);

	spin_lock(&t->lock); /* interrupts are off already */
	uint64_t now = clock_ns();
	if (t->expires_ns && __atomic_load_n(&ev->cpu, __ATOMIC_ACQUIRE) < 0 &&
	    now >= t->expires_ns) {
		uint64_t n = 1;
		if (t->interval_ns) {
			n += (now - t->expires_ns) / t->interval_ns;
			uint64_t step = n * t->interval_ns;
			t->expires_ns =
			    step > UINT64_MAX - t->expires_ns ? UINT64_MAX : t->expires_ns + step;
			timer_event_arm(ev, MAX(t->expires_ns, now + KTIMER_MIN_GAP_NS));
		} else {
			t->expires_ns = 0;
		}
		t->fn(t, n);
	}
	spin_unlock(&t->lock);
}

void ktimer_init(struct ktimer *t, ktimer_fn fn)
{
	t->lock = (spinlock_t)SPINLOCK_INIT;
	timer_event_init(&t->ev, fire);
	t->expires_ns = 0;
	t->interval_ns = 0;
	t->fn = fn;
}

void ktimer_get_locked(struct ktimer *t, struct ktimer_setting *cur)
{
	uint64_t now = clock_ns();

	cur->interval_ns = t->interval_ns;
	if (!t->expires_ns)
		cur->left_ns = 0;
	else /* due but not yet run: still armed, as Linux's 1 ns says */
		cur->left_ns = t->expires_ns > now ? t->expires_ns - now : 1;
}

void ktimer_get(struct ktimer *t, struct ktimer_setting *cur)
{
	unsigned long flags = spin_lock_irqsave(&t->lock);
	ktimer_get_locked(t, cur);
	spin_unlock_irqrestore(&t->lock, flags);
}

void ktimer_set_locked(struct ktimer *t, uint64_t expires_ns, uint64_t interval_ns,
		       struct ktimer_setting *old)
{
	if (old)
		ktimer_get_locked(t, old);
	timer_event_cancel(&t->ev);
	t->expires_ns = expires_ns;
	t->interval_ns = expires_ns ? interval_ns : 0;
	if (expires_ns)
		timer_event_arm(&t->ev, expires_ns);
}

void ktimer_set(struct ktimer *t, uint64_t expires_ns, uint64_t interval_ns,
		struct ktimer_setting *old)
{
	unsigned long flags = spin_lock_irqsave(&t->lock);
	ktimer_set_locked(t, expires_ns, interval_ns, old);
	spin_unlock_irqrestore(&t->lock, flags);
}

void ktimer_shutdown(struct ktimer *t)
{
	ktimer_set(t, 0, 0, NULL);
	timer_event_sync();
}
