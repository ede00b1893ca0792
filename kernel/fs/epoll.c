/*
 * epoll (pallas/epoll.h).
 *
 * Locks, outermost first: ep_graph (every change to which files which
 * epolls watch: ctl, a watched file going, an epoll going; it keeps the
 * graph still for the loop check), an epoll's mtx (its items: scans and
 * changes; a nested epoll's mtx inside its parent's), the queue lock of a
 * watched file (held while its wakes run the items' callbacks), an
 * epoll's ready lock, and last the epoll's own queue.  The loop check
 * keeps the nesting acyclic, so these never deadlock.
 *
 * An item does not hold its file: the file's last put removes the item
 * (epoll_file_gone, under the epoll's mtx) before the file's release, so
 * an item found under mtx has a live file to poll.
 */
#include <pallas/epoll.h>
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/poll.h>
#include <pallas/uaccess.h>

#include "vfs_internal.h"

#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EP_INOUT_BITS                                                                            \
	(LINUX_POLLIN | LINUX_POLLOUT | LINUX_POLLRDNORM | LINUX_POLLRDBAND | LINUX_POLLWRNORM | \
	 LINUX_POLLWRBAND)
#define EP_EXCLUSIVE_OK_BITS \
	(EP_INOUT_BITS | LINUX_POLLERR | LINUX_POLLHUP | EPOLLWAKEUP | EPOLLET | EPOLLEXCLUSIVE)
#define EP_MAX_NESTS 4 /* Linux's: epolls below an epoll, at most */
#define EP_QUEUES    2 /* wait queues one watched file may name */

struct epoll {
	struct mutex mtx; /* items */
	spinlock_t ready_lock;
	struct waitqueue wq; /* epoll_wait callers and pollers of the epoll */
	struct list items;   /* struct epitem.ep_node */
	struct list ready;   /* struct epitem.rd_node */
	struct file *file;   /* its own (no reference) */
};

struct epitem {
	struct list ep_node;
	struct list rd_node; /* empty: not ready */
	struct list file_node;
	struct epoll *ep;
	struct file *file;
	int fd;
	uint32_t events; /* asked for, with EPOLLERR|EPOLLHUP and the private bits */
	uint64_t data;
	unsigned nqueues;
	struct poll_entry pe[EP_QUEUES];
};

/* The table an item registers its queues through. */
struct item_table {
	struct poll_table pt;
	struct epitem *item;
};

static struct mutex ep_graph = {.wq = WAITQUEUE_INIT(ep_graph.wq)};
static const struct file_ops epoll_ops;

bool file_is_epoll(struct file *f)
{
	return f->ops == &epoll_ops;
}

/* Under ep->ready_lock. */
static void mark_ready_locked(struct epitem *it)
{
	if (list_empty(&it->rd_node))
		list_push_back(&it->ep->ready, &it->rd_node);
}

/* A watched file's queue woke: under that queue's lock. */
static void item_wake(struct wait_entry *we, unsigned key)
{
	struct epitem *it = container_of(we, struct poll_entry, we)->owner;
	struct epoll *ep = it->ep;
	uint32_t ev = __atomic_load_n(&it->events, __ATOMIC_RELAXED);

	if (!(ev & ~EP_PRIVATE_BITS))
		return; /* a oneshot item already reported */
	if (key && !(key & ev))
		return; /* about events it does not watch */
	unsigned long flags = spin_lock_irqsave(&ep->ready_lock);
	mark_ready_locked(it);
	spin_unlock_irqrestore(&ep->ready_lock, flags);
	waitqueue_wake_key(&ep->wq, WAKE_ALL, LINUX_POLLIN);
}

static void item_queue(struct poll_table *pt, struct waitqueue *wq)
{
	struct epitem *it = container_of(pt, struct item_table, pt)->item;

	/* Files here name one queue; more would only miss wakeups, not crash. */
	if (it->nqueues < EP_QUEUES)
		poll_entry_add(&it->pe[it->nqueues++], wq, item_wake, it);
}

