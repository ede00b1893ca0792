/*
 * openat2(dirfd, path, how, size): openat with struct open_how {flags,
 * mode, resolve}, checked as Linux's build_open_flags does (unknown bits
 * EINVAL, a mode without O_CREAT EINVAL, O_PATH with only its own flags),
 * the struct's size as copy_struct_from_user (below 24 EINVAL, above a
 * page E2BIG, a longer struct's tail must be zeros: E2BIG), and the
 * RESOLVE_* flags handed to the path walk (kernel/fs/namei.c).
 */
#include <pallas/errno.h>
#include <pallas/fdtable.h>
#include <pallas/mm.h>
#include <pallas/uaccess.h>
#include <pallas/vfs.h>

#include "fs_args.h"
#include "sys_fs.h"

struct linux_open_how {
	uint64_t flags, mode, resolve;
};

#define OPEN_HOW_SIZE_VER0 24
#define OPENAT2_PAGE	   4096
/* Linux's VALID_OPEN_FLAGS on x86-64. */
#define VALID_OPEN_FLAGS 037777703ull
#define O_PATH_FLAGS	 (O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC)
#define VALID_RESOLVE                                                                      \
	(RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH | \
	 RESOLVE_IN_ROOT | RESOLVE_CACHED)

/* copy_struct_from_user: the known part, and a longer struct's tail zero. */
static int copy_how(uintptr_t uhow, uint64_t size, struct linux_open_how *how)
{
	if (size < OPEN_HOW_SIZE_VER0)
		return -EINVAL;
	if (size > OPENAT2_PAGE)
		return -E2BIG;
	if (copy_from_user(how, (const void *)uhow, sizeof(*how)))
		return -EFAULT;
	uint8_t tail[64];
	for (uint64_t off = sizeof(*how); off < size;) {
		size_t n = size - off < sizeof(tail) ? (size_t)(size - off) : sizeof(tail);
		if (copy_from_user(tail, (const void *)(uhow + off), n))
			return -EFAULT;
		for (size_t i = 0; i < n; i++)
			if (tail[i])
				return -E2BIG;
		off += n;
	}
	return 0;
}

static int check_how(const struct linux_open_how *how)
{
	uint64_t flags = how->flags;

	if (flags & ~VALID_OPEN_FLAGS)
		return -EINVAL;
	if (how->resolve & ~(uint64_t)VALID_RESOLVE)
		return -EINVAL;
	if ((how->resolve & RESOLVE_BENEATH) && (how->resolve & RESOLVE_IN_ROOT))
		return -EINVAL;
	bool creates = (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
	if (creates ? (how->mode & ~07777ull) != 0 : how->mode != 0)
		return -EINVAL;
	if ((flags & O_CREAT) && (flags & O_DIRECTORY))
		return -EINVAL;
	if ((flags & O_PATH) && (flags & ~(uint64_t)O_PATH_FLAGS))
		return -EINVAL;
	if ((how->resolve & RESOLVE_CACHED) && (flags & (O_TRUNC | O_CREAT | O_TMPFILE)))
		return -EAGAIN;
	return 0;
}

long sys_openat2(const struct syscall_args *a)
{
	struct proc *p = fs_self();
	struct linux_open_how how;
	char *path;
	struct inode *base;
	struct file *f;

	int err = copy_how(a->a[2], a->a[3], &how);
	if (!err)
		err = check_how(&how);
	if (err)
		return err;
	unsigned flags = (unsigned)how.flags;
	if ((flags & O_TMPFILE) == O_TMPFILE)
		return -EOPNOTSUPP; /* as openat here */
	err = fs_copy_path(a->a[1], false, &path);
	if (err)
		return err;
	/* RESOLVE_IN_ROOT starts at dirfd even for an absolute path. */
	bool in_root = how.resolve & RESOLVE_IN_ROOT;
	err = fs_dirfd(p, (int)a->a[0], in_root ? "." : path, &base);
	if (!err)
		err = vfs_open_resolve(p->fs, &p->cred, base, path, flags, (uint32_t)how.mode,
				       (unsigned)how.resolve, &f);
	inode_put(base);
	kfree(path);
	if (err)
		return err;
	long fd = fd_alloc(p->files, f, 0, flags & O_CLOEXEC);
	file_put(f);
	return fd;
}
