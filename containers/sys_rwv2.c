/*
 * preadv, pwritev, preadv2 and pwritev2: the vectored calls at an offset,
 * the 2 forms with offset -1 meaning the file's position and RWF_* flags.
 * RWF_HIPRI, RWF_DSYNC and RWF_SYNC are taken (tmpfs has nothing to
 * sync); RWF_NOWAIT only on pipes, whose waits it turns into -EAGAIN (a
 * file that could not honour it is EOPNOTSUPP, as Linux's tmpfs);
 * RWF_APPEND writes at the end of a regular file; anything else is
 * EOPNOTSUPP.  Checks come in Linux's order: the offset, the descriptor,
 * its access, the iovec, the flags.
 */
#include <pallas/errno.h>
#include <pallas/mm.h>
#include <pallas/mutex.h>
#include <pallas/pipe.h>
#include <pallas/uio.h>
#include <pallas/vfs.h>

#include "fs_args.h"
#include "sys_fs.h"

#define RWF_HIPRI  0x01
#define RWF_DSYNC  0x02
#define RWF_SYNC   0x04
#define RWF_NOWAIT 0x08
#define RWF_APPEND 0x10
#define RWF_TAKEN  (RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND)

static bool is_pipe(struct file *f)
{
	return pipe_fcntl(f, F_GETPIPE_SZ, 0) >= 0;
}

/* A write at the end of regular file f (RWF_APPEND); positioned: the
 * file's position stays, else it ends past what was written. */
static long write_append(struct file *f, struct uio *u, bool positioned)
{
	if (!positioned)
		mutex_lock(&f->pos_lock);
	mutex_lock(&f->inode->lock);
	uint64_t end = f->inode->size;
	mutex_unlock(&f->inode->lock);
	long r = vfs_pwrite(f, u, end);
	if (!positioned) {
		if (r > 0)
			f->pos = end + (uint64_t)r;
		mutex_unlock(&f->pos_lock);
	}
	return r;
}

static long rwv(const struct syscall_args *a, bool write, bool v2)
{
	int64_t pos = (int64_t)a->a[3];
	uint64_t rwf = v2 ? a->a[5] : 0;
	bool positioned = !(v2 && pos == -1);
	struct uio_seg *segs;
	unsigned n;
	struct uio u;

	if (positioned && pos < 0)
		return -EINVAL;
	struct file *f = fs_fd(fs_self(), (long)a->a[0]);
	if (!f)
		return -EBADF;
	unsigned acc = f->flags & O_ACCMODE;
	long r = 0;
	if ((f->flags & O_PATH) || acc == (write ? O_RDONLY : O_WRONLY))
		r = -EBADF;
	else if (positioned && f->stream)
		r = -ESPIPE;
	else if (positioned && is_pipe(f))
		r = -ESPIPE;
	if (!r)
		r = load_iov(a->a[1], a->a[2], &segs, &n);
	if (r) {
		file_put(f);
		return r;
	}
	uio_init_segs(&u, segs, n, true);
	if (!u.resid) {
		r = 0; /* Linux looks at nothing more, the flags neither */
	} else if ((rwf & ~(uint64_t)RWF_TAKEN) || ((rwf & RWF_NOWAIT) && !is_pipe(f))) {
		r = -EOPNOTSUPP;
	} else {
		u.nowait = rwf & RWF_NOWAIT;
		if (write && (rwf & RWF_APPEND) && S_ISREG(f->inode->mode))
			r = write_append(f, &u, positioned);
		else if (positioned)
			r = write ? vfs_pwrite(f, &u, (uint64_t)pos)
				  : vfs_pread(f, &u, (uint64_t)pos);
		else
			r = write ? vfs_write(f, &u) : vfs_read(f, &u);
	}
	kfree(segs);
	file_put(f);
	return r;
}

/* preadv(fd, iov, iovcnt, pos_l, pos_h): on x86-64 pos_l is the offset. */
long sys_preadv(const struct syscall_args *a)
{
	return rwv(a, false, false);
}

long sys_pwritev(const struct syscall_args *a)
{
	return rwv(a, true, false);
}

/* preadv2(fd, iov, iovcnt, pos_l, pos_h, flags) */
long sys_preadv2(const struct syscall_args *a)
{
	return rwv(a, false, true);
}

long sys_pwritev2(const struct syscall_args *a)
{
	return rwv(a, true, true);
}
