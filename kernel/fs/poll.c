/*
 * The poll loop.  Each round polls every file afresh with entries on every
 * queue they name, then sleeps; the entries come off again after the sleep,
 * so a round never sees wakeups meant for an earlier one, and a file that
 * changed its queues (a FIFO getting its pipe) is polled with the new ones.
 */
#include <asm/irq.h>
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/poll.h>
#include <pallas/sched.h>
#include <pallas/time.h>
#include <pallas/vfs.h>

/* Entries held in the poller itself (on the caller's stack); more come in
 * chunks, which never move, because their entries are linked on queues. */
#define POLL_INLINE 8
#define POLL_CHUNK  64

struct poll_chunk {
	struct poll_chunk *next;
	unsigned used;
	struct poll_entry e[POLL_CHUNK];
};

struct poller {
	struct poll_table pt;
	struct thread *thread;
	bool woken; /* atomic: set by an entry's wake */
	int error;
	unsigned used;
	struct poll_entry inline_e[POLL_INLINE];
	struct poll_chunk *chunks;
};

void poll_entry_add(struct poll_entry *e, struct waitqueue *wq,
		    void (*wake)(struct wait_entry *, unsigned key), void *owner)
{
	e->we.thread = thread_current();
	e->we.wake = wake;
	e->wq = wq;
	e->owner = owner;
	unsigned long flags = spin_lock_irqsave(&wq->lock);
	list_push_back(&wq->waiters, &e->we.node);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void poll_entry_remove(struct poll_entry *e)
{
	unsigned long flags = spin_lock_irqsave(&e->wq->lock);
	list_remove(&e->we.node);
	spin_unlock_irqrestore(&e->wq->lock, flags);
}

void poll_wait(struct poll_table *pt, struct waitqueue *wq)
{
	if (pt && wq)
		pt->queue(pt, wq);
}

unsigned vfs_poll(struct file *f, struct poll_table *pt)
{
	if (!f->ops || !f->ops->poll)
		return LINUX_POLLIN | LINUX_POLLOUT | LINUX_POLLRDNORM | LINUX_POLLWRNORM;
	return f->ops->poll(f, pt);
}

/* Any key: the next round polls every file anyway. */
static void poller_wake(struct wait_entry *we, unsigned key)
{
	struct poller *p = container_of(we, struct poll_entry, we)->owner;

	/* Before the wakeup: the poller checks it after sched_prepare_block. */
	__atomic_store_n(&p->woken, true, __ATOMIC_SEQ_CST);
	sched_wakeup(p->thread);
}

static struct poll_entry *poller_slot(struct poller *p)
{
	if (p->used < POLL_INLINE)
		return &p->inline_e[p->used++];
	struct poll_chunk *c = p->chunks;
	if (!c || c->used == POLL_CHUNK) {
		c = kmalloc(sizeof(*c));
		if (!c)
			return NULL;
		c->used = 0;
		c->next = p->chunks;
		p->chunks = c;
	}
	return &c->e[c->used++];
}

static void poller_queue(struct poll_table *pt, struct waitqueue *wq)
{
	struct poller *p = container_of(pt, struct poller, pt);
	struct poll_entry *e = poller_slot(p);

	if (!e) {
		p->error = -ENOMEM;
		return;
	}
	poll_entry_add(e, wq, poller_wake, p);
}

/* Every entry off its queue; chunks kept for the next round but emptied. */
static void poller_unqueue(struct poller *p)
{
	for (unsigned i = 0; i < p->used; i++)
		poll_entry_remove(&p->inline_e[i]);
	p->used = 0;
	for (struct poll_chunk *c = p->chunks; c; c = c->next) {
		for (unsigned i = 0; i < c->used; i++)
			poll_entry_remove(&c->e[i]);
		c->used = 0;
	}
}

static void poller_free(struct poller *p)
{
	poller_unqueue(p);
	while (p->chunks) {
		struct poll_chunk *c = p->chunks;
		p->chunks = c->next;
		kfree(c);
	}
}

static void poller_sleep(struct poller *p, uint64_t deadline_ns)
{
	unsigned long flags = irq_save();

	sched_prepare_block();
	if (__atomic_load_n(&p->woken, __ATOMIC_SEQ_CST) || thread_interrupted())
		sched_cancel_block();
	else if (deadline_ns == UINT64_MAX)
		sched_block();
	else
		sched_block_until(deadline_ns);
	irq_restore(flags);
}

long poll_until(poll_check_fn check, void *arg, uint64_t deadline_ns)
{
	struct poller p = {.pt.queue = poller_queue, .thread = thread_current()};
	long r;

	for (;;) {
		bool last = deadline_ns != UINT64_MAX && clock_ns() >= deadline_ns;
		__atomic_store_n(&p.woken, false, __ATOMIC_SEQ_CST);
		r = check(arg, last ? NULL : &p.pt);
		if (r)
			break;
		if (p.error) {
			r = p.error;
			break;
		}
		if (last)
			break;
		if (thread_interrupted()) {
			r = -EINTR;
			break;
		}
		poller_sleep(&p, deadline_ns);
		poller_unqueue(&p);
	}
	poller_free(&p);
	return r;
}
