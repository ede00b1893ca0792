/*
 * splice, tee and vmsplice by copying through a kernel buffer: the pipe
 * side is looked at without taking (pipe_peek), written on, and only what
 * the other side took is taken (pipe_consume), so nothing is lost when a
 * write stops short.  One pass per call, as Linux's: a write to a pipe
 * waits only while nothing fits.  Checks in Linux's order (fs/splice.c).
 */
#include <pallas/errno.h>
#include <pallas/mm.h>
#include <pallas/mutex.h>
#include <pallas/pipe.h>
#include <pallas/uaccess.h>
#include <pallas/uio.h>
#include <pallas/vfs.h>

#include "fs_args.h"
#include "sys_fs.h"

#define SPLICE_F_MOVE	  1
#define SPLICE_F_NONBLOCK 2
#define SPLICE_F_MORE	  4
#define SPLICE_F_GIFT	  8
#define SPLICE_F_ALL	  (SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT)
#define SPLICE_CHUNK	  65536ul /* a default pipe's capacity */

static bool can_read(const struct file *f)
{
	unsigned acc = f->flags & O_ACCMODE;
	return !(f->flags & O_PATH) && (acc == O_RDONLY || acc == O_RDWR);
}

static bool can_write(const struct file *f)
{
	unsigned acc = f->flags & O_ACCMODE;
	return !(f->flags & O_PATH) && (acc == O_WRONLY || acc == O_RDWR);
}

static bool nonblocking(const struct file *f)
{
	return __atomic_load_n(&f->flags, __ATOMIC_RELAXED) & O_NONBLOCK;
}

/* n bytes of buf into pipe out: how many went.  Without nonblock it waits
 * only when none fit. */
static long to_pipe(struct file *out, const void *buf, size_t n, bool nonblock)
{
	struct uio u;

	uio_init_kernel(&u, (void *)buf, n);
	u.nowait = true;
	long r = vfs_write(out, &u);
	if (r == -EAGAIN && !nonblock) {
		uio_init_kernel(&u, (void *)buf, n);
		r = vfs_write(out, &u);
	}
	return r;
}

/* A file's offset: *uoff, or its position (off_from_pos). */
static int64_t get_pos(struct file *f)
{
	mutex_lock(&f->pos_lock);
	int64_t pos = (int64_t)f->pos;
	mutex_unlock(&f->pos_lock);
	return pos;
}

static void set_pos(struct file *f, int64_t pos)
{
	mutex_lock(&f->pos_lock);
	f->pos = (uint64_t)pos;
	mutex_unlock(&f->pos_lock);
}

/* A file (in) into a pipe (out). */
static long file_to_pipe(struct file *in, int64_t *off, bool has_off, struct file *out, size_t len,
			 bool nonblock)
{
	if (has_off && in->stream)
		return -EINVAL; /* no pread */
	if (has_off && *off < 0)
		return -EINVAL;
	size_t n = len < SPLICE_CHUNK ? len : SPLICE_CHUNK;
	void *buf = kmalloc(n);
	if (!buf)
		return -ENOMEM;
	struct uio u;
	uio_init_kernel(&u, buf, n);
	int64_t pos = has_off ? *off : get_pos(in);
	long r = in->stream ? vfs_read(in, &u) : vfs_pread(in, &u, (uint64_t)pos);
	if (r == -EISDIR)
		r = -EINVAL; /* a directory has no splice_read */
	if (r > 0)
		r = to_pipe(out, buf, (size_t)r, nonblock);
	kfree(buf);
	if (r > 0 && !in->stream) {
		if (has_off)
			*off = pos + r;
		else
			set_pos(in, pos + r);
	}
	return r;
}

/* A pipe (in) into a file or a pipe (out). */
static long pipe_to(struct file *in, struct file *out, int64_t *off, bool has_off, size_t len,
		    bool nonblock, bool out_pipe)
{
	size_t n = len < SPLICE_CHUNK ? len : SPLICE_CHUNK;
	void *buf = kmalloc(n);
	if (!buf)
		return -ENOMEM;
	long r = pipe_peek(in, buf, n, nonblock);
	if (r > 0) {
		if (out_pipe) {
			r = to_pipe(out, buf, (size_t)r, nonblock);
		} else {
			struct uio u;
			uio_init_kernel(&u, buf, (size_t)r);
			int64_t pos = has_off ? *off : 0;
			if (!has_off && !out->stream) {
				mutex_lock(&out->pos_lock);
				pos = (int64_t)out->pos;
			}
			r = out->stream ? vfs_write(out, &u) : vfs_pwrite(out, &u, (uint64_t)pos);
			if (r > 0 && !out->stream)
				pos += r;
			if (!has_off && !out->stream) {
				out->pos = (uint64_t)pos;
				mutex_unlock(&out->pos_lock);
			} else if (has_off) {
				*off = pos;
			}
		}
		if (r > 0)
			pipe_consume(in, (size_t)r);
	}
	kfree(buf);
	return r;
}

