/* tmpfs's own shared definitions (tmpfs.c, tmpfs_file.c). */
#ifndef KERNEL_FS_TMPFS_H
#define KERNEL_FS_TMPFS_H

#include <pallas/tmpfs_dir.h>

#include "vfs_internal.h"

/* Files up to 1 TiB: page indexes stay far from overflow, and nobody can
 * ask the page cache for more than memory could ever hold in one call. */
#define TMPFS_MAX_SIZE (1ull << 40)

struct tmpfs_node {
	struct tdir dir;      /* directories */
	struct inode *parent; /* directories: where ".." leads (no reference:
			       * the parent's entry keeps this one alive) */
	char *target;	      /* symlinks */
};

static inline struct tmpfs_node *tnode(struct inode *inode)
{
	return inode->priv;
}

extern const struct file_ops tmpfs_reg_ops;
extern const struct file_ops tmpfs_dir_ops;
int tmpfs_truncate(struct inode *inode, uint64_t size);
/* A fresh inode of sb (nlink 0, in no directory) owned by cr's fs ids. */
struct inode *tmpfs_new_inode(struct super_block *sb, uint32_t mode, const struct cred *cr);

#endif
