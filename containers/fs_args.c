/* Arguments of the file system calls (fs_args.h). */
#include <pallas/errno.h>
#include <pallas/fdtable.h>
#include <pallas/mm.h>
#include <pallas/uaccess.h>
#include <pallas/vfs.h>

#include "fs_args.h"

struct proc *fs_self(void)
{
	return proc_current();
}

int fs_copy_path(uintptr_t upath, bool empty_ok, char **out)
{
	char *buf = kmalloc(PATH_MAX);

	if (!buf)
		return -ENOMEM;
	long n = strncpy_from_user(buf, (const char *)upath, PATH_MAX);
	int err = n < 0			  ? -EFAULT
		  : n >= PATH_MAX	  ? -ENAMETOOLONG
		  : (n == 0 && !empty_ok) ? -ENOENT
					  : 0;
	if (err) {
		kfree(buf);
		return err;
	}
	*out = buf;
	return 0;
}

struct file *fs_fd(struct proc *p, long fd)
{
	if (fd < 0 || fd > INT32_MAX)
		return NULL;
	return fd_get(p->files, (int)fd);
}

int fs_dirfd(struct proc *p, int dirfd, const char *path, struct inode **out)
{
	*out = NULL;
	if (path[0] == '/' || dirfd == AT_FDCWD)
		return 0;
	struct file *f = fs_fd(p, dirfd);
	if (!f)
		return -EBADF;
	inode_get(f->inode);
	*out = f->inode;
	file_put(f);
	return 0;
}

int fs_empty_path_inode(struct proc *p, int dirfd, struct inode **out)
{
	if (dirfd == AT_FDCWD) {
		*out = vfs_context_cwd(p->fs);
		return 0;
	}
	struct file *f = fs_fd(p, dirfd);
	if (!f)
		return -EBADF;
	inode_get(f->inode);
	*out = f->inode;
	file_put(f);
	return 0;
}
