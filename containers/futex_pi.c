/*
 * PI futexes: FUTEX_LOCK_PI, LOCK_PI2, TRYLOCK_PI, UNLOCK_PI.  The word
 * holds the owner's TID, FUTEX_WAITERS while anyone may sleep in the
 * kernel for it, and FUTEX_OWNER_DIED after a robust owner's death
 * (futex_robust.c), as Linux has it; an uncontended lock and unlock never
 * enter the kernel.
 *
 * A LOCK_PI waiter notes the owner it waits behind; when that owner's
 * thread ends holding the lock (not robust, or past its robust list), its
 * waiters are woken to take it over with FUTEX_OWNER_DIED, as Linux's
 * exit_pi_state_list hands such locks on (exec does not do this here).
 *
 * The kernel keeps no pi_state: waiters sleep on the word's key, and
 * UNLOCK_PI hands the lock to the first of them (its TID and FUTEX_WAITERS
 * in the word, as Linux does), or clears the word.  There is no priority
 * inheritance: the owner is not boosted, which our scheduler (no real-time
 * classes) would not weigh anyway, and waiters queue in arrival order, not
 * by priority.
 */
#include <pallas/errno.h>
#include <pallas/sched.h>
#include <pallas/uaccess.h>

#include "futex_impl.h"
#include "proc.h"

/* Whether the TID names a task that is not past its exit's PI release. */
static bool owner_exists(uint32_t tid)
{
	struct task *k = task_find_tid((int)tid);

	if (!k)
		return false;
	bool alive = !__atomic_load_n(&k->exiting, __ATOMIC_SEQ_CST);
	task_put(k);
	return alive;
}

/* The owner read from the word is gone.  ESRCH only if the word still
 * names it: else it unlocked and then ended between our read and the look
 * (the adders of tests/abi/futex_pi finishing their loops), the lock moved
 * on, and the caller reads again, as Linux's handle_exit_race does.  A
 * wrong ESRCH is a hang: glibc's pthread_mutex_lock then sleeps for good. */
static bool still_names(const uint32_t *uaddr, uint32_t owner)
{
	uint32_t cur;

	if (copy_from_user(&cur, uaddr, sizeof(cur)))
		return false; /* the next read says EFAULT */
	return (cur & FUTEX_TID_MASK) == owner;
}

/* Once off the queue (woken, or claimed by an UNLOCK_PI that may still be
 * at it): whether the lock was handed over. */
static bool handed(struct futex_waiter *w)
{
	while (!__atomic_load_n(&w->woken, __ATOMIC_SEQ_CST))
		sched_yield();
	return w->handed;
}

static long lock_pi(const struct futex_key *k, uint32_t *uaddr, uint32_t tid, bool try,
		    uint64_t deadline)
{
	struct futex_waiter w;
	uint32_t uval, nv, cur, dead = 0;

	for (;;) {
		if (copy_from_user(&uval, uaddr, sizeof(uval)))
			return -EFAULT;
		uint32_t owner = uval & FUTEX_TID_MASK;
		if (owner == tid)
			return -EDEADLK;
		if (!owner || owner == dead) {
			/* Free, or its owner ended holding it while we waited
			 * (Linux hands it on then): FUTEX_OWNER_DIED says so. */
			nv = (uval & FUTEX_OWNER_DIED) | (owner ? FUTEX_OWNER_DIED : 0) | tid;
			if (futex_has_waiters(k, NULL))
				nv |= FUTEX_WAITERS;
			if (cmpxchg_user32(uaddr, uval, nv, &cur))
				return -EFAULT;
			if (cur == uval)
				return 0;
			continue;
		}
		if (!owner_exists(owner)) {
			if (still_names(uaddr, owner))
				return -ESRCH;
			continue;
		}
		if (try)
			return -EAGAIN;
		nv = uval | FUTEX_WAITERS;
		if (nv != uval) {
			if (cmpxchg_user32(uaddr, uval, nv, &cur))
				return -EFAULT;
			if (cur != uval)
				continue;
		}
		futex_queue(&w, k, ~0u, tid, owner);
		bool fault = copy_from_user(&cur, uaddr, sizeof(cur)) != 0;
		if (fault || cur != nv) {
			/* An UNLOCK_PI may have handed it over meanwhile. */
			if (!futex_unqueue(&w) && handed(&w))
				return 0;
			if (fault)
				return -EFAULT;
			continue;
		}
		/* Queued, so an owner ending from now on finds us; one that ended
		 * before is ESRCH, as for an owner already gone. */
		if (!owner_exists(owner)) {
			if (!futex_unqueue(&w) && handed(&w))
				return 0;
			if (w.owner_died) {
				dead = owner;
				continue;
			}
			if (!still_names(uaddr, owner))
				continue;
			return -ESRCH;
		}
		int rc = futex_sleep(&w, deadline);
		if (rc) {
			/* Still queued, so no wake was taken from another. */
			return rc == -EINTR ? -ERESTARTNOINTR : rc;
		}
		if (handed(&w))
			return 0;
		if (w.owner_died)
			dead = owner;
	}
}

/* The lock goes straight to the first waiter, as Linux hands it on: its
 * TID and FUTEX_WAITERS (Linux's too, whether or not others wait) in the
 * word; with nobody waiting the word is 0. */
static long unlock_pi(const struct futex_key *k, uint32_t *uaddr, uint32_t tid)
{
	struct futex_waiter *w = NULL;
	uint32_t uval, cur, nv = 0;
	long rc = 0;

	for (;;) {
		if (copy_from_user(&uval, uaddr, sizeof(uval))) {
			rc = -EFAULT;
			break;
		}
		if ((uval & FUTEX_TID_MASK) != tid) {
			rc = -EPERM;
			break;
		}
		if (!w && (uval & FUTEX_WAITERS) && (w = futex_claim_pi(k)))
			nv = w->pi_tid | FUTEX_WAITERS;
		if (cmpxchg_user32(uaddr, uval, nv, &cur)) {
			rc = -EFAULT;
			break;
		}
		if (cur == uval)
			break;
	}
	if (w)
		futex_hand_over(w, rc == 0);
	return rc;
}

long futex_pi(struct aspace *as, int cmd, uintptr_t uaddr, bool shared, bool realtime, uint64_t uts)
{
	uint32_t tid = (uint32_t)task_current()->tid;
	uint64_t deadline = UINT64_MAX;
	struct futex_key k;
	long rc;

	if (cmd != FUTEX_UNLOCK_PI && cmd != FUTEX_TRYLOCK_PI &&
	    (rc = futex_timeout(uts, true, realtime, &deadline)))
		return rc;
	if ((rc = futex_key(as, uaddr, shared, &k)))
		return rc;
	if (cmd == FUTEX_UNLOCK_PI)
		return unlock_pi(&k, (uint32_t *)uaddr, tid);
	return lock_pi(&k, (uint32_t *)uaddr, tid, cmd == FUTEX_TRYLOCK_PI, deadline);
}
