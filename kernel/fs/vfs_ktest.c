/*
 * Self-tests of the VFS on tmpfs, end to end through the calls the
 * personality makes: files, directories, rename's rules, symlinks and
 * their limits, getcwd across mounts, and getdents64 while the directory
 * changes.  `ktest=vfs` runs these with the permission, device and initrd
 * tests of the other *_ktest.c files here.
 */
#include <pallas/memobj.h>
#include <pallas/frame.h>
#include <pallas/mm.h>

#include "vfs_test_util.h"

void vfs_ktest_perms(struct ktest_ctx *t);
void vfs_ktest_devices(struct ktest_ctx *t);
void vfs_ktest_initrd(struct ktest_ctx *t);

static void files(struct ktest_ctx *t, struct vfs_context *c)
{
	const struct cred *r = &cred_root;
	char buf[64];
	struct file *f;
	struct linux_stat st;
	struct uio u;

	KEXPECT(t, test_write(c, r, "/a", "hello", O_EXCL) == 0);
	KEXPECT(t, test_write(c, r, "/a", "x", O_EXCL) == -EEXIST);
	KEXPECT(t, test_read(c, r, "/a", buf, sizeof(buf)) == 5 && strcmp(buf, "hello") == 0);
	KEXPECT(t, test_write(c, r, "/a", " world", O_APPEND) == 0);
	KEXPECT(t,
		test_read(c, r, "/a", buf, sizeof(buf)) == 11 && strcmp(buf, "hello world") == 0);
	KEXPECT(t, test_write(c, r, "/a", "HE", 0) == 0); /* no O_TRUNC: overwrites the start */
	KEXPECT(t,
		test_read(c, r, "/a", buf, sizeof(buf)) == 11 && strcmp(buf, "HEllo world") == 0);
	KEXPECT(t, test_write(c, r, "/a", "new", O_TRUNC) == 0);
	KEXPECT(t, test_read(c, r, "/a", buf, sizeof(buf)) == 3 && strcmp(buf, "new") == 0);
	KEXPECT(t, test_read(c, r, "/missing", buf, sizeof(buf)) == -ENOENT);
	KEXPECT(t, test_read(c, r, "/a/", buf, sizeof(buf)) == -ENOTDIR);
	KEXPECT(t, test_read(c, r, "/a/b", buf, sizeof(buf)) == -ENOTDIR);

	/* A sparse file: a hole reads as zeros and takes no pages. */
	KEXPECT(t, vfs_open(c, r, NULL, "/sparse", O_RDWR | O_CREAT, 0600, &f) == 0);
	KEXPECT(t, vfs_lseek(f, 1 << 20, SEEK_SET) == 1 << 20);
	uio_init_kernel(&u, "end", 3);
	KEXPECT(t, vfs_write(f, &u) == 3);
	memset(buf, 'x', 16);
	KEXPECT(t, vfs_kernel_read(f, buf, 16, 4096) == 16);
	KEXPECT(t, buf[0] == 0 && buf[15] == 0);
	KEXPECT(t, vfs_kernel_read(f, buf, 16, (1 << 20) + 1) == 2 && buf[0] == 'n');
	KEXPECT(t, vfs_kernel_read(f, buf, 16, 2 << 20) == 0);
	KEXPECT(t, vfs_lseek(f, 0, SEEK_END) == (1 << 20) + 3);
	KEXPECT(t, vfs_lseek(f, -1, SEEK_SET) == -EINVAL);
	vfs_fill_stat(f->inode, &st);
	KEXPECT(t, st.st_size == (1 << 20) + 3 && st.st_blocks == 8 && S_ISREG(st.st_mode));
	/* The mapping's object is the page cache: it sees what was written. */
	struct memobj *o;
	KEXPECT(t, vfs_mmap_obj(f, &o) == 0);
	paddr_t p = memobj_lookup(o, 256);
	KEXPECT(t, p && memcmp(phys_to_virt(p), "end", 3) == 0);
	if (p)
		frame_put(p);
	memobj_put(o);
	KEXPECT(t, vfs_truncate(r, f->inode, 2) == 0);
	KEXPECT(t, vfs_truncate(r, f->inode, 4096 * 300) == 0);
	KEXPECT(t, vfs_kernel_read(f, buf, 4, 1 << 20) == 4 && buf[0] == 0);
	vfs_fill_stat(f->inode, &st);
	KEXPECT(t, st.st_blocks == 0);
	file_put(f);

	/* Access modes are enforced on the open file. */
	KEXPECT(t, vfs_open(c, r, NULL, "/a", O_RDONLY, 0, &f) == 0);
	uio_init_kernel(&u, "zz", 2);
	KEXPECT(t, vfs_write(f, &u) == -EBADF);
	file_put(f);
	KEXPECT(t, vfs_open(c, r, NULL, "/", O_WRONLY, 0, &f) == -EISDIR);
	KEXPECT(t, vfs_open(c, r, NULL, "/a", O_RDONLY | O_DIRECTORY, 0, &f) == -ENOTDIR);
	KEXPECT(t, vfs_open(c, r, NULL, "/new/", O_WRONLY | O_CREAT, 0644, &f) == -EISDIR);
}

