/*
 * File system calls: descriptors and the *at() family over the VFS.  Paths
 * are copied in with a bound (PATH_MAX) before anything looks at them; a
 * dirfd names the directory a relative path starts from.  Every handler
 * holds the files it uses by reference, so a concurrent close cannot free
 * one under it.
 */
#include <pallas/errno.h>
#include <pallas/fdtable.h>
#include <pallas/mm.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>
#include <pallas/uio.h>
#include <pallas/vfs.h>

#include "proc.h"
#include "sys.h"

#define PATH_MAX   4096
#define IO_MAX	   0x7ffff000ull /* Linux's MAX_RW_COUNT */
#define IOV_MAX	   1024

struct path_arg {
	char *buf;
};

/* A user path into a kernel buffer: 0, -EFAULT, -ENAMETOOLONG, -ENOENT for "". */
static int get_path(uint64_t upath, struct path_arg *pa, bool empty_ok)
{
	pa->buf = kmalloc(PATH_MAX);
	if (!pa->buf)
		return -ENOMEM;
	long n = strncpy_from_user(pa->buf, (const char *)upath, PATH_MAX);
	if (n < 0 || n == PATH_MAX) {
		kfree(pa->buf);
		pa->buf = NULL;
		return n < 0 ? (int)n : -ENAMETOOLONG;
	}
	if (n == 0 && !empty_ok) {
		kfree(pa->buf);
		pa->buf = NULL;
		return -ENOENT;
	}
	return 0;
}

static void put_path(struct path_arg *pa)
{
	kfree(pa->buf);
}

static struct file *get_file(int fd)
{
	return fd_get(proc_current()->files, fd);
}

/* The directory a dirfd names (NULL for AT_FDCWD: the cwd), with a
 * reference; -EBADF, -ENOTDIR. */
static int get_base(int dirfd, const char *path, struct inode **out)
{
	*out = NULL;
	if (dirfd == AT_FDCWD || path[0] == '/')
		return 0;
	struct file *f = get_file(dirfd);
	if (!f)
		return -EBADF;
	struct inode *ino = f->inode;
	inode_get(ino);
	file_put(f);
	if (!S_ISDIR(ino->mode)) {
		inode_put(ino);
		return -ENOTDIR;
	}
	*out = ino;
	return 0;
}

static void put_base(struct inode *base)
{
	if (base)
		inode_put(base);
}

long sys_openat(const struct syscall_args *a)
{
	struct proc *p = proc_current();
	struct path_arg pa;
	struct inode *base;
	struct file *f;
	int err = get_path(a->a[1], &pa, false);

	if (err)
		return err;
	if (!(err = get_base((int)a->a[0], pa.buf, &base))) {
		err = vfs_open(p->fs, &p->cred, base, pa.buf, (unsigned)a->a[2],
			       (uint32_t)a->a[3], &f);
		put_base(base);
	}
	put_path(&pa);
	if (err)
		return err;
	int fd = fd_alloc(p->files, f, 0, a->a[2] & O_CLOEXEC);
	file_put(f);
	return fd;
}

long sys_open(const struct syscall_args *a)
{
	struct syscall_args b = {{(uint64_t)AT_FDCWD, a->a[0], a->a[1], a->a[2], 0, 0}};

	return sys_openat(&b);
}

long sys_close(const struct syscall_args *a)
{
	return fd_close(proc_current()->files, (int)a->a[0]);
}

typedef long (*io_fn)(struct file *f, struct uio *u);

static long do_io(int fd, uint64_t buf, uint64_t len, io_fn fn)
{
	struct file *f = get_file(fd);
	struct uio u;

	if (!f)
		return -EBADF;
	uio_init_user(&u, buf, len > IO_MAX ? IO_MAX : len);
	long r = fn(f, &u);
	file_put(f);
	return r;
}

long sys_read(const struct syscall_args *a)
{
	return do_io((int)a->a[0], a->a[1], a->a[2], vfs_read);
}

long sys_write(const struct syscall_args *a)
{
	return do_io((int)a->a[0], a->a[1], a->a[2], vfs_write);
}

