/* procfs on /proc from boot, before anything that runs programs (the ABI
 * runner, CT0's init): a boot hook of the early kind. */
#include <pallas/kernel.h>
#include <pallas/boot_hook.h>
#include <pallas/errno.h>
#include <pallas/printk.h>

#include "procfs.h"

static void procfs_mount_hook(const char *cmdline)
{
	struct vfs_context *ctx = vfs_context_create();
	struct super_block *sb = procfs_create();
	int err = ctx && sb ? vfs_mkdir(ctx, &cred_root, NULL, "/proc", 0555) : -ENOMEM;

	if (err == -EEXIST || !err)
		err = vfs_mount(ctx, "/proc", sb);
	if (err)
		pr_err("procfs: mounting on /proc: error %d\n", err);
	vfs_context_put(ctx);
}

BOOT_HOOK_EARLY(procfs, procfs_mount_hook);
