/*
 * tmpfs: the root file system, in memory.  Directory entries are the only
 * copy of the tree (each holds a reference to its inode); a regular file's
 * data is a MEMOBJ_FILE memory object, which is also its page cache, so a
 * mapping of the file shares its pages.  The namespace lock covers every
 * directory change.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/string.h>

#include "tmpfs.h"

static const struct inode_ops tmpfs_iops;
static const struct super_ops tmpfs_sops = {.name = "tmpfs"};

struct inode *tmpfs_new_inode(struct super_block *sb, uint32_t mode, const struct cred *cr)
{
	struct inode *inode = inode_alloc(sb, mode);
	struct tmpfs_node *n = kzalloc(sizeof(*n));

	if (!inode || !n)
		goto fail;
	inode->iops = &tmpfs_iops;
	inode->priv = n;
	inode->uid = cr->fsuid;
	inode->gid = cr->fsgid;
	if (S_ISDIR(mode)) {
		tdir_init(&n->dir);
		inode->fops = &tmpfs_dir_ops;
		inode->size = PAGE_SIZE / 2; /* Linux tmpfs reports entries * 20; any is fine */
	} else if (S_ISREG(mode)) {
		inode->fops = &tmpfs_reg_ops;
		inode->data = memobj_create(MEMOBJ_FILE, 0, NULL, inode, NULL);
		if (!inode->data)
			goto fail;
	}
	return inode;
fail:
	if (inode)
		inode_put(inode);
	else
		kfree(n);
	return NULL;
}

struct super_block *tmpfs_create(uint32_t mode)
{
	struct super_block *sb = sb_alloc(&tmpfs_sops);

	if (!sb)
		return NULL;
	struct inode *root = tmpfs_new_inode(sb, S_IFDIR | (mode & 07777), &cred_root);
	if (!root) {
		kfree(sb);
		return NULL;
	}
	root->nlink = 2;
	tnode(root)->parent = root;
	sb->root = root;
	return sb;
}

static int tmpfs_lookup(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	struct tmpfs_node *n = tnode(dir);
	struct inode *found = NULL;

	if (dir->nlink == 0)
		return -ENOENT;
	if (len == 2 && name[0] == '.' && name[1] == '.') {
		found = n->parent;
	} else if (len == 1 && name[0] == '.') {
		found = dir;
	} else {
		struct tdir_entry *e = tdir_find(&n->dir, name, len);
		found = e ? e->inode : NULL;
	}
	if (!found)
		return -ENOENT;
	inode_get(found);
	*out = found;
	return 0;
}

/* Puts child into dir under name (its reference is the entry's). */
static int attach(struct inode *dir, const char *name, size_t len, struct inode *child)
{
	int err = tdir_add(&tnode(dir)->dir, name, len, child);

	if (err)
		return err;
	mutex_lock(&dir->lock);
	if (S_ISDIR(child->mode)) {
		dir->nlink++;
		tnode(child)->parent = dir;
	}
	inode_touch(dir, VFS_TOUCH_M | VFS_TOUCH_C);
	mutex_unlock(&dir->lock);
	return 0;
}

static int tmpfs_create_child(struct inode *dir, const char *name, size_t len, uint32_t mode,
			      uint64_t rdev, const struct cred *cr, struct inode **out)
{
	struct inode *inode = tmpfs_new_inode(dir->sb, mode, cr);

	if (!inode)
		return -ENOMEM;
	if (dir->mode & S_ISGID) { /* BSD group semantics below a setgid directory */
		inode->gid = dir->gid;
		if (S_ISDIR(mode))
			inode->mode |= S_ISGID;
	}
	inode->rdev = rdev;
	inode->nlink = S_ISDIR(mode) ? 2 : 1;
	int err = attach(dir, name, len, inode);
	if (err) {
		inode_put(inode);
		return err;
	}
	inode_get(inode);
	*out = inode;
	return 0;
}

static int tmpfs_symlink(struct inode *dir, const char *name, size_t len, const char *target,
			 const struct cred *cr, struct inode **out)
{
	size_t tlen = strlen(target);
	char *copy = kmalloc(tlen + 1);
	struct inode *inode = copy ? tmpfs_new_inode(dir->sb, S_IFLNK | 0777, cr) : NULL;

	if (!inode) {
		kfree(copy);
		return -ENOMEM;
	}
	memcpy(copy, target, tlen + 1);
	tnode(inode)->target = copy;
	inode->size = tlen;
	inode->nlink = 1;
	int err = attach(dir, name, len, inode);
	if (err) {
		inode_put(inode);
		return err;
	}
	inode_get(inode);
	*out = inode;
	return 0;
}

static int tmpfs_link(struct inode *dir, const char *name, size_t len, struct inode *target)
{
	inode_get(target);
	int err = attach(dir, name, len, target);
	if (err) {
		inode_put(target);
		return err;
	}
	mutex_lock(&target->lock);
	target->nlink++;
	inode_touch(target, VFS_TOUCH_C);
	mutex_unlock(&target->lock);
	return 0;
}

