/*
 * memfd_create's files: regular files of a tmpfs that is mounted nowhere,
 * so no path reaches them and they go with their last descriptor (and
 * mapping: the page cache is a memory object of its own).
 */
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/printk.h>
#include <pallas/string.h>

#include "tmpfs.h"

static struct super_block *memfd_sb;

void memfd_init(void)
{
	memfd_sb = tmpfs_create(01777);
	if (!memfd_sb)
		panic("vfs: no memory for memfd's tmpfs");
}

int vfs_memfd_create(const char *name, const struct cred *cr, struct file **out)
{
	size_t len = strlen(name) + sizeof("/memfd: (deleted)");
	char *path = kmalloc(len);
	struct inode *inode = path ? tmpfs_new_inode(memfd_sb, S_IFREG | 0777, cr) : NULL;

	if (!inode) {
		kfree(path);
		return -ENOMEM;
	}
	int err = vfs_open_inode(inode, O_RDWR | O_LARGEFILE, out);
	inode_put(inode);
	if (err) {
		kfree(path);
		return err;
	}
	ksnprintf(path, len, "/memfd:%s (deleted)", name);
	(*out)->path = path;
	return 0;
}