static void dirs(struct ktest_ctx *t, struct vfs_context *c)
{
	const struct cred *r = &cred_root;
	char name[300];
	struct linux_stat st;

	KEXPECT(t, vfs_mkdir(c, r, NULL, "/d", 0755) == 0);
	KEXPECT(t, vfs_mkdir(c, r, NULL, "/d", 0755) == -EEXIST);
	KEXPECT(t, vfs_mkdir(c, r, NULL, "/d/e/", 0755) == 0); /* a trailing slash is fine */
	KEXPECT(t, vfs_mkdir(c, r, NULL, "/nope/e", 0755) == -ENOENT);
	KEXPECT(t, vfs_stat(c, r, NULL, "/d", 0, &st) == 0 && st.st_nlink == 3);
	KEXPECT(t, test_write(c, r, "/d/f", "x", 0) == 0);
	KEXPECT(t, vfs_mkdir(c, r, NULL, "/d/f/g", 0755) == -ENOTDIR);
	KEXPECT(t, vfs_rmdir(c, r, NULL, "/d") == -ENOTEMPTY);
	KEXPECT(t, vfs_rmdir(c, r, NULL, "/d/f") == -ENOTDIR);
	KEXPECT(t, vfs_unlink(c, r, NULL, "/d/e") == -EISDIR);
	KEXPECT(t, vfs_unlink(c, r, NULL, "/d/f/") == -ENOTDIR);
	KEXPECT(t, vfs_rmdir(c, r, NULL, "/d/.") == -EINVAL);
	KEXPECT(t, vfs_rmdir(c, r, NULL, "/d/..") == -ENOTEMPTY);
	KEXPECT(t, vfs_rmdir(c, r, NULL, "/") == -EBUSY);
	KEXPECT(t, vfs_unlink(c, r, NULL, "/d/f") == 0);
	KEXPECT(t, vfs_unlink(c, r, NULL, "/d/f") == -ENOENT);
	KEXPECT(t, vfs_rmdir(c, r, NULL, "/d/e") == 0);
	KEXPECT(t, vfs_stat(c, r, NULL, "/d", 0, &st) == 0 && st.st_nlink == 2);
	KEXPECT(t, vfs_rmdir(c, r, NULL, "/d") == 0);
	KEXPECT(t, !test_exists(c, "/d"));

	memset(name, 'n', sizeof(name));
	name[0] = '/';
	name[256] = '\0'; /* 255 characters */
	KEXPECT(t, vfs_mkdir(c, r, NULL, name, 0755) == 0);
	name[256] = 'n';
	name[257] = '\0';
	KEXPECT(t, vfs_mkdir(c, r, NULL, name, 0755) == -ENAMETOOLONG);
	KEXPECT(t, vfs_mkdir(c, r, NULL, "", 0755) == -ENOENT);
	KEXPECT(t, test_exists(c, "/./") && test_exists(c, "//..//./"));
	KEXPECT(t, vfs_mknod(c, r, NULL, "/node", S_IFCHR | 0600, linux_makedev(1, 3)) == 0);
	KEXPECT(t, vfs_stat(c, r, NULL, "/node", 0, &st) == 0 && S_ISCHR(st.st_mode) &&
		       linux_major(st.st_rdev) == 1 && linux_minor(st.st_rdev) == 3);
	KEXPECT(t, vfs_mknod(c, r, NULL, "/bad", S_IFDIR | 0600, 0) == -EINVAL);

	/* Hard links: one inode, two names; directories refuse. */
	KEXPECT(t, test_write(c, r, "/h1", "linked", 0) == 0);
	KEXPECT(t, vfs_link(c, r, NULL, "/h1", NULL, "/h2", 0) == 0);
	KEXPECT(t, vfs_link(c, r, NULL, "/h1", NULL, "/h2", 0) == -EEXIST);
	KEXPECT(t, vfs_link(c, r, NULL, "/", NULL, "/h3", 0) == -EPERM);
	KEXPECT(t, vfs_stat(c, r, NULL, "/h2", 0, &st) == 0 && st.st_nlink == 2);
	KEXPECT(t, vfs_unlink(c, r, NULL, "/h1") == 0);
	KEXPECT(t, vfs_stat(c, r, NULL, "/h2", 0, &st) == 0 && st.st_nlink == 1 && st.st_size == 6);
}

