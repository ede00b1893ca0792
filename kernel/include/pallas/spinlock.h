/*
 * Spinlocks.  Holding one disables preemption: a thread switched out while
 * holding a lock would make every other CPU wanting it spin for a whole slice.
 * The _irqsave variants also keep interrupts off while held, for data an
 * interrupt handler may touch.  The _raw variants do neither; the scheduler
 * uses them for locks it holds across a context switch.
 */
#ifndef PALLAS_SPINLOCK_H
#define PALLAS_SPINLOCK_H

#include <asm/irq.h>
#include <pallas/preempt.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct {
	volatile uint32_t locked;
} spinlock_t;

#define SPINLOCK_INIT \
	{             \
		0     \
	}

static inline void spin_lock_raw(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
	}
}

static inline bool spin_trylock_raw(spinlock_t *l)
{
	return !__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE);
}

static inline void spin_unlock_raw(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static inline void spin_lock(spinlock_t *l)
{
	preempt_disable();
	spin_lock_raw(l);
}

static inline bool spin_trylock(spinlock_t *l)
{
	preempt_disable();
	if (spin_trylock_raw(l))
		return true;
	preempt_enable();
	return false;
}

static inline void spin_unlock(spinlock_t *l)
{
	spin_unlock_raw(l);
	preempt_enable();
}

static inline unsigned long spin_lock_irqsave(spinlock_t *l)
{
	unsigned long flags = irq_save();
	spin_lock(l);
	return flags;
}

/* Interrupts come back before preemption does, so a reschedule asked for
 * while the lock was held is taken at the unlock. */
static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	spin_unlock_raw(l);
	irq_restore(flags);
	preempt_enable();
}

#endif
