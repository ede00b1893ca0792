/*
 * Superblocks and the mount table.  A mount is a superblock whose root
 * covers a directory: the walk turns the directory into the root on the way
 * down (vfs_follow_mounts) and the root back into the directory on ".."
 * (namei.c).  One superblock is mounted at most once.
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>

#include "vfs_internal.h"

static struct list mount_table = LIST_INIT(mount_table);
static uint64_t next_dev = 1;
static struct inode *tree_root;
static struct mutex ns_mutex;

void ns_lock_init(void)
{
	mutex_init(&ns_mutex);
}

void ns_lock(void)
{
	mutex_lock(&ns_mutex);
}

void ns_unlock(void)
{
	mutex_unlock(&ns_mutex);
}

bool ns_lock_held(void)
{
	return mutex_held(&ns_mutex);
}

struct super_block *sb_alloc(const struct super_ops *ops)
{
	struct super_block *sb = kzalloc(sizeof(*sb));

	if (!sb)
		return NULL;
	sb->ops = ops;
	/* Linux's anonymous devices are major 0. */
	sb->dev = linux_makedev(0, (uint32_t)__atomic_fetch_add(&next_dev, 1, __ATOMIC_RELAXED));
	list_init(&sb->mounts);
	return sb;
}

struct inode *vfs_follow_mounts(struct inode *inode)
{
	while (inode->mounted) {
		struct inode *root = inode->mounted->root;
		inode_get(root);
		inode_put(inode);
		inode = root;
	}
	return inode;
}

/* The tree's root is the first mount: vfs_init sets it. */
void vfs_set_tree_root(struct super_block *sb)
{
	inode_get(sb->root);
	tree_root = sb->root;
	list_push_back(&mount_table, &sb->mounts);
}

struct inode *vfs_root(void)
{
	inode_get(tree_root);
	return tree_root;
}

int vfs_mount_at(struct vfs_context *ctx, const struct cred *cr, struct inode *base,
		 const char *path, struct super_block *sb)
{
	struct walk w;

	ns_lock();
	/* The walk goes through what is mounted there already: the new mount
	 * covers the top one's root, as Linux stacks mounts. */
	int err = walk_path(&w, ctx, cr, base, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY);
	if (!err && (w.cur->mounted || sb->covered))
		err = -EBUSY;
	if (!err) {
		inode_get(w.cur);
		sb->covered = w.cur;
		w.cur->mounted = sb;
		list_push_back(&mount_table, &sb->mounts);
	}
	if (w.cur)
		walk_done(&w);
	ns_unlock();
	return err;
}

/* The kernel's own mounts (boot): as root, from the tree's root. */
int vfs_mount(struct vfs_context *ctx, const char *path, struct super_block *sb)
{
	struct vfs_context *own = ctx ? NULL : vfs_context_create();

	if (!ctx && !(ctx = own))
		return -ENOMEM;
	int err = vfs_mount_at(ctx, &cred_root, NULL, path, sb);
	vfs_context_put(own);
	return err;
}

/* Whether a mount sits on a directory of sb. */
static bool has_submounts_locked(struct super_block *sb)
{
	struct list *n;

	list_for_each(n, &mount_table)
	{
		struct super_block *m = container_of(n, struct super_block, mounts);
		if (m->covered && m->covered->sb == sb)
			return true;
	}
	return false;
}

/* Takes sb (and, detach, every mount inside it) off the tree. */
static void detach_locked(struct super_block *sb)
{
	for (;;) {
		struct super_block *sub = NULL;
		struct list *n;
		list_for_each(n, &mount_table)
		{
			struct super_block *m = container_of(n, struct super_block, mounts);
			if (m->covered && m->covered->sb == sb)
				sub = m;
		}
		if (!sub)
			break;
		detach_locked(sub);
	}
	struct inode *covered = sb->covered;
	covered->mounted = NULL;
	sb->covered = NULL;
	list_remove(&sb->mounts);
	inode_put(covered);
}

int vfs_umount(struct vfs_context *ctx, const struct cred *cr, struct inode *base, const char *path,
	       unsigned lookup_flags, bool detach)
{
	struct walk w;

	ns_lock();
	int err = walk_path(&w, ctx, cr, base, path, lookup_flags);
	if (!err) {
		struct super_block *sb = w.cur->sb;
		/* The walk's own reference to the root is one more use. */
		uint32_t uses = __atomic_load_n(&sb->busy, __ATOMIC_RELAXED);
		if (w.cur != sb->root || !sb->covered)
			err = -EINVAL; /* not a mount point (or the tree's root) */
		else if (!detach && (uses > 0 || has_submounts_locked(sb)))
			err = -EBUSY;
		else
			detach_locked(sb);
		walk_done(&w);
	}
	ns_unlock();
	return err;
}

void vfs_for_each_mount(struct inode *root,
			void (*fn)(void *arg, struct super_block *sb, const char *path), void *arg)
{
	char *tmp = kmalloc(VFS_PATH_MAX), *buf = kmalloc(VFS_PATH_MAX);
	struct list *n;

	if (!tmp || !buf) {
		kfree(tmp);
		kfree(buf);
		return;
	}
	ns_lock();
	list_for_each(n, &mount_table)
	{
		struct super_block *sb = container_of(n, struct super_block, mounts);
		if (!sb->covered) {
			if (sb->root == tree_root)
				fn(arg, sb, "/");
			continue;
		}
		if (vfs_dir_path_locked(root, sb->covered, tmp, buf, VFS_PATH_MAX) > 0)
			fn(arg, sb, buf);
	}
	ns_unlock();
	kfree(tmp);
	kfree(buf);
}