static long do_splice(struct file *in, uintptr_t uoff_in, struct file *out, uintptr_t uoff_out,
		      size_t len, unsigned flags)
{
	bool ipipe = file_is_pipe(in), opipe = file_is_pipe(out);
	int64_t off_in = 0, off_out = 0;
	bool nonblock = flags & SPLICE_F_NONBLOCK;

	if ((ipipe && uoff_in) || (opipe && uoff_out))
		return -ESPIPE;
	if (uoff_out && copy_from_user(&off_out, (const void *)uoff_out, sizeof(off_out)))
		return -EFAULT;
	if (uoff_in && copy_from_user(&off_in, (const void *)uoff_in, sizeof(off_in)))
		return -EFAULT;
	if (!can_read(in) || !can_write(out))
		return -EBADF;
	long r;
	if (ipipe && opipe) {
		if (pipe_same(in, out))
			return -EINVAL;
		r = pipe_to(in, out, NULL, false, len,
			    nonblock || nonblocking(in) || nonblocking(out), true);
	} else if (opipe) {
		r = file_to_pipe(in, &off_in, uoff_in != 0, out, len, nonblock || nonblocking(out));
	} else if (ipipe) {
		if (uoff_out && out->stream)
			return -EINVAL;
		if (out->flags & O_APPEND)
			return -EINVAL;
		if (uoff_out && off_out < 0)
			return -EINVAL;
		r = pipe_to(in, out, &off_out, uoff_out != 0, len, nonblock || nonblocking(in),
			    false);
	} else {
		return -EINVAL;
	}
	if (r < 0)
		return r;
	if (uoff_out && copy_to_user((void *)uoff_out, &off_out, sizeof(off_out)))
		return -EFAULT;
	if (uoff_in && copy_to_user((void *)uoff_in, &off_in, sizeof(off_in)))
		return -EFAULT;
	return r;
}

/* splice(fd_in, off_in, fd_out, off_out, len, flags) */
long sys_splice(const struct syscall_args *a)
{
	size_t len = a->a[4] < MAX_RW_COUNT ? a->a[4] : MAX_RW_COUNT;
	unsigned flags = (unsigned)a->a[5];

	if (!len)
		return 0;
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	struct file *in = fs_fd(fs_self(), (int)a->a[0]);
	if (!in)
		return -EBADF;
	struct file *out = fs_fd(fs_self(), (int)a->a[2]);
	long r = out ? do_splice(in, a->a[1], out, a->a[3], len, flags) : -EBADF;
	file_put(out);
	file_put(in);
	return r;
}

/* tee(fd_in, fd_out, len, flags): in's bytes copied into out, left in in. */
long sys_tee(const struct syscall_args *a)
{
	size_t len = a->a[2] < MAX_RW_COUNT ? a->a[2] : MAX_RW_COUNT;
	unsigned flags = (unsigned)a->a[3];

	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	if (!len)
		return 0;
	struct file *in = fs_fd(fs_self(), (int)a->a[0]);
	if (!in)
		return -EBADF;
	struct file *out = fs_fd(fs_self(), (int)a->a[1]);
	long r = -EBADF;
	if (out && can_read(in) && can_write(out)) {
		r = -EINVAL;
		if (file_is_pipe(in) && file_is_pipe(out) && !pipe_same(in, out)) {
			bool nonblock =
			    (flags & SPLICE_F_NONBLOCK) || nonblocking(in) || nonblocking(out);
			size_t n = len < SPLICE_CHUNK ? len : SPLICE_CHUNK;
			void *buf = kmalloc(n);
			r = buf ? pipe_peek(in, buf, n, nonblock) : -ENOMEM;
			if (r > 0)
				r = to_pipe(out, buf, (size_t)r, nonblock);
			kfree(buf);
		}
	}
	file_put(out);
	file_put(in);
	return r;
}

/* vmsplice(fd, iov, nr_segs, flags): user memory into a pipe's write end,
 * or out of its read end (then as readv). */
long sys_vmsplice(const struct syscall_args *a)
{
	unsigned flags = (unsigned)a->a[3];
	struct uio_seg *segs;
	unsigned n;
	struct uio u;

	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	struct file *f = fs_fd(fs_self(), (int)a->a[0]);
	if (!f)
		return -EBADF;
	bool write = can_write(f);
	long r = write || can_read(f) ? load_iov(a->a[1], a->a[2], &segs, &n) : -EBADF;
	if (r) {
		file_put(f);
		return r;
	}
	uio_init_segs(&u, segs, n, true);
	if (!u.resid) {
		r = 0;
	} else if (!file_is_pipe(f)) {
		r = -EBADF;
	} else {
		u.nowait = flags & SPLICE_F_NONBLOCK;
		r = write ? vfs_write(f, &u) : vfs_read(f, &u);
	}
	kfree(segs);
	file_put(f);
	return r;
}
