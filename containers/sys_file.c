/*
 * The Linux personality's calls on descriptors: openat, close, read,
 * write, their positioned and vectored forms, lseek, dup*, fcntl, ioctl,
 * getdents64, fstat, ftruncate, fsync, close_range.  The VFS does the
 * work (pallas/vfs.h); here arguments are checked and copied as Linux does.
 */
#include <pallas/errno.h>
#include <pallas/fdtable.h>
#include <pallas/mm.h>
#include <pallas/pipe.h>
#include <pallas/uaccess.h>
#include <pallas/vfs.h>

#include "fs_args.h"
#include "sys_fs.h"

#define FIONBIO	 0x5421
#define FIONCLEX 0x5450
#define FIOCLEX	 0x5451

/* F_SETFL may change only these (Linux's SETFL_MASK, less what we lack). */
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

long sys_openat(const struct syscall_args *a)
{
	struct proc *p = fs_self();
	unsigned flags = (unsigned)a->a[2];
	char *path;
	struct inode *base;
	struct file *f;

	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EOPNOTSUPP;
	int err = fs_copy_path(a->a[1], false, &path);
	if (err)
		return err;
	flags |= O_LARGEFILE; /* Linux's force_o_largefile on 64-bit (O_PATH drops it) */
	err = fs_dirfd(p, (int)a->a[0], path, &base);
	if (!err)
		err = vfs_open(p->fs, &p->cred, base, path, flags, (uint32_t)a->a[3] & 07777, &f);
	inode_put(base);
	kfree(path);
	if (err)
		return err;
	if ((flags & O_TRUNC) && S_ISREG(f->inode->mode))
		mem_obj_truncated(f->inode->data, f->inode->size);
	long fd = fd_alloc(p->files, f, 0, flags & O_CLOEXEC);
	file_put(f);
	return fd;
}

long sys_close(const struct syscall_args *a)
{
	long fd = (long)a->a[0];

	if (fd < 0 || fd > INT32_MAX)
		return -EBADF;
	return fd_close(fs_self()->files, (int)fd);
}

/* read, write, pread64, pwrite64 on one user buffer. */
static long rw_one(const struct syscall_args *a, bool write, bool positioned)
{
	struct file *f = fs_fd(fs_self(), (long)a->a[0]);
	struct uio u;

	if (!f)
		return -EBADF;
	size_t n = a->a[2] < MAX_RW_COUNT ? a->a[2] : MAX_RW_COUNT;
	long r;
	if (!user_range_ok(a->a[1], n)) {
		r = -EFAULT;
	} else {
		uio_init_user(&u, a->a[1], n);
		if (positioned)
			r = write ? vfs_pwrite(f, &u, a->a[3]) : vfs_pread(f, &u, a->a[3]);
		else
			r = write ? vfs_write(f, &u) : vfs_read(f, &u);
	}
	file_put(f);
	return r;
}

long sys_read(const struct syscall_args *a)
{
	return rw_one(a, false, false);
}

long sys_write(const struct syscall_args *a)
{
	return rw_one(a, true, false);
}

long sys_pread64(const struct syscall_args *a)
{
	return rw_one(a, false, true);
}

long sys_pwrite64(const struct syscall_args *a)
{
	return rw_one(a, true, true);
}

struct linux_iovec {
	uint64_t base, len;
};

/* The iovec array copied in, lengths checked, the total capped. */
long load_iov(uintptr_t uiov, uint64_t count, struct uio_seg **out, unsigned *n)
{
	if (count > UIO_MAX_SEGS)
		return -EINVAL;
	struct linux_iovec *iov = kmalloc(count * sizeof(*iov) + 1);
	struct uio_seg *segs = kmalloc(count * sizeof(*segs) + 1);
	long err = !iov || !segs ? -ENOMEM : 0;
	if (!err && copy_from_user(iov, (const void *)uiov, count * sizeof(*iov)))
		err = -EFAULT;
	uint64_t total = 0;
	for (uint64_t i = 0; i < count && !err; i++) {
		if ((int64_t)iov[i].len < 0)
			err = -EINVAL;
		uint64_t len =
		    iov[i].len < MAX_RW_COUNT - total ? iov[i].len : MAX_RW_COUNT - total;
		if (!err && !user_range_ok(iov[i].base, len))
			err = -EFAULT;
		segs[i] = (struct uio_seg){iov[i].base, len};
		total += len;
	}
	kfree(iov);
	if (err) {
		kfree(segs);
		return err;
	}
	*out = segs;
	*n = (unsigned)count;
	return 0;
}