/* The item's events now (with its queues registered when pt is given). */
static unsigned item_poll(struct epitem *it, struct poll_table *pt)
{
	return vfs_poll(it->file, pt) & it->events & ~EP_PRIVATE_BITS;
}

/* Back on the ready list, without a wakeup (a scan putting it back). */
static void mark_ready(struct epitem *it)
{
	unsigned long flags = spin_lock_irqsave(&it->ep->ready_lock);
	mark_ready_locked(it);
	spin_unlock_irqrestore(&it->ep->ready_lock, flags);
}

static void ready_if(struct epitem *it, unsigned revents)
{
	if (!revents)
		return;
	mark_ready(it);
	waitqueue_wake_key(&it->ep->wq, WAKE_ALL, LINUX_POLLIN);
}

static struct epitem *find_item(struct epoll *ep, struct file *f, int fd)
{
	struct list *pos;

	list_for_each(pos, &ep->items)
	{
		struct epitem *it = container_of(pos, struct epitem, ep_node);
		if (it->file == f && it->fd == fd)
			return it;
	}
	return NULL;
}

/* Under ep_graph and ep->mtx: off every queue and list, freed. */
static void item_remove(struct epitem *it)
{
	for (unsigned i = 0; i < it->nqueues; i++)
		poll_entry_remove(&it->pe[i]);
	unsigned long flags = spin_lock_irqsave(&it->ep->ready_lock);
	if (!list_empty(&it->rd_node))
		list_remove(&it->rd_node);
	spin_unlock_irqrestore(&it->ep->ready_lock, flags);
	list_remove(&it->ep_node);
	list_remove(&it->file_node);
	kfree(it);
}

void epoll_file_gone(struct file *f)
{
	mutex_lock(&ep_graph);
	while (!list_empty(f->ep_links)) {
		struct epitem *it = container_of(f->ep_links->next, struct epitem, file_node);
		struct epoll *ep = it->ep;
		mutex_lock(&ep->mtx);
		item_remove(it);
		mutex_unlock(&ep->mtx);
	}
	kfree(f->ep_links);
	f->ep_links = NULL;
	mutex_unlock(&ep_graph);
}

/* --- the loop check (under ep_graph) ------------------------------------ */

/* Levels of epolls from ep down (1: no epoll below), or > EP_MAX_NESTS + 1
 * when it reaches stop (a cycle) or goes too deep. */
static unsigned depth_below(struct epoll *ep, struct epoll *stop, unsigned level)
{
	struct list *pos;
	unsigned deepest = 1;

	if (ep == stop || level > EP_MAX_NESTS + 1)
		return EP_MAX_NESTS + 2;
	list_for_each(pos, &ep->items)
	{
		struct epitem *it = container_of(pos, struct epitem, ep_node);
		if (!file_is_epoll(it->file))
			continue;
		unsigned d = 1 + depth_below(it->file->priv, stop, level + 1);
		deepest = MAX(deepest, d);
	}
	return deepest;
}

/* Levels of epolls from ep up through those that watch it. */
static unsigned depth_above(struct epoll *ep, unsigned level)
{
	struct list *pos;
	unsigned deepest = 1;

	if (level > EP_MAX_NESTS + 1)
		return EP_MAX_NESTS + 2;
	if (!ep->file->ep_links)
		return 1;
	list_for_each(pos, ep->file->ep_links)
	{
		struct epitem *it = container_of(pos, struct epitem, file_node);
		deepest = MAX(deepest, 1 + depth_above(it->ep, level + 1));
	}
	return deepest;
}

static bool would_loop(struct epoll *ep, struct file *target)
{
	if (!file_is_epoll(target))
		return false;
	unsigned below = depth_below(target->priv, ep, 1);
	return below + depth_above(ep, 1) > EP_MAX_NESTS + 1;
}

/* --- ctl ------------------------------------------------------------------ */

