/*
 * Interval timers (kernel/time/ktimer.c): a timer event with a setting that
 * can be changed and read from any CPU, an optional period, and a count of
 * the expirations each callback stands for.  The owner's callback runs in
 * interrupt context with t->lock held; stopping the timer under that lock
 * means no callback acts on the old setting afterwards, and
 * ktimer_shutdown also waits for one already running, so the memory may go.
 * What Linux's itimers, POSIX timers and timerfds are built on.
 */
#ifndef PALLAS_KTIMER_H
#define PALLAS_KTIMER_H

#include <pallas/spinlock.h>
#include <pallas/time.h>

struct ktimer;

/* Interrupt context, t->lock held, expirations >= 1 (more when periods
 * were missed).  May take irqsave spinlocks (signals, wait queues); must
 * not sleep, nor call the ktimer functions on t. */
typedef void (*ktimer_fn)(struct ktimer *t, uint64_t expirations);

struct ktimer {
	spinlock_t lock;
	struct timer_event ev;
	uint64_t expires_ns;  /* clock_ns() of the next expiry; 0: stopped */
	uint64_t interval_ns; /* 0: one-shot */
	ktimer_fn fn;
};

struct ktimer_setting {
	uint64_t left_ns; /* until the next expiry; 0: stopped */
	uint64_t interval_ns;
};

/* A period shorter than this still counts every expiration, but the
 * interrupts come no closer together, so a user's 1 ns period is no storm. */
#define KTIMER_MIN_GAP_NS (50 * NSEC_PER_USEC)

void ktimer_init(struct ktimer *t, ktimer_fn fn);
/* Sets t to expire at clock_ns() expires_ns (0 stops it), then every
 * interval_ns; the setting it had goes to *old (NULL: not wanted).  The
 * _locked form with t->lock held (spin_lock_irqsave), for owners that reset
 * their own state in the same step. */
void ktimer_set(struct ktimer *t, uint64_t expires_ns, uint64_t interval_ns,
		struct ktimer_setting *old);
void ktimer_set_locked(struct ktimer *t, uint64_t expires_ns, uint64_t interval_ns,
		       struct ktimer_setting *old);
void ktimer_get(struct ktimer *t, struct ktimer_setting *cur);
void ktimer_get_locked(struct ktimer *t, struct ktimer_setting *cur);
/* Thread context: stops t and waits out a callback still running on
 * another CPU; afterwards t may be freed. */
void ktimer_shutdown(struct ktimer *t);

#endif