static long rw_vec(const struct syscall_args *a, bool write)
{
	struct file *f = fs_fd(fs_self(), (long)a->a[0]);
	struct uio_seg *segs;
	unsigned n;
	struct uio u;

	if (!f)
		return -EBADF;
	long r = load_iov(a->a[1], a->a[2], &segs, &n);
	if (!r) {
		uio_init_segs(&u, segs, n, true);
		r = write ? vfs_write(f, &u) : vfs_read(f, &u);
		kfree(segs);
	}
	file_put(f);
	return r;
}

long sys_readv(const struct syscall_args *a)
{
	return rw_vec(a, false);
}

long sys_writev(const struct syscall_args *a)
{
	return rw_vec(a, true);
}

long sys_lseek(const struct syscall_args *a)
{
	struct file *f = fs_fd(fs_self(), (long)a->a[0]);

	if (!f)
		return -EBADF;
	long r = vfs_lseek(f, (int64_t)a->a[1], (int)a->a[2]);
	file_put(f);
	return r;
}

long sys_dup(const struct syscall_args *a)
{
	struct proc *p = fs_self();
	struct file *f = fs_fd(p, (long)a->a[0]);

	if (!f)
		return -EBADF;
	long fd = fd_alloc(p->files, f, 0, false);
	file_put(f);
	return fd;
}

static long dup_to(long oldfd, long newfd, bool cloexec)
{
	if (oldfd < 0 || oldfd > INT32_MAX || newfd < 0 || newfd > INT32_MAX)
		return -EBADF;
	return fd_dup_to(fs_self()->files, (int)oldfd, (int)newfd, cloexec);
}

long sys_dup2(const struct syscall_args *a)
{
	if (a->a[0] == a->a[1]) { /* dup2(fd, fd) only checks fd */
		struct file *f = fs_fd(fs_self(), (long)a->a[0]);
		file_put(f);
		return f ? (long)a->a[1] : -EBADF;
	}
	return dup_to((long)a->a[0], (long)a->a[1], false);
}

long sys_dup3(const struct syscall_args *a)
{
	if ((a->a[2] & ~(uint64_t)O_CLOEXEC) || a->a[0] == a->a[1])
		return -EINVAL;
	return dup_to((long)a->a[0], (long)a->a[1], a->a[2] & O_CLOEXEC);
}

/* struct flock of x86-64 Linux */
struct linux_flock {
	int16_t l_type, l_whence;
	int64_t l_start, l_len;
	int32_t l_pid;
	int32_t pad;
};

/* lf's range as Linux's flock_to_posix_lock makes it absolute. */
static int flock_range(struct file *f, const struct linux_flock *lf, struct vfs_reclock *lk)
{
	int64_t base, start, end;

	switch (lf->l_whence) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = (int64_t)__atomic_load_n(&f->pos, __ATOMIC_RELAXED);
		break;
	case SEEK_END:
		base = (int64_t)__atomic_load_n(&f->inode->size, __ATOMIC_RELAXED);
		break;
	default:
		return -EINVAL;
	}
	if (__builtin_add_overflow(base, lf->l_start, &start))
		return -EOVERFLOW;
	if (start < 0)
		return -EINVAL;
	if (lf->l_len > 0) {
		if (__builtin_add_overflow(start, lf->l_len - 1, &end))
			return -EOVERFLOW;
	} else if (lf->l_len < 0) {
		end = start - 1;
		start += lf->l_len;
		if (start < 0)
			return -EINVAL;
	} else {
		end = VFS_RECLOCK_EOF;
	}
	lk->start = start;
	lk->end = end;
	return 0;
}