static long do_pio(const struct syscall_args *a, bool write)
{
	struct file *f = get_file((int)a->a[0]);
	struct uio u;

	if (!f)
		return -EBADF;
	if ((int64_t)a->a[3] < 0) {
		file_put(f);
		return -EINVAL;
	}
	uio_init_user(&u, a->a[1], a->a[2] > IO_MAX ? IO_MAX : a->a[2]);
	long r = write ? vfs_pwrite(f, &u, a->a[3]) : vfs_pread(f, &u, a->a[3]);
	file_put(f);
	return r;
}

long sys_pread64(const struct syscall_args *a)
{
	return do_pio(a, false);
}

long sys_pwrite64(const struct syscall_args *a)
{
	return do_pio(a, true);
}

struct linux_iovec {
	uint64_t base, len;
};

static long do_iov(const struct syscall_args *a, io_fn fn)
{
	unsigned n = (unsigned)a->a[2];
	struct uio_seg *segs;
	struct uio u;

	if ((int)a->a[2] < 0 || n > IOV_MAX)
		return -EINVAL;
	struct file *f = get_file((int)a->a[0]);
	if (!f)
		return -EBADF;
	segs = kmalloc((n ? n : 1) * sizeof(*segs));
	long r = segs ? 0 : -ENOMEM;
	uint64_t total = 0;
	for (unsigned i = 0; i < n && r == 0; i++) {
		struct linux_iovec v;
		if (copy_from_user(&v, (const void *)(a->a[1] + i * sizeof(v)), sizeof(v)))
			r = -EFAULT;
		else if ((int64_t)v.len < 0 || total + v.len > IO_MAX)
			r = -EINVAL;
		else {
			segs[i] = (struct uio_seg){v.base, v.len};
			total += v.len;
		}
	}
	if (r == 0) {
		uio_init_segs(&u, segs, n, true);
		r = fn(f, &u);
	}
	kfree(segs);
	file_put(f);
	return r;
}

long sys_readv(const struct syscall_args *a)
{
	return do_iov(a, vfs_read);
}

long sys_writev(const struct syscall_args *a)
{
	return do_iov(a, vfs_write);
}

long sys_lseek(const struct syscall_args *a)
{
	struct file *f = get_file((int)a->a[0]);

	if (!f)
		return -EBADF;
	int64_t r = vfs_lseek(f, (int64_t)a->a[1], (int)a->a[2]);
	file_put(f);
	return r;
}

long sys_ioctl(const struct syscall_args *a)
{
	struct file *f = get_file((int)a->a[0]);

	if (!f)
		return -EBADF;
	long r = vfs_ioctl(f, (unsigned)a->a[1], a->a[2]);
	file_put(f);
	return r;
}

long sys_getdents64(const struct syscall_args *a)
{
	return do_io((int)a->a[0], a->a[1], a->a[2], vfs_getdents64);
}

long sys_fstat(const struct syscall_args *a)
{
	struct file *f = get_file((int)a->a[0]);
	struct linux_stat st;

	if (!f)
		return -EBADF;
	vfs_fill_stat(f->inode, &st);
	file_put(f);
	return copy_to_user((void *)a->a[1], &st, sizeof(st)) ? -EFAULT : 0;
}

