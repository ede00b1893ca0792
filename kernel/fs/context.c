/* vfs_context: root, cwd and umask of a process (pallas/vfs.h). */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/path.h>
#include <pallas/string.h>

#include "vfs_internal.h"

struct vfs_context *vfs_context_create_at(struct inode *root)
{
	struct vfs_context *ctx = kzalloc(sizeof(*ctx));

	if (!ctx)
		return NULL;
	ctx->refs = 1;
	inode_get(root);
	inode_get(root);
	ctx->root = ctx->cwd = root;
	sb_busy(root, 2);
	ctx->umask = 022;
	return ctx;
}

struct vfs_context *vfs_context_create(void)
{
	struct inode *root = vfs_root();
	struct vfs_context *ctx = vfs_context_create_at(root);

	inode_put(root);
	return ctx;
}

struct vfs_context *vfs_context_clone(struct vfs_context *ctx)
{
	struct inode *root = vfs_context_root(ctx), *cwd = vfs_context_cwd(ctx);
	struct vfs_context *copy = vfs_context_create_at(root);

	if (copy) {
		sb_busy(copy->cwd, -1);
		inode_put(copy->cwd);
		copy->cwd = cwd;
		sb_busy(cwd, 1);
		copy->umask = __atomic_load_n(&ctx->umask, __ATOMIC_RELAXED);
	} else {
		inode_put(cwd);
	}
	inode_put(root);
	return copy;
}

void vfs_context_get(struct vfs_context *ctx)
{
	__atomic_add_fetch(&ctx->refs, 1, __ATOMIC_RELAXED);
}

void vfs_context_put(struct vfs_context *ctx)
{
	if (!ctx || __atomic_sub_fetch(&ctx->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	sb_busy(ctx->root, -1);
	sb_busy(ctx->cwd, -1);
	inode_put(ctx->root);
	inode_put(ctx->cwd);
	kfree(ctx);
}

static struct inode *get_locked(struct vfs_context *ctx, struct inode **which)
{
	spin_lock(&ctx->lock);
	struct inode *inode = *which;
	inode_get(inode);
	spin_unlock(&ctx->lock);
	return inode;
}

struct inode *vfs_context_cwd(struct vfs_context *ctx)
{
	return get_locked(ctx, &ctx->cwd);
}

struct inode *vfs_context_root(struct vfs_context *ctx)
{
	return get_locked(ctx, &ctx->root);
}

uint32_t vfs_umask(struct vfs_context *ctx, uint32_t mask)
{
	return __atomic_exchange_n(&ctx->umask, mask & 0777, __ATOMIC_RELAXED);
}

/* Takes over the caller's reference to inode. */
static void set_locked(struct vfs_context *ctx, struct inode **which, struct inode *inode)
{
	spin_lock(&ctx->lock);
	struct inode *old = *which;
	*which = inode;
	spin_unlock(&ctx->lock);
	sb_busy(inode, 1);
	sb_busy(old, -1);
	inode_put(old);
}

int vfs_fchdir(struct vfs_context *ctx, const struct cred *cr, struct inode *dir)
{
	if (!S_ISDIR(dir->mode))
		return -ENOTDIR;
	int err = vfs_permission(dir, cr, MAY_EXEC);
	if (err)
		return err;
	inode_get(dir);
	set_locked(ctx, &ctx->cwd, dir);
	return 0;
}

int vfs_chdir(struct vfs_context *ctx, const struct cred *cr, struct inode *base, const char *path)
{
	struct inode *dir;
	int err = vfs_lookup(ctx, cr, base, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &dir);

	if (err)
		return err;
	err = vfs_fchdir(ctx, cr, dir);
	inode_put(dir);
	return err;
}

int vfs_chroot(struct vfs_context *ctx, const struct cred *cr, const char *path)
{
	struct inode *dir;
	int err = vfs_lookup(ctx, cr, NULL, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &dir);

	if (err)
		return err;
	err = cr->euid == 0 ? vfs_permission(dir, cr, MAY_EXEC) : -EPERM;
	if (!err)
		set_locked(ctx, &ctx->root, dir);
	else
		inode_put(dir);
	return err;
}

/* Prepends "/name" before *at in buf: false when it does not fit. */
static bool prepend(char *buf, size_t *at, const char *name, size_t len)
{
	if (*at < len + 1)
		return false;
	*at -= len;
	memcpy(buf + *at, name, len);
	buf[--*at] = '/';
	return true;
}

/* One step up from x (a reference, traded): its parent and x's name there. */
static int up_one(struct inode **x, char *name)
{
	struct inode *parent;
	int err = (*x)->iops->lookup(*x, "..", 2, &parent);

	if (err)
		return err;
	int n = parent->iops->name_of ? parent->iops->name_of(parent, *x, name) : -ENOENT;
	inode_put(*x);
	*x = parent;
	return n;
}

long vfs_dir_path_locked(struct inode *root, struct inode *cwd, char *tmp, char *buf, size_t size)
{
	char name[VFS_NAME_MAX + 1];
	size_t at = VFS_PATH_MAX;
	struct inode *x = cwd;
	long err = 0;

	inode_get(x);
	tmp[--at] = '\0';
	while (x != root && !err) {
		if (x == x->sb->root && x->sb->covered) {
			struct inode *c = x->sb->covered;
			inode_get(c);
			inode_put(x);
			x = c;
			continue;
		}
		if (x == x->sb->root)
			break; /* outside the context's root: what is reachable */
		int n = up_one(&x, name);
		if (n < 0)
			err = n;
		else if (!prepend(tmp, &at, name, (size_t)n))
			err = -ENAMETOOLONG;
	}
	inode_put(x);
	if (err)
		return err;
	if (at == VFS_PATH_MAX - 1)
		tmp[--at] = '/';
	size_t len = VFS_PATH_MAX - at;
	if (len > size)
		return -ERANGE;
	memcpy(buf, tmp + at, len);
	return (long)len;
}

long vfs_getcwd(struct vfs_context *ctx, char *buf, size_t size)
{
	char *tmp = kmalloc(VFS_PATH_MAX);
	struct inode *root = vfs_context_root(ctx), *cwd = vfs_context_cwd(ctx);
	long r = -ENOMEM;

	if (tmp) {
		ns_lock();
		r = cwd->nlink == 0 ? -ENOENT : vfs_dir_path_locked(root, cwd, tmp, buf, size);
		ns_unlock();
		kfree(tmp);
	}
	inode_put(root);
	inode_put(cwd);
	return r;
}

long vfs_dir_path(struct vfs_context *ctx, struct inode *dir, char *buf, size_t size)
{
	char *tmp = kmalloc(VFS_PATH_MAX);
	struct inode *root = vfs_context_root(ctx);
	long r = -ENOMEM;

	if (tmp) {
		ns_lock();
		r = dir->nlink == 0 ? -ENOENT : vfs_dir_path_locked(root, dir, tmp, buf, size);
		ns_unlock();
		kfree(tmp);
	}
	inode_put(root);
	return r;
}