static void renames(struct ktest_ctx *t, struct vfs_context *c)
{
	const struct cred *r = &cred_root;
	char buf[32];

	KEXPECT(t, vfs_mkdir(c, r, NULL, "/r", 0755) == 0);
	KEXPECT(t, vfs_mkdir(c, r, NULL, "/r/sub", 0755) == 0);
	KEXPECT(t, vfs_mkdir(c, r, NULL, "/r/full", 0755) == 0);
	KEXPECT(t, test_write(c, r, "/r/full/x", "x", 0) == 0);
	KEXPECT(t, test_write(c, r, "/r/f1", "one", 0) == 0);
	KEXPECT(t, test_write(c, r, "/r/f2", "two", 0) == 0);
	KEXPECT(t, vfs_rename(c, r, NULL, "/r/f1", NULL, "/r/f2", RENAME_NOREPLACE) == -EEXIST);
	KEXPECT(t, vfs_rename(c, r, NULL, "/r/f1", NULL, "/r/f2", 0) == 0);
	KEXPECT(t, !test_exists(c, "/r/f1"));
	KEXPECT(t, test_read(c, r, "/r/f2", buf, sizeof(buf)) == 3 && strcmp(buf, "one") == 0);
	KEXPECT(t, vfs_rename(c, r, NULL, "/r", NULL, "/r/sub/r", 0) == -EINVAL);
	KEXPECT(t, vfs_rename(c, r, NULL, "/r/sub", NULL, "/r/full", 0) == -ENOTEMPTY);
	KEXPECT(t, vfs_rename(c, r, NULL, "/r/sub", NULL, "/r/f2", 0) == -ENOTDIR);
	KEXPECT(t, vfs_rename(c, r, NULL, "/r/f2", NULL, "/r/sub", 0) == -EISDIR);
	KEXPECT(t, vfs_rename(c, r, NULL, "/r/f2", NULL, "/r/f3/", 0) == -ENOTDIR);
	KEXPECT(t, vfs_rename(c, r, NULL, "/r/none", NULL, "/r/x", 0) == -ENOENT);
	KEXPECT(t, vfs_rename(c, r, NULL, "/r/f2", NULL, "/r/sub", RENAME_EXCHANGE) == 0);
	KEXPECT(t, test_read(c, r, "/r/sub", buf, sizeof(buf)) == 3);
	KEXPECT(t, test_exists(c, "/r/f2/"));
	KEXPECT(t, vfs_rename(c, r, NULL, "/r/f2", NULL, "/moved", 0) == 0); /* a dir, up a level */
	struct linux_stat st;
	KEXPECT(t, vfs_stat(c, r, NULL, "/r", 0, &st) == 0 && st.st_nlink == 3); /* full, and . */
	struct linux_stat root_st;
	KEXPECT(t, vfs_stat(c, r, NULL, "/", 0, &root_st) == 0);
	KEXPECT(t, vfs_stat(c, r, NULL, "/moved/..", 0, &st) == 0 && st.st_ino == root_st.st_ino);

	/* Across mounts: EXDEV. */
	struct super_block *other = tmpfs_create(0755);
	KEXPECT(t, other && vfs_mkdir(c, r, NULL, "/mnt", 0755) == 0);
	KEXPECT(t, vfs_mount(c, "/mnt", other) == 0);
	KEXPECT(t, vfs_mount(c, "/mnt", other) == -EBUSY);
	KEXPECT(t, vfs_rename(c, r, NULL, "/r/sub", NULL, "/mnt/sub", 0) == -EXDEV);
	KEXPECT(t, vfs_link(c, r, NULL, "/r/sub", NULL, "/mnt/sub", 0) == -EXDEV);
	KEXPECT(t, vfs_rmdir(c, r, NULL, "/mnt") == -EBUSY);
	KEXPECT(t, test_write(c, r, "/mnt/inside", "m", 0) == 0);
	KEXPECT(t, test_exists(c, "/mnt/../r/full/x"));
	KEXPECT(t, vfs_mkdir(c, r, NULL, "/mnt/deep", 0755) == 0);
	KEXPECT(t, vfs_chdir(c, r, NULL, "/mnt/deep") == 0);
	long n = vfs_getcwd(c, buf, sizeof(buf));
	KEXPECT(t, n == 10 && strcmp(buf, "/mnt/deep") == 0);
	KEXPECT(t, vfs_getcwd(c, buf, 5) == -ERANGE);
	KEXPECT(t, test_exists(c, "../../r")); /* relative, back across the mount */
	KEXPECT(t, vfs_chdir(c, r, NULL, "/") == 0);
	KEXPECT(t, vfs_getcwd(c, buf, sizeof(buf)) == 2 && strcmp(buf, "/") == 0);
}

