/*
 * What Linux programs ask of a file system as a whole, and the calls that
 * would reach a disk if there were one: statfs/fstatfs (each file system's
 * Linux magic number), sync, syncfs, fdatasync, fallocate; and
 * memfd_create's nameless tmpfs files.  Everything here lives in memory,
 * so the sync calls check their descriptor and succeed.
 */
#include <pallas/errno.h>
#include <pallas/fdtable.h>
#include <pallas/mm.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>
#include <pallas/vfs.h>

#include "fs_args.h"
#include "sys_fs.h"

/* Linux's struct statfs (x86-64). */
struct linux_statfs {
	int64_t f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen, f_frsize, f_flags;
	int64_t f_spare[4];
};

#define TMPFS_MAGIC	 0x01021994
#define PROC_SUPER_MAGIC 0x9fa0
#define ANON_INODE_MAGIC 0x09041934
#define ST_VALID	 0x0020
#define ST_RELATIME	 0x0400

/* The magic Linux reports for the file system of that name (what statfs
 * users such as df and findmnt go by). */
static int64_t fs_magic(const char *name)
{
	if (strcmp(name, "proc") == 0)
		return PROC_SUPER_MAGIC;
	if (strcmp(name, "anon_inodefs") == 0)
		return ANON_INODE_MAGIC;
	return TMPFS_MAGIC; /* tmpfs, and devfs, which is tmpfs on Linux too */
}

static long put_statfs(struct inode *inode, uintptr_t ubuf)
{
	struct super_block *sb = inode->sb;
	uint64_t free = page_free_count();
	struct linux_statfs st = {
	    .f_type = fs_magic(sb->ops && sb->ops->name ? sb->ops->name : ""),
	    .f_bsize = PAGE_SIZE,
	    .f_blocks = page_total_count(),
	    .f_bfree = free,
	    .f_bavail = free,
	    .f_files = page_total_count(),
	    .f_ffree = free,
	    .f_fsid = {(int32_t)(sb->dev & 0xffffffff), (int32_t)(sb->dev >> 32)},
	    .f_namelen = NAME_MAX,
	    .f_frsize = PAGE_SIZE,
	    .f_flags = ST_VALID | ST_RELATIME,
	};
	return copy_to_user((void *)ubuf, &st, sizeof(st)) ? -EFAULT : 0;
}

long sys_statfs(const struct syscall_args *a)
{
	struct proc *p = fs_self();
	struct inode *inode;
	char *path;
	long err = fs_copy_path(a->a[0], false, &path);

	if (err)
		return err;
	err = vfs_lookup(p->fs, &p->cred, NULL, path, LOOKUP_FOLLOW, &inode);
	kfree(path);
	if (err)
		return err;
	err = put_statfs(inode, a->a[1]);
	inode_put(inode);
	return err;
}

long sys_fstatfs(const struct syscall_args *a)
{
	struct file *f = fs_fd(fs_self(), (long)a->a[0]);

	if (!f)
		return -EBADF;
	long err = put_statfs(f->inode, a->a[1]);
	file_put(f);
	return err;
}

long sys_flock(const struct syscall_args *a)
{
	struct file *f = fs_fd(fs_self(), (long)a->a[0]);

	if (!f)
		return -EBADF;
	long r = a->a[1] > UINT32_MAX ? -EINVAL : vfs_flock(f, (unsigned)a->a[1]);
	file_put(f);
	return r;
}

long sys_sync(const struct syscall_args *a)
{
	(void)a;
	return 0;
}

/* syncfs and fdatasync: only the descriptor can be wrong. */
long sys_syncfs(const struct syscall_args *a)
{
	struct file *f = fs_fd(fs_self(), (long)a->a[0]);

	if (!f)
		return -EBADF;
	file_put(f);
	return 0;
}

long sys_fdatasync(const struct syscall_args *a)
{
	return sys_fsync(a);
}

#define FALLOC_FL_KEEP_SIZE  0x01
#define FALLOC_FL_PUNCH_HOLE 0x02
#define FALLOC_FL_KNOWN	     0x7f	  /* Linux's FALLOC_FL_SUPPORTED_MASK */
#define FILE_SIZE_MAX	     (1ull << 40) /* tmpfs's largest file */

