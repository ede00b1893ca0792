/* The file system tree at boot: a tmpfs root, devfs on /dev, then the
 * initrd unpacked into the root (initrd.c). */
#include <pallas/kernel.h>

#include "vfs_internal.h"

void vfs_init(void)
{
	ns_lock_init();
	struct super_block *root = tmpfs_create(0755);
	if (!root)
		panic("vfs: no memory for the root file system");
	vfs_set_tree_root(root);
	anon_inode_init();
	memfd_init();
	mem_devices_init();
	tty_init();
	struct vfs_context *ctx = vfs_context_create();
	int err = ctx ? vfs_mkdir(ctx, &cred_root, NULL, "/dev", 0755) : -12;
	vfs_context_put(ctx);
	if (err)
		pr_err("vfs: mkdir /dev: error %d\n", err);
	devfs_init();
	pr_info("vfs: tmpfs on /, devfs on /dev\n");
}
