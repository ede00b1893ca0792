/*
 * futex(2): WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAIT_BITSET, WAKE_BITSET,
 * private or not.  A waiter is keyed by (address space, address); shared
 * futexes between processes (MAP_SHARED memory) are keyed the same way, so
 * they only meet within one address space for now.
 *
 * No user memory is read under a lock (a fault may sleep): a waiter joins
 * its bucket first and reads the word after, so a waker that changed the
 * word before the read is seen in the value, and one that changed it after
 * finds the waiter queued.
 */
#include <pallas/aspace.h>
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/list.h>
#include <pallas/sched.h>
#include <pallas/spinlock.h>
#include <pallas/time.h>
#include <pallas/uaccess.h>
#include <pallas/wallclock.h>
#include <asm/irq.h>

#include "futex.h"
#include "proc.h"
#include "sys.h"
#include "wait_args.h"

#define FUTEX_WAIT	     0
#define FUTEX_WAKE	     1
#define FUTEX_REQUEUE	     3
#define FUTEX_CMP_REQUEUE    4
#define FUTEX_WAKE_OP	     5
#define FUTEX_WAIT_BITSET    9
#define FUTEX_WAKE_BITSET    10
#define FUTEX_PRIVATE_FLAG   128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BUCKETS	     64

struct futex_waiter {
	struct list node;
	struct aspace *as;
	uintptr_t uaddr;
	uint32_t bitset;
	struct thread *thread;
	bool woken; /* atomic */
	unsigned bucket;
};

struct futex_bucket {
	spinlock_t lock;
	struct list waiters;
};

static struct futex_bucket buckets[FUTEX_BUCKETS];
static bool buckets_ready;
static spinlock_t init_lock = SPINLOCK_INIT;

static struct futex_bucket *bucket_of(struct aspace *as, uintptr_t uaddr, unsigned *idx)
{
	if (!__atomic_load_n(&buckets_ready, __ATOMIC_ACQUIRE)) {
		unsigned long f = spin_lock_irqsave(&init_lock);
		if (!buckets_ready) {
			for (unsigned i = 0; i < FUTEX_BUCKETS; i++) {
				buckets[i].lock = (spinlock_t)SPINLOCK_INIT;
				list_init(&buckets[i].waiters);
			}
			__atomic_store_n(&buckets_ready, true, __ATOMIC_RELEASE);
		}
		spin_unlock_irqrestore(&init_lock, f);
	}
	uint64_t h = ((uint64_t)(uintptr_t)as ^ (uaddr >> 2)) * 0x9e3779b97f4a7c15ull;
	unsigned i = (unsigned)(h >> 58);
	if (idx)
		*idx = i;
	return &buckets[i];
}

static void wake_waiter_locked(struct futex_waiter *w)
{
	list_remove(&w->node);
	__atomic_store_n(&w->woken, true, __ATOMIC_SEQ_CST);
	sched_wakeup(w->thread);
}

int futex_wake_bitset(struct aspace *as, uintptr_t uaddr, int n, uint32_t mask)
{
	struct futex_bucket *b = bucket_of(as, uaddr, NULL);
	struct list *it, *next;
	int woken = 0;

	unsigned long flags = spin_lock_irqsave(&b->lock);
	for (it = b->waiters.next; it != &b->waiters && woken < n; it = next) {
		next = it->next;
		struct futex_waiter *w = container_of(it, struct futex_waiter, node);
		if (w->as == as && w->uaddr == uaddr && (w->bitset & mask)) {
			wake_waiter_locked(w);
			woken++;
		}
	}
	spin_unlock_irqrestore(&b->lock, flags);
	return woken;
}

/* Blocks until woken, interrupted or past deadline: 0, -EINTR, -ETIMEDOUT. */
static int futex_block(struct futex_waiter *w, uint64_t deadline)
{
	int rc;
	unsigned long flags = irq_save();

	for (;;) {
		sched_prepare_block();
		if (__atomic_load_n(&w->woken, __ATOMIC_SEQ_CST)) {
			rc = 0;
			break;
		}
		if (thread_interrupted()) {
			rc = -EINTR;
			break;
		}
		if (deadline != UINT64_MAX && clock_ns() >= deadline) {
			rc = -ETIMEDOUT;
			break;
		}
		if (deadline == UINT64_MAX)
			sched_block();
		else
			sched_block_until(deadline);
	}
	sched_cancel_block();
	irq_restore(flags);
	return rc;
}

/* Leaves the bucket w is in now (a requeue may have moved it); true if it
 * was still queued, i.e. not woken. */
static bool futex_unqueue(struct futex_waiter *w)
{
	for (;;) {
		unsigned idx = __atomic_load_n(&w->bucket, __ATOMIC_ACQUIRE);
		struct futex_bucket *b = &buckets[idx];
		unsigned long flags = spin_lock_irqsave(&b->lock);
		if (__atomic_load_n(&w->bucket, __ATOMIC_ACQUIRE) != idx) {
			spin_unlock_irqrestore(&b->lock, flags);
			continue;
		}
		bool queued = !list_empty(&w->node);
		if (queued)
			list_remove(&w->node);
		spin_unlock_irqrestore(&b->lock, flags);
		return queued;
	}
}