static void symlinks(struct ktest_ctx *t, struct vfs_context *c)
{
	const struct cred *r = &cred_root;
	char buf[64], path[16];
	struct linux_stat st;
	struct file *f;
	struct uio u;

	KEXPECT(t, vfs_mkdir(c, r, NULL, "/s", 0755) == 0);
	KEXPECT(t, test_write(c, r, "/s/target", "T", 0) == 0);
	KEXPECT(t, vfs_symlink(c, r, "target", NULL, "/s/l1") == 0);
	KEXPECT(t, vfs_symlink(c, r, "../s/l1", NULL, "/s/l2") == 0);
	KEXPECT(t, vfs_symlink(c, r, "/s", NULL, "/sdir") == 0);
	KEXPECT(t, test_read(c, r, "/s/l2", buf, sizeof(buf)) == 1 && buf[0] == 'T');
	KEXPECT(t, test_read(c, r, "/sdir/l1", buf, sizeof(buf)) == 1);
	KEXPECT(t, vfs_stat(c, r, NULL, "/sdir", AT_SYMLINK_NOFOLLOW, &st) == 0 &&
		       S_ISLNK(st.st_mode) && st.st_size == 2);
	KEXPECT(t, vfs_stat(c, r, NULL, "/sdir/", AT_SYMLINK_NOFOLLOW, &st) == 0 &&
		       S_ISDIR(st.st_mode));
	uio_init_kernel(&u, buf, sizeof(buf));
	KEXPECT(t, vfs_readlink(c, r, NULL, "/s/l2", &u) == 7 && memcmp(buf, "../s/l1", 7) == 0);
	uio_init_kernel(&u, buf, 3);
	KEXPECT(t, vfs_readlink(c, r, NULL, "/s/l2", &u) == 3);
	uio_init_kernel(&u, buf, sizeof(buf));
	KEXPECT(t, vfs_readlink(c, r, NULL, "/s/target", &u) == -EINVAL);
	KEXPECT(t, vfs_open(c, r, NULL, "/s/l1", O_RDONLY | O_NOFOLLOW, 0, &f) == -ELOOP);
	KEXPECT(t, vfs_symlink(c, r, "nowhere", NULL, "/s/dangling") == 0);
	KEXPECT(t, test_read(c, r, "/s/dangling", buf, sizeof(buf)) == -ENOENT);
	KEXPECT(t, vfs_symlink(c, r, "x", NULL, "/s/l1") == -EEXIST);
	KEXPECT(t, vfs_symlink(c, r, "", NULL, "/s/empty") == -ENOENT);
	/* Loops and the limit of 40. */
	KEXPECT(t, vfs_symlink(c, r, "loopb", NULL, "/s/loopa") == 0);
	KEXPECT(t, vfs_symlink(c, r, "loopa", NULL, "/s/loopb") == 0);
	KEXPECT(t, test_read(c, r, "/s/loopa", buf, sizeof(buf)) == -ELOOP);
	KEXPECT(t, vfs_symlink(c, r, "target", NULL, "/s/c0") == 0);
	for (int i = 1; i <= 40; i++) {
		char prev[16];
		ksnprintf(prev, sizeof(prev), "c%d", i - 1);
		ksnprintf(path, sizeof(path), "/s/c%d", i);
		vfs_symlink(c, r, prev, NULL, path);
	}
	KEXPECT(t, test_read(c, r, "/s/c39", buf, sizeof(buf)) == 1);	   /* 40 links */
	KEXPECT(t, test_read(c, r, "/s/c40", buf, sizeof(buf)) == -ELOOP); /* 41 */
	/* ".." never climbs above the context's root. */
	KEXPECT(t, vfs_symlink(c, r, "../../../../s/target", NULL, "/s/up") == 0);
	KEXPECT(t, test_read(c, r, "/s/up", buf, sizeof(buf)) == 1);
	/* chroot: the new root is "/" and ".." stops there. */
	struct vfs_context *jail = vfs_context_clone(c);
	KEXPECT(t, jail && vfs_chroot(jail, r, "/s") == 0);
	KEXPECT(t, jail && test_read(jail, r, "/target", buf, sizeof(buf)) == 1);
	KEXPECT(t, jail && test_read(jail, r, "/../../target", buf, sizeof(buf)) == 1);
	KEXPECT(t, jail && test_read(jail, r, "/sdir", buf, sizeof(buf)) == -ENOENT);
	vfs_context_put(jail);
}

