/* open(2) on the VFS: lookup or create, then Linux's checks on what was found. */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>

#include "vfs_internal.h"

static int create_in(struct walk *w, uint32_t mode, struct inode **out)
{
	int err = vfs_permission(w->cur, w->cr, MAY_WRITE | MAY_EXEC);

	if (err)
		return err;
	if (w->cur->nlink == 0)
		return -ENOENT; /* a removed directory takes no new entries */
	if (!w->cur->iops->create)
		return -EPERM;
	uint32_t perm = mode & 07777 & ~__atomic_load_n(&w->ctx->umask, __ATOMIC_RELAXED);
	return w->cur->iops->create(w->cur, w->last, w->lastlen, S_IFREG | perm, 0, w->cr, out);
}

/* O_CREAT: the last component is looked up in its directory, created when
 * missing, followed when it is a symlink (unless O_NOFOLLOW), so that a
 * dangling link's target is created, as on Linux.  A directory is
 * -EISDIR whatever the access mode. */
static int open_create(struct walk *w, unsigned flags, uint32_t mode, struct inode **out,
		       bool *created)
{
	struct inode *inode;
	char *buf = NULL; /* a followed link's target, which w->last points into */
	int err;

	for (;;) {
		if (!w->last || w->last_dots || w->trailing) {
			err = -EISDIR;
			break;
		}
		err = vfs_lookup_child(w->cur, w->last, w->lastlen, &inode);
		if (!err && (err = walk_check_xdev(w, inode)))
			inode_put(inode);
		if (err == -ENOENT) {
			*created = true;
			err = create_in(w, mode, out);
			break;
		}
		if (err)
			break;
		if (flags & O_EXCL) {
			inode_put(inode);
			err = -EEXIST;
			break;
		}
		if (S_ISLNK(inode->mode) && !(flags & O_NOFOLLOW) && inode->iops &&
		    inode->iops->follow) {
			err = walk_follow_link(w, inode); /* a magic link: to its file */
			inode_put(inode);
			if (err)
				break;
			inode_get(w->cur);
			inode = w->cur;
		} else if (S_ISLNK(inode->mode) && !(flags & O_NOFOLLOW)) {
			if (!buf)
				buf = kmalloc(VFS_PATH_MAX);
			err = buf ? walk_link_parent(w, inode, buf) : -ENOMEM;
			inode_put(inode);
			if (err)
				break;
			if (w->last)
				walk_note_step(w, w->last, w->lastlen);
			continue;
		}
		if (S_ISDIR(inode->mode)) {
			inode_put(inode);
			err = -EISDIR;
			break;
		}
		*out = inode;
		break;
	}
	kfree(buf);
	return err;
}

/* Finds (or creates) what path names, and the path it has (*name, or NULL). */
static int find(struct vfs_context *ctx, const struct cred *cr, struct inode *base,
		const char *path, unsigned flags, uint32_t mode, unsigned resolve,
		struct inode **out, bool *created, char **name)
{
	char *scratch = walk_named_scratch(); /* without it the file has no path: fine */
	struct walk w;
	int err;

	ns_lock();
	if (flags & O_CREAT) {
		err = walk_parent_resolve(&w, ctx, cr, base, path, resolve);
		if (!err) {
			w.named = scratch;
			if (w.last)
				walk_note_step(&w, w.last, w.lastlen);
			err = open_create(&w, flags, mode, out, created);
		}
	} else {
		unsigned lf = (flags & O_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
			      (flags & O_DIRECTORY ? LOOKUP_DIRECTORY : 0);
		err = walk_path_resolve(&w, ctx, cr, base, path, lf, scratch, resolve);
		if (!err) {
			inode_get(w.cur);
			*out = w.cur;
		}
	}
	if (!err)
		*name = walk_found_path(&w, *out);
	if (w.cur)
		walk_done(&w);
	ns_unlock();
	kfree(scratch);
	return err;
}

static int check_found(struct inode *inode, const struct cred *cr, unsigned flags, bool created)
{
	unsigned acc = flags & O_ACCMODE;

	if (S_ISLNK(inode->mode))
		return (flags & O_PATH) ? 0 : -ELOOP;
	if ((flags & O_DIRECTORY) && !S_ISDIR(inode->mode))
		return -ENOTDIR;
	if (flags & O_PATH)
		return 0;
	if (S_ISDIR(inode->mode) && (acc != O_RDONLY || (flags & O_TRUNC)))
		return -EISDIR;
	if (created)
		return 0; /* the creator may open what it made, whatever its mode */
	int mask = (acc == O_RDONLY   ? MAY_READ
		    : acc == O_WRONLY ? MAY_WRITE
				      : MAY_READ | MAY_WRITE);
	if (flags & O_TRUNC)
		mask |= MAY_WRITE;
	return vfs_permission(inode, cr, mask);
}

int vfs_open(struct vfs_context *ctx, const struct cred *cr, struct inode *base, const char *path,
	     unsigned flags, uint32_t mode, struct file **out)
{
	return vfs_open_resolve(ctx, cr, base, path, flags, mode, 0, out);
}

int vfs_open_resolve(struct vfs_context *ctx, const struct cred *cr, struct inode *base,
		     const char *path, unsigned flags, uint32_t mode, unsigned resolve,
		     struct file **out)
{
	struct inode *inode;
	bool created = false;
	char *name = NULL;

	if ((flags & O_CREAT) && (flags & O_DIRECTORY))
		return -EINVAL;
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int err = find(ctx, cr, base, path, flags, mode, resolve, &inode, &created, &name);
	if (err)
		return err;
	err = check_found(inode, cr, flags, created);
	if (!err && (flags & O_TRUNC) && S_ISREG(inode->mode) && !created)
		err = vfs_truncate(NULL, inode, 0);
	if (!err)
		err = vfs_open_inode(inode, flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC),
				     out); /* O_NOCTTY reaches a terminal's open */
	if (!err) {
		(*out)->path = name;
		name = NULL;
	}
	kfree(name);
	inode_put(inode);
	return err;
}
