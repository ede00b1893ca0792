/*
 * Pipes (kernel/fs/pipe.c) and FIFOs (kernel/fs/fifo.c): Linux's
 * semantics.  A ring buffer of PIPE_DEF_SIZE bytes by default; writes of
 * at most PIPE_BUF bytes are atomic; reads return 0 once no writer is
 * left; a write with no reader is -EPIPE (the caller raises SIGPIPE).
 * Blocking waits are interruptible (thread_interrupt): -ERESTARTSYS, or
 * the bytes already moved.
 */
#ifndef PALLAS_PIPE_H
#define PALLAS_PIPE_H

#include <pallas/types.h>
#include <uapi/linux_fs.h>

#define PIPE_BUF      4096
#define PIPE_DEF_SIZE 65536u
#define PIPE_MAX_SIZE 1048576u /* Linux's /proc/sys/fs/pipe-max-size */

#define F_SETPIPE_SZ 1031
#define F_GETPIPE_SZ 1032

struct file;

/* A new pipe's read and write ends; flags may hold O_NONBLOCK (both ends). */
int pipe_create(unsigned flags, struct file **rd, struct file **wr);
/* F_GETPIPE_SZ and F_SETPIPE_SZ: the size, or -EBADF when f is no pipe,
 * -EINVAL, -EPERM above PIPE_MAX_SIZE, -EBUSY below what it holds. */
long pipe_fcntl(struct file *f, unsigned cmd, uint64_t arg);

/* splice and tee (containers/sys_splice.c), which copy.  Whether f is an
 * end of a pipe or FIFO; pipe_peek: up to len bytes that the read end f
 * holds, copied into buf and left there, waiting as a read does (nowait or
 * O_NONBLOCK: -EAGAIN; -ERESTARTSYS), 0 once no writer is left;
 * pipe_consume: takes n of them.  Two callers peeking at once may see the
 * same bytes. */
bool file_is_pipe(const struct file *f);
long pipe_peek(struct file *f, void *buf, size_t len, bool nowait);
void pipe_consume(struct file *f, size_t n);
/* Whether a and b are ends of one pipe. */
bool pipe_same(struct file *a, struct file *b);
#endif
