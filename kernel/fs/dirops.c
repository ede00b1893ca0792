/* mkdir, mknod, symlink, link, unlink and rmdir on the VFS: Linux's checks,
 * then the file system's operation, all under the namespace lock. */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/string.h>

#include "vfs_internal.h"

/* The last component must name something new in a writable directory. */
static int check_new(struct walk *w)
{
	struct inode *old;

	if (!w->last || w->last_dots)
		return -EEXIST;
	int err = vfs_lookup_child(w->cur, w->last, w->lastlen, &old);
	if (!err) {
		inode_put(old);
		return -EEXIST;
	}
	if (err != -ENOENT)
		return err;
	if (w->cur->nlink == 0)
		return -ENOENT;
	return vfs_permission(w->cur, w->cr, MAY_WRITE | MAY_EXEC);
}

static uint32_t masked(struct vfs_context *ctx, uint32_t mode)
{
	return mode & ~__atomic_load_n(&ctx->umask, __ATOMIC_RELAXED);
}

static int make(struct vfs_context *ctx, const struct cred *cr, struct inode *base,
		const char *path, uint32_t mode, uint64_t rdev, bool dir_ok_trailing)
{
	struct walk w;
	struct inode *made;

	ns_lock();
	int err = walk_parent(&w, ctx, cr, base, path);
	if (!err) {
		err = check_new(&w);
		if (!err && w.trailing && !dir_ok_trailing)
			err = -ENOENT;
		if (!err && !w.cur->iops->create)
			err = -EPERM;
		if (!err)
			err = w.cur->iops->create(w.cur, w.last, w.lastlen, mode, rdev, cr, &made);
		if (!err)
			inode_put(made);
		walk_done(&w);
	}
	ns_unlock();
	return err;
}

int vfs_mkdir(struct vfs_context *ctx, const struct cred *cr, struct inode *base, const char *path,
	      uint32_t mode)
{
	return make(ctx, cr, base, path, S_IFDIR | masked(ctx, mode & 07777), 0, true);
}

int vfs_mknod(struct vfs_context *ctx, const struct cred *cr, struct inode *base, const char *path,
	      uint32_t mode, uint64_t rdev)
{
	uint32_t type = mode & S_IFMT;

	if (type == 0)
		type = S_IFREG;
	if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK && type != S_IFIFO &&
	    type != S_IFSOCK)
		return -EINVAL;
	if ((type == S_IFCHR || type == S_IFBLK) && cr->euid != 0)
		return -EPERM; /* CAP_MKNOD */
	if (type != S_IFCHR && type != S_IFBLK)
		rdev = 0;
	return make(ctx, cr, base, path, type | masked(ctx, mode & 07777), rdev, false);
}

int vfs_symlink(struct vfs_context *ctx, const struct cred *cr, const char *target,
		struct inode *base, const char *path)
{
	struct walk w;
	struct inode *made;
	size_t tlen = strnlen(target, VFS_PATH_MAX);

	if (tlen == 0)
		return -ENOENT;
	if (tlen >= VFS_PATH_MAX)
		return -ENAMETOOLONG;
	ns_lock();
	int err = walk_parent(&w, ctx, cr, base, path);
	if (!err) {
		err = check_new(&w);
		if (!err && w.trailing)
			err = -ENOENT;
		if (!err && !w.cur->iops->symlink)
			err = -EPERM;
		if (!err)
			err = w.cur->iops->symlink(w.cur, w.last, w.lastlen, target, cr, &made);
		if (!err)
			inode_put(made);
		walk_done(&w);
	}
	ns_unlock();
	return err;
}

static int link_into(struct walk *nw, struct inode *old)
{
	int err = check_new(nw);

	if (err)
		return err;
	if (nw->trailing)
		return -ENOENT;
	if (S_ISDIR(old->mode))
		return -EPERM;
	if (old->sb != nw->cur->sb)
		return -EXDEV;
	if (old->nlink == 0)
		return -ENOENT;
	if (old->nlink >= 65000)
		return -EMLINK;
	if (!nw->cur->iops->link)
		return -EPERM;
	return nw->cur->iops->link(nw->cur, nw->last, nw->lastlen, old);
}

int vfs_link(struct vfs_context *ctx, const struct cred *cr, struct inode *obase, const char *opath,
	     struct inode *nbase, const char *npath, unsigned flags)
{
	struct walk ow, nw;

	if (flags & ~(unsigned)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	ns_lock();
	int err =
	    walk_path(&ow, ctx, cr, obase, opath, flags & AT_SYMLINK_FOLLOW ? LOOKUP_FOLLOW : 0);
	if (!err) {
		err = walk_parent(&nw, ctx, cr, nbase, npath);
		if (!err) {
			err = link_into(&nw, ow.cur);
			walk_done(&nw);
		}
		walk_done(&ow);
	}
	ns_unlock();
	return err;
}

/* The victim of an unlink or rmdir in w->cur, checked for either. */
static int find_victim(struct walk *w, bool dir, struct inode **out)
{
	struct inode *victim;
	int err = vfs_lookup_child(w->cur, w->last, w->lastlen, &victim);

	if (err)
		return err;
	if (dir && !S_ISDIR(victim->mode))
		err = -ENOTDIR;
	else if (!dir && S_ISDIR(victim->mode))
		err = -EISDIR;
	else if (!dir && w->trailing)
		err = -ENOTDIR;
	else if (victim->sb != w->cur->sb || victim->mounted || victim == w->root)
		err = -EBUSY; /* a mount point (the lookup crossed into its root) */
	if (!err)
		err = vfs_permission(w->cur, w->cr, MAY_WRITE | MAY_EXEC);
	if (!err && vfs_sticky_denies(w->cur, victim, w->cr))
		err = -EPERM;
	if (err)
		inode_put(victim);
	else
		*out = victim;
	return err;
}

static int remove(struct vfs_context *ctx, const struct cred *cr, struct inode *base,
		  const char *path, bool dir)
{
	struct walk w;
	struct inode *victim;

	ns_lock();
	int err = walk_parent(&w, ctx, cr, base, path);
	if (!err) {
		if (!w.last)
			err = dir ? -EBUSY : -EISDIR;
		else if (w.last_dots)
			err = !dir ? -EISDIR : w.last_dots == 1 ? -EINVAL : -ENOTEMPTY;
		else
			err = find_victim(&w, dir, &victim);
		if (!err) {
			err = w.cur->iops->unlink ? w.cur->iops->unlink(w.cur, w.last, w.lastlen)
						  : -EPERM;
			inode_put(victim);
		}
		walk_done(&w);
	}
	ns_unlock();
	return err;
}

int vfs_unlink(struct vfs_context *ctx, const struct cred *cr, struct inode *base, const char *path)
{
	return remove(ctx, cr, base, path, false);
}

int vfs_rmdir(struct vfs_context *ctx, const struct cred *cr, struct inode *base, const char *path)
{
	return remove(ctx, cr, base, path, true);
}
