/* rename(2) and renameat2(2): Linux's rules, checked with the namespace
 * locked so that the tree cannot change between the checks and the move. */
#include <pallas/errno.h>
#include <pallas/kernel.h>

#include "vfs_internal.h"

/* Whether dir is anc or lies below it (a directory may not move under itself). */
static bool is_within(struct inode *dir, struct inode *anc)
{
	struct inode *x = dir, *parent;
	bool found = false;

	inode_get(x);
	while (!found) {
		if (x == anc)
			found = true;
		else if (x == x->sb->root || x->iops->lookup(x, "..", 2, &parent) != 0)
			break;
		else {
			inode_put(x);
			x = parent;
		}
	}
	inode_put(x);
	return found;
}

static int may_remove(struct walk *w, struct inode *victim)
{
	int err = vfs_permission(w->cur, w->cr, MAY_WRITE | MAY_EXEC);

	if (!err && vfs_sticky_denies(w->cur, victim, w->cr))
		err = -EPERM;
	if (!err && (victim->mounted || victim == w->root || victim == victim->sb->root))
		err = -EBUSY;
	return err;
}

/* A directory that changes parent has its ".." rewritten: it must be writable. */
static int may_move_dir(struct walk *from, struct walk *to, struct inode *dir)
{
	if (!S_ISDIR(dir->mode) || from->cur == to->cur)
		return 0;
	if (is_within(to->cur, dir))
		return -EINVAL;
	return vfs_permission(dir, from->cr, MAY_WRITE);
}

static int check_types(struct inode *old, struct inode *new, struct walk *ow, struct walk *nw,
		       unsigned flags)
{
	if (!S_ISDIR(old->mode) && (ow->trailing || (nw->trailing && !new)))
		return -ENOTDIR;
	if (!new || (flags & RENAME_EXCHANGE))
		return 0;
	if (S_ISDIR(old->mode) && !S_ISDIR(new->mode))
		return -ENOTDIR;
	if (!S_ISDIR(old->mode) && S_ISDIR(new->mode))
		return -EISDIR;
	return 0;
}

static int check_rename(struct walk *ow, struct walk *nw, struct inode *old, struct inode *new,
			unsigned flags)
{
	int err = check_types(old, new, ow, nw, flags);

	if (!err)
		err = may_remove(ow, old);
	if (!err && new)
		err = may_remove(nw, new);
	if (!err && !new)
		err = vfs_permission(nw->cur, nw->cr, MAY_WRITE | MAY_EXEC);
	if (!err)
		err = may_move_dir(ow, nw, old);
	if (!err && new && (flags & RENAME_EXCHANGE))
		err = may_move_dir(nw, ow, new);
	if (!err && nw->cur->nlink == 0)
		err = -ENOENT;
	return err;
}

static int rename_walked(struct walk *ow, struct walk *nw, unsigned flags)
{
	struct inode *old, *new = NULL;

	if (!ow->last || ow->last_dots || !nw->last || nw->last_dots)
		return (flags & RENAME_NOREPLACE) && nw->last ? -EEXIST : -EBUSY;
	if (ow->cur->sb != nw->cur->sb)
		return -EXDEV;
	int err = vfs_lookup_child(ow->cur, ow->last, ow->lastlen, &old);
	if (err)
		return err;
	err = vfs_lookup_child(nw->cur, nw->last, nw->lastlen, &new);
	if (err == -ENOENT && !(flags & RENAME_EXCHANGE)) {
		new = NULL;
		err = 0;
	} else if (!err && (flags & RENAME_NOREPLACE)) {
		err = -EEXIST;
	}
	if (!err && (old->sb != ow->cur->sb || (new &&new->sb != nw->cur->sb)))
		err = -EXDEV; /* one of them is a mount point */
	if (!err && old != new)
		err = check_rename(ow, nw, old, new, flags);
	if (!err && old != new) /* hard links to one inode: nothing to do */
		err = ow->cur->iops->rename
			  ? ow->cur->iops->rename(ow->cur, ow->last, ow->lastlen, nw->cur, nw->last,
						  nw->lastlen, flags)
			  : -EPERM;
	inode_put(old);
	inode_put(new);
	return err;
}

int vfs_rename(struct vfs_context *ctx, const struct cred *cr, struct inode *obase,
	       const char *opath, struct inode *nbase, const char *npath, unsigned flags)
{
	struct walk ow, nw;

	if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL;
	if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
		return -EINVAL;
	ns_lock();
	int err = walk_parent(&ow, ctx, cr, obase, opath);
	if (!err) {
		err = walk_parent(&nw, ctx, cr, nbase, npath);
		if (!err) {
			err = rename_walked(&ow, &nw, flags);
			walk_done(&nw);
		}
		walk_done(&ow);
	}
	ns_unlock();
	return err;
}
