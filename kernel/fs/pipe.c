/*
 * Anonymous pipes and the pipe object FIFOs share (pallas/pipe.h).  The
 * buffer is a byte ring under the pipe's mutex, which user copies may
 * sleep under (a fault); waits sleep on the pipe's queue with conditions
 * read without the mutex, and every change wakes the whole queue after the
 * mutex is dropped, so a waiter that saw the old state is woken.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/poll.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>

#include "pipe_impl.h"
#include "vfs_internal.h"

/* A buffer of size bytes and its slots: 0 or -ENOMEM. */
static int buffer_alloc(size_t size, uint8_t **buf, struct pipe_slot **slots)
{
	*buf = kmalloc(size);
	*slots = kzalloc(size / PIPE_BUF * sizeof(**slots));
	if (*buf && *slots)
		return 0;
	kfree(*buf);
	kfree(*slots);
	return -ENOMEM;
}

struct pipe *pipe_alloc(void)
{
	struct pipe *p = kzalloc(sizeof(*p));

	if (!p)
		return NULL;
	if (buffer_alloc(PIPE_DEF_SIZE, &p->buf, &p->slots)) {
		kfree(p);
		return NULL;
	}
	p->cap = PIPE_DEF_SIZE;
	p->nslots = PIPE_DEF_SIZE / PIPE_BUF;
	mutex_init(&p->lock);
	waitqueue_init(&p->wq);
	list_init(&p->fifo_node);
	return p;
}

void pipe_free(struct pipe *p)
{
	kfree(p->slots);
	kfree(p->buf);
	kfree(p);
}

bool pipe_end_reads(unsigned flags)
{
	return (flags & O_ACCMODE) == O_RDONLY || (flags & O_ACCMODE) == O_RDWR;
}

bool pipe_end_writes(unsigned flags)
{
	return (flags & O_ACCMODE) == O_WRONLY || (flags & O_ACCMODE) == O_RDWR;
}

static void wake_all(struct pipe *p)
{
	waitqueue_wake(&p->wq, WAKE_ALL);
}

/* As Linux: epoll's edge-triggered items hear of new data on every write,
 * of room only when a read ends a full pipe's fullness. */
#define KEY_IN	(LINUX_POLLIN | LINUX_POLLRDNORM)
#define KEY_OUT (LINUX_POLLOUT | LINUX_POLLWRNORM)

static bool nonblocking(struct file *f, const struct uio *u)
{
	return u->nowait || (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK);
}

static struct pipe *pipe_of(struct file *f)
{
	return ((struct pipe_end *)f->priv)->p;
}

static bool full(const struct pipe *p)
{
	return p->head - p->tail >= p->nslots;
}

static struct pipe_slot *slot(struct pipe *p, unsigned n, uint8_t **mem)
{
	unsigned i = n % p->nslots;
	*mem = p->buf + (size_t)i * PIPE_BUF;
	return &p->slots[i];
}

/* As much as u takes out of the slots from tail on, under p->lock. */
static size_t ring_out(struct pipe *p, struct uio *u)
{
	size_t moved = 0;

	while (u->resid && p->head != p->tail) {
		uint8_t *mem;
		struct pipe_slot *s = slot(p, p->tail, &mem);
		size_t want = MIN((size_t)s->len, u->resid);
		size_t got = uio_copy_out(u, mem + s->off, want);
		s->off += got;
		s->len -= got;
		p->len -= got;
		moved += got;
		if (!s->len)
			p->tail++;
		if (got < want)
			break; /* a fault */
	}
	return moved;
}

/* Up to n bytes of u into slot s at its end, under p->lock: 0 or -EFAULT. */
static int slot_in(struct pipe *p, struct pipe_slot *s, uint8_t *mem, struct uio *u, size_t n,
		   size_t *done)
{
	size_t got = uio_copy_in(u, mem + s->off + s->len, n);

	s->len += got;
	p->len += got;
	*done += got;
	return got < n ? -EFAULT : 0;
}

static long pipe_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct pipe *p = pipe_of(f);

	for (;;) {
		mutex_lock(&p->lock);
		if (p->len) {
			/* Blocked writers wait only for a free slot. */
			bool was_full = full(p);
			size_t n = ring_out(p, u);
			bool freed = was_full && !full(p);
			mutex_unlock(&p->lock);
			if (freed)
				waitqueue_wake_key(&p->wq, WAKE_ALL, KEY_OUT);
			return uio_result(u, n);
		}
		bool eof = p->writers == 0;
		mutex_unlock(&p->lock);
		if (eof)
			return 0;
		if (nonblocking(f, u))
			return -EAGAIN;
		if (wait_event_interruptible(&p->wq, PIPE_LOAD(p->len) || !PIPE_LOAD(p->writers)))
			return -ERESTARTSYS;
	}
}

