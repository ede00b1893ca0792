/* tmpfs files: regular files over their memory object (holes read as
 * zeros and take no pages), and directory listings by entry cookie. */
#include <pallas/errno.h>
#include <pallas/frame.h>
#include <pallas/kernel.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/string.h>

#include "tmpfs.h"

static uint64_t pages_for(uint64_t size)
{
	return (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
}

static void account(struct inode *inode)
{
	inode->blocks = memobj_resident(inode->data) * (PAGE_SIZE / 512);
}

/* Copies one piece of page idx out (a hole gives zeros): bytes moved. */
static size_t read_piece(struct inode *inode, struct uio *u, uint64_t idx, size_t off, size_t n)
{
	paddr_t p = memobj_lookup(inode->data, idx);

	if (!p)
		return uio_zero(u, n);
	size_t got = uio_copy_out(u, (char *)phys_to_virt(p) + off, n);
	frame_put(p);
	return got;
}

static long tmpfs_read(struct file *f, struct uio *u, uint64_t *pos)
{
	struct inode *inode = f->inode;
	size_t done = 0;

	mutex_lock(&inode->lock);
	while (u->resid && *pos < inode->size) {
		uint64_t idx = *pos >> PAGE_SHIFT;
		size_t off = *pos & (PAGE_SIZE - 1);
		size_t n = MIN(MIN(PAGE_SIZE - off, u->resid), inode->size - *pos);
		size_t got = read_piece(inode, u, idx, off, n);
		*pos += got;
		done += got;
		if (got < n)
			break;
	}
	inode_touch(inode, VFS_TOUCH_A);
	mutex_unlock(&inode->lock);
	return uio_result(u, done);
}

static long write_locked(struct inode *inode, struct uio *u, uint64_t *pos)
{
	if (*pos >= TMPFS_MAX_SIZE)
		return -EFBIG;
	size_t want = MIN(u->resid, TMPFS_MAX_SIZE - *pos), done = 0;
	uint64_t end = *pos + want;
	long err = 0;

	if (pages_for(end) > inode->data->npages)
		memobj_resize(inode->data, pages_for(end));
	while (done < want) {
		uint64_t idx = *pos >> PAGE_SHIFT;
		size_t off = *pos & (PAGE_SIZE - 1);
		size_t n = MIN(PAGE_SIZE - off, want - done);
		paddr_t p;
		err = memobj_page(inode->data, idx, &p);
		if (err)
			break;
		size_t got = uio_copy_in(u, (char *)phys_to_virt(p) + off, n);
		frame_put(p);
		*pos += got;
		done += got;
		if (got < n)
			break;
	}
	if (*pos > inode->size)
		inode->size = *pos;
	memobj_resize(inode->data, pages_for(inode->size)); /* no pages past a failed write */
	account(inode);
	if (done)
		inode_touch(inode, VFS_TOUCH_M | VFS_TOUCH_C);
	return done ? (long)done : err ? err : uio_result(u, 0);
}

static long tmpfs_write(struct file *f, struct uio *u, uint64_t *pos)
{
	struct inode *inode = f->inode;

	mutex_lock(&inode->lock);
	if (f->flags & O_APPEND)
		*pos = inode->size;
	long r;
	if (u->resid && (inode->seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
		r = -EPERM; /* a memfd's seals, as Linux's shmem_write_begin */
	else if (u->resid && (inode->seals & F_SEAL_GROW) && *pos + u->resid > inode->size)
		r = -EPERM;
	else
		r = write_locked(inode, u, pos);
	mutex_unlock(&inode->lock);
	return r;
}

int tmpfs_truncate(struct inode *inode, uint64_t size)
{
	if (size > TMPFS_MAX_SIZE)
		return -EFBIG;
	mutex_lock(&inode->lock);
	if ((size < inode->size && (inode->seals & F_SEAL_SHRINK)) ||
	    (size > inode->size && (inode->seals & F_SEAL_GROW))) {
		mutex_unlock(&inode->lock);
		return -EPERM;
	}
	if (size < inode->size && (size & (PAGE_SIZE - 1))) {
		/* The tail of the last page must read as zeros if the file grows again. */
		paddr_t p = memobj_lookup(inode->data, size >> PAGE_SHIFT);
		if (p) {
			size_t off = size & (PAGE_SIZE - 1);
			memset((char *)phys_to_virt(p) + off, 0, PAGE_SIZE - off);
			frame_put(p);
		}
	}
	memobj_resize(inode->data, pages_for(size));
	inode->size = size;
	account(inode);
	inode_touch(inode, VFS_TOUCH_M | VFS_TOUCH_C);
	mutex_unlock(&inode->lock);
	return 0;
}

static int tmpfs_mmap(struct file *f, struct memobj **out)
{
	memobj_get(f->inode->data);
	*out = f->inode->data;
	return 0;
}

/* SEEK_DATA and SEEK_HOLE by the resident pages, as Linux's shmem: data is
 * a page that is there, the end of the file is a hole; -ENXIO outside the
 * file.  The rest is generic_lseek's. */
static int64_t tmpfs_reg_lseek(struct file *f, int64_t off, int whence)
{
	if (whence != SEEK_DATA && whence != SEEK_HOLE)
		return generic_lseek(f, off, whence);
	struct inode *inode = f->inode;
	mutex_lock(&inode->lock);
	int64_t size = (int64_t)inode->size, r = -ENXIO;
	if (off >= 0 && off < size) {
		uint64_t idx = (uint64_t)off >> PAGE_SHIFT, end = pages_for((uint64_t)size),
			 i = idx;
		paddr_t p;
		if (whence == SEEK_DATA) {
			p = memobj_next(inode->data, &i, end);
			if (p) {
				frame_put(p);
				r = MAX(off, (int64_t)(i << PAGE_SHIFT));
			}
		} else {
			while (i < end && (p = memobj_next(inode->data, &i, i + 1))) {
				frame_put(p);
				i++;
			}
			r = MIN(MAX(off, (int64_t)(i << PAGE_SHIFT)), size);
		}
	}
	mutex_unlock(&inode->lock);
	if (r >= 0)
		f->pos = (uint64_t)r;
	return r;
}

const struct file_ops tmpfs_reg_ops = {
    .read = tmpfs_read,
    .write = tmpfs_write,
    .mmap = tmpfs_mmap,
    .lseek = tmpfs_reg_lseek,
};

/* One linux_dirent64 record into u: false when it does not fit. */
static bool put_dirent(struct uio *u, uint64_t ino, uint64_t next, uint8_t type, const char *name,
		       size_t len, long *err)
{
	struct {
		struct linux_dirent64 d;
		char name[VFS_NAME_MAX + 1 + 8];
	} rec;
	size_t reclen = ALIGN_UP(offsetof(struct linux_dirent64, d_name) + len + 1, 8);

	if (reclen > u->resid)
		return false;
	memset(&rec, 0, reclen);
	rec.d.d_ino = ino;
	rec.d.d_off = (int64_t)next;
	rec.d.d_reclen = (uint16_t)reclen;
	rec.d.d_type = type;
	memcpy(rec.d.d_name, name, len);
	if (uio_copy_out(u, &rec, reclen) != reclen) {
		*err = -EFAULT;
		return false;
	}
	return true;
}

static long list_dir(struct file *f, struct uio *u)
{
	struct inode *dir = f->inode;
	struct tmpfs_node *n = tnode(dir);
	size_t start = u->resid;
	long err = 0;

	if (f->pos == 0) {
		if (!put_dirent(u, dir->ino, 1, DT_DIR, ".", 1, &err))
			goto out;
		f->pos = 1;
	}
	if (f->pos == 1) {
		struct inode *up = n->parent ? n->parent : dir;
		if (!put_dirent(u, up->ino, TDIR_FIRST_COOKIE, DT_DIR, "..", 2, &err))
			goto out;
		f->pos = TDIR_FIRST_COOKIE;
	}
	for (struct tdir_entry *e = tdir_next(&n->dir, f->pos); e;
	     e = tdir_next(&n->dir, e->cookie + 1)) {
		struct inode *c = e->inode;
		if (!put_dirent(u, c->ino, e->cookie + 1, IFTODT(c->mode), e->name, e->len, &err))
			goto out;
		f->pos = e->cookie + 1;
	}
out:
	if (u->resid != start)
		return (long)(start - u->resid);
	return err ? err : (f->pos < TDIR_FIRST_COOKIE || tdir_next(&n->dir, f->pos)) ? -EINVAL : 0;
}

static long tmpfs_getdents64(struct file *f, struct uio *u)
{
	ns_lock();
	long r = list_dir(f, u);
	ns_unlock();
	return r;
}

static int64_t tmpfs_dir_lseek(struct file *f, int64_t off, int whence)
{
	if (whence == SEEK_END)
		return -EINVAL;
	return generic_lseek(f, off, whence);
}

const struct file_ops tmpfs_dir_ops = {
    .getdents64 = tmpfs_getdents64,
    .lseek = tmpfs_dir_lseek,
};
