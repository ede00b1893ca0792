/*
 * The Linux personality's calls on path names: mkdirat, mknodat, unlinkat,
 * renameat(2), symlinkat, readlinkat, linkat, newfstatat, faccessat(2),
 * fchmodat, fchownat, utimensat, truncate, getcwd, chdir, fchdir, chroot,
 * umask, and fchmod/fchown on descriptors.  Each copies its paths with a
 * bound, resolves its dirfds, and hands over to the VFS.
 */
#include <pallas/errno.h>
#include <pallas/mm.h>
#include <pallas/uaccess.h>
#include <pallas/vfs.h>

#include "fs_args.h"
#include "sys_fs.h"

/* One path relative to one dirfd, copied and resolved. */
struct at_path {
	struct proc *p;
	char *path;
	struct inode *base;
};

static int at_begin(struct at_path *ap, long dirfd, uintptr_t upath, bool empty_ok)
{
	ap->p = fs_self();
	ap->base = NULL;
	int err = fs_copy_path(upath, empty_ok, &ap->path);
	if (err)
		return err;
	err = fs_dirfd(ap->p, (int)dirfd, ap->path, &ap->base);
	if (err)
		kfree(ap->path);
	return err;
}

static void at_end(struct at_path *ap)
{
	inode_put(ap->base);
	kfree(ap->path);
}

/* The inode an *at call names: "" with AT_EMPTY_PATH is dirfd's own. */
static int at_inode(long dirfd, uintptr_t upath, unsigned flags, struct inode **out)
{
	struct at_path ap;
	int err = at_begin(&ap, dirfd, upath, flags & AT_EMPTY_PATH);

	if (err)
		return err;
	if (!ap.path[0])
		err = fs_empty_path_inode(ap.p, (int)dirfd, out);
	else
		err = vfs_lookup(ap.p->fs, &ap.p->cred, ap.base, ap.path,
				 flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW, out);
	at_end(&ap);
	return err;
}

long sys_mkdirat(const struct syscall_args *a)
{
	struct at_path ap;
	long err = at_begin(&ap, (long)a->a[0], a->a[1], false);

	if (!err) {
		err = vfs_mkdir(ap.p->fs, &ap.p->cred, ap.base, ap.path, (uint32_t)a->a[2]);
		at_end(&ap);
	}
	return err;
}

long sys_mknodat(const struct syscall_args *a)
{
	struct at_path ap;
	long err = at_begin(&ap, (long)a->a[0], a->a[1], false);

	if (!err) { /* the 32-bit dev_t decodes as the 64-bit one does */
		err = vfs_mknod(ap.p->fs, &ap.p->cred, ap.base, ap.path, (uint32_t)a->a[2],
				(uint32_t)a->a[3]);
		at_end(&ap);
	}
	return err;
}

long sys_unlinkat(const struct syscall_args *a)
{
	struct at_path ap;
	unsigned flags = (unsigned)a->a[2];

	if (flags & ~(unsigned)AT_REMOVEDIR)
		return -EINVAL;
	long err = at_begin(&ap, (long)a->a[0], a->a[1], false);
	if (!err) {
		err = flags & AT_REMOVEDIR ? vfs_rmdir(ap.p->fs, &ap.p->cred, ap.base, ap.path)
					   : vfs_unlink(ap.p->fs, &ap.p->cred, ap.base, ap.path);
		at_end(&ap);
	}
	return err;
}

static long rename_at(long odfd, uintptr_t opath, long ndfd, uintptr_t npath, unsigned flags)
{
	struct at_path o, n;
	long err = at_begin(&o, odfd, opath, false);

	if (err)
		return err;
	err = at_begin(&n, ndfd, npath, false);
	if (!err) {
		err = vfs_rename(o.p->fs, &o.p->cred, o.base, o.path, n.base, n.path, flags);
		at_end(&n);
	}
	at_end(&o);
	return err;
}

long sys_renameat(const struct syscall_args *a)
{
	return rename_at((long)a->a[0], a->a[1], (long)a->a[2], a->a[3], 0);
}

long sys_renameat2(const struct syscall_args *a)
{
	return rename_at((long)a->a[0], a->a[1], (long)a->a[2], a->a[3], (unsigned)a->a[4]);
}

long sys_symlinkat(const struct syscall_args *a)
{
	char *target;
	struct at_path ap;
	long err = fs_copy_path(a->a[0], false, &target);

	if (err)
		return err;
	err = at_begin(&ap, (long)a->a[1], a->a[2], false);
	if (!err) {
		err = vfs_symlink(ap.p->fs, &ap.p->cred, target, ap.base, ap.path);
		at_end(&ap);
	}
	kfree(target);
	return err;
}

