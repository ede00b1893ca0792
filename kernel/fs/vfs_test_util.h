/* Helpers the VFS ktests share: a private tmpfs tree per test. */
#ifndef KERNEL_FS_VFS_TEST_UTIL_H
#define KERNEL_FS_VFS_TEST_UTIL_H

#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/ktest.h>
#include <pallas/string.h>
#include <pallas/vfs.h>

/* A fresh tmpfs and a context rooted in it (root and cwd), umask 0. */
static inline struct vfs_context *test_tree(void)
{
	struct super_block *sb = tmpfs_create(0755);
	if (!sb)
		return NULL;
	struct vfs_context *ctx = vfs_context_create_at(sb->root);
	if (ctx)
		vfs_umask(ctx, 0);
	inode_put(sb->root); /* the context holds it now; the tree goes with it */
	return ctx;
}

static inline int test_write(struct vfs_context *ctx, const struct cred *cr, const char *path,
			     const char *s, unsigned flags)
{
	struct file *f;
	struct uio u;
	int err = vfs_open(ctx, cr, NULL, path, O_WRONLY | O_CREAT | flags, 0644, &f);

	if (err)
		return err;
	uio_init_kernel(&u, (void *)s, strlen(s));
	long n = vfs_write(f, &u);
	file_put(f);
	return n < 0 ? (int)n : 0;
}

/* Reads the file into buf (NUL-terminated): its length or -errno. */
static inline long test_read(struct vfs_context *ctx, const struct cred *cr, const char *path,
			     char *buf, size_t size)
{
	struct file *f;
	struct uio u;
	int err = vfs_open(ctx, cr, NULL, path, O_RDONLY, 0, &f);

	if (err)
		return err;
	uio_init_kernel(&u, buf, size - 1);
	long n = vfs_read(f, &u);
	file_put(f);
	buf[n > 0 ? n : 0] = '\0';
	return n;
}

static inline bool test_exists(struct vfs_context *ctx, const char *path)
{
	struct linux_stat st;
	return vfs_stat(ctx, &cred_root, NULL, path, AT_SYMLINK_NOFOLLOW, &st) == 0;
}

#endif
