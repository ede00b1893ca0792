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

#endif
