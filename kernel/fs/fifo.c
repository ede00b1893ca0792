/*
 * FIFOs: opening a FIFO inode attaches the file to the inode's pipe, made
 * at the first open and freed when the last end closes (so data does not
 * outlive its openers, as on Linux).  The pipes of FIFOs are found by
 * inode in one table; an open file holds its inode, so an entry's inode
 * lives as long as the entry.
 *
 * Open rules (Linux's fifo_open): O_RDONLY waits for a writer, O_WRONLY
 * for a reader (with O_NONBLOCK: not at all, and -ENXIO with no reader),
 * O_RDWR never waits.  "Waits for a writer" means until a writer opens,
 * counted, so one that opens and closes at once still lets it go.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>

#include "pipe_impl.h"
#include "vfs_internal.h"

static struct mutex fifo_lock = {.wq = WAITQUEUE_INIT(fifo_lock.wq)};
static struct list fifos = LIST_INIT(fifos);

/* The pipe of inode with a user for the caller: found or made. */
static struct pipe *fifo_pipe_get(struct inode *inode)
{
	struct list *pos;
	struct pipe *p = NULL;

	mutex_lock(&fifo_lock);
	list_for_each(pos, &fifos)
	{
		struct pipe *q = container_of(pos, struct pipe, fifo_node);
		if (q->fifo == inode) {
			p = q;
			break;
		}
	}
	if (!p && (p = pipe_alloc())) {
		p->fifo = inode;
		list_push_back(&fifos, &p->fifo_node);
	}
	if (p)
		p->users++;
	mutex_unlock(&fifo_lock);
	return p;
}

void pipe_put(struct pipe *p)
{
	if (!p->fifo) {
		if (__atomic_sub_fetch(&p->users, 1, __ATOMIC_ACQ_REL) == 0)
			pipe_free(p);
		return;
	}
	mutex_lock(&fifo_lock);
	bool last = --p->users == 0;
	if (last)
		list_remove(&p->fifo_node);
	mutex_unlock(&fifo_lock);
	if (last)
		pipe_free(p);
}

/* Counts the new end in and waits for its partner as the rules say. */
static int fifo_attach(struct pipe *p, struct pipe_end *e, unsigned flags)
{
	unsigned acc = flags & O_ACCMODE;
	bool nb = flags & O_NONBLOCK;
	unsigned *partner = NULL, seen = 0;

	mutex_lock(&p->lock);
	if (acc == O_WRONLY && !p->readers && nb && p->fifo) {
		mutex_unlock(&p->lock);
		return -ENXIO;
	}
	if (pipe_end_reads(flags)) {
		p->readers++;
		p->r_counter++;
		e->w_seen = p->w_counter;
	}
	if (pipe_end_writes(flags)) {
		p->writers++;
		p->w_counter++;
	}
	if (acc == O_RDONLY && !p->writers && !nb)
		partner = &p->w_counter;
	else if (acc == O_WRONLY && !p->readers)
		partner = &p->r_counter;
	if (!p->fifo)
		partner =
		    NULL; /* an anonymous pipe reopened: nobody to wait for, as Linux's is_pipe */
	if (partner)
		seen = *partner;
	mutex_unlock(&p->lock);
	waitqueue_wake(&p->wq, WAKE_ALL);
	if (partner && wait_event_interruptible(&p->wq, PIPE_LOAD(*partner) != seen)) {
		pipe_end_uncount(p, flags);
		return -ERESTARTSYS;
	}
	return 0;
}

static int fifo_open(struct inode *inode, struct file *f)
{
	if ((f->flags & O_ACCMODE) == 3)
		return -EINVAL;
	struct pipe_end *e = kzalloc(sizeof(*e));
	struct pipe *p = e ? fifo_pipe_get(inode) : NULL;
	if (!p) {
		kfree(e);
		return -ENOMEM;
	}
	e->p = p;
	int err = fifo_attach(p, e, f->flags);
	if (err) {
		pipe_put(p);
		kfree(e);
		return err;
	}
	/* From here on the file is a pipe end like any other. */
	f->priv = e;
	f->ops = &pipe_file_ops;
	f->stream = true;
	return 0;
}

const struct file_ops fifo_ops = {.open = fifo_open};

int pipe_reopen(struct file *src, unsigned flags, struct file **out)
{
	struct pipe *p = ((struct pipe_end *)src->priv)->p;

	if ((flags & O_ACCMODE) == 3)
		return -EINVAL;
	struct pipe_end *e = kzalloc(sizeof(*e));
	struct file *f = e ? file_alloc(src->inode, &pipe_file_ops, flags) : NULL;
	if (!f) {
		kfree(e);
		return -ENOMEM;
	}
	/* src holds a user, so p lives; the new end is one more. */
	if (p->fifo) {
		mutex_lock(&fifo_lock);
		p->users++;
		mutex_unlock(&fifo_lock);
	} else {
		__atomic_add_fetch(&p->users, 1, __ATOMIC_ACQ_REL);
	}
	e->p = p;
	int err = fifo_attach(p, e, flags);
	if (err) {
		pipe_put(p);
		kfree(e);
		f->ops = NULL;
		file_put(f);
		return err;
	}
	f->priv = e;
	f->stream = true;
	*out = f;
	return 0;
}