/* F_GETLK, F_SETLK, F_SETLKW and their OFD forms. */
static long fcntl_lock(struct proc *p, struct file *f, unsigned cmd, uint64_t arg)
{
	bool ofd = cmd >= F_OFD_GETLK, get = cmd == F_GETLK || cmd == F_OFD_GETLK;
	struct linux_flock lf;
	struct vfs_reclock lk;
	const void *owner = ofd ? NULL : p->files;

	if (f->flags & O_PATH)
		return -EBADF;
	if (copy_from_user(&lf, (const void *)arg, sizeof(lf)))
		return -EFAULT;
	if (ofd && lf.l_pid != 0)
		return -EINVAL;
	if (lf.l_type != F_RDLCK && lf.l_type != F_WRLCK && (get || lf.l_type != F_UNLCK))
		return -EINVAL;
	int r = flock_range(f, &lf, &lk);
	if (r)
		return r;
	lk.type = lf.l_type;
	if (get) {
		r = vfs_reclock_get(f, ofd ? f : owner, &lk);
		if (r)
			return r;
		lf.l_type = (int16_t)lk.type;
		if (lk.type != F_UNLCK) {
			lf.l_whence = SEEK_SET;
			lf.l_start = lk.start;
			lf.l_len = lk.end == VFS_RECLOCK_EOF ? 0 : lk.end - lk.start + 1;
			lf.l_pid = lk.pid;
		}
		return copy_to_user((void *)arg, &lf, sizeof(lf)) ? -EFAULT : 0;
	}
	unsigned acc = f->flags & O_ACCMODE;
	if ((lk.type == F_RDLCK && acc == O_WRONLY) || (lk.type == F_WRLCK && acc == O_RDONLY))
		return -EBADF;
	return vfs_reclock_set(f, owner, p->pid, &lk, cmd == F_SETLKW || cmd == F_OFD_SETLKW);
}

/* F_ADD_SEALS and F_GET_SEALS on a memfd (Linux's memfd_fcntl). */
static long fcntl_seals(struct file *f, unsigned cmd, uint64_t arg)
{
	struct inode *inode = f->inode;
	unsigned acc = f->flags & O_ACCMODE;
	long r = 0;

	if (!(__atomic_load_n(&inode->seals, __ATOMIC_RELAXED) & F_SEALABLE))
		return -EINVAL;
	if (cmd == F_GET_SEALS) {
		mutex_lock(&inode->lock);
		r = inode->seals & F_SEAL_ALL;
		mutex_unlock(&inode->lock);
		return r;
	}
	if ((f->flags & O_PATH) || (acc != O_WRONLY && acc != O_RDWR))
		return -EPERM;
	if (arg & ~(uint64_t)F_SEAL_ALL)
		return -EINVAL;
	mutex_lock(&inode->lock);
	if (inode->seals & F_SEAL_SEAL)
		r = -EPERM;
	else if ((arg & F_SEAL_WRITE) && !(inode->seals & F_SEAL_WRITE) && inode->data &&
		 mem_obj_shared_writable(inode->data))
		r = -EBUSY;
	if (!r)
		inode->seals |= (uint32_t)arg;
	mutex_unlock(&inode->lock);
	return r;
}

static long fcntl_file(struct proc *p, struct file *f, int fd, unsigned cmd, uint64_t arg)
{
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg > INT32_MAX)
			return -EINVAL;
		return fd_alloc(p->files, f, (unsigned)arg, cmd == F_DUPFD_CLOEXEC);
	case F_GETFD:
		return fd_cloexec(p->files, fd);
	case F_SETFD:
		return fd_set_cloexec(p->files, fd, arg & FD_CLOEXEC);
	case F_GETFL:
		return __atomic_load_n(&f->flags, __ATOMIC_RELAXED);
	case F_SETFL: {
		unsigned old = __atomic_load_n(&f->flags, __ATOMIC_RELAXED), nf;
		do
			nf = (old & ~SETFL_MASK) | ((unsigned)arg & SETFL_MASK);
		while (!__atomic_compare_exchange_n(&f->flags, &old, nf, false, __ATOMIC_RELAXED,
						    __ATOMIC_RELAXED));
		return 0;
	}
	case F_SETPIPE_SZ:
	case F_GETPIPE_SZ:
		return pipe_fcntl(f, cmd, arg);
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		return fcntl_lock(p, f, cmd, arg);
	case F_ADD_SEALS:
	case F_GET_SEALS:
		return fcntl_seals(f, cmd, arg);
	default:
		return -EINVAL;
	}
}

