/* Permission checks against a struct cred, as Linux's generic_permission. */
#include <pallas/errno.h>
#include <pallas/vfs.h>

int vfs_permission(struct inode *inode, const struct cred *cr, int mask)
{
	uint32_t mode = inode->mode;

	if (cr->fsuid == 0) { /* CAP_DAC_OVERRIDE */
		if (!(mask & MAY_EXEC) || S_ISDIR(mode) || (mode & 0111))
			return 0;
		return -EACCES;
	}
	unsigned bits;
	if (cr->fsuid == inode->uid)
		bits = (mode >> 6) & 7;
	else if (cred_in_group(cr, inode->gid))
		bits = (mode >> 3) & 7;
	else
		bits = mode & 7;
	return ((unsigned)mask & ~bits) ? -EACCES : 0;
}

bool vfs_sticky_denies(struct inode *dir, struct inode *victim, const struct cred *cr)
{
	if (!(dir->mode & S_ISVTX) || cr->fsuid == 0)
		return false;
	return cr->fsuid != victim->uid && cr->fsuid != dir->uid;
}