static int item_add(struct epoll *ep, int fd, struct file *target, const struct epoll_event *ev)
{
	if (!target->ep_links) {
		target->ep_links = kmalloc(sizeof(*target->ep_links));
		if (!target->ep_links)
			return -ENOMEM;
		list_init(target->ep_links);
	}
	struct epitem *it = kzalloc(sizeof(*it));
	if (!it)
		return -ENOMEM;
	list_init(&it->rd_node);
	it->ep = ep;
	it->file = target;
	it->fd = fd;
	it->events = ev->events;
	it->data = ev->data;
	list_push_back(&ep->items, &it->ep_node);
	list_push_back(target->ep_links, &it->file_node);
	struct item_table t = {.pt.queue = item_queue, .item = it};
	ready_if(it, item_poll(it, &t.pt));
	return 0;
}

static int item_mod(struct epitem *it, const struct epoll_event *ev)
{
	if (it->events & EPOLLEXCLUSIVE)
		return -EINVAL;
	__atomic_store_n(&it->events, ev->events, __ATOMIC_RELAXED);
	it->data = ev->data;
	ready_if(it, item_poll(it, NULL));
	return 0;
}

/* Linux's checks, in Linux's order. */
static int check_ctl(struct file *epf, int op, struct file *target, const struct epoll_event *ev)
{
	if (!target->ops || !target->ops->poll)
		return -EPERM; /* regular files and directories, as Linux */
	if (op != EPOLL_CTL_DEL && (ev->events & EPOLLEXCLUSIVE)) {
		if (op == EPOLL_CTL_MOD)
			return -EINVAL;
		if (file_is_epoll(target) || (ev->events & ~EP_EXCLUSIVE_OK_BITS))
			return -EINVAL;
	}
	if (target == epf || !file_is_epoll(epf))
		return -EINVAL;
	if (op != EPOLL_CTL_ADD && op != EPOLL_CTL_DEL && op != EPOLL_CTL_MOD)
		return -EINVAL;
	return 0;
}

int epoll_ctl_file(struct file *epf, int op, int fd, struct file *target,
		   const struct epoll_event *uev)
{
	struct epoll_event ev = op == EPOLL_CTL_DEL ? (struct epoll_event){0} : *uev;
	int err = check_ctl(epf, op, target, &ev);
	if (err)
		return err;
	struct epoll *ep = epf->priv;
	ev.events |= LINUX_POLLERR | LINUX_POLLHUP; /* always reported, as Linux */
	mutex_lock(&ep_graph);
	mutex_lock(&ep->mtx);
	struct epitem *it = find_item(ep, target, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		err = it		       ? -EEXIST
		      : would_loop(ep, target) ? -ELOOP
					       : item_add(ep, fd, target, &ev);
		break;
	case EPOLL_CTL_DEL:
		if (it)
			item_remove(it);
		else
			err = -ENOENT;
		break;
	default:
		err = it ? item_mod(it, &ev) : -ENOENT;
		break;
	}
	mutex_unlock(&ep->mtx);
	mutex_unlock(&ep_graph);
	return err;
}

/* --- wait ----------------------------------------------------------------- */

struct wait_args {
	struct epoll *ep;
	uintptr_t uevents;
	int maxevents;
};

/* Under ep->mtx: the first ready item, taken off the list (NULL: none). */
static struct epitem *pop_ready(struct epoll *ep)
{
	struct epitem *it = NULL;
	unsigned long flags = spin_lock_irqsave(&ep->ready_lock);

	if (!list_empty(&ep->ready)) {
		it = container_of(ep->ready.next, struct epitem, rd_node);
		list_remove(&it->rd_node);
	}
	spin_unlock_irqrestore(&ep->ready_lock, flags);
	return it;
}

static unsigned count_ready(struct epoll *ep)
{
	unsigned n = 0;
	struct list *pos;
	unsigned long flags = spin_lock_irqsave(&ep->ready_lock);

	list_for_each(pos, &ep->ready) n++;
	spin_unlock_irqrestore(&ep->ready_lock, flags);
	return n;
}