static long futex_wait(struct aspace *as, uintptr_t uaddr, uint32_t val, uint64_t deadline,
		       uint32_t bitset)
{
	struct futex_waiter w = {
	    .as = as, .uaddr = uaddr, .bitset = bitset, .thread = thread_current()};
	struct futex_bucket *b = bucket_of(as, uaddr, &w.bucket);
	uint32_t cur;

	list_init(&w.node);
	unsigned long flags = spin_lock_irqsave(&b->lock);
	list_push_back(&b->waiters, &w.node);
	spin_unlock_irqrestore(&b->lock, flags);
	if (copy_from_user(&cur, (const void *)uaddr, sizeof(cur))) {
		futex_unqueue(&w);
		return -EFAULT;
	}
	if (cur != val) {
		futex_unqueue(&w);
		return -EAGAIN;
	}
	int rc = futex_block(&w, deadline);
	if (futex_unqueue(&w))
		return rc == -EINTR ? -ERESTARTSYS : rc ? rc : 0;
	return 0; /* woken, whatever else happened too */
}

static long futex_requeue(struct aspace *as, uintptr_t uaddr, int nwake, int nmove,
			  uintptr_t uaddr2, bool cmp, uint32_t val3)
{
	unsigned i1, i2;
	struct futex_bucket *b1 = bucket_of(as, uaddr, &i1), *b2 = bucket_of(as, uaddr2, &i2);
	uint32_t cur;

	if (nwake < 0 || nmove < 0)
		return -EINVAL;
	if (cmp) {
		if (copy_from_user(&cur, (const void *)uaddr, sizeof(cur)))
			return -EFAULT;
		if (cur != val3)
			return -EAGAIN;
	}
	/* Both buckets locked, lower index first. */
	unsigned long flags = irq_save();
	struct futex_bucket *lo = i1 <= i2 ? b1 : b2, *hi = i1 <= i2 ? b2 : b1;
	spin_lock_raw(&lo->lock);
	if (hi != lo)
		spin_lock_raw(&hi->lock);
	int done = 0, moved = 0;
	struct list *it, *next;
	for (it = b1->waiters.next; it != &b1->waiters; it = next) {
		next = it->next;
		struct futex_waiter *w = container_of(it, struct futex_waiter, node);
		if (w->as != as || w->uaddr != uaddr)
			continue;
		if (done < nwake) {
			wake_waiter_locked(w);
			done++;
		} else if (moved < nmove) {
			list_remove(&w->node);
			w->uaddr = uaddr2;
			__atomic_store_n(&w->bucket, i2, __ATOMIC_RELEASE);
			list_push_back(&b2->waiters, &w->node);
			moved++;
		} else {
			break;
		}
	}
	if (hi != lo)
		spin_unlock_raw(&hi->lock);
	spin_unlock_raw(&lo->lock);
	irq_restore(flags);
	return done + (cmp ? moved : 0);
}

/* FUTEX_WAIT's timeout is relative; WAIT_BITSET's absolute, on
 * CLOCK_MONOTONIC (clock_ns) or with FUTEX_CLOCK_REALTIME the wall clock. */
/* FUTEX_WAIT's timeout is relative; WAIT_BITSET's absolute, on
 * CLOCK_MONOTONIC (clock_ns) or with FUTEX_CLOCK_REALTIME the wall clock. */
static long timeout_deadline(uint64_t uts, bool absolute, bool realtime, uint64_t *deadline)
{
	uint64_t at;
	int err;

	if (!uts || !absolute)
		return wait_deadline_timespec(uts, deadline);
	if ((err = wait_timespec_ns(uts, &at)))
		return err;
	if (realtime) {
		uint64_t now = clock_ns(), wall = wallclock_ns();
		*deadline = at <= wall ? now : now + (at - wall);
	} else {
		*deadline = at;
	}
	return 0;
}

/* futex(uaddr, op, val, timeout or val2, uaddr2, val3) */
long sys_futex(const struct syscall_args *a)
{
	uintptr_t uaddr = a->a[0];
	int op = (int)a->a[1];
	int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	bool realtime = op & FUTEX_CLOCK_REALTIME;
	uint32_t val = (uint32_t)a->a[2];
	struct aspace *as = proc_current()->as;
	uint64_t deadline;
	long rc;

	if (uaddr % 4 || !user_range_ok(uaddr, 4))
		return -EINVAL;
	if (realtime && cmd != FUTEX_WAIT && cmd != FUTEX_WAIT_BITSET)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		if ((rc = timeout_deadline(a->a[3], false, false, &deadline)))
			return rc;
		return futex_wait(as, uaddr, val, deadline, ~0u);
	case FUTEX_WAIT_BITSET:
		if (!(uint32_t)a->a[5])
			return -EINVAL;
		if ((rc = timeout_deadline(a->a[3], true, realtime, &deadline)))
			return rc;
		return futex_wait(as, uaddr, val, deadline, (uint32_t)a->a[5]);
	case FUTEX_WAKE:
		return futex_wake_bitset(as, uaddr, (int)MIN(val, (uint32_t)INT32_MAX), ~0u);
	case FUTEX_WAKE_BITSET:
		if (!(uint32_t)a->a[5])
			return -EINVAL;
		return futex_wake_bitset(as, uaddr, (int)MIN(val, (uint32_t)INT32_MAX),
					 (uint32_t)a->a[5]);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		if (a->a[4] % 4 || !user_range_ok(a->a[4], 4))
			return -EINVAL;
		return futex_requeue(as, uaddr, (int)val, (int)a->a[3], a->a[4],
				     cmd == FUTEX_CMP_REQUEUE, (uint32_t)a->a[5]);
	default:
		/* WAKE_OP and the PI operations are not there yet. */
		return -ENOSYS;
	}
}
