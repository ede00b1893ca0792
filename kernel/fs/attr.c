/* stat, access, readlink and the attribute changes (truncate, chmod, chown,
 * utimensat), with Linux's ownership rules. */
#include <pallas/errno.h>
#include <pallas/kernel.h>

#include "vfs_internal.h"

int vfs_stat(struct vfs_context *ctx, const struct cred *cr, struct inode *base, const char *path,
	     unsigned flags, struct linux_stat *st)
{
	struct inode *inode;

	if (flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT))
		return -EINVAL;
	int err = vfs_lookup(ctx, cr, base, path, flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW,
			     &inode);
	if (err)
		return err;
	vfs_fill_stat(inode, st);
	inode_put(inode);
	return 0;
}

int vfs_access(struct vfs_context *ctx, const struct cred *cr, struct inode *base, const char *path,
	       int mode, unsigned flags)
{
	struct inode *inode;
	struct cred real = *cr;

	if (mode & ~(R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(unsigned)(AT_SYMLINK_NOFOLLOW | AT_EACCESS))
		return -EINVAL;
	if (!(flags & AT_EACCESS)) { /* access(2) asks as the real ids */
		real.fsuid = cr->uid;
		real.fsgid = cr->gid;
	}
	int err = vfs_lookup(ctx, &real, base, path,
			     flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW, &inode);
	if (err)
		return err;
	if (mode)
		err = vfs_permission(inode, &real, mode);
	inode_put(inode);
	return err;
}

long vfs_readlink(struct vfs_context *ctx, const struct cred *cr, struct inode *base,
		  const char *path, struct uio *u)
{
	struct inode *inode;
	long err = vfs_lookup(ctx, cr, base, path, 0, &inode);

	if (err)
		return err;
	if (!S_ISLNK(inode->mode) || !inode->iops->readlink)
		err = -EINVAL;
	else
		err = inode->iops->readlink(inode, u);
	inode_put(inode);
	return err;
}

int vfs_truncate(const struct cred *cr, struct inode *inode, int64_t size)
{
	if (size < 0)
		return -EINVAL;
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode) || !inode->iops->truncate)
		return -EINVAL;
	int err = cr ? vfs_permission(inode, cr, MAY_WRITE) : 0;
	return err ? err : inode->iops->truncate(inode, (uint64_t)size);
}

static bool owner_or_root(const struct cred *cr, struct inode *inode)
{
	return cr->fsuid == 0 || cr->fsuid == inode->uid;
}

int vfs_chmod(const struct cred *cr, struct inode *inode, uint32_t mode)
{
	mutex_lock(&inode->lock);
	int err = owner_or_root(cr, inode) ? 0 : -EPERM;
	if (!err) {
		mode &= S_IALLUGO;
		if (cr->fsuid != 0 && !cred_in_group(cr, inode->gid))
			mode &= ~(uint32_t)S_ISGID;
		inode->mode = (inode->mode & S_IFMT) | mode;
		inode_touch(inode, VFS_TOUCH_C);
	}
	mutex_unlock(&inode->lock);
	return err;
}

static int may_chown(const struct cred *cr, struct inode *inode, uint32_t uid, uint32_t gid)
{
	if (cr->fsuid == 0)
		return 0;
	if (uid != (uint32_t)-1 && uid != inode->uid)
		return -EPERM;
	if (gid != (uint32_t)-1 && gid != inode->gid &&
	    (cr->fsuid != inode->uid || !cred_in_group(cr, gid)))
		return -EPERM;
	if (cr->fsuid != inode->uid && (uid != (uint32_t)-1 || gid != (uint32_t)-1))
		return -EPERM;
	return 0;
}

int vfs_chown(const struct cred *cr, struct inode *inode, uint32_t uid, uint32_t gid)
{
	mutex_lock(&inode->lock);
	int err = may_chown(cr, inode, uid, gid);
	if (!err) {
		if (uid != (uint32_t)-1)
			inode->uid = uid;
		if (gid != (uint32_t)-1)
			inode->gid = gid;
		/* A changed owner keeps no set-id power (group exec: a real setgid). */
		if (!S_ISDIR(inode->mode) && (uid != (uint32_t)-1 || gid != (uint32_t)-1)) {
			inode->mode &= ~(uint32_t)S_ISUID;
			if (inode->mode & S_IXGRP)
				inode->mode &= ~(uint32_t)S_ISGID;
		}
		inode_touch(inode, VFS_TOUCH_C);
	}
	mutex_unlock(&inode->lock);
	return err;
}

static bool valid_nsec(int64_t ns)
{
	return ns == UTIME_NOW || ns == UTIME_OMIT || (ns >= 0 && ns < 1000000000);
}

static void set_time(struct vfs_time *t, const struct linux_timespec *ts, struct vfs_time now)
{
	if (ts->tv_nsec == UTIME_OMIT)
		return;
	if (ts->tv_nsec == UTIME_NOW)
		*t = now;
	else
		*t = (struct vfs_time){.sec = ts->tv_sec, .nsec = (uint32_t)ts->tv_nsec};
}

int vfs_utimens(const struct cred *cr, struct inode *inode, const struct linux_timespec *times)
{
	static const struct linux_timespec now2[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};

	if (!times)
		times = now2;
	if (!valid_nsec(times[0].tv_nsec) || !valid_nsec(times[1].tv_nsec))
		return -EINVAL;
	bool only_now = (times[0].tv_nsec == UTIME_NOW || times[0].tv_nsec == UTIME_OMIT) &&
			(times[1].tv_nsec == UTIME_NOW || times[1].tv_nsec == UTIME_OMIT);
	int err = 0;
	if (!owner_or_root(cr, inode))
		err = only_now ? vfs_permission(inode, cr, MAY_WRITE) : -EPERM;
	if (err)
		return err;
	mutex_lock(&inode->lock);
	struct vfs_time now = vfs_now();
	set_time(&inode->atime, &times[0], now);
	set_time(&inode->mtime, &times[1], now);
	inode->ctime = now;
	mutex_unlock(&inode->lock);
	return 0;
}
