/* The pipe object that pipe.c and fifo.c share. */
#ifndef KERNEL_FS_PIPE_IMPL_H
#define KERNEL_FS_PIPE_IMPL_H

#include <pallas/list.h>
#include <pallas/mutex.h>
#include <pallas/pipe.h>
#include <pallas/waitqueue.h>

struct inode;

struct pipe {
	struct mutex lock; /* everything below but the counters' lone reads in wait conditions */
	/* One queue for readers, writers, pollers and FIFO openers: every
	 * change wakes all, and each re-checks what it waits for. */
	struct waitqueue wq;
	/* Linux's ring of page-sized slots, which its writes fill and merge
	 * into (and so its capacity and POLLOUT): slot i is buf[i * PIPE_BUF],
	 * its bytes at off, len of them; head and tail count slots. */
	uint8_t *buf;
	struct pipe_slot {
		uint16_t off, len;
	} * slots;
	unsigned nslots, head, tail;
	size_t cap, len; /* bytes of buf, bytes held */
	unsigned readers, writers;
	unsigned r_counter, w_counter; /* opens of each kind so far */
	unsigned users;		       /* open ends plus FIFO opens in progress */
	struct inode *fifo;	       /* the FIFO's inode (fifo.c's table), or NULL */
	/* pipe(2)'s: its anonymous inode, whose priv points back here while
	 * the pipe lives (under the inode's lock), so that opening the inode
	 * again (/proc/PID/fd/N) finds this pipe, as Linux's i_pipe.  No
	 * reference: the ends' files hold it. */
	struct inode *anon;
	struct list fifo_node;
};

/* An open end (file->priv). */
struct pipe_end {
	struct pipe *p;
	/* w_counter when a FIFO was opened for reading without a writer:
	 * POLLHUP only once some writer came and went, as Linux. */
	unsigned w_seen;
};

struct pipe *pipe_alloc(void);
void pipe_free(struct pipe *p);
/* Both ends' ops; open ends must have f->priv a struct pipe_end. */
extern const struct file_ops pipe_file_ops;
/* The ends a file opened as flags counts as. */
bool pipe_end_reads(unsigned flags);
bool pipe_end_writes(unsigned flags);
/* An end gone (or never finished opening): readers or writers down,
 * everyone waiting woken. */
void pipe_end_uncount(struct pipe *p, unsigned flags);
/* One fewer user (fifo.c frees or keeps a FIFO's pipe). */
void pipe_put(struct pipe *p);

#define PIPE_LOAD(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)

#endif