long sys_fcntl(const struct syscall_args *a)
{
	struct proc *p = fs_self();
	struct file *f = fs_fd(p, (long)a->a[0]);

	if (!f)
		return -EBADF;
	long r = fcntl_file(p, f, (int)a->a[0], (unsigned)a->a[1], a->a[2]);
	file_put(f);
	return r;
}

long sys_ioctl(const struct syscall_args *a)
{
	struct proc *p = fs_self();
	struct file *f = fs_fd(p, (long)a->a[0]);
	unsigned cmd = (unsigned)a->a[1];
	long r;

	if (!f)
		return -EBADF;
	if (cmd == FIOCLEX || cmd == FIONCLEX) {
		r = fd_set_cloexec(p->files, (int)a->a[0], cmd == FIOCLEX);
	} else if (cmd == FIONBIO) {
		int on;
		r = copy_from_user(&on, (const void *)a->a[2], sizeof(on)) ? -EFAULT : 0;
		if (!r && on)
			__atomic_or_fetch(&f->flags, O_NONBLOCK, __ATOMIC_RELAXED);
		else if (!r)
			__atomic_and_fetch(&f->flags, ~(unsigned)O_NONBLOCK, __ATOMIC_RELAXED);
	} else {
		r = vfs_ioctl(f, cmd, a->a[2]);
	}
	file_put(f);
	return r;
}

long sys_getdents64(const struct syscall_args *a)
{
	struct file *f = fs_fd(fs_self(), (long)a->a[0]);
	struct uio u;

	if (!f)
		return -EBADF;
	size_t n = a->a[2] < MAX_RW_COUNT ? a->a[2] : MAX_RW_COUNT;
	long r = -EFAULT;
	if (user_range_ok(a->a[1], n)) {
		uio_init_user(&u, a->a[1], n);
		r = vfs_getdents64(f, &u);
	}
	file_put(f);
	return r;
}

long sys_fstat(const struct syscall_args *a)
{
	struct file *f = fs_fd(fs_self(), (long)a->a[0]);
	struct linux_stat st;

	if (!f)
		return -EBADF;
	vfs_fill_stat(f->inode, &st);
	file_put(f);
	return copy_to_user((void *)a->a[1], &st, sizeof(st)) ? -EFAULT : 0;
}

long sys_ftruncate(const struct syscall_args *a)
{
	struct file *f = fs_fd(fs_self(), (long)a->a[0]);

	if (!f)
		return -EBADF;
	unsigned acc = f->flags & O_ACCMODE;
	long r = (f->flags & O_PATH) ? -EBADF
		 : acc == O_RDONLY   ? -EINVAL
				     : vfs_truncate(NULL, f->inode, (int64_t)a->a[1]);
	if (!r)
		mem_obj_truncated(f->inode->data, a->a[1]);
	file_put(f);
	return r;
}

long sys_fsync(const struct syscall_args *a)
{
	struct file *f = fs_fd(fs_self(), (long)a->a[0]);

	if (!f)
		return -EBADF;
	long r = vfs_fsync(f);
	file_put(f);
	return r;
}

long sys_close_range(const struct syscall_args *a)
{
	struct proc *p = fs_self();
	unsigned flags = (unsigned)a->a[2];

	if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC))
		return -EINVAL;
	if (a->a[0] > UINT32_MAX || a->a[1] > UINT32_MAX || a->a[0] > a->a[1])
		return -EINVAL;
	if ((flags & CLOSE_RANGE_UNSHARE) &&
	    __atomic_load_n(&p->files->refs, __ATOMIC_ACQUIRE) > 1) {
		struct fdtable *mine = fdtable_clone(p->files);
		if (!mine)
			return -ENOMEM;
		spin_lock(&p->lock);
		struct fdtable *shared = p->files;
		p->files = mine;
		spin_unlock(&p->lock);
		fdtable_put(shared);
	}
	return fd_close_range(p->files, (unsigned)a->a[0], (unsigned)a->a[1], flags);
}
