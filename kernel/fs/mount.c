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

int vfs_mount(struct vfs_context *ctx, const char *path, struct super_block *sb)
{
	struct vfs_context *own = ctx ? NULL : vfs_context_create();
	struct walk w;
	int err;

	if (!ctx && !(ctx = own))
		return -ENOMEM;
	ns_lock();
	err = walk_path(&w, ctx, &cred_root, NULL, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY);
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
	vfs_context_put(own);
	return err;
}
