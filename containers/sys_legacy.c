/*
 * The pre-*at() calls that x86-64 still has (open, stat, unlink, ...):
 * each is its *at() form relative to the working directory, as Linux
 * implements them.
 */
#include <uapi/linux_fs.h>

#include "sys.h"

#define CWD ((uint64_t)(int64_t)AT_FDCWD)

static long at(syscall_fn fn, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4)
{
	struct syscall_args b = {{a0, a1, a2, a3, a4, 0}};

	return fn(&b);
}

long sys_open(const struct syscall_args *a)
{
	return at(sys_openat, CWD, a->a[0], a->a[1], a->a[2], 0);
}

long sys_creat(const struct syscall_args *a)
{
	return at(sys_openat, CWD, a->a[0], O_CREAT | O_WRONLY | O_TRUNC, a->a[1], 0);
}

long sys_stat(const struct syscall_args *a)
{
	return at(sys_newfstatat, CWD, a->a[0], a->a[1], 0, 0);
}

long sys_lstat(const struct syscall_args *a)
{
	return at(sys_newfstatat, CWD, a->a[0], a->a[1], AT_SYMLINK_NOFOLLOW, 0);
}

long sys_access(const struct syscall_args *a)
{
	return at(sys_faccessat, CWD, a->a[0], a->a[1], 0, 0);
}

long sys_mkdir(const struct syscall_args *a)
{
	return at(sys_mkdirat, CWD, a->a[0], a->a[1], 0, 0);
}

long sys_rmdir(const struct syscall_args *a)
{
	return at(sys_unlinkat, CWD, a->a[0], AT_REMOVEDIR, 0, 0);
}

long sys_unlink(const struct syscall_args *a)
{
	return at(sys_unlinkat, CWD, a->a[0], 0, 0, 0);
}

long sys_rename(const struct syscall_args *a)
{
	return at(sys_renameat, CWD, a->a[0], CWD, a->a[1], 0);
}

long sys_link(const struct syscall_args *a)
{
	return at(sys_linkat, CWD, a->a[0], CWD, a->a[1], 0);
}

long sys_symlink(const struct syscall_args *a)
{
	return at(sys_symlinkat, a->a[0], CWD, a->a[1], 0, 0);
}

long sys_readlink(const struct syscall_args *a)
{
	return at(sys_readlinkat, CWD, a->a[0], a->a[1], a->a[2], 0);
}

long sys_chmod(const struct syscall_args *a)
{
	return at(sys_fchmodat, CWD, a->a[0], a->a[1], 0, 0);
}

long sys_chown(const struct syscall_args *a)
{
	return at(sys_fchownat, CWD, a->a[0], a->a[1], a->a[2], 0);
}

long sys_lchown(const struct syscall_args *a)
{
	return at(sys_fchownat, CWD, a->a[0], a->a[1], a->a[2], AT_SYMLINK_NOFOLLOW);
}

long sys_mknod(const struct syscall_args *a)
{
	return at(sys_mknodat, CWD, a->a[0], a->a[1], a->a[2], 0);
}