/*
 * Linux's pipe_write: the write's tail (its length mod a page) goes into
 * the last slot when it fits there; the rest into fresh slots, a page
 * each, waiting for free slots.  A write of at most PIPE_BUF thus lands
 * in one slot, whole: the atomicity POSIX asks for.
 */
static long pipe_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct pipe *p = pipe_of(f);
	size_t done = 0, chars = u->resid % PIPE_BUF;
	int err = 0;

	mutex_lock(&p->lock);
	if (p->readers && chars && p->head != p->tail) {
		uint8_t *mem;
		struct pipe_slot *s = slot(p, p->head - 1, &mem);
		if (s->off + s->len + chars <= PIPE_BUF)
			err = slot_in(p, s, mem, u, chars, &done);
	}
	while (!err && u->resid) {
		if (!p->readers) {
			err = -EPIPE;
			break;
		}
		if (!full(p)) {
			uint8_t *mem;
			struct pipe_slot *s = slot(p, p->head++, &mem);
			*s = (struct pipe_slot){0, 0};
			err = slot_in(p, s, mem, u, MIN(u->resid, (size_t)PIPE_BUF), &done);
			continue;
		}
		mutex_unlock(&p->lock);
		if (done)
			waitqueue_wake_key(&p->wq, WAKE_ALL, KEY_IN);
		if (nonblocking(f, u))
			err = -EAGAIN;
		else if (wait_event_interruptible(&p->wq,
						  !PIPE_LOAD(p->readers) ||
						      PIPE_LOAD(p->head) - PIPE_LOAD(p->tail) <
							  PIPE_LOAD(p->nslots)))
			err = -ERESTARTSYS;
		mutex_lock(&p->lock);
	}
	mutex_unlock(&p->lock);
	if (done)
		waitqueue_wake_key(&p->wq, WAKE_ALL, KEY_IN);
	return done ? (long)done : err;
}

static unsigned pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe_end *e = f->priv;
	struct pipe *p = e->p;
	unsigned mask = 0;

	poll_wait(pt, &p->wq);
	mutex_lock(&p->lock);
	if (pipe_end_reads(f->flags)) {
		if (p->len)
			mask |= LINUX_POLLIN | LINUX_POLLRDNORM;
		if (!p->writers && e->w_seen != p->w_counter)
			mask |= LINUX_POLLHUP;
	}
	if (pipe_end_writes(f->flags)) {
		if (!full(p))
			mask |= LINUX_POLLOUT | LINUX_POLLWRNORM;
		if (!p->readers)
			mask |= LINUX_POLLERR;
	}
	mutex_unlock(&p->lock);
	return mask;
}

static long pipe_ioctl(struct file *f, unsigned cmd, uintptr_t arg)
{
	if (cmd != FIONREAD)
		return -ENOTTY;
	struct pipe *p = pipe_of(f);
	mutex_lock(&p->lock);
	int n = (int)p->len;
	mutex_unlock(&p->lock);
	return copy_to_user((void *)arg, &n, sizeof(n)) ? -EFAULT : 0;
}

void pipe_end_uncount(struct pipe *p, unsigned flags)
{
	mutex_lock(&p->lock);
	if (pipe_end_reads(flags))
		p->readers--;
	if (pipe_end_writes(flags))
		p->writers--;
	mutex_unlock(&p->lock);
	wake_all(p);
}

static void pipe_release(struct file *f)
{
	struct pipe_end *e = f->priv;

	pipe_end_uncount(e->p, f->flags);
	pipe_put(e->p);
	kfree(e);
}

const struct file_ops pipe_file_ops = {
    .read = pipe_read,
    .write = pipe_write,
    .poll = pipe_poll,
    .ioctl = pipe_ioctl,
    .release = pipe_release,
};

static int end_create(struct pipe *p, struct inode *inode, unsigned flags, struct file **out)
{
	struct pipe_end *e = kzalloc(sizeof(*e));
	struct file *f = e ? file_alloc(inode, &pipe_file_ops, flags) : NULL;

	if (!f) {
		kfree(e);
		return -ENOMEM;
	}
	e->p = p;
	f->priv = e;
	f->stream = true;
	*out = f;
	return 0;
}

