/*
 * The paths open files keep (file_path.c): canonical, through symlinks and
 * "..", for files made by O_CREAT, for directories, and from a chroot'ed
 * context's own root.  Run with `ktest=vfs`'s neighbours: `ktest=file_path`.
 */
#include <pallas/ktest.h>
#include <pallas/mm.h>

#include "vfs_test_util.h"

static bool path_is(struct ktest_ctx *t, struct vfs_context *c, const char *path, unsigned flags,
		    const char *want)
{
	struct file *f;
	int err = vfs_open(c, &cred_root, NULL, path, flags, 0644, &f);

	if (err)
		return false;
	bool ok = f->path && strcmp(f->path, want) == 0;
	if (!ok)
		pr_err("file_path: %s gave %s, not %s\n", path, f->path ? f->path : "(none)", want);
	file_put(f);
	return ok;
}

KTEST(file_path)
{
	struct super_block *sb = tmpfs_create(0755);
	struct vfs_context *c = sb ? vfs_context_create_at(sb->root) : NULL;
	const struct cred *r = &cred_root;

	KEXPECT(t, c != NULL);
	if (!c)
		return;
	KEXPECT(t, vfs_mkdir(c, r, NULL, "/usr", 0755) == 0);
	KEXPECT(t, vfs_mkdir(c, r, NULL, "/usr/lib", 0755) == 0);
	KEXPECT(t, vfs_symlink(c, r, "usr/lib", NULL, "/lib") == 0);
	KEXPECT(t, vfs_symlink(c, r, "libc.so.6", NULL, "/usr/lib/libc.so") == 0);
	KEXPECT(t, path_is(t, c, "/usr/lib/libc.so.6", O_RDWR | O_CREAT, "/usr/lib/libc.so.6"));
	KEXPECT(t, path_is(t, c, "/lib/libc.so", O_RDONLY, "/usr/lib/libc.so.6"));
	KEXPECT(t, path_is(t, c, "/lib/../lib/./libc.so.6", O_RDONLY, "/usr/lib/libc.so.6"));
	KEXPECT(t, path_is(t, c, "/lib/new", O_WRONLY | O_CREAT, "/usr/lib/new"));
	KEXPECT(t, path_is(t, c, "/lib", O_RDONLY | O_DIRECTORY, "/usr/lib"));
	KEXPECT(t, path_is(t, c, "/usr/lib/..", O_RDONLY | O_DIRECTORY, "/usr"));
	KEXPECT(t, path_is(t, c, "/", O_RDONLY | O_DIRECTORY, "/"));
	KEXPECT(t, path_is(t, c, "/lib/libc.so", O_PATH | O_NOFOLLOW, "/usr/lib/libc.so"));
	KEXPECT(t, vfs_chdir(c, r, NULL, "/usr") == 0);
	KEXPECT(t, path_is(t, c, "lib/new", O_RDONLY, "/usr/lib/new"));
	/* From a chroot: the path is the context's own. */
	KEXPECT(t, vfs_chroot(c, r, "/usr") == 0);
	KEXPECT(t, path_is(t, c, "/lib/new", O_RDONLY, "/lib/new"));

	struct inode *ino;
	char *name;
	KEXPECT(t, vfs_lookup_named(c, r, NULL, "/lib/libc.so", LOOKUP_FOLLOW, &ino, &name) == 0);
	KEXPECT(t, name && strcmp(name, "/lib/libc.so.6") == 0);
	kfree(name);
	inode_put(ino);
	vfs_context_put(c);
}
