/* The inodes behind files with no name: pipes, eventfds, epolls.  Each
 * gets an inode of its own in one internal super block, as Linux's
 * pipefs and anon_inodefs give them (fstat sees its mode and st_dev). */
#include <pallas/errno.h>
#include <pallas/kernel.h>

#include "vfs_internal.h"

static const struct super_ops anon_super_ops = {.name = "anon_inodefs"};
static struct super_block *anon_sb;

void anon_inode_init(void)
{
	anon_sb = sb_alloc(&anon_super_ops);
	if (!anon_sb)
		panic("vfs: no memory for anonymous inodes");
}

struct inode *anon_inode_new(uint32_t mode)
{
	struct inode *inode = inode_alloc(anon_sb, mode);

	if (inode)
		inode->nlink = 1;
	return inode;
}

bool anon_inode_is(const struct inode *inode)
{
	return inode->sb == anon_sb;
}

int64_t anon_lseek(struct file *f, int64_t off, int whence)
{
	return (int64_t)f->pos;
}

int anon_file_create(uint32_t mode, const struct file_ops *ops, unsigned flags, void *priv,
		     struct file **out)
{
	struct inode *inode = anon_inode_new(mode);

	if (!inode)
		return -ENOMEM;
	struct file *f = file_alloc(inode, ops, flags);
	inode_put(inode); /* the file's reference keeps it */
	if (!f)
		return -ENOMEM;
	f->priv = priv;
	*out = f;
	return 0;
}
