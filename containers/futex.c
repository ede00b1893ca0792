/*
 * futex(2): WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, WAIT_BITSET,
 * WAKE_BITSET, and the PI operations LOCK_PI, LOCK_PI2, TRYLOCK_PI and
 * UNLOCK_PI (futex_pi.c), private or shared.
 *
 * Keys.  A FUTEX_PRIVATE_FLAG futex is keyed by (address space, address).
 * A shared one is keyed by what the address maps: in a shared mapping
 * (MAP_SHARED anonymous memory or a shared file mapping, whoever maps it and
 * wherever) the memory object and the byte offset in it, so a parent and its
 * forked child, or two processes mapping one file, meet on the same futex;
 * in a private mapping (address space, address) as for a private futex,
 * which is Linux's answer for anonymous private memory too.  A key holds no
 * reference: an object freed while someone waits on it can only make a
 * later object at the same address wake that waiter spuriously, which
 * futex users take in their stride.
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
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/sched.h>
#include <pallas/spinlock.h>
#include <pallas/time.h>
#include <pallas/uaccess.h>
#include <pallas/vma.h>
#include <pallas/wallclock.h>
#include <asm/irq.h>

#include "futex.h"
#include "futex_impl.h"
#include "proc.h"
#include "sys.h"
#include "wait_args.h"

#define FUTEX_BUCKETS 64

struct futex_bucket {
	spinlock_t lock;
	struct list waiters;
};

static struct futex_bucket buckets[FUTEX_BUCKETS];
static bool buckets_ready;
static spinlock_t init_lock = SPINLOCK_INIT;

static unsigned bucket_index(const struct futex_key *k)
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
	uint64_t h = ((uint64_t)k->obj ^ (k->off >> 2)) * 0x9e3779b97f4a7c15ull;
	return (unsigned)(h >> 58);
}

static bool key_eq(const struct futex_key *a, const struct futex_key *b)
{
	return a->obj == b->obj && a->off == b->off;
}

int futex_key(struct aspace *as, uintptr_t uaddr, bool shared, struct futex_key *k)
{
	struct vma_info vi;

	if (uaddr % 4)
		return -EINVAL;
	if (!user_range_ok(uaddr, 4))
		return -EFAULT;
	k->obj = (uintptr_t)as;
	k->off = uaddr;
	if (!shared)
		return 0;
	if (aspace_query(as, uaddr, &vi))
		return -EFAULT;
	/* Linux refuses a shared futex on read-only anonymous memory (a
	 * word there "will never change"): -EFAULT. */
	if ((vi.flags & VMA_PRIVATE) && !vi.obj && !(vi.prot & VMA_WRITE))
		return -EFAULT;
	if (vi.obj && !(vi.flags & VMA_PRIVATE)) {
		k->obj = (uintptr_t)vi.obj;
		k->off = vi.pgoff * PAGE_SIZE + (uaddr - vi.start);
	}
	if (vi.obj)
		memobj_put(vi.obj);
	return 0;
}

static void wake_waiter_locked(struct futex_waiter *w)
{
	list_remove(&w->node);
	__atomic_store_n(&w->woken, true, __ATOMIC_SEQ_CST);
	sched_wakeup(w->thread);
}

int futex_wake_key(const struct futex_key *k, int n, uint32_t mask)
{
	struct futex_bucket *b = &buckets[bucket_index(k)];
	struct list *it, *next;
	int woken = 0;

	unsigned long flags = spin_lock_irqsave(&b->lock);
	for (it = b->waiters.next; it != &b->waiters && woken < n; it = next) {
		next = it->next;
		struct futex_waiter *w = container_of(it, struct futex_waiter, node);
		if (key_eq(&w->key, k) && (w->bitset & mask)) {
			wake_waiter_locked(w);
			woken++;
		}
	}
	spin_unlock_irqrestore(&b->lock, flags);
	return woken;
}

bool futex_has_waiters(const struct futex_key *k, const struct futex_waiter *self)
{
	struct futex_bucket *b = &buckets[bucket_index(k)];
	struct list *it;
	bool any = false;

	unsigned long flags = spin_lock_irqsave(&b->lock);
	for (it = b->waiters.next; it != &b->waiters && !any; it = it->next) {
		struct futex_waiter *w = container_of(it, struct futex_waiter, node);
		any = w != self && key_eq(&w->key, k);
	}
	spin_unlock_irqrestore(&b->lock, flags);
	return any;
}

struct futex_waiter *futex_claim_pi(const struct futex_key *k)
{
	struct futex_bucket *b = &buckets[bucket_index(k)];
	struct futex_waiter *found = NULL;
	struct list *it;

	unsigned long flags = spin_lock_irqsave(&b->lock);
	for (it = b->waiters.next; it != &b->waiters; it = it->next) {
		struct futex_waiter *w = container_of(it, struct futex_waiter, node);
		if (w->pi_tid && key_eq(&w->key, k)) {
			list_remove(&w->node);
			found = w;
			break;
		}
	}
	spin_unlock_irqrestore(&b->lock, flags);
	return found;
}

