/*
 * Path walks: component by component from the context's root or a base
 * directory, "." and ".." (never above the context's root, across mounts),
 * symlinks with Linux's limit of 40 per walk, and the trailing-slash rule.
 * Everything here runs under the namespace lock.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/path.h>
#include <pallas/string.h>

#include "vfs_internal.h"

#define MAX_LINKS 40 /* Linux's MAXSYMLINKS */

static void drop_magic(struct walk *w)
{
	struct file *f = w->magic;

	w->magic = NULL;
	file_put(f);
}

static void move_to(struct walk *w, struct inode *inode)
{
	drop_magic(w);
	inode_put(w->cur);
	w->cur = inode;
}

int vfs_lookup_child(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	if (!dir->iops || !dir->iops->lookup)
		return -ENOTDIR;
	int err = dir->iops->lookup(dir, name, len, out);
	if (!err)
		*out = vfs_follow_mounts(*out);
	return err;
}

static int step_dotdot(struct walk *w)
{
	for (;;) {
		if (w->cur == w->root)
			return 0;
		struct super_block *sb = w->cur->sb;
		if (w->cur != sb->root)
			break;
		if (!sb->covered)
			return 0; /* the top of everything */
		inode_get(sb->covered);
		move_to(w, sb->covered);
	}
	struct inode *parent;
	int err = w->cur->iops->lookup(w->cur, "..", 2, &parent);
	if (!err)
		move_to(w, vfs_follow_mounts(parent));
	return err;
}

static int walk_components(struct walk *w, const char *path, size_t len, unsigned flags,
			   bool parent);

int walk_follow_link(struct walk *w, struct inode *link)
{
	if (++w->links > MAX_LINKS)
		return -ELOOP;
	if (link->iops && link->iops->get_file) {
		struct file *f = link->iops->get_file(link);
		if (f) {
			inode_get(f->inode);
			move_to(w, f->inode);
			w->magic = f;
			return 0;
		}
	}
	if (!link->iops || !link->iops->readlink)
		return -EINVAL;
	char *target = kmalloc(VFS_PATH_MAX);
	if (!target)
		return -ENOMEM;
	struct uio u;
	uio_init_kernel(&u, target, VFS_PATH_MAX - 1);
	long n = link->iops->readlink(link, &u);
	int err = n < 0 ? (int)n : n == 0 ? -ENOENT : 0;
	if (!err)
		err = walk_components(w, target, (size_t)n, LOOKUP_FOLLOW, false);
	kfree(target);
	return err;
}

/* Moves the walk to dir's child name, following a symlink there if asked. */
static int step(struct walk *w, const char *name, size_t len, bool follow)
{
	struct inode *child;
	int err = vfs_lookup_child(w->cur, name, len, &child);

	if (err)
		return err;
	if (S_ISLNK(child->mode) && follow) {
		err = walk_follow_link(w, child); /* from the link's directory */
		inode_put(child);
		return err;
	}
	walk_note_step(w, name, len);
	move_to(w, child);
	return 0;
}

static int walk_components(struct walk *w, const char *path, size_t len, unsigned flags,
			   bool parent)
{
	struct path_iter it;
	const char *name;

	if (len && path[0] == '/') {
		inode_get(w->root);
		move_to(w, w->root);
	}
	path_iter_init(&it, path, len);
	for (;;) {
		int n = path_next(&it, &name);
		if (n <= 0)
			return n;
		bool last = path_iter_done(&it);
		if (!S_ISDIR(w->cur->mode))
			return -ENOTDIR;
		int err = vfs_permission(w->cur, w->cr, MAY_EXEC);
		if (err)
			return err;
		if (last && parent) {
			w->last = name;
			w->lastlen = (size_t)n;
			w->last_dots = path_dots(name, (size_t)n);
			return 0;
		}
		int dots = path_dots(name, (size_t)n);
		if (dots == 2)
			err = step_dotdot(w);
		else if (dots == 0)
			err = step(w, name, (size_t)n, !last || (flags & LOOKUP_FOLLOW));
		if (err)
			return err;
	}
}

void walk_note_step(struct walk *w, const char *name, size_t len)
{
	if (!w->named || len > VFS_NAME_MAX)
		return;
	inode_get(w->cur);
	inode_put(w->named_dir);
	w->named_dir = w->cur;
	memcpy(w->named, name, len);
	w->named[len] = '\0';
}

void walk_done(struct walk *w)
{
	drop_magic(w);
	inode_put(w->named_dir);
	w->named_dir = NULL;
	inode_put(w->cur);
	inode_put(w->root);
	w->cur = w->root = NULL;
}

static int walk_start(struct walk *w, struct vfs_context *ctx, const struct cred *cr,
		      struct inode *base, const char *path)
{
	memset(w, 0, sizeof(*w));
	size_t len = strnlen(path, VFS_PATH_MAX);
	int err = path_check(len);
	if (err)
		return err;
	w->ctx = ctx;
	w->cr = cr;
	w->root = vfs_context_root(ctx);
	if (base) {
		inode_get(base);
		w->cur = base;
	} else {
		w->cur = vfs_context_cwd(ctx);
	}
	w->trailing = path_trailing_slash(path, len);
	return 0;
}

int walk_path(struct walk *w, struct vfs_context *ctx, const struct cred *cr, struct inode *base,
	      const char *path, unsigned flags)
{
	return walk_path_named(w, ctx, cr, base, path, flags, NULL);
}

int walk_path_named(struct walk *w, struct vfs_context *ctx, const struct cred *cr,
		    struct inode *base, const char *path, unsigned flags, char *named)
{
	int err = walk_start(w, ctx, cr, base, path);

	if (err)
		return err;
	w->named = named;
	if (w->trailing)
		flags |= LOOKUP_FOLLOW | LOOKUP_DIRECTORY;
	err = walk_components(w, path, strlen(path), flags, false);
	if (!err && (flags & LOOKUP_DIRECTORY) && !S_ISDIR(w->cur->mode))
		err = -ENOTDIR;
	if (err)
		walk_done(w);
	return err;
}

int walk_parent(struct walk *w, struct vfs_context *ctx, const struct cred *cr, struct inode *base,
		const char *path)
{
	int err = walk_start(w, ctx, cr, base, path);

	if (err)
		return err;
	err = walk_components(w, path, strlen(path), 0, true);
	if (!err && !S_ISDIR(w->cur->mode))
		err = -ENOTDIR;
	if (err)
		walk_done(w);
	return err;
}

int vfs_lookup(struct vfs_context *ctx, const struct cred *cr, struct inode *base, const char *path,
	       unsigned lookup_flags, struct inode **out)
{
	struct walk w;

	ns_lock();
	int err = walk_path(&w, ctx, cr, base, path, lookup_flags);
	if (!err) {
		*out = w.cur;
		w.cur = NULL;
		walk_done(&w);
	}
	ns_unlock();
	return err;
}
