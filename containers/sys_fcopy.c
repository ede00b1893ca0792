/*
 * Copies between descriptors inside the kernel: sendfile (any readable
 * file to any writable one, pipes included) and copy_file_range (regular
 * files only), through a bounce buffer, with Linux's checks.  A short
 * write ends the copy; the input moves on only by what was written.
 */
#include <pallas/errno.h>
#include <pallas/mm.h>
#include <pallas/uaccess.h>
#include <pallas/vfs.h>

#include "fs_args.h"
#include "signal.h"
#include "sys_fs.h"

#define BOUNCE_SIZE (16 * 1024)

static bool readable(const struct file *f)
{
	unsigned acc = f->flags & O_ACCMODE;
	return !(f->flags & O_PATH) && (acc == O_RDONLY || acc == O_RDWR);
}

static bool writable(const struct file *f)
{
	unsigned acc = f->flags & O_ACCMODE;
	return !(f->flags & O_PATH) && (acc == O_WRONLY || acc == O_RDWR);
}

/* Where a copy reads and writes: at *pos (an offset of the caller's) or at
 * the file's position (pos NULL, or a stream). */
struct end {
	struct file *f;
	uint64_t *pos;
};

static long end_io(struct end *e, void *buf, size_t n, bool write)
{
	struct uio u;

	uio_init_kernel(&u, buf, n);
	if (e->pos) {
		long r = write ? vfs_pwrite(e->f, &u, *e->pos) : vfs_pread(e->f, &u, *e->pos);
		if (r > 0)
			*e->pos += (uint64_t)r;
		return r;
	}
	return write ? vfs_write(e->f, &u) : vfs_read(e->f, &u);
}

/* Writes all n bytes of buf to out: what was written, or -errno when nothing was. */
static long write_all(struct end *out, char *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {
		long w = end_io(out, buf + done, n - done, true);
		if (w <= 0)
			return done ? (long)done : w;
		done += (size_t)w;
	}
	return (long)done;
}

/* Copies up to count bytes from in (reading at *in_off when it is given,
 * else at the file's position) to out. */
static long copy_between(struct end *in, struct end *out, size_t count)
{
	char *buf = kmalloc(BOUNCE_SIZE);
	size_t done = 0;
	long err = 0;

	if (!buf)
		return -ENOMEM;
	while (done < count) {
		/* Up to 2 GiB a call: a signal (SIGKILL above all) ends the copy
		 * short once something was copied, as a short count is allowed. */
		if (done && signal_pending())
			break;
		size_t want = count - done < BOUNCE_SIZE ? count - done : BOUNCE_SIZE;
		uint64_t at = in->pos ? *in->pos : 0;
		long r = end_io(in, buf, want, false);
		if (r <= 0) {
			err = r;
			break;
		}
		long w = write_all(out, buf, (size_t)r);
		if (w < 0) {
			err = w;
			if (in->pos)
				*in->pos = at; /* nothing of it was written */
			else if (!in->f->stream)
				vfs_lseek(in->f, -r, SEEK_CUR);
			break;
		}
		done += (size_t)w;
		if (w < r) { /* the rest of what was read goes back */
			if (in->pos)
				*in->pos = at + (uint64_t)w;
			else if (!in->f->stream)
				vfs_lseek(in->f, w - r, SEEK_CUR);
			break;
		}
	}
	kfree(buf);
	return done ? (long)done : err;
}

/* A user loff_t in, checked for sign: 0 or -errno. */
static long get_off(uintptr_t uoff, uint64_t *off)
{
	int64_t v;

	if (copy_from_user(&v, (const void *)uoff, sizeof(v)))
		return -EFAULT;
	if (v < 0)
		return -EINVAL;
	*off = (uint64_t)v;
	return 0;
}

static long put_off(uintptr_t uoff, uint64_t off)
{
	int64_t v = (int64_t)off;
	return copy_to_user((void *)uoff, &v, sizeof(v)) ? -EFAULT : 0;
}

static long sendfile_files(struct file *out, struct file *in, uintptr_t uoff, size_t count)
{
	uint64_t off;

	if (!readable(in) || !writable(out))
		return -EBADF;
	if (uoff) {
		if (in->stream || !S_ISREG(in->inode->mode))
			return -ESPIPE;
		long err = get_off(uoff, &off);
		if (err)
			return err;
	}
	if (count > MAX_RW_COUNT)
		count = MAX_RW_COUNT;
	if (!count)
		return 0;
	struct end src = {in, uoff ? &off : NULL}, dst = {out, NULL};
	long r = copy_between(&src, &dst, count);
	if (uoff && r >= 0) {
		long err = put_off(uoff, off);
		if (err)
			return err;
	}
	return r;
}

long sys_sendfile(const struct syscall_args *a)
{
	struct proc *p = fs_self();
	struct file *in = fs_fd(p, (long)a->a[1]);
	struct file *out = in ? fs_fd(p, (long)a->a[0]) : NULL;
	long r = out ? sendfile_files(out, in, a->a[2], a->a[3]) : -EBADF;

	if (in)
		file_put(in);
	if (out)
		file_put(out);
	return r;
}

static long cfr_check(struct file *in, struct file *out)
{
	if (!readable(in) || !writable(out) || (out->flags & O_APPEND))
		return -EBADF;
	if (S_ISDIR(in->inode->mode) || S_ISDIR(out->inode->mode))
		return -EISDIR;
	if (!S_ISREG(in->inode->mode) || !S_ISREG(out->inode->mode))
		return -EINVAL;
	return 0;
}

/* The current position of f, for copy_file_range without offsets. */
static uint64_t file_pos(struct file *f)
{
	int64_t at = vfs_lseek(f, 0, SEEK_CUR);
	return at < 0 ? 0 : (uint64_t)at;
}

static long cfr_files(struct file *in, uintptr_t uin, struct file *out, uintptr_t uout, size_t len)
{
	uint64_t pin, pout;
	long err = cfr_check(in, out);

	if (!err)
		err = uin ? get_off(uin, &pin) : (pin = file_pos(in), 0);
	if (!err)
		err = uout ? get_off(uout, &pout) : (pout = file_pos(out), 0);
	if (err)
		return err;
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (in->inode == out->inode && pin < pout + len && pout < pin + len)
		return -EINVAL;
	uint64_t size = in->inode->size;
	if (!len || pin >= size)
		return 0;
	if (len > size - pin)
		len = size - pin;
	struct end src = {in, &pin}, dst = {out, &pout};
	long r = copy_between(&src, &dst, len);
	if (r <= 0)
		return r;
	err = uin ? put_off(uin, pin) : (vfs_lseek(in, (int64_t)pin, SEEK_SET), 0);
	if (!err)
		err = uout ? put_off(uout, pout) : (vfs_lseek(out, (int64_t)pout, SEEK_SET), 0);
	return err ? err : r;
}

long sys_copy_file_range(const struct syscall_args *a)
{
	if (a->a[5])
		return -EINVAL;
	struct proc *p = fs_self();
	struct file *in = fs_fd(p, (long)a->a[0]);
	struct file *out = in ? fs_fd(p, (long)a->a[2]) : NULL;
	long r = out ? cfr_files(in, a->a[1], out, a->a[3], a->a[4]) : -EBADF;

	if (in)
		file_put(in);
	if (out)
		file_put(out);
	return r;
}
