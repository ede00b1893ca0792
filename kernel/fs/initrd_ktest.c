/* initrd_unpack on archives built here byte by byte: every entry type,
 * hard links, names that try to leave the root, parents that are missing
 * or files, and a truncated archive that keeps what came before the cut
 * (part of `ktest=vfs`). */
#include <pallas/cpio.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>

#include "vfs_test_util.h"

void vfs_ktest_initrd(struct ktest_ctx *t);

struct archive {
	char *buf;
	size_t len, cap;
};

static void add(struct archive *a, const char *name, uint32_t mode, uint32_t ino, uint32_t nlink,
		const char *data, uint32_t rmaj, uint32_t rmin)
{
	size_t nsize = strlen(name) + 1, dsize = data ? strlen(data) : 0;
	size_t need = ALIGN_UP(CPIO_HEADER_SIZE + nsize, 4) + ALIGN_UP(dsize, 4);

	if (a->len + need > a->cap)
		return;
	char *h = a->buf + a->len;
	memset(h, 0, need);
	ksnprintf(h, CPIO_HEADER_SIZE + 1,
		  "070701%08x%08x%08x%08x%08x%08x%08zx%08x%08x%08x%08x%08zx%08x", ino, mode, 0, 0,
		  nlink, 1700000000u, dsize, 0, 0, rmaj, rmin, nsize, 0);
	memcpy(h + CPIO_HEADER_SIZE, name, nsize);
	memcpy(h + ALIGN_UP(CPIO_HEADER_SIZE + nsize, 4), data ? data : "", dsize);
	a->len += need;
}

static void build(struct archive *a)
{
	add(a, ".", S_IFDIR | 0755, 1, 2, NULL, 0, 0);
	add(a, "etc", S_IFDIR | 0755, 2, 2, NULL, 0, 0);
	add(a, "./etc/hostname", S_IFREG | 0644, 3, 1, "pallas\n", 0, 0);
	add(a, "bin", S_IFDIR | 0755, 4, 2, NULL, 0, 0);
	add(a, "bin/busybox", S_IFREG | 0755, 5, 1, "\177ELF", 0, 0);
	add(a, "bin/sh", S_IFLNK | 0777, 6, 1, "busybox", 0, 0);
	add(a, "bin/ln1", S_IFREG | 0600, 7, 2, NULL, 0, 0); /* GNU cpio: data with the last */
	add(a, "bin/ln2", S_IFREG | 0600, 7, 2, "shared", 0, 0);
	add(a, "dev", S_IFDIR | 0755, 8, 2, NULL, 0, 0);
	add(a, "dev/null", S_IFCHR | 0666, 9, 1, NULL, 1, 3);
	add(a, "../evil", S_IFREG | 0644, 10, 1, "x", 0, 0);
	add(a, "etc/../../evil2", S_IFREG | 0644, 11, 1, "x", 0, 0);
	add(a, "/abs/missing", S_IFREG | 0644, 12, 1, "x", 0, 0);
	add(a, "etc/hostname/under", S_IFREG | 0644, 13, 1, "x", 0, 0);
	add(a, "//etc//./passwd", S_IFREG | 0640, 14, 1, "root:x:0:0::/:/bin/sh\n", 0, 0);
	add(a, "tmp", S_IFDIR | 01777, 15, 2, NULL, 0, 0);
	add(a, "TRAILER!!!", 0, 0, 1, NULL, 0, 0);
}

static void check(struct ktest_ctx *t, struct vfs_context *c)
{
	char buf[64];
	struct linux_stat st;
	struct uio u;

	KEXPECT(t, test_read(c, &cred_root, "/etc/hostname", buf, sizeof(buf)) == 7 &&
		       strcmp(buf, "pallas\n") == 0);
	KEXPECT(t, vfs_stat(c, &cred_root, NULL, "/etc/passwd", 0, &st) == 0 &&
		       (st.st_mode & 07777) == 0640 && st.st_mtim.tv_sec == 1700000000);
	uio_init_kernel(&u, buf, sizeof(buf));
	KEXPECT(t, vfs_readlink(c, &cred_root, NULL, "/bin/sh", &u) == 7);
	KEXPECT(t, test_read(c, &cred_root, "/bin/sh", buf, sizeof(buf)) == 4);
	struct linux_stat a, b;
	KEXPECT(t, vfs_stat(c, &cred_root, NULL, "/bin/ln1", 0, &a) == 0);
	KEXPECT(t, vfs_stat(c, &cred_root, NULL, "/bin/ln2", 0, &b) == 0);
	KEXPECT(t, a.st_ino == b.st_ino && a.st_nlink == 2 && a.st_size == 6);
	KEXPECT(t, vfs_stat(c, &cred_root, NULL, "/dev/null", 0, &st) == 0 && S_ISCHR(st.st_mode) &&
		       st.st_rdev == linux_makedev(1, 3));
	KEXPECT(t, vfs_stat(c, &cred_root, NULL, "/tmp", 0, &st) == 0 &&
		       (st.st_mode & 07777) == 01777);
	KEXPECT(t, !test_exists(c, "/evil") && !test_exists(c, "/evil2"));
	KEXPECT(t, !test_exists(c, "/abs"));
}

void vfs_ktest_initrd(struct ktest_ctx *t)
{
	struct archive a = {.buf = kmalloc(8192), .cap = 8192};
	struct vfs_context *c = test_tree();
	struct inode *root;

	KEXPECT(t, a.buf && c);
	if (!a.buf || !c)
		return;
	build(&a);
	root = vfs_context_root(c);
	/* Errors of single entries come back, and the rest is there. */
	KEXPECT(t, initrd_unpack(root, a.buf, a.len) == -EINVAL);
	check(t, c);
	inode_put(root);
	vfs_context_put(c);

	/* Cut in the middle of the passwd entry's header: what came before stays. */
	c = test_tree();
	KEXPECT(t, c != NULL);
	if (c) {
		const char *cut = NULL;
		for (size_t i = 0; i + 6 < a.len && !cut; i++) {
			if (memcmp(a.buf + i, "//etc//./passwd", 15) == 0)
				cut = a.buf + i - 50;
		}
		root = vfs_context_root(c);
		KEXPECT(t, cut && initrd_unpack(root, a.buf, (size_t)(cut - a.buf)) != 0);
		KEXPECT(t, test_exists(c, "/etc/hostname") && test_exists(c, "/bin/ln2"));
		KEXPECT(t, !test_exists(c, "/etc/passwd"));
		inode_put(root);
		vfs_context_put(c);
	}
	/* Garbage: nothing, an error, no crash. */
	c = test_tree();
	if (c) {
		root = vfs_context_root(c);
		KEXPECT(t, initrd_unpack(root, "070701zzzz", 10) == -EINVAL);
		KEXPECT(t, initrd_unpack(root, "", 0) == 0);
		inode_put(root);
		vfs_context_put(c);
	}
	kfree(a.buf);
}
