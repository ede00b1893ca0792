/*
 * The extended-attribute calls (setxattr, getxattr, listxattr, removexattr
 * and their l- and f- forms).  No file system of Pallas keeps extended
 * attributes, so they answer as Linux does for one without them: after
 * the path or descriptor and the name are checked (ENOENT, EBADF, EFAULT,
 * ERANGE for an empty or over-long name), get, set and remove fail with
 * EOPNOTSUPP and list gives the empty list.  Debian's ls (libselinux, libacl)
 * takes EOPNOTSUPP as "no label, no ACL"; ENOSYS it reports per file.
 */
#include <pallas/errno.h>
#include <pallas/mm.h>
#include <pallas/uaccess.h>
#include <pallas/vfs.h>

#include "fs_args.h"
#include "sys_fs.h"

#define XATTR_NAME_MAX 255
#define XATTR_SIZE_MAX 65536
#define XATTR_CREATE   1
#define XATTR_REPLACE  2

/* The inode path names (following a last symlink when follow): 0 or -errno. */
static int path_inode(uintptr_t upath, bool follow, struct inode **out)
{
	struct proc *p = fs_self();
	struct inode *base = NULL;
	char *path;
	int err = fs_copy_path(upath, false, &path);

	if (err)
		return err;
	err = fs_dirfd(p, AT_FDCWD, path, &base);
	if (!err)
		err = vfs_lookup(p->fs, &p->cred, base, path, follow ? LOOKUP_FOLLOW : 0, out);
	inode_put(base);
	kfree(path);
	return err;
}

/* The attribute name: -ERANGE when empty or longer than XATTR_NAME_MAX. */
static int check_name(uintptr_t uname)
{
	char name[XATTR_NAME_MAX + 1];
	long n = strncpy_from_user(name, (const char *)uname, sizeof(name));

	if (n < 0)
		return -EFAULT;
	return n == 0 || n >= (long)sizeof(name) ? -ERANGE : 0;
}

/* What a call on an existing file answers, name (if any) checked first. */
static long answer(bool has_name, uintptr_t uname, long result)
{
	int err = has_name ? check_name(uname) : 0;

	return err ? err : result;
}

static long on_path(const struct syscall_args *a, bool follow, bool has_name, long result)
{
	struct inode *inode;
	int err = path_inode(a->a[0], follow, &inode);

	if (err)
		return err;
	inode_put(inode);
	return answer(has_name, a->a[1], result);
}

static long on_fd(const struct syscall_args *a, bool has_name, long result)
{
	struct file *f = fs_fd(fs_self(), (long)a->a[0]);

	if (!f)
		return -EBADF;
	file_put(f);
	return answer(has_name, a->a[1], result);
}

/* setxattr's own checks: Linux's flags and size limit. */
static long set_result(const struct syscall_args *a)
{
	if (a->a[4] & ~(uint64_t)(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	if (a->a[3] > XATTR_SIZE_MAX)
		return -E2BIG;
	return -EOPNOTSUPP;
}

long sys_setxattr(const struct syscall_args *a)
{
	long r = set_result(a);
	return r == -EOPNOTSUPP ? on_path(a, true, true, r) : r;
}

long sys_lsetxattr(const struct syscall_args *a)
{
	long r = set_result(a);
	return r == -EOPNOTSUPP ? on_path(a, false, true, r) : r;
}

long sys_fsetxattr(const struct syscall_args *a)
{
	long r = set_result(a);
	return r == -EOPNOTSUPP ? on_fd(a, true, r) : r;
}

long sys_getxattr(const struct syscall_args *a)
{
	return on_path(a, true, true, -EOPNOTSUPP);
}

long sys_lgetxattr(const struct syscall_args *a)
{
	return on_path(a, false, true, -EOPNOTSUPP);
}

long sys_fgetxattr(const struct syscall_args *a)
{
	return on_fd(a, true, -EOPNOTSUPP);
}

long sys_listxattr(const struct syscall_args *a)
{
	return on_path(a, true, false, 0);
}

long sys_llistxattr(const struct syscall_args *a)
{
	return on_path(a, false, false, 0);
}

long sys_flistxattr(const struct syscall_args *a)
{
	return on_fd(a, false, 0);
}

long sys_removexattr(const struct syscall_args *a)
{
	return on_path(a, true, true, -EOPNOTSUPP);
}

long sys_lremovexattr(const struct syscall_args *a)
{
	return on_path(a, false, true, -EOPNOTSUPP);
}

long sys_fremovexattr(const struct syscall_args *a)
{
	return on_fd(a, true, -EOPNOTSUPP);
}