long sys_newfstatat(const struct syscall_args *a)
{
	struct proc *p = proc_current();
	unsigned flags = (unsigned)a->a[3];
	struct path_arg pa;
	struct inode *base;
	struct linux_stat st;

	if (flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	int err = get_path(a->a[1], &pa, flags & AT_EMPTY_PATH);
	if (err)
		return err;
	if (pa.buf[0] == 0) {
		put_path(&pa);
		struct syscall_args b = {{a->a[0], a->a[2], 0, 0, 0, 0}};
		if ((int)a->a[0] == AT_FDCWD) {
			struct inode *cwd = vfs_context_cwd(p->fs);
			vfs_fill_stat(cwd, &st);
			inode_put(cwd);
			return copy_to_user((void *)a->a[2], &st, sizeof(st)) ? -EFAULT : 0;
		}
		return sys_fstat(&b);
	}
	if (!(err = get_base((int)a->a[0], pa.buf, &base))) {
		err = vfs_stat(p->fs, &p->cred, base, pa.buf, flags & AT_SYMLINK_NOFOLLOW, &st);
		put_base(base);
	}
	put_path(&pa);
	if (err)
		return err;
	return copy_to_user((void *)a->a[2], &st, sizeof(st)) ? -EFAULT : 0;
}

long sys_stat(const struct syscall_args *a)
{
	struct syscall_args b = {{(uint64_t)AT_FDCWD, a->a[0], a->a[1], 0, 0, 0}};

	return sys_newfstatat(&b);
}

long sys_lstat(const struct syscall_args *a)
{
	struct syscall_args b = {{(uint64_t)AT_FDCWD, a->a[0], a->a[1], AT_SYMLINK_NOFOLLOW, 0, 0}};

	return sys_newfstatat(&b);
}

long sys_readlinkat(const struct syscall_args *a)
{
	struct proc *p = proc_current();
	struct path_arg pa;
	struct inode *base;
	struct uio u;

	if ((int64_t)a->a[3] <= 0)
		return -EINVAL;
	int err = get_path(a->a[1], &pa, false);
	if (err)
		return err;
	long r = get_base((int)a->a[0], pa.buf, &base);
	if (!r) {
		uio_init_user(&u, a->a[2], a->a[3] > PATH_MAX ? PATH_MAX : a->a[3]);
		r = vfs_readlink(p->fs, &p->cred, base, pa.buf, &u);
		put_base(base);
	}
	put_path(&pa);
	return r;
}

long sys_readlink(const struct syscall_args *a)
{
	struct syscall_args b = {{(uint64_t)AT_FDCWD, a->a[0], a->a[1], a->a[2], 0, 0}};

	return sys_readlinkat(&b);
}

long sys_mkdirat(const struct syscall_args *a)
{
	struct proc *p = proc_current();
	struct path_arg pa;
	struct inode *base;
	int err = get_path(a->a[1], &pa, false);

	if (err)
		return err;
	if (!(err = get_base((int)a->a[0], pa.buf, &base))) {
		err = vfs_mkdir(p->fs, &p->cred, base, pa.buf, (uint32_t)a->a[2]);
		put_base(base);
	}
	put_path(&pa);
	return err;
}

long sys_mkdir(const struct syscall_args *a)
{
	struct syscall_args b = {{(uint64_t)AT_FDCWD, a->a[0], a->a[1], 0, 0, 0}};

	return sys_mkdirat(&b);
}

long sys_unlinkat(const struct syscall_args *a)
{
	struct proc *p = proc_current();
	struct path_arg pa;
	struct inode *base;
	unsigned flags = (unsigned)a->a[2];

	if (flags & ~(unsigned)AT_REMOVEDIR)
		return -EINVAL;
	int err = get_path(a->a[1], &pa, false);
	if (err)
		return err;
	if (!(err = get_base((int)a->a[0], pa.buf, &base))) {
		err = flags & AT_REMOVEDIR ? vfs_rmdir(p->fs, &p->cred, base, pa.buf)
					   : vfs_unlink(p->fs, &p->cred, base, pa.buf);
		put_base(base);
	}
	put_path(&pa);
	return err;
}

long sys_unlink(const struct syscall_args *a)
{
	struct syscall_args b = {{(uint64_t)AT_FDCWD, a->a[0], 0, 0, 0, 0}};

	return sys_unlinkat(&b);
}

long sys_rmdir(const struct syscall_args *a)
{
	struct syscall_args b = {{(uint64_t)AT_FDCWD, a->a[0], AT_REMOVEDIR, 0, 0, 0}};

	return sys_unlinkat(&b);
}

long sys_faccessat2(const struct syscall_args *a)
{
	struct proc *p = proc_current();
	struct path_arg pa;
	struct inode *base;
	unsigned flags = (unsigned)a->a[3];

	if ((int)a->a[2] & ~7 || flags & ~(unsigned)(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	int err = get_path(a->a[1], &pa, false);
	if (err)
		return err;
	if (!(err = get_base((int)a->a[0], pa.buf, &base))) {
		err = vfs_access(p->fs, &p->cred, base, pa.buf, (int)a->a[2],
				 flags & AT_SYMLINK_NOFOLLOW);
		put_base(base);
	}
	put_path(&pa);
	return err;
}

long sys_faccessat(const struct syscall_args *a)
{
	struct syscall_args b = {{a->a[0], a->a[1], a->a[2], 0, 0, 0}};

	return sys_faccessat2(&b);
}

long sys_access(const struct syscall_args *a)
{
	struct syscall_args b = {{(uint64_t)AT_FDCWD, a->a[0], a->a[1], 0, 0, 0}};

	return sys_faccessat2(&b);
}

long sys_dup(const struct syscall_args *a)
{
	struct file *f = get_file((int)a->a[0]);

	if (!f)
		return -EBADF;
	int fd = fd_alloc(proc_current()->files, f, 0, false);
	file_put(f);
	return fd;
}

long sys_dup3(const struct syscall_args *a)
{
	int oldfd = (int)a->a[0], newfd = (int)a->a[1];

	if (a->a[2] & ~(uint64_t)O_CLOEXEC || oldfd == newfd)
		return -EINVAL;
	int err = fd_dup_to(proc_current()->files, oldfd, newfd, a->a[2] & O_CLOEXEC);
	return err < 0 ? err : newfd;
}

long sys_dup2(const struct syscall_args *a)
{
	int oldfd = (int)a->a[0], newfd = (int)a->a[1];

	if (oldfd == newfd) {
		struct file *f = get_file(oldfd);
		if (!f)
			return -EBADF;
		file_put(f);
		return newfd;
	}
	int err = fd_dup_to(proc_current()->files, oldfd, newfd, false);
	return err < 0 ? err : newfd;
}

#define SETFL_MASK (O_APPEND | 04000 /* O_NONBLOCK */)

long sys_fcntl(const struct syscall_args *a)
{
	struct fdtable *t = proc_current()->files;
	int fd = (int)a->a[0];
	struct file *f = get_file(fd);
	long r;

	if (!f)
		return -EBADF;
	switch (a->a[1]) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		r = fd_alloc(t, f, (unsigned)a->a[2], a->a[1] == F_DUPFD_CLOEXEC);
		break;
	case F_GETFD:
		r = fd_cloexec(t, fd) == 1 ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		r = fd_set_cloexec(t, fd, a->a[2] & FD_CLOEXEC);
		break;
	case 3: /* F_GETFL */
		r = f->flags & ~(unsigned)O_CLOEXEC;
		break;
	case F_SETFL:
		f->flags = (f->flags & ~(unsigned)SETFL_MASK) | ((unsigned)a->a[2] & SETFL_MASK);
		r = 0;
		break;
	default:
		r = -EINVAL;
	}
	file_put(f);
	return r;
}

long sys_getcwd(const struct syscall_args *a)
{
	size_t size = a->a[1] > PATH_MAX ? PATH_MAX : a->a[1];
	char *buf = kmalloc(PATH_MAX);

	if (!buf)
		return -ENOMEM;
	long n = vfs_getcwd(proc_current()->fs, buf, size);
	if (n > 0 && copy_to_user((void *)a->a[0], buf, (size_t)n))
		n = -EFAULT;
	kfree(buf);
	return n;
}

long sys_chdir(const struct syscall_args *a)
{
	struct proc *p = proc_current();
	struct path_arg pa;
	int err = get_path(a->a[0], &pa, false);

	if (err)
		return err;
	err = vfs_chdir(p->fs, &p->cred, NULL, pa.buf);
	put_path(&pa);
	return err;
}

long sys_umask(const struct syscall_args *a)
{
	return vfs_umask(proc_current()->fs, (uint32_t)a->a[0] & 0777);
}

long sys_ftruncate(const struct syscall_args *a)
{
	struct file *f = get_file((int)a->a[0]);

	if (!f)
		return -EBADF;
	long r = (f->flags & 3) == O_RDONLY ? -EINVAL : vfs_truncate(NULL, f->inode, (int64_t)a->a[1]);
	file_put(f);
	return r;
}