long sys_readlinkat(const struct syscall_args *a)
{
	struct at_path ap;
	struct uio u;

	if ((int64_t)a->a[3] <= 0 || (int)a->a[3] <= 0)
		return -EINVAL;
	size_t n = (unsigned)a->a[3];
	if (!user_range_ok(a->a[2], n))
		return -EFAULT;
	long err = at_begin(&ap, (long)a->a[0], a->a[1], false);
	if (!err) {
		uio_init_user(&u, a->a[2], n);
		err = vfs_readlink(ap.p->fs, &ap.p->cred, ap.base, ap.path, &u);
		at_end(&ap);
	}
	return err;
}

long sys_linkat(const struct syscall_args *a)
{
	struct at_path o, n;
	unsigned flags = (unsigned)a->a[4];

	if (flags & ~(unsigned)AT_SYMLINK_FOLLOW)
		return -EINVAL; /* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH: not yet */
	long err = at_begin(&o, (long)a->a[0], a->a[1], false);
	if (err)
		return err;
	err = at_begin(&n, (long)a->a[2], a->a[3], false);
	if (!err) {
		err = vfs_link(o.p->fs, &o.p->cred, o.base, o.path, n.base, n.path, flags);
		at_end(&n);
	}
	at_end(&o);
	return err;
}

/* What stat says of dirfd/path under flags (at_inode's). */
static long stat_at(long dirfd, uintptr_t upath, unsigned flags, struct linux_stat *st)
{
	struct inode *inode;
	long err = at_inode(dirfd, upath, flags, &inode);

	if (err)
		return err;
	vfs_fill_stat(inode, st);
	inode_put(inode);
	return 0;
}

long sys_newfstatat(const struct syscall_args *a)
{
	unsigned flags = (unsigned)a->a[3];
	struct linux_stat st;

	if (flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT))
		return -EINVAL;
	long err = stat_at((long)a->a[0], a->a[1], flags, &st);
	if (err)
		return err;
	return copy_to_user((void *)a->a[2], &st, sizeof(st)) ? -EFAULT : 0;
}

/* struct statx of Linux (256 bytes). */
struct linux_statx_ts {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t reserved;
};
struct linux_statx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, spare0;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct linux_statx_ts stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t stx_mnt_id;
	uint32_t stx_dio_mem_align, stx_dio_offset_align;
	uint64_t spare3[12];
};
_Static_assert(sizeof(struct linux_statx) == 256, "struct statx is 256 bytes");

#define STATX_BASIC_STATS  0x7ffu
#define STATX_RESERVED	   0x80000000u
#define AT_STATX_SYNC_TYPE 0x6000u

static struct linux_statx_ts statx_ts(struct linux_timespec t)
{
	return (struct linux_statx_ts){.tv_sec = t.tv_sec, .tv_nsec = (uint32_t)t.tv_nsec};
}

/* statx: what stat knows (the basic stats; no birth time). */
long sys_statx(const struct syscall_args *a)
{
	unsigned flags = (unsigned)a->a[2], mask = (unsigned)a->a[3];
	struct linux_stat st;

	if (mask & STATX_RESERVED)
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE)
		return -EINVAL;
	if (flags &
	    ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	long err = stat_at((long)a->a[0], a->a[1], flags, &st);
	if (err)
		return err;
	struct linux_statx sx = {
	    .stx_mask = STATX_BASIC_STATS,
	    .stx_blksize = (uint32_t)st.st_blksize,
	    .stx_nlink = (uint32_t)st.st_nlink,
	    .stx_uid = st.st_uid,
	    .stx_gid = st.st_gid,
	    .stx_mode = (uint16_t)st.st_mode,
	    .stx_ino = st.st_ino,
	    .stx_size = (uint64_t)st.st_size,
	    .stx_blocks = (uint64_t)st.st_blocks,
	    .stx_atime = statx_ts(st.st_atim),
	    .stx_ctime = statx_ts(st.st_ctim),
	    .stx_mtime = statx_ts(st.st_mtim),
	    .stx_rdev_major = linux_major(st.st_rdev),
	    .stx_rdev_minor = linux_minor(st.st_rdev),
	    .stx_dev_major = linux_major(st.st_dev),
	    .stx_dev_minor = linux_minor(st.st_dev),
	};
	return copy_to_user((void *)a->a[4], &sx, sizeof(sx)) ? -EFAULT : 0;
}

static long access_at(long dirfd, uintptr_t upath, int mode, unsigned flags)
{
	struct at_path ap;

	if (flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH))
		return -EINVAL;
	long err = at_begin(&ap, dirfd, upath, flags & AT_EMPTY_PATH);
	if (!err) {
		err = vfs_access(ap.p->fs, &ap.p->cred, ap.base, ap.path[0] ? ap.path : ".", mode,
				 flags & ~(unsigned)AT_EMPTY_PATH);
		at_end(&ap);
	}
	return err;
}

long sys_faccessat(const struct syscall_args *a)
{
	return access_at((long)a->a[0], a->a[1], (int)a->a[2], 0);
}

