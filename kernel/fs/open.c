/* open(2) on the VFS: lookup or create, then Linux's checks on what was found. */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/string.h>

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
 * missing, followed when it is a symlink (unless O_NOFOLLOW). */
static int open_create(struct walk *w, unsigned flags, uint32_t mode, struct inode **out,
		       bool *created)
{
	struct inode *inode;

	if (!w->last || w->last_dots || w->trailing)
		return -EISDIR;
	int err = vfs_lookup_child(w->cur, w->last, w->lastlen, &inode);
	if (err == -ENOENT) {
		*created = true;
		return create_in(w, mode, out);
	}
	if (err)
		return err;
	if (flags & O_EXCL) {
		inode_put(inode);
		return -EEXIST;
	}
	if (S_ISLNK(inode->mode) && !(flags & O_NOFOLLOW)) {
		err = walk_follow_link(w, inode); /* a dangling link stays ENOENT */
		inode_put(inode);
		if (err)
			return err;
		inode_get(w->cur);
		inode = w->cur;
	}
	*out = inode;
	return 0;
}

static char *copy_path(const char *s)
{
	size_t len = strlen(s);
	char *c = kmalloc(len + 1);

	if (c)
		memcpy(c, s, len + 1);
	return c;
}

/* Finds (or creates) what path names, and the path it has (*name, or NULL). */
static int find(struct vfs_context *ctx, const struct cred *cr, struct inode *base,
		const char *path, unsigned flags, uint32_t mode, struct inode **out, bool *created,
		char **name, struct file **via)
{
	char *scratch = walk_named_scratch(); /* without it the file has no path: fine */
	struct walk w;
	int err;

	ns_lock();
	if (flags & O_CREAT) {
		err = walk_parent(&w, ctx, cr, base, path);
		if (!err) {
			w.named = scratch;
			if (w.last)
				walk_note_step(&w, w.last, w.lastlen);
			err = open_create(&w, flags, mode, out, created);
		}
	} else {
		unsigned lf = (flags & O_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
			      (flags & O_DIRECTORY ? LOOKUP_DIRECTORY : 0);
		err = walk_path_named(&w, ctx, cr, base, path, lf, scratch);
		if (!err) {
			inode_get(w.cur);
			*out = w.cur;
		}
	}
	if (!err && w.magic && w.cur == *out) {
		/* Through /proc/PID/fd/N: the file that names, reopened. */
		*via = w.magic;
		w.magic = NULL;
		*name = (*via)->path ? copy_path((*via)->path) : NULL;
	} else if (!err) {
		*name = walk_found_path(&w, *out);
	}
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
	struct inode *inode;
	bool created = false;
	char *name = NULL;
	struct file *via = NULL;

	if ((flags & O_CREAT) && (flags & O_DIRECTORY))
		return -EINVAL;
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int err = find(ctx, cr, base, path, flags, mode, &inode, &created, &name, &via);
	if (err)
		return err;
	err = check_found(inode, cr, flags, created);
	if (!err && (flags & O_TRUNC) && S_ISREG(inode->mode) && !created)
		err = vfs_truncate(NULL, inode, 0);
	unsigned fl = flags & ~(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC);
	if (!err && via && via->ops == &pipe_file_ops && !(flags & O_PATH))
		err = pipe_reopen(via, fl, out); /* the same pipe, as Linux's fifo_open */
	else if (!err)
		err = vfs_open_inode(inode, fl | (flags & O_NOCTTY), out);
	file_put(via);
	if (!err) {
		(*out)->path = name;
		name = NULL;
	}
	kfree(name);
	inode_put(inode);
	return err;
}
