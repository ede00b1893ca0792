/* Inodes: reference counts, times, stat (pallas/vfs.h). */
#include <pallas/kernel.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/string.h>
#include <pallas/time.h>
#include <pallas/wallclock.h>
#include <pallas/vfs.h>

void inode_get(struct inode *inode)
{
	__atomic_add_fetch(&inode->refs, 1, __ATOMIC_RELAXED);
}

void inode_put(struct inode *inode)
{
	if (!inode || __atomic_sub_fetch(&inode->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	if (inode->iops && inode->iops->evict)
		inode->iops->evict(inode);
	if (inode->data)
		memobj_put(inode->data);
	kfree(inode);
}

/* Boot-relative until the kernel reads a wall clock: times still order
 * correctly, which is what make and tar compare. */
struct vfs_time vfs_now(void)
{
	uint64_t ns = wallclock_ns();

	return (struct vfs_time){.sec = (int64_t)(ns / NSEC_PER_SEC),
				 .nsec = (uint32_t)(ns % NSEC_PER_SEC)};
}

struct inode *inode_alloc(struct super_block *sb, uint32_t mode)
{
	struct inode *inode = kzalloc(sizeof(*inode));

	if (!inode)
		return NULL;
	inode->refs = 1;
	inode->sb = sb;
	inode->ino = __atomic_add_fetch(&sb->next_ino, 1, __ATOMIC_RELAXED);
	inode->mode = mode;
	mutex_init(&inode->lock);
	inode->atime = inode->mtime = inode->ctime = vfs_now();
	return inode;
}

void inode_touch(struct inode *inode, unsigned which)
{
	struct vfs_time now = vfs_now();

	if (which & VFS_TOUCH_A)
		inode->atime = now;
	if (which & VFS_TOUCH_M)
		inode->mtime = now;
	if (which & VFS_TOUCH_C)
		inode->ctime = now;
}

static struct linux_timespec ts(struct vfs_time t)
{
	return (struct linux_timespec){.tv_sec = t.sec, .tv_nsec = t.nsec};
}

void vfs_fill_stat(struct inode *inode, struct linux_stat *st)
{
	memset(st, 0, sizeof(*st));
	mutex_lock(&inode->lock);
	st->st_dev = inode->sb->dev;
	st->st_ino = inode->ino;
	st->st_nlink = inode->nlink;
	st->st_mode = inode->mode;
	st->st_uid = inode->uid;
	st->st_gid = inode->gid;
	st->st_rdev = inode->rdev;
	st->st_size = (int64_t)inode->size;
	st->st_blksize = PAGE_SIZE;
	st->st_blocks = (int64_t)inode->blocks;
	st->st_atim = ts(inode->atime);
	st->st_mtim = ts(inode->mtime);
	st->st_ctim = ts(inode->ctime);
	mutex_unlock(&inode->lock);
}
