/* Permission checks of the VFS as an ordinary user, and root's bypass
 * (part of `ktest=vfs`). */
#include "vfs_test_util.h"

void vfs_ktest_perms(struct ktest_ctx *t);

static const struct cred user = {.uid = 1000,
				 .euid = 1000,
				 .suid = 1000,
				 .fsuid = 1000,
				 .gid = 1000,
				 .egid = 1000,
				 .sgid = 1000,
				 .fsgid = 1000};
static const struct cred other = {.uid = 1001,
				  .euid = 1001,
				  .suid = 1001,
				  .fsuid = 1001,
				  .gid = 1001,
				  .egid = 1001,
				  .sgid = 1001,
				  .fsgid = 1001};

static void as_user(struct ktest_ctx *t, struct vfs_context *c)
{
	const struct cred *r = &cred_root;
	struct inode *inode;
	char buf[16];

	KEXPECT(t, test_write(c, &user, "/rootdir/x", "x", 0) == -EACCES);
	KEXPECT(t, vfs_mkdir(c, &user, NULL, "/rootdir/d", 0755) == -EACCES);
	KEXPECT(t, test_read(c, &user, "/secret", buf, sizeof(buf)) == -EACCES);
	KEXPECT(t, test_read(c, r, "/secret", buf, sizeof(buf)) == 1); /* root reads 0000 */
	KEXPECT(t, test_read(c, &user, "/closed/f", buf, sizeof(buf)) == -EACCES); /* no x */
	KEXPECT(t, vfs_access(c, &user, NULL, "/rootdir", R_OK | X_OK, 0) == 0);
	KEXPECT(t, vfs_access(c, &user, NULL, "/rootdir", W_OK, 0) == -EACCES);
	KEXPECT(t, vfs_access(c, r, NULL, "/secret", X_OK, 0) == -EACCES); /* no x bit at all */
	KEXPECT(t, vfs_access(c, r, NULL, "/secret", R_OK | W_OK, 0) == 0);
	/* The user's own file in the sticky /tmp: the owner may remove it, others not. */
	KEXPECT(t, test_write(c, &user, "/tmp/mine", "m", 0) == 0);
	KEXPECT(t, test_write(c, &other, "/tmp/theirs", "o", 0) == 0);
	KEXPECT(t, vfs_unlink(c, &other, NULL, "/tmp/mine") == -EPERM);
	KEXPECT(t, vfs_rename(c, &other, NULL, "/tmp/mine", NULL, "/tmp/m2", 0) == -EPERM);
	KEXPECT(t, vfs_unlink(c, &user, NULL, "/tmp/mine") == 0);
	KEXPECT(t, vfs_unlink(c, r, NULL, "/tmp/theirs") == 0);
	/* Ownership: chmod by the owner only, chown by root only. */
	KEXPECT(t, vfs_lookup(c, r, NULL, "/secret", 0, &inode) == 0);
	KEXPECT(t, vfs_chmod(&user, inode, 0777) == -EPERM);
	KEXPECT(t, vfs_chown(&user, inode, 1000, (uint32_t)-1) == -EPERM);
	KEXPECT(t, vfs_chown(r, inode, 1000, 1000) == 0);
	KEXPECT(t, vfs_chmod(&user, inode, 0640) == 0 && (inode->mode & 07777) == 0640);
	KEXPECT(t, vfs_chown(&user, inode, (uint32_t)-1, 0) == -EPERM); /* not in group 0 */
	KEXPECT(t, test_read(c, &user, "/secret", buf, sizeof(buf)) == 1);
	struct linux_timespec ts[2] = {{5, 0}, {7, 0}};
	KEXPECT(t, vfs_utimens(&other, inode, ts) == -EPERM);
	KEXPECT(t, vfs_utimens(&user, inode, ts) == 0 && inode->mtime.sec == 7 &&
		       inode->atime.sec == 5);
	KEXPECT(t, vfs_truncate(&other, inode, 0) == -EACCES);
	inode_put(inode);
	/* A new file belongs to its creator, with the umask applied. */
	vfs_umask(c, 027);
	KEXPECT(t, test_write(c, &user, "/home/new", "n", 0) == 0);
	KEXPECT(t, vfs_lookup(c, r, NULL, "/home/new", 0, &inode) == 0);
	KEXPECT(t, inode->uid == 1000 && inode->gid == 1000 && (inode->mode & 0777) == 0640);
	inode_put(inode);
	KEXPECT(t, vfs_mknod(c, &user, NULL, "/home/dev", S_IFCHR | 0600, 0) == -EPERM);
	vfs_umask(c, 0);
}

void vfs_ktest_perms(struct ktest_ctx *t)
{
	const struct cred *r = &cred_root;
	struct vfs_context *c = test_tree();
	struct inode *home;

	KEXPECT(t, c != NULL);
	if (!c)
		return;
	KEXPECT(t, vfs_mkdir(c, r, NULL, "/rootdir", 0755) == 0);
	KEXPECT(t, vfs_mkdir(c, r, NULL, "/closed", 0700) == 0);
	KEXPECT(t, test_write(c, r, "/closed/f", "c", 0) == 0);
	KEXPECT(t, vfs_mkdir(c, r, NULL, "/tmp", 01777) == 0);
	KEXPECT(t, vfs_mkdir(c, r, NULL, "/home", 0755) == 0);
	KEXPECT(t, vfs_lookup(c, r, NULL, "/home", 0, &home) == 0);
	vfs_chown(r, home, 1000, 1000);
	inode_put(home);
	KEXPECT(t, test_write(c, r, "/secret", "s", 0) == 0);
	struct inode *s;
	KEXPECT(t, vfs_lookup(c, r, NULL, "/secret", 0, &s) == 0);
	vfs_chmod(r, s, 0);
	inode_put(s);
	as_user(t, c);
	vfs_context_put(c);
}
