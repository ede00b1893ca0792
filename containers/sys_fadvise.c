/*
 * fadvise64: advice about a file's future reads.  Pallas's files live in
 * memory (tmpfs, devices), so no advice changes what the kernel does; the
 * call checks its arguments as Linux does and succeeds.
 */
#include <pallas/errno.h>
#include <pallas/vfs.h>

#include "fs_args.h"
#include "sys.h"

#define POSIX_FADV_NOREUSE 5 /* the highest advice */

long sys_fadvise64(const struct syscall_args *a)
{
	struct file *f = fs_fd(fs_self(), (long)a->a[0]);
	long rc = 0;

	if (!f)
		return -EBADF;
	if (S_ISFIFO(f->inode->mode))
		rc = -ESPIPE;
	else if ((int64_t)a->a[2] < 0 || a->a[3] > POSIX_FADV_NOREUSE)
		rc = -EINVAL;
	file_put(f);
	return rc;
}
