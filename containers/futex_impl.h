/* What futex.c shares with futex_pi.c and futex_robust.c: the operations,
 * the word's bits, keys and waiters. */
#ifndef CONTAINERS_FUTEX_IMPL_H
#define CONTAINERS_FUTEX_IMPL_H

#include <pallas/list.h>
#include <pallas/types.h>

struct aspace;
struct thread;

#define FUTEX_WAIT	     0
#define FUTEX_WAKE	     1
#define FUTEX_REQUEUE	     3
#define FUTEX_CMP_REQUEUE    4
#define FUTEX_WAKE_OP	     5
#define FUTEX_LOCK_PI	     6
#define FUTEX_UNLOCK_PI	     7
#define FUTEX_TRYLOCK_PI     8
#define FUTEX_WAIT_BITSET    9
#define FUTEX_WAKE_BITSET    10
#define FUTEX_LOCK_PI2	     13
#define FUTEX_PRIVATE_FLAG   128
#define FUTEX_CLOCK_REALTIME 256

/* The word of a PI or robust futex: its owner's TID and two flags. */
#define FUTEX_WAITERS	 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK	 0x3fffffffu

/* What a futex is known by: (address space, address) for a private one,
 * (memory object, byte offset) for one in a shared mapping. */
struct futex_key {
	uintptr_t obj;
	uint64_t off;
};

struct futex_waiter {
	struct list node;
	struct futex_key key;
	uint32_t bitset;
	struct thread *thread;
	bool woken; /* atomic */
	unsigned bucket;
	uint32_t pi_tid;   /* a LOCK_PI waiter: its TID; 0 for the others */
	uint32_t pi_owner; /* a LOCK_PI waiter: the owner's TID it waits behind */
	bool handed;	   /* UNLOCK_PI made it the owner (set before woken) */
	bool owner_died;   /* the owner ended holding it (set before woken) */
};

/* The key of the word at uaddr (shared: by what it maps): 0, -EINVAL
 * (misaligned), -EFAULT (outside user space; shared: nothing mapped). */
int futex_key(struct aspace *as, uintptr_t uaddr, bool shared, struct futex_key *k);
/* Wakes up to n waiters on k whose bitset meets mask: how many. */
int futex_wake_key(const struct futex_key *k, int n, uint32_t mask);
/* Whether anyone but self waits on k now. */
bool futex_has_waiters(const struct futex_key *k, const struct futex_waiter *self);
/* Joins k's queue (before reading the word); pi_tid and pi_owner: a
 * LOCK_PI waiter's TID and the owner's it waits behind, else 0. */
void futex_queue(struct futex_waiter *w, const struct futex_key *k, uint32_t bitset,
		 uint32_t pi_tid, uint32_t pi_owner);
/* Leaves the queue w is in now (a requeue may have moved it): true if it
 * was still queued, i.e. not woken. */
bool futex_unqueue(struct futex_waiter *w);
/* UNLOCK_PI's hand-off: takes the first LOCK_PI waiter off k's queue
 * (not woken yet: futex_hand_over does that), or NULL. */
struct futex_waiter *futex_claim_pi(const struct futex_key *k);
/* Wakes every LOCK_PI waiter behind owner tid, owner_died set. */
void futex_pi_owner_gone(uint32_t tid);
/* Wakes a claimed waiter, the new owner if handed. */
void futex_hand_over(struct futex_waiter *w, bool handed);
/* Sleeps once queued until woken (0), interrupted (-EINTR) or past deadline
 * (-ETIMEDOUT), and leaves the queue. */
int futex_sleep(struct futex_waiter *w, uint64_t deadline);
/* A user timespec (0: none) as a clock_ns deadline: relative, or absolute
 * on CLOCK_MONOTONIC or (realtime) the wall clock. */
long futex_timeout(uint64_t uts, bool absolute, bool realtime, uint64_t *deadline);
/* LOCK_PI, LOCK_PI2, TRYLOCK_PI, UNLOCK_PI (futex_pi.c). */
long futex_pi(struct aspace *as, int cmd, uintptr_t uaddr, bool shared, bool realtime,
	      uint64_t uts);

#endif