/* Zeros [off, end) of f, which ends no later than the file (a punched
 * hole reads as zeros; tmpfs gives the pages back only on truncation). */
static long zero_range(struct file *f, uint64_t off, uint64_t end)
{
	static const char zeros[512];

	while (off < end) {
		struct uio u;
		size_t n = end - off < sizeof(zeros) ? end - off : sizeof(zeros);
		uio_init_kernel(&u, (void *)zeros, n);
		long w = vfs_pwrite(f, &u, off);
		if (w <= 0)
			return w ? w : -EIO;
		off += (uint64_t)w;
	}
	return 0;
}

static long fallocate_file(struct file *f, unsigned mode, int64_t off, int64_t len)
{
	unsigned acc = f->flags & O_ACCMODE;
	struct inode *inode = f->inode;

	if (off < 0 || len <= 0)
		return -EINVAL;
	if (mode & ~FALLOC_FL_KNOWN)
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if ((f->flags & O_PATH) || (acc != O_WRONLY && acc != O_RDWR))
		return -EBADF;
	if (S_ISFIFO(inode->mode) || S_ISSOCK(inode->mode))
		return -ESPIPE;
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode))
		return -ENODEV;
	if ((uint64_t)off > FILE_SIZE_MAX || (uint64_t)len > FILE_SIZE_MAX - (uint64_t)off)
		return -EFBIG;
	uint64_t end = (uint64_t)off + (uint64_t)len;
	uint32_t seals = __atomic_load_n(&inode->seals, __ATOMIC_RELAXED);
	if ((seals & F_SEAL_GROW) && end > inode->size)
		return -EPERM; /* a memfd's seals, as Linux's shmem_fallocate */
	if ((mode & FALLOC_FL_PUNCH_HOLE) && (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
		return -EPERM;
	if (mode == 0)
		return end > inode->size ? vfs_truncate(NULL, inode, (int64_t)end) : 0;
	if (mode == FALLOC_FL_KEEP_SIZE)
		return 0; /* tmpfs allocates on write; nothing to reserve */
	if (mode == (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE))
		return zero_range(f, (uint64_t)off, end < inode->size ? end : inode->size);
	return -EOPNOTSUPP; /* collapse, insert, zero and unshare ranges: tmpfs has none */
}

long sys_fallocate(const struct syscall_args *a)
{
	struct file *f = fs_fd(fs_self(), (long)a->a[0]);

	if (!f)
		return -EBADF;
	long r = fallocate_file(f, (unsigned)a->a[1], (int64_t)a->a[2], (int64_t)a->a[3]);
	file_put(f);
	return r;
}

#define MFD_CLOEXEC	  0x01
#define MFD_ALLOW_SEALING 0x02
#define MFD_NOEXEC_SEAL	  0x08
#define MFD_EXEC	  0x10
#define MFD_NAME_MAX	  249 /* Linux's: NAME_MAX less "memfd:" */

long sys_memfd_create(const struct syscall_args *a)
{
	unsigned flags = (unsigned)a->a[1];
	char name[MFD_NAME_MAX + 2];
	struct proc *p = fs_self();
	struct file *f;

	if (a->a[1] & ~(uint64_t)(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL | MFD_EXEC))
		return -EINVAL;
	long n = strncpy_from_user(name, (const char *)a->a[0], sizeof(name));
	if (n < 0)
		return n;
	if (n > MFD_NAME_MAX)
		return -EINVAL;
	int err = vfs_memfd_create(name, &p->cred, &f);
	if (err)
		return err;
	if (flags & MFD_NOEXEC_SEAL)
		f->inode->mode &= ~0111u;
	/* Sealable, and sealed against more seals unless asked (Linux's) */
	f->inode->seals = F_SEALABLE |
			  (flags & (MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL) ? 0 : F_SEAL_SEAL) |
			  (flags & MFD_NOEXEC_SEAL ? F_SEAL_EXEC : 0);
	long fd = fd_alloc(p->files, f, 0, flags & MFD_CLOEXEC);
	file_put(f);
	return fd;
}