long sys_faccessat2(const struct syscall_args *a)
{
	return access_at((long)a->a[0], a->a[1], (int)a->a[2], (unsigned)a->a[3]);
}

long sys_fchmodat(const struct syscall_args *a)
{
	struct inode *inode;
	long err = at_inode((long)a->a[0], a->a[1], 0, &inode);

	if (!err) {
		err = vfs_chmod(&fs_self()->cred, inode, (uint32_t)a->a[2]);
		inode_put(inode);
	}
	return err;
}

long sys_fchownat(const struct syscall_args *a)
{
	unsigned flags = (unsigned)a->a[4];
	struct inode *inode;

	if (flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	long err = at_inode((long)a->a[0], a->a[1], flags, &inode);
	if (!err) {
		err = vfs_chown(&fs_self()->cred, inode, (uint32_t)a->a[2], (uint32_t)a->a[3]);
		inode_put(inode);
	}
	return err;
}

/* fchmod, fchown, futimens: an O_PATH descriptor is no good (Linux's fdget). */
static long on_fd_inode(long fd, struct inode **out)
{
	struct file *f = fs_fd(fs_self(), fd);

	if (!f || (f->flags & O_PATH)) {
		file_put(f);
		return -EBADF;
	}
	inode_get(f->inode);
	*out = f->inode;
	file_put(f);
	return 0;
}

long sys_fchmod(const struct syscall_args *a)
{
	struct inode *inode;
	long err = on_fd_inode((long)a->a[0], &inode);

	if (!err) {
		err = vfs_chmod(&fs_self()->cred, inode, (uint32_t)a->a[1]);
		inode_put(inode);
	}
	return err;
}

long sys_fchown(const struct syscall_args *a)
{
	struct inode *inode;
	long err = on_fd_inode((long)a->a[0], &inode);

	if (!err) {
		err = vfs_chown(&fs_self()->cred, inode, (uint32_t)a->a[1], (uint32_t)a->a[2]);
		inode_put(inode);
	}
	return err;
}

long sys_utimensat(const struct syscall_args *a)
{
	unsigned flags = (unsigned)a->a[3];
	struct linux_timespec ts[2];
	struct inode *inode;
	long err;

	if (flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	if (a->a[2] && copy_from_user(ts, (const void *)a->a[2], sizeof(ts)))
		return -EFAULT;
	if (a->a[1] == 0) /* futimens: the dirfd itself */
		err = (long)a->a[0] == AT_FDCWD ? -EFAULT : on_fd_inode((long)a->a[0], &inode);
	else
		err = at_inode((long)a->a[0], a->a[1], flags, &inode);
	if (!err) {
		err = vfs_utimens(&fs_self()->cred, inode, a->a[2] ? ts : NULL);
		inode_put(inode);
	}
	return err;
}

long sys_truncate(const struct syscall_args *a)
{
	struct inode *inode;
	long err = at_inode(AT_FDCWD, a->a[0], 0, &inode);

	if (!err) {
		err = vfs_truncate(&fs_self()->cred, inode, (int64_t)a->a[1]);
		if (!err)
			mem_obj_truncated(inode->data, a->a[1]);
		inode_put(inode);
	}
	return err;
}

long sys_getcwd(const struct syscall_args *a)
{
	size_t size = a->a[1] < PATH_MAX ? a->a[1] : PATH_MAX;
	char *buf = kmalloc(PATH_MAX);

	if (!buf)
		return -ENOMEM;
	long n = vfs_getcwd(fs_self()->fs, buf, size);
	if (n > 0 && copy_to_user((void *)a->a[0], buf, (size_t)n))
		n = -EFAULT;
	kfree(buf);
	return n;
}

long sys_chdir(const struct syscall_args *a)
{
	struct at_path ap;
	long err = at_begin(&ap, AT_FDCWD, a->a[0], false);

	if (!err) {
		err = vfs_chdir(ap.p->fs, &ap.p->cred, NULL, ap.path);
		at_end(&ap);
	}
	return err;
}

long sys_fchdir(const struct syscall_args *a)
{
	struct file *f = fs_fd(fs_self(), (long)a->a[0]); /* O_PATH is fine here */
	struct inode *inode;
	long err = f ? 0 : -EBADF;

	if (f) {
		inode_get(f->inode);
		inode = f->inode;
		file_put(f);
	}

	if (!err) {
		err = vfs_fchdir(fs_self()->fs, &fs_self()->cred, inode);
		inode_put(inode);
	}
	return err;
}

long sys_chroot(const struct syscall_args *a)
{
	struct at_path ap;
	long err = at_begin(&ap, AT_FDCWD, a->a[0], false);

	if (!err) {
		err = vfs_chroot(ap.p->fs, &ap.p->cred, ap.path);
		at_end(&ap);
	}
	return err;
}

long sys_umask(const struct syscall_args *a)
{
	return vfs_umask(fs_self()->fs, (uint32_t)a->a[0]);
}