/* Reports ready items into the user array: how many, or -EFAULT.  Only
 * the items ready at the start are looked at, so one woken meanwhile is
 * left for the next call instead of being reported twice. */
static long send_events(struct wait_args *w)
{
	struct epoll *ep = w->ep;
	struct list keep = LIST_INIT(keep); /* level-triggered ones, ready again */
	long n = 0;

	mutex_lock(&ep->mtx);
	for (unsigned todo = count_ready(ep); todo && n < w->maxevents; todo--) {
		struct epitem *it = pop_ready(ep);
		if (!it)
			break;
		unsigned revents = item_poll(it, NULL);
		if (!revents)
			continue;
		struct epoll_event ev = {.events = revents, .data = it->data};
		if (copy_to_user((void *)(w->uevents + (uintptr_t)n * sizeof(ev)), &ev,
				 sizeof(ev))) {
			mark_ready(it);
			if (!n)
				n = -EFAULT;
			break;
		}
		n++;
		if (it->events & EPOLLONESHOT)
			__atomic_and_fetch(&it->events, EP_PRIVATE_BITS, __ATOMIC_RELAXED);
		else if (!(it->events & EPOLLET))
			list_push_back(&keep, &it->rd_node);
	}
	unsigned long flags = spin_lock_irqsave(&ep->ready_lock);
	while (!list_empty(&keep)) {
		struct list *node = keep.next;
		list_remove(node);
		list_push_back(&ep->ready, node);
	}
	spin_unlock_irqrestore(&ep->ready_lock, flags);
	mutex_unlock(&ep->mtx);
	return n;
}

static long wait_check(void *arg, struct poll_table *pt)
{
	struct wait_args *w = arg;

	poll_wait(pt, &w->ep->wq);
	return send_events(w);
}

long epoll_wait_file(struct file *epf, uintptr_t uevents, int maxevents, uint64_t deadline_ns)
{
	struct wait_args w = {.ep = epf->priv, .uevents = uevents, .maxevents = maxevents};

	return poll_until(wait_check, &w, deadline_ns);
}

/* --- the epoll file --------------------------------------------------------- */

/* Readable while some ready item has events (nested epolls, poll(2)). */
static unsigned epoll_poll(struct file *f, struct poll_table *pt)
{
	struct epoll *ep = f->priv;
	unsigned mask = 0;

	poll_wait(pt, &ep->wq);
	mutex_lock(&ep->mtx);
	for (unsigned todo = count_ready(ep); todo && !mask; todo--) {
		struct epitem *it = pop_ready(ep);
		if (!it)
			break;
		if (item_poll(it, NULL)) {
			mark_ready(it);
			mask = LINUX_POLLIN | LINUX_POLLRDNORM;
		}
	}
	mutex_unlock(&ep->mtx);
	return mask;
}

static void epoll_release(struct file *f)
{
	struct epoll *ep = f->priv;

	mutex_lock(&ep_graph);
	mutex_lock(&ep->mtx);
	while (!list_empty(&ep->items))
		item_remove(container_of(ep->items.next, struct epitem, ep_node));
	mutex_unlock(&ep->mtx);
	mutex_unlock(&ep_graph);
	kfree(ep);
}

static const struct file_ops epoll_ops = {
    .lseek = anon_lseek,
    .poll = epoll_poll,
    .release = epoll_release,
};

int epoll_create_file(struct file **out)
{
	struct epoll *ep = kzalloc(sizeof(*ep));

	if (!ep)
		return -ENOMEM;
	mutex_init(&ep->mtx);
	ep->ready_lock = (spinlock_t)SPINLOCK_INIT;
	waitqueue_init(&ep->wq);
	list_init(&ep->items);
	list_init(&ep->ready);
	int err = anon_file_create(0600, &epoll_ops, O_RDWR, ep, out);
	if (err) {
		kfree(ep);
		return err;
	}
	ep->file = *out;
	return 0;
}
