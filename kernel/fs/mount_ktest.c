/*
 * mount(2)'s and umount2's VFS side on a private tmpfs tree: mount points
 * that are missing or no directory, a super block mounted twice, the
 * mount table's paths, umount of what is no mount, EBUSY for an open
 * file, a cwd and a mount inside, stacking, and MNT_DETACH (open files
 * keep working).  `ktest=mount`.
 */
#include "vfs_test_util.h"

struct seen {
	struct super_block *sb;
	char path[64];
};

static void note(void *arg, struct super_block *sb, const char *path)
{
	struct seen *s = arg;

	if (sb == s->sb)
		ksnprintf(s->path, sizeof(s->path), "%s", path);
}

/* The path the table gives sb from c's root, "" when it is not there. */
static const char *where(struct vfs_context *c, struct seen *s, struct super_block *sb)
{
	struct inode *root = vfs_context_root(c);

	s->sb = sb;
	s->path[0] = '\0';
	vfs_for_each_mount(root, note, s);
	inode_put(root);
	return s->path;
}

KTEST(mount)
{
	const struct cred *r = &cred_root;
	struct vfs_context *c = test_tree();
	struct super_block *a = tmpfs_create(01777), *b = tmpfs_create(0755),
			   *d = tmpfs_create(0755);
	char buf[32];
	struct seen s;
	struct file *f;

	KEXPECT(t, c && a && b && d);
	if (!c || !a || !b || !d)
		return;
	KEXPECT(t, vfs_mkdir(c, r, NULL, "/m", 0755) == 0);
	KEXPECT(t, test_write(c, r, "/f", "x", 0) == 0);
	KEXPECT(t, test_write(c, r, "/m/under", "u", 0) == 0);
	KEXPECT(t, vfs_mount_at(c, r, NULL, "/missing", a) == -ENOENT);
	KEXPECT(t, vfs_mount_at(c, r, NULL, "/f", a) == -ENOTDIR);
	KEXPECT(t, vfs_mount_at(c, r, NULL, "/f/x", a) == -ENOTDIR);
	KEXPECT(t, vfs_mount_at(c, r, NULL, "/m", a) == 0);
	KEXPECT(t, vfs_mount_at(c, r, NULL, "/", a) == -EBUSY); /* a is mounted already */
	KEXPECT(t, strcmp(where(c, &s, a), "/m") == 0);
	KEXPECT(t, test_read(c, r, "/m/under", buf, sizeof(buf)) == -ENOENT);
	KEXPECT(t, test_write(c, r, "/m/in", "hello", 0) == 0);

	/* What is no mount point. */
	KEXPECT(t, vfs_umount(c, r, NULL, "/f", LOOKUP_FOLLOW, false) == -EINVAL);
	KEXPECT(t, vfs_umount(c, r, NULL, "/", LOOKUP_FOLLOW, false) == -EINVAL);
	KEXPECT(t, vfs_umount(c, r, NULL, "/m/in", LOOKUP_FOLLOW, false) == -EINVAL);
	KEXPECT(t, vfs_umount(c, r, NULL, "/nothing", LOOKUP_FOLLOW, false) == -ENOENT);

	/* Busy: an open file, a cwd, a mount inside. */
	KEXPECT(t, vfs_open(c, r, NULL, "/m/in", O_RDONLY, 0, &f) == 0);
	KEXPECT(t, vfs_umount(c, r, NULL, "/m", LOOKUP_FOLLOW, false) == -EBUSY);
	file_put(f);
	KEXPECT(t, vfs_chdir(c, r, NULL, "/m") == 0);
	KEXPECT(t, vfs_umount(c, r, NULL, "/m", LOOKUP_FOLLOW, false) == -EBUSY);
	KEXPECT(t, vfs_chdir(c, r, NULL, "/") == 0);
	KEXPECT(t, vfs_mkdir(c, r, NULL, "/m/sub", 0755) == 0);
	KEXPECT(t, vfs_mount_at(c, r, NULL, "/m/sub", b) == 0);
	KEXPECT(t, strcmp(where(c, &s, b), "/m/sub") == 0);
	KEXPECT(t, vfs_umount(c, r, NULL, "/m", LOOKUP_FOLLOW, false) == -EBUSY);
	KEXPECT(t, vfs_umount(c, r, NULL, "/m/sub", LOOKUP_FOLLOW, false) == 0);
	KEXPECT(t, where(c, &s, b)[0] == '\0');

	/* Stacked: the new mount covers the top one; each umount takes one. */
	KEXPECT(t, vfs_mount_at(c, r, NULL, "/m", d) == 0);
	KEXPECT(t, test_read(c, r, "/m/in", buf, sizeof(buf)) == -ENOENT);
	KEXPECT(t, vfs_umount(c, r, NULL, "/m", LOOKUP_FOLLOW, false) == 0);
	KEXPECT(t, test_read(c, r, "/m/in", buf, sizeof(buf)) == 5 && strcmp(buf, "hello") == 0);
	KEXPECT(t, vfs_umount(c, r, NULL, "/m", LOOKUP_FOLLOW, false) == 0);
	KEXPECT(t, test_read(c, r, "/m/under", buf, sizeof(buf)) == 1);
	KEXPECT(t, where(c, &s, a)[0] == '\0');

	/* MNT_DETACH: off the tree at once, with what is inside; an open file
	 * goes on working. */
	KEXPECT(t, vfs_mount_at(c, r, NULL, "/m", a) == 0);
	KEXPECT(t, vfs_mount_at(c, r, NULL, "/m/sub", b) == 0);
	KEXPECT(t, vfs_open(c, r, NULL, "/m/in", O_RDONLY, 0, &f) == 0);
	KEXPECT(t, vfs_umount(c, r, NULL, "/m", LOOKUP_FOLLOW, true) == 0);
	KEXPECT(t, where(c, &s, a)[0] == '\0' && where(c, &s, b)[0] == '\0');
	KEXPECT(t, test_read(c, r, "/m/in", buf, sizeof(buf)) == -ENOENT);
	KEXPECT(t, vfs_kernel_read(f, buf, sizeof(buf), 0) == 5);
	file_put(f);
	vfs_context_put(c);
}