int pipe_create(unsigned flags, struct file **rd, struct file **wr)
{
	struct pipe *p = pipe_alloc();
	struct inode *inode = p ? anon_inode_new(S_IFIFO | 0600) : NULL;
	unsigned nb = flags & O_NONBLOCK;

	if (!inode) {
		if (p)
			pipe_free(p);
		return -ENOMEM;
	}
	int err = end_create(p, inode, O_RDONLY | nb, rd);
	if (!err && (err = end_create(p, inode, O_WRONLY | nb, wr))) {
		/* Freed by hand: no end was counted yet, so no release may run. */
		kfree((*rd)->priv);
		(*rd)->ops = NULL;
		file_put(*rd);
	}
	inode_put(inode);
	if (err) {
		pipe_free(p);
		return err;
	}
	p->readers = p->writers = 1;
	p->r_counter = p->w_counter = 1;
	p->users = 2;
	p->anon = (*rd)->inode;
	p->anon->priv = p;
	return 0;
}

/* Linux's round_pipe_size: a power of two of pages, at least one. */
static uint64_t round_size(uint64_t n)
{
	uint64_t size = 4096;

	while (size < n)
		size <<= 1;
	return size;
}

/* The slots in order at the start of a new buffer of size bytes. */
static long set_size(struct pipe *p, uint64_t arg)
{
	if (arg > (1ull << 31))
		return -EINVAL;
	uint64_t size = round_size(arg);
	if (size > PIPE_MAX_SIZE)
		return -EPERM;
	uint8_t *nbuf;
	struct pipe_slot *nslots;
	if (buffer_alloc(size, &nbuf, &nslots))
		return -ENOMEM;
	mutex_lock(&p->lock);
	unsigned used = p->head - p->tail;
	if (used > size / PIPE_BUF) {
		mutex_unlock(&p->lock);
		kfree(nbuf);
		kfree(nslots);
		return -EBUSY;
	}
	for (unsigned i = 0; i < used; i++) {
		uint8_t *mem;
		struct pipe_slot *s = slot(p, p->tail + i, &mem);
		memcpy(nbuf + (size_t)i * PIPE_BUF, mem, PIPE_BUF);
		nslots[i] = *s;
	}
	kfree(p->buf);
	kfree(p->slots);
	p->buf = nbuf;
	p->slots = nslots;
	p->tail = 0;
	p->head = used;
	p->cap = size;
	__atomic_store_n(&p->nslots, (unsigned)(size / PIPE_BUF), __ATOMIC_RELAXED);
	mutex_unlock(&p->lock);
	wake_all(p); /* more room for writers */
	return (long)size;
}

long pipe_fcntl(struct file *f, unsigned cmd, uint64_t arg)
{
	if (f->ops != &pipe_file_ops)
		return -EBADF;
	struct pipe *p = pipe_of(f);
	if (cmd == F_SETPIPE_SZ)
		return set_size(p, (uint32_t)arg); /* Linux takes an unsigned int */
	mutex_lock(&p->lock);
	long size = (long)p->cap;
	mutex_unlock(&p->lock);
	return size;
}

bool file_is_pipe(const struct file *f)
{
	return f->ops == &pipe_file_ops;
}

long pipe_peek(struct file *f, void *buf, size_t len, bool nowait)
{
	struct pipe *p = pipe_of(f);

	for (;;) {
		mutex_lock(&p->lock);
		if (p->len) {
			size_t moved = 0;
			for (unsigned t = p->tail; t != p->head && moved < len; t++) {
				uint8_t *mem;
				struct pipe_slot *s = slot(p, t, &mem);
				size_t n = MIN((size_t)s->len, len - moved);
				memcpy((uint8_t *)buf + moved, mem + s->off, n);
				moved += n;
			}
			mutex_unlock(&p->lock);
			return (long)moved;
		}
		bool eof = p->writers == 0;
		mutex_unlock(&p->lock);
		if (eof)
			return 0;
		if (nowait || (__atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK))
			return -EAGAIN;
		if (wait_event_interruptible(&p->wq, PIPE_LOAD(p->len) || !PIPE_LOAD(p->writers)))
			return -ERESTARTSYS;
	}
}

void pipe_consume(struct file *f, size_t n)
{
	struct pipe *p = pipe_of(f);

	mutex_lock(&p->lock);
	bool was_full = full(p);
	while (n && p->head != p->tail) {
		uint8_t *mem;
		struct pipe_slot *s = slot(p, p->tail, &mem);
		size_t k = MIN((size_t)s->len, n);
		s->off += k;
		s->len -= k;
		p->len -= k;
		n -= k;
		if (!s->len)
			p->tail++;
	}
	bool freed = was_full && !full(p);
	mutex_unlock(&p->lock);
	if (freed)
		waitqueue_wake_key(&p->wq, WAKE_ALL, KEY_OUT);
}

bool pipe_same(struct file *a, struct file *b)
{
	return file_is_pipe(a) && file_is_pipe(b) && pipe_of(a) == pipe_of(b);
}