/* The entry's inode loses this name; the entry's reference goes to the caller. */
static void drop_name(struct inode *dir, struct inode *child)
{
	mutex_lock(&dir->lock);
	if (S_ISDIR(child->mode))
		dir->nlink--;
	inode_touch(dir, VFS_TOUCH_M | VFS_TOUCH_C);
	mutex_unlock(&dir->lock);
	mutex_lock(&child->lock);
	if (S_ISDIR(child->mode)) {
		child->nlink = 0;
		tnode(child)->parent = NULL;
	} else {
		child->nlink--;
	}
	inode_touch(child, VFS_TOUCH_C);
	mutex_unlock(&child->lock);
}

static bool busy_dir(struct inode *inode)
{
	return S_ISDIR(inode->mode) && tnode(inode)->dir.count != 0;
}

static int tmpfs_unlink(struct inode *dir, const char *name, size_t len)
{
	struct tdir_entry *e = tdir_find(&tnode(dir)->dir, name, len);

	if (!e)
		return -ENOENT;
	struct inode *child = e->inode;
	if (busy_dir(child))
		return -ENOTEMPTY;
	tdir_remove(&tnode(dir)->dir, e);
	drop_name(dir, child);
	inode_put(child);
	return 0;
}

static void reparent(struct inode *child, struct inode *from, struct inode *to)
{
	if (!S_ISDIR(child->mode) || from == to)
		return;
	mutex_lock(&from->lock);
	from->nlink--;
	mutex_unlock(&from->lock);
	mutex_lock(&to->lock);
	to->nlink++;
	mutex_unlock(&to->lock);
	tnode(child)->parent = to;
}

static void touch_dirs(struct inode *a, struct inode *b)
{
	inode_touch(a, VFS_TOUCH_M | VFS_TOUCH_C);
	inode_touch(b, VFS_TOUCH_M | VFS_TOUCH_C);
}

static int exchange(struct inode *odir, struct tdir_entry *oe, struct inode *ndir,
		    struct tdir_entry *ne)
{
	struct inode *a = oe->inode, *b = ne->inode;

	oe->inode = b;
	ne->inode = a;
	reparent(a, odir, ndir);
	reparent(b, ndir, odir);
	touch_dirs(odir, ndir);
	return 0;
}

static int tmpfs_rename(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
			const char *nname, size_t nlen, unsigned flags)
{
	struct tdir_entry *oe = tdir_find(&tnode(odir)->dir, oname, olen);
	struct tdir_entry *ne = tdir_find(&tnode(ndir)->dir, nname, nlen);

	if (!oe || ((flags & RENAME_EXCHANGE) && !ne))
		return -ENOENT;
	if (flags & RENAME_EXCHANGE)
		return exchange(odir, oe, ndir, ne);
	struct inode *child = oe->inode;
	if (ne) {
		struct inode *victim = ne->inode;
		if (busy_dir(victim))
			return -ENOTEMPTY;
		ne->inode = child;
		drop_name(ndir, victim);
		inode_put(victim);
		if (S_ISDIR(child->mode)) /* drop_name took the victim's ".." */
			ndir->nlink++;
	} else {
		int err = tdir_add(&tnode(ndir)->dir, nname, nlen, child);
		if (err)
			return err;
		if (S_ISDIR(child->mode))
			ndir->nlink++;
	}
	tdir_remove(&tnode(odir)->dir, oe);
	if (S_ISDIR(child->mode)) {
		odir->nlink--;
		tnode(child)->parent = ndir;
	}
	inode_touch(child, VFS_TOUCH_C);
	touch_dirs(odir, ndir);
	return 0;
}

static long tmpfs_readlink(struct inode *inode, struct uio *u)
{
	const char *t = tnode(inode)->target;
	size_t n = MIN(strlen(t), u->resid);

	return uio_result(u, uio_copy_out(u, t, n));
}

static int tmpfs_name_of(struct inode *dir, struct inode *child, char *buf)
{
	struct tdir_entry *e = tdir_find_inode(&tnode(dir)->dir, child);

	if (!e)
		return -ENOENT;
	memcpy(buf, e->name, e->len + 1u);
	return e->len;
}

static void tmpfs_evict(struct inode *inode)
{
	struct tmpfs_node *n = tnode(inode);

	if (!n)
		return;
	if (S_ISDIR(inode->mode)) { /* only a whole tree's teardown leaves entries */
		while (!list_empty(&n->dir.entries)) {
			struct tdir_entry *e =
			    container_of(n->dir.entries.next, struct tdir_entry, node);
			struct inode *child = e->inode;
			tdir_remove(&n->dir, e);
			inode_put(child);
		}
	}
	kfree(n->target);
	kfree(n);
}

static const struct inode_ops tmpfs_iops = {
    .lookup = tmpfs_lookup,
    .create = tmpfs_create_child,
    .symlink = tmpfs_symlink,
    .link = tmpfs_link,
    .unlink = tmpfs_unlink,
    .rename = tmpfs_rename,
    .readlink = tmpfs_readlink,
    .truncate = tmpfs_truncate,
    .name_of = tmpfs_name_of,
    .evict = tmpfs_evict,
};