void futex_pi_owner_gone(uint32_t tid)
{
	for (unsigned i = 0; i < FUTEX_BUCKETS; i++) {
		struct futex_bucket *b = &buckets[i];
		struct list *it, *next;
		unsigned long flags = spin_lock_irqsave(&b->lock);
		for (it = b->waiters.next; it != &b->waiters; it = next) {
			next = it->next;
			struct futex_waiter *w = container_of(it, struct futex_waiter, node);
			if (w->pi_tid && w->pi_owner == tid) {
				w->owner_died = true;
				wake_waiter_locked(w);
			}
		}
		spin_unlock_irqrestore(&b->lock, flags);
	}
}

void futex_hand_over(struct futex_waiter *w, bool handed)
{
	struct thread *t = w->thread; /* w may be gone once woken is seen */

	w->handed = handed;
	__atomic_store_n(&w->woken, true, __ATOMIC_SEQ_CST);
	sched_wakeup(t);
}

int futex_wake(struct aspace *as, uintptr_t uaddr, int n)
{
	struct futex_key k;

	if (!as || futex_key(as, uaddr, true, &k))
		return 0;
	return futex_wake_key(&k, n, ~0u);
}

void futex_queue(struct futex_waiter *w, const struct futex_key *k, uint32_t bitset,
		 uint32_t pi_tid, uint32_t pi_owner)
{
	*w = (struct futex_waiter){.key = *k,
				   .bitset = bitset,
				   .thread = thread_current(),
				   .pi_tid = pi_tid,
				   .pi_owner = pi_owner};
	w->bucket = bucket_index(k);
	struct futex_bucket *b = &buckets[w->bucket];
	list_init(&w->node);
	unsigned long flags = spin_lock_irqsave(&b->lock);
	list_push_back(&b->waiters, &w->node);
	spin_unlock_irqrestore(&b->lock, flags);
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

bool futex_unqueue(struct futex_waiter *w)
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

int futex_sleep(struct futex_waiter *w, uint64_t deadline)
{
	int rc = futex_block(w, deadline);
	if (futex_unqueue(w))
		return rc ? rc : 0;
	return 0; /* woken, whatever else happened too */
}

static long futex_wait(const struct futex_key *k, uintptr_t uaddr, uint32_t val, uint64_t deadline,
		       uint32_t bitset)
{
	struct futex_waiter w;
	uint32_t cur;

	futex_queue(&w, k, bitset, 0, 0);
	if (copy_from_user(&cur, (const void *)uaddr, sizeof(cur))) {
		futex_unqueue(&w);
		return -EFAULT;
	}
	if (cur != val) {
		futex_unqueue(&w);
		return -EAGAIN;
	}
	int rc = futex_sleep(&w, deadline);
	/* Linux restarts an untimed wait under SA_RESTART; a timed one goes on
	 * through its restart block only when no handler ran, so a handler
	 * makes it EINTR.  (Restarted here, a relative timeout starts over.) */
	if (rc == -EINTR)
		return deadline == UINT64_MAX ? -ERESTARTSYS : -ERESTART_RESTARTBLOCK;
	return rc;
}

static long futex_requeue(const struct futex_key *k1, uintptr_t uaddr, int nwake, int nmove,
			  const struct futex_key *k2, bool cmp, uint32_t val3)
{
	unsigned i1 = bucket_index(k1), i2 = bucket_index(k2);
	struct futex_bucket *b1 = &buckets[i1], *b2 = &buckets[i2];
	uint32_t cur;

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
	struct list *it, *next, movers;
	list_init(&movers); /* joins b2 after the walk, which b2 may be */
	for (it = b1->waiters.next; it != &b1->waiters; it = next) {
		next = it->next;
		struct futex_waiter *w = container_of(it, struct futex_waiter, node);
		if (!key_eq(&w->key, k1))
			continue;
		if (done < nwake) {
			wake_waiter_locked(w);
			done++;
		} else if (moved < nmove) {
			list_remove(&w->node);
			w->key = *k2;
			__atomic_store_n(&w->bucket, i2, __ATOMIC_RELEASE);
			list_push_back(&movers, &w->node);
			moved++;
		} else {
			break;
		}
	}
	while (!list_empty(&movers)) {
		it = movers.next;
		list_remove(it);
		list_push_back(&b2->waiters, it);
	}
	if (hi != lo)
		spin_unlock_raw(&hi->lock);
	spin_unlock_raw(&lo->lock);
	irq_restore(flags);
	/* Linux counts the requeued waiters in both. */
	return done + moved;
}

/* FUTEX_WAKE_OP's encoded operation on *uaddr2, done atomically: the
 * comparison of the old value (0 or 1), -EFAULT, -ENOSYS. */
static int wake_op_atomic(uintptr_t uaddr2, uint32_t encoded)
{
	unsigned op = (encoded >> 28) & 7, cmp = (encoded >> 24) & 15;
	int32_t oparg = (int32_t)(encoded << 8) >> 20, cmparg = (int32_t)(encoded << 20) >> 20;
	uint32_t old, now, nv;

	if (encoded & (8u << 28))
		oparg = (int32_t)(1u << (oparg & 31));
	if (op > 4)
		return -ENOSYS;
	if (copy_from_user(&old, (const void *)uaddr2, sizeof(old)))
		return -EFAULT;
	for (;;) {
		switch (op) {
		case 0: /* FUTEX_OP_SET */
			nv = (uint32_t)oparg;
			break;
		case 1: /* FUTEX_OP_ADD */
			nv = old + (uint32_t)oparg;
			break;
		case 2: /* FUTEX_OP_OR */
			nv = old | (uint32_t)oparg;
			break;
		case 3: /* FUTEX_OP_ANDN */
			nv = old & ~(uint32_t)oparg;
			break;
		default: /* FUTEX_OP_XOR */
			nv = old ^ (uint32_t)oparg;
			break;
		}
		if (cmpxchg_user32((uint32_t *)uaddr2, old, nv, &now))
			return -EFAULT;
		if (now == old)
			break;
		old = now;
	}
	int32_t o = (int32_t)old;
	switch (cmp) {
	case 0:
		return o == cmparg;
	case 1:
		return o != cmparg;
	case 2:
		return o < cmparg;
	case 3:
		return o <= cmparg;
	case 4:
		return o > cmparg;
	case 5:
		return o >= cmparg;
	default:
		return -ENOSYS;
	}
}

static long futex_wake_op(const struct futex_key *k1, int nwake, const struct futex_key *k2,
			  uintptr_t uaddr2, int nwake2, uint32_t encoded)
{
	int r = wake_op_atomic(uaddr2, encoded);
	if (r < 0)
		return r;
	long woken = futex_wake_key(k1, nwake, ~0u);
	if (r > 0)
		woken += futex_wake_key(k2, nwake2, ~0u);
	return woken;
}

long futex_timeout(uint64_t uts, bool absolute, bool realtime, uint64_t *deadline)
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

/* A wake count as Linux reads it: an int, and at least one waiter even
 * for 0 or less. */
static int wake_count(uint64_t v)
{
	int n = (int)(uint32_t)v;
	return n <= 0 ? 1 : n;
}

/* futex(uaddr, op, val, timeout or val2, uaddr2, val3) */
long sys_futex(const struct syscall_args *a)
{
	uintptr_t uaddr = a->a[0], uaddr2 = a->a[4];
	int op = (int)a->a[1];
	int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	bool realtime = op & FUTEX_CLOCK_REALTIME, shared = !(op & FUTEX_PRIVATE_FLAG);
	uint32_t val = (uint32_t)a->a[2], val3 = (uint32_t)a->a[5];
	struct aspace *as = proc_current()->as;
	struct futex_key k, k2;
	uint64_t deadline;
	long rc;

	/* Linux takes FUTEX_CLOCK_REALTIME with the absolute timeouts only. */
	if (realtime && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_LOCK_PI2)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
	case FUTEX_WAIT_BITSET:
		if (cmd == FUTEX_WAIT)
			val3 = ~0u;
		else if (!val3)
			return -EINVAL;
		if ((rc = futex_timeout(a->a[3], cmd == FUTEX_WAIT_BITSET, realtime, &deadline)))
			return rc;
		if ((rc = futex_key(as, uaddr, shared, &k)))
			return rc;
		return futex_wait(&k, uaddr, val, deadline, val3);
	case FUTEX_WAKE:
	case FUTEX_WAKE_BITSET:
		if (cmd == FUTEX_WAKE)
			val3 = ~0u;
		else if (!val3)
			return -EINVAL;
		if ((rc = futex_key(as, uaddr, shared, &k)))
			return rc;
		return futex_wake_key(&k, wake_count(val), val3);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		if ((int)val < 0 || (int)a->a[3] < 0)
			return -EINVAL;
		if ((rc = futex_key(as, uaddr, shared, &k)) ||
		    (rc = futex_key(as, uaddr2, shared, &k2)))
			return rc;
		return futex_requeue(&k, uaddr, (int)val, (int)a->a[3], &k2,
				     cmd == FUTEX_CMP_REQUEUE, val3);
	case FUTEX_WAKE_OP:
		if ((rc = futex_key(as, uaddr, shared, &k)) ||
		    (rc = futex_key(as, uaddr2, shared, &k2)))
			return rc;
		return futex_wake_op(&k, (int)val, &k2, uaddr2, (int)a->a[3], val3);
	case FUTEX_LOCK_PI:
	case FUTEX_LOCK_PI2:
	case FUTEX_TRYLOCK_PI:
	case FUTEX_UNLOCK_PI:
		return futex_pi(as, cmd, uaddr, shared, realtime || cmd == FUTEX_LOCK_PI, a->a[3]);
	default:
		/* FUTEX_FD is gone from Linux too; the requeue-PI pair is not here. */
		return -ENOSYS;
	}
}
