/*
 * The CT0 initrd: a newc cpio archive (the boot module "initrd") unpacked
 * into the root tmpfs at boot.  The archive is hostile input: cpio.c bounds
 * every header, names are cleaned of "..", absolute and "." parts, and each
 * entry is created through the ordinary VFS calls as root, so a missing or
 * non-directory parent is that entry's error, logged and skipped.  A
 * malformed header ends the unpacking; what came before it stays.
 */
#include <pallas/boot.h>
#include <pallas/cpio.h>
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/path.h>
#include <pallas/string.h>

#include "vfs_internal.h"

/* Hard links: newc repeats an inode's (ino, dev) for each of its names. */
struct link_seen {
	struct link_seen *next;
	uint32_t ino, devmajor, devminor;
	char path[];
};

struct unpack {
	struct vfs_context *ctx;
	struct link_seen *links;
	char *path; /* the current entry's cleaned path, with a leading '/' */
	unsigned entries, skipped;
	int first_err;
};

static struct link_seen *find_link(struct unpack *up, const struct cpio_entry *e)
{
	for (struct link_seen *l = up->links; l; l = l->next) {
		if (l->ino == e->ino && l->devmajor == e->devmajor && l->devminor == e->devminor)
			return l;
	}
	return NULL;
}

static void remember_link(struct unpack *up, const struct cpio_entry *e)
{
	size_t n = strlen(up->path) + 1;
	struct link_seen *l = kmalloc(sizeof(*l) + n);

	if (!l)
		return;
	l->ino = e->ino;
	l->devmajor = e->devmajor;
	l->devminor = e->devminor;
	memcpy(l->path, up->path, n);
	l->next = up->links;
	up->links = l;
}

static int write_data(struct unpack *up, const struct cpio_entry *e, unsigned flags)
{
	struct file *f;
	int err =
	    vfs_open(up->ctx, &cred_root, NULL, up->path, flags | O_WRONLY, e->mode & 07777, &f);

	if (err)
		return err;
	struct uio u;
	uio_init_kernel(&u, (void *)e->data, e->size);
	long n = e->size ? vfs_write(f, &u) : 0;
	file_put(f);
	return n < 0 ? (int)n : (size_t)n != e->size ? -ENOSPC : 0;
}

static int make_regular(struct unpack *up, const struct cpio_entry *e)
{
	struct link_seen *l = e->nlink > 1 ? find_link(up, e) : NULL;

	vfs_unlink(up->ctx, &cred_root, NULL, up->path); /* a later entry replaces an earlier */
	if (l) {
		int err = vfs_link(up->ctx, &cred_root, NULL, l->path, NULL, up->path, 0);
		return err || !e->size ? err : write_data(up, e, O_TRUNC);
	}
	int err = write_data(up, e, O_CREAT | O_EXCL);
	if (!err && e->nlink > 1)
		remember_link(up, e);
	return err;
}

static int make_dir(struct unpack *up, const struct cpio_entry *e)
{
	int err = vfs_mkdir(up->ctx, &cred_root, NULL, up->path, e->mode & 07777);
	struct inode *old;

	if (err != -EEXIST)
		return err;
	err = vfs_lookup(up->ctx, &cred_root, NULL, up->path, 0, &old);
	if (!err) { /* an existing directory takes the archive's attributes */
		err = S_ISDIR(old->mode) ? 0 : -EEXIST;
		inode_put(old);
	}
	return err;
}

static bool has_nul(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!p[i])
			return true;
	}
	return false;
}

static int make_symlink(struct unpack *up, const struct cpio_entry *e)
{
	if (e->size == 0 || e->size >= VFS_PATH_MAX || has_nul(e->data, e->size))
		return -EINVAL;
	char *target = kmalloc(e->size + 1);
	if (!target)
		return -ENOMEM;
	memcpy(target, e->data, e->size);
	target[e->size] = '\0';
	vfs_unlink(up->ctx, &cred_root, NULL, up->path);
	int err = vfs_symlink(up->ctx, &cred_root, target, NULL, up->path);
	kfree(target);
	return err;
}

static int make_node(struct unpack *up, const struct cpio_entry *e)
{
	vfs_unlink(up->ctx, &cred_root, NULL, up->path);
	return vfs_mknod(up->ctx, &cred_root, NULL, up->path, e->mode & (S_IFMT | 07777),
			 linux_makedev(e->rdevmajor, e->rdevminor));
}

/* Owner, mode and mtime as the archive says (chown first: it clears set-id bits). */
static void set_attrs(struct unpack *up, const struct cpio_entry *e)
{
	struct inode *inode;

	if (vfs_lookup(up->ctx, &cred_root, NULL, up->path, 0, &inode))
		return;
	vfs_chown(&cred_root, inode, e->uid, e->gid);
	if (!S_ISLNK(inode->mode))
		vfs_chmod(&cred_root, inode, e->mode & 07777);
	struct linux_timespec t[2] = {{0, UTIME_OMIT}, {e->mtime, 0}};
	vfs_utimens(&cred_root, inode, t);
	inode_put(inode);
}

static int make_entry(struct unpack *up, const struct cpio_entry *e)
{
	switch (e->mode & S_IFMT) {
	case S_IFDIR:
		return make_dir(up, e);
	case S_IFREG:
		return make_regular(up, e);
	case S_IFLNK:
		return make_symlink(up, e);
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return make_node(up, e);
	default:
		return -EINVAL;
	}
}

static void one_entry(struct unpack *up, const struct cpio_entry *e)
{
	up->path[0] = '/';
	int n = cpio_clean_name(e->name, e->namelen, up->path + 1, VFS_PATH_MAX - 1);
	int err = n < 0 ? n : n == 0 ? 0 : make_entry(up, e);

	if (!err && n > 0)
		set_attrs(up, e);
	if (err) {
		pr_warn("initrd: %.64s: skipped (error %d)\n", e->name, err);
		up->skipped++;
		if (!up->first_err)
			up->first_err = err;
	} else {
		up->entries++;
	}
}

int initrd_unpack(struct inode *root, const void *buf, size_t len)
{
	struct unpack up = {.ctx = vfs_context_create_at(root), .path = kmalloc(VFS_PATH_MAX)};
	struct cpio_reader r;
	struct cpio_entry e;
	int rc;

	if (!up.ctx || !up.path) {
		vfs_context_put(up.ctx);
		kfree(up.path);
		return -ENOMEM;
	}
	vfs_umask(up.ctx, 0);
	cpio_init(&r, buf, len);
	while ((rc = cpio_next(&r, &e)) > 0)
		one_entry(&up, &e);
	if (rc < 0) {
		pr_err("initrd: malformed archive at byte %zu (error %d): kept the %u entries "
		       "before it\n",
		       r.off, rc, up.entries);
		if (!up.first_err)
			up.first_err = rc;
	}
	pr_info("initrd: %u entries unpacked, %u skipped\n", up.entries, up.skipped);
	while (up.links) {
		struct link_seen *l = up.links;
		up.links = l->next;
		kfree(l);
	}
	kfree(up.path);
	vfs_context_put(up.ctx);
	return up.first_err;
}

void initrd_unpack_boot(void)
{
	for (uint32_t i = 0; i < boot_info.module_count; i++) {
		const struct boot_module *m = &boot_info.modules[i];
		if (strcmp(m->name, "initrd") != 0)
			continue;
		pr_info("initrd: %lu bytes at %#lx\n", m->size, m->base);
		struct inode *root = vfs_root();
		initrd_unpack(root, phys_to_virt(m->base), m->size);
		inode_put(root);
		return;
	}
	pr_info("initrd: none given, the root file system stays empty\n");
}
