/* Open file descriptions: references, position, and the calls on them. */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>

#include "vfs_internal.h"

struct file *file_alloc(struct inode *inode, const struct file_ops *ops, unsigned flags)
{
	struct file *f = kzalloc(sizeof(*f));

	if (!f)
		return NULL;
	f->refs = 1;
	f->inode = inode;
	f->ops = ops;
	f->flags = flags;
	mutex_init(&f->pos_lock);
	inode_get(inode);
	sb_busy(inode, 1);
	return f;
}

int vfs_open_inode(struct inode *inode, unsigned flags, struct file **out)
{
	const struct file_ops *ops = inode->fops;

	if (flags & O_PATH)
		ops = NULL;
	else if (S_ISCHR(inode->mode) && !(ops = chrdev_lookup(inode->rdev)))
		return -ENXIO;
	else if (S_ISFIFO(inode->mode))
		ops = &fifo_ops;
	else if (S_ISBLK(inode->mode) || S_ISSOCK(inode->mode))
		return -ENXIO; /* no block devices or sockets behind names yet */
	struct file *f = file_alloc(inode, ops, flags);
	if (!f)
		return -ENOMEM;
	int err = ops && ops->open ? ops->open(inode, f) : 0;
	if (err) {
		inode_put(inode);
		kfree(f);
		return err;
	}
	f->flags &= ~O_NOCTTY; /* for the open alone (a terminal's), as Linux's f_flags */
	*out = f;
	return 0;
}

void file_get(struct file *f)
{
	__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
}

void file_put(struct file *f)
{
	if (!f || __atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (f->ep_links)
		epoll_file_gone(f);
	if (__atomic_load_n(&f->flocked, __ATOMIC_RELAXED))
		flock_file_gone(f);
	if (f->ops && f->ops->release)
		f->ops->release(f);
	sb_busy(f->inode, -1);
	inode_put(f->inode);
	kfree(f->path);
	kfree(f);
}

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

static long do_read(struct file *f, struct uio *u, uint64_t *pos)
{
	if (!readable(f))
		return -EBADF;
	if (S_ISDIR(f->inode->mode))
		return -EISDIR;
	if (!f->ops || !f->ops->read)
		return -EINVAL;
	if (u->resid == 0)
		return 0;
	return f->ops->read(f, u, pos);
}

static long do_write(struct file *f, struct uio *u, uint64_t *pos)
{
	if (!writable(f))
		return -EBADF;
	if (!f->ops || !f->ops->write)
		return -EINVAL;
	if (u->resid == 0)
		return 0;
	return f->ops->write(f, u, pos);
}

/* A stream (pipe, FIFO, terminal) has no position to keep whole, and its
 * reads and writes may block for each other on one description (a child
 * writing to the terminal its parent is reading): no lock, as Linux takes
 * f_pos_lock only for FMODE_ATOMIC_POS files. */
long vfs_read(struct file *f, struct uio *u)
{
	if (f->stream)
		return do_read(f, u, &f->pos);
	mutex_lock(&f->pos_lock);
	long r = do_read(f, u, &f->pos);
	mutex_unlock(&f->pos_lock);
	return r;
}

long vfs_write(struct file *f, struct uio *u)
{
	if (f->stream)
		return do_write(f, u, &f->pos);
	mutex_lock(&f->pos_lock);
	long r = do_write(f, u, &f->pos);
	mutex_unlock(&f->pos_lock);
	return r;
}

long vfs_pread(struct file *f, struct uio *u, uint64_t off)
{
	if (f->stream)
		return -ESPIPE;
	if ((int64_t)off < 0)
		return -EINVAL;
	return do_read(f, u, &off);
}

long vfs_pwrite(struct file *f, struct uio *u, uint64_t off)
{
	if (f->stream)
		return -ESPIPE;
	if ((int64_t)off < 0)
		return -EINVAL;
	return do_write(f, u, &off);
}

long vfs_kernel_read(struct file *f, void *buf, size_t len, uint64_t off)
{
	struct uio u;

	uio_init_kernel(&u, buf, len);
	return vfs_pread(f, &u, off);
}

int64_t generic_lseek(struct file *f, int64_t off, int whence)
{
	int64_t base;

	switch (whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)f->pos;
		break;
	case SEEK_END:
		mutex_lock(&f->inode->lock);
		base = (int64_t)f->inode->size;
		mutex_unlock(&f->inode->lock);
		break;
	default:
		return -EINVAL;
	}
	int64_t pos;
	if (__builtin_add_overflow(base, off, &pos))
		return -EOVERFLOW;
	if (pos < 0)
		return -EINVAL;
	f->pos = (uint64_t)pos;
	return pos;
}

int64_t vfs_lseek(struct file *f, int64_t off, int whence)
{
	if (f->stream)
		return -ESPIPE;
	if (f->flags & O_PATH)
		return -EBADF;
	mutex_lock(&f->pos_lock);
	int64_t r =
	    f->ops && f->ops->lseek ? f->ops->lseek(f, off, whence) : generic_lseek(f, off, whence);
	mutex_unlock(&f->pos_lock);
	return r;
}

long vfs_getdents64(struct file *f, struct uio *u)
{
	if (f->flags & O_PATH)
		return -EBADF;
	if (!S_ISDIR(f->inode->mode))
		return -ENOTDIR;
	if (!f->ops || !f->ops->getdents64)
		return -ENOTDIR;
	mutex_lock(&f->pos_lock);
	long r = f->ops->getdents64(f, u);
	mutex_unlock(&f->pos_lock);
	return r;
}

long vfs_ioctl(struct file *f, unsigned cmd, uintptr_t arg)
{
	if (f->flags & O_PATH)
		return -EBADF;
	if (!f->ops || !f->ops->ioctl)
		return -ENOTTY;
	return f->ops->ioctl(f, cmd, arg);
}

int vfs_fsync(struct file *f)
{
	if (f->flags & O_PATH)
		return -EBADF;
	return f->ops && f->ops->fsync ? f->ops->fsync(f) : 0; /* memory is as synced as it gets */
}

int vfs_mmap_obj(struct file *f, struct memobj **out)
{
	if (f->flags & O_PATH)
		return -EBADF;
	if (!f->ops || !f->ops->mmap)
		return -ENODEV;
	return f->ops->mmap(f, out);
}
