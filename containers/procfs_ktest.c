/*
 * procfs on its own (a fresh superblock, not /proc): the system's files
 * read, writes refused, names that are no process, directory listings and
 * their bounds, getcwd inside it, and nothing to create.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/ktest.h>
#include <pallas/mm.h>
#include <pallas/string.h>

#include "procfs.h"

static long read_all(struct vfs_context *c, const char *path, char *buf, size_t size)
{
	struct file *f;
	int err = vfs_open(c, &cred_root, NULL, path, O_RDONLY, 0, &f);

	if (err)
		return err;
	long n = vfs_kernel_read(f, buf, size - 1, 0);
	file_put(f);
	if (n >= 0)
		buf[n] = 0;
	return n;
}

/* Whether a listing of path names name. */
static bool lists(struct vfs_context *c, const char *path, const char *name)
{
	char buf[2048];
	struct file *f;
	bool found = false;
	struct uio u;

	if (vfs_open(c, &cred_root, NULL, path, O_RDONLY | O_DIRECTORY, 0, &f))
		return false;
	for (;;) {
		uio_init_kernel(&u, buf, sizeof(buf));
		long n = vfs_getdents64(f, &u);
		if (n <= 0)
			break;
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
			found |= strcmp(d->d_name, name) == 0;
			off += d->d_reclen;
		}
	}
	file_put(f);
	return found;
}

KTEST(procfs)
{
	struct super_block *sb = procfs_create();
	struct vfs_context *c = sb ? vfs_context_create_at(sb->root) : NULL;
	char *buf = kmalloc(8192);
	struct file *f;

	KEXPECT(t, c && buf);
	if (!c || !buf)
		return;
	KEXPECT(t, read_all(c, "/meminfo", buf, 8192) > 0 && strncmp(buf, "MemTotal:", 9) == 0);
	KEXPECT(t,
		read_all(c, "/sys/kernel/ostype", buf, 8192) == 6 && strcmp(buf, "Linux\n") == 0);
	KEXPECT(t, read_all(c, "/cpuinfo", buf, 8192) > 0 && strstr(buf, "processor\t: 0\n"));
	KEXPECT(t, read_all(c, "/pallas/syscalls", buf, 8192) >= 0);
	KEXPECT(t, vfs_open(c, &cred_root, NULL, "/meminfo", O_WRONLY, 0, &f) == -EACCES);
	KEXPECT(t, vfs_open(c, &cred_root, NULL, "/uptime", O_RDWR, 0, &f) == -EACCES);
	KEXPECT(t, vfs_open(c, &cred_root, NULL, "/new", O_WRONLY | O_CREAT, 0644, &f) == -ENOENT);
	KEXPECT(t, vfs_mkdir(c, &cred_root, NULL, "/dir", 0755) == -ENOENT);
	/* Not processes: out of range, not numbers, leading zeros, gone. */
	KEXPECT(t, read_all(c, "/99999/stat", buf, 8192) == -ENOENT);
	KEXPECT(t, read_all(c, "/2147483647999/stat", buf, 8192) == -ENOENT);
	KEXPECT(t, read_all(c, "/01/stat", buf, 8192) == -ENOENT);
	KEXPECT(t, read_all(c, "/-1/stat", buf, 8192) == -ENOENT);
	KEXPECT(t, read_all(c, "/0", buf, 8192) == -ENOENT);
	/* A kernel thread has no self. */
	struct uio u;
	uio_init_kernel(&u, buf, 64);
	KEXPECT(t, vfs_readlink(c, &cred_root, NULL, "/self", &u) == -ENOENT);
	KEXPECT(t, lists(c, "/", "self") && lists(c, "/", "meminfo") && lists(c, "/", "sys"));
	KEXPECT(t, lists(c, "/sys/kernel", "pid_max") && !lists(c, "/sys/kernel", "meminfo"));
	/* A buffer too small for the next entry. */
	KEXPECT(t, vfs_open(c, &cred_root, NULL, "/", O_RDONLY | O_DIRECTORY, 0, &f) == 0);
	uio_init_kernel(&u, buf, 8);
	KEXPECT(t, vfs_getdents64(f, &u) == -EINVAL);
	file_put(f);
	/* Names go back up: getcwd inside it. */
	KEXPECT(t, vfs_chdir(c, &cred_root, NULL, "/sys/kernel") == 0);
	KEXPECT(t, vfs_getcwd(c, buf, 8192) == 12 && strcmp(buf, "/sys/kernel") == 0);
	KEXPECT(t, read_all(c, "../kernel/hostname", buf, 8192) == 7);
	vfs_context_put(c);
	kfree(buf);
}