/* k for "fk", else -1. */
static int file_number(const char *name)
{
	int k = 0;

	if (name[0] != 'f' || !name[1])
		return -1;
	for (const char *q = name + 1; *q; q++)
		k = k * 10 + (*q - '0');
	return k;
}

/* getdents64 in small pieces while names come and go: every name present
 * throughout is listed once, and no name twice. */
static void listing(struct ktest_ctx *t, struct vfs_context *c)
{
	const struct cred *r = &cred_root;
	enum { N = 60 };
	unsigned seen[N + 40] = {0};
	char path[32], buf[96];
	struct file *f;
	unsigned dots = 0, other = 0;

	KEXPECT(t, vfs_mkdir(c, r, NULL, "/list", 0755) == 0);
	for (int i = 0; i < N; i++) {
		ksnprintf(path, sizeof(path), "/list/f%d", i);
		test_write(c, r, path, "", 0);
	}
	KEXPECT(t, vfs_open(c, r, NULL, "/list", O_RDONLY | O_DIRECTORY, 0, &f) == 0);
	for (int round = 0;; round++) {
		struct uio u;
		uio_init_kernel(&u, buf, sizeof(buf));
		long n = vfs_getdents64(f, &u);
		KEXPECT(t, n >= 0);
		if (n <= 0)
			break;
		for (long off = 0; off < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + off);
			int k = file_number(d->d_name);
			if (k >= 0 && k < N + 40)
				seen[k]++;
			else if (strcmp(d->d_name, ".") == 0 || strcmp(d->d_name, "..") == 0)
				dots++;
			else
				other++;
			off += d->d_reclen;
		}
		/* Each round: drop an even name from further on, add a new one. */
		if (round < 20) {
			ksnprintf(path, sizeof(path), "/list/f%d", N - 2 - 2 * round);
			vfs_unlink(c, r, NULL, path);
			ksnprintf(path, sizeof(path), "/list/f%d", N + round);
			test_write(c, r, path, "", 0);
		}
	}
	file_put(f);
	KEXPECT(t, dots == 2 && other == 0);
	for (int i = 0; i < N; i += 2) /* the odd ones stayed throughout */
		KEXPECT(t, seen[i + 1] == 1);
	for (int i = 0; i < N + 40; i++)
		KEXPECT(t, seen[i] <= 1);
	/* A buffer too small for one record. */
	KEXPECT(t, vfs_open(c, r, NULL, "/list", O_RDONLY, 0, &f) == 0);
	struct uio u;
	uio_init_kernel(&u, buf, 10);
	KEXPECT(t, vfs_getdents64(f, &u) == -EINVAL);
	file_put(f);
}

KTEST(vfs)
{
	struct vfs_context *c = test_tree();

	KEXPECT(t, c != NULL);
	if (!c)
		return;
	files(t, c);
	dirs(t, c);
	renames(t, c);
	symlinks(t, c);
	listing(t, c);
	vfs_context_put(c);
	vfs_ktest_perms(t);
	vfs_ktest_devices(t);
	vfs_ktest_initrd(t);
}
