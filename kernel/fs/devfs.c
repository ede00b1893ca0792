/* devfs: a tmpfs of device nodes mounted on /dev.  The nodes open their
 * drivers by number (chrdev.c), so a node unpacked from the initrd into
 * any directory works the same. */
#include <pallas/kernel.h>

#include "tty_internal.h"
#include "vfs_internal.h"

static const struct {
	const char *name;
	uint32_t mode, major, minor;
} nodes[] = {
    {"null", 0666, 1, 3},    {"zero", 0666, 1, 5},    {"full", 0666, 1, 7},
    {"random", 0666, 1, 8},  {"urandom", 0666, 1, 9}, {"tty", 0666, 5, 0},
    {"console", 0600, 5, 1}, {"ttyS0", 0660, 4, 64}, /* the serial port behind the console: the same
							terminal */
};

/* Links into /proc, as udev and systemd make them on Linux. */
static const struct {
	const char *name, *target;
} links[] = {
    {"/fd", "/proc/self/fd"},
    {"/stdin", "/proc/self/fd/0"},
    {"/stdout", "/proc/self/fd/1"},
    {"/stderr", "/proc/self/fd/2"},
};

void devfs_init(void)
{
	struct super_block *sb = tmpfs_create(0755);
	struct vfs_context *ctx = sb ? vfs_context_create_at(sb->root) : NULL;
	int err;

	if (!ctx) {
		pr_err("devfs: out of memory\n");
		return;
	}
	vfs_umask(ctx, 0);
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
		char path[16];
		ksnprintf(path, sizeof(path), "/%s", nodes[i].name);
		err = vfs_mknod(ctx, &cred_root, NULL, path, S_IFCHR | nodes[i].mode,
				linux_makedev(nodes[i].major, nodes[i].minor));
		if (err)
			pr_err("devfs: /dev/%s: error %d\n", nodes[i].name, err);
	}
	for (size_t i = 0; i < ARRAY_SIZE(links); i++) {
		err = vfs_symlink(ctx, &cred_root, links[i].target, NULL, links[i].name);
		if (err)
			pr_err("devfs: /dev%s: error %d\n", links[i].name, err);
	}
	devpts_init(ctx, sb->root);
	vfs_context_put(ctx);
	err = vfs_mount(NULL, "/dev", sb);
	if (err)
		pr_err("devfs: mounting on /dev: error %d\n", err);
}
