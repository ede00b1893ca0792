/*
 * /proc/PID/mounts' mounts made by mount(2) (after the boot's three fixed
 * lines, procfs_pid.c) and /proc/PID/mountinfo, from the VFS's mount table
 * (vfs_for_each_mount) seen from the process's root.  A chrooted process
 * sees the fixed lines only: the table does not say which mounts are
 * under its root.  Mount IDs are the table's order from 20.
 */
#include <pallas/errno.h>
#include <pallas/mm.h>
#include <pallas/string.h>
#include <pallas/vfs.h>

#include "procfs.h"

#define MS_NOSUID      2
#define MS_NODEV       4
#define MS_NOEXEC      8
#define MS_NOATIME     1024
#define MS_NODIRATIME  2048
#define MS_STRICTATIME (1 << 24)
#define MAX_LISTED     64

struct listing {
	struct pbuf *b;
	bool info; /* mountinfo's form */
	unsigned n;
	struct super_block *sbs[MAX_LISTED];
};

static void show_opts(struct pbuf *b, unsigned mf)
{
	pbuf_printf(b, "rw");
	if (mf & MS_NOSUID)
		pbuf_printf(b, ",nosuid");
	if (mf & MS_NODEV)
		pbuf_printf(b, ",nodev");
	if (mf & MS_NOEXEC)
		pbuf_printf(b, ",noexec");
	if (mf & MS_NOATIME)
		pbuf_printf(b, ",noatime");
	else if (!(mf & MS_STRICTATIME))
		pbuf_printf(b, ",relatime");
	if (mf & MS_NODIRATIME)
		pbuf_printf(b, ",nodiratime");
}

/* The boot's mounts as the fixed lines name them. */
static void boot_names(const struct super_block *sb, const char *path, const char **source,
		       const char **type, const char **opts)
{
	*type = sb->ops->name;
	*source = sb->ops->name;
	*opts = "rw";
	if (strcmp(path, "/") == 0) {
		*source = "rootfs";
	} else if (strcmp(path, "/dev") == 0) {
		*source = *type = "devtmpfs";
		*opts = "rw,nosuid";
	} else if (strcmp(*type, "proc") == 0) {
		*opts = "rw,nosuid,nodev,noexec";
	}
}

static void one(void *arg, struct super_block *sb, const char *path)
{
	struct listing *l = arg;
	struct pbuf *b = l->b;

	if (l->n >= MAX_LISTED)
		return;
	unsigned id = 20 + l->n, parent = id;
	for (unsigned i = 0; sb->covered && i < l->n; i++)
		if (l->sbs[i] == sb->covered->sb)
			parent = 20 + i;
	l->sbs[l->n++] = sb;
	bool tmpfs = strcmp(sb->ops->name, "tmpfs") == 0;
	if (!l->info) {
		if (!sb->source)
			return; /* the fixed lines have it */
		pbuf_printf(b, "%s %s %s ", sb->source, path, sb->ops->name);
		show_opts(b, sb->mount_flags);
		pbuf_printf(b, "%s 0 0\n", tmpfs ? ",inode64" : "");
		return;
	}
	pbuf_printf(b, "%u %u %u:%u / %s ", id, parent, linux_major(sb->dev), linux_minor(sb->dev),
		    path);
	if (sb->source) {
		show_opts(b, sb->mount_flags);
		pbuf_printf(b, " - %s %s rw%s\n", sb->ops->name, sb->source,
			    tmpfs ? ",inode64" : "");
	} else {
		const char *source, *type, *opts;
		boot_names(sb, path, &source, &type, &opts);
		pbuf_printf(b, "%s - %s %s rw\n", opts, type, source);
	}
}

static int list(struct pbuf *b, const struct pfs_ctx *c, bool info)
{
	struct vfs_context *fs = proc_fs(c->p);
	struct listing *l = kzalloc(sizeof(*l));

	if (!fs || !l) {
		vfs_context_put(fs);
		kfree(l);
		return fs ? -ENOMEM : 0;
	}
	l->b = b;
	l->info = info;
	struct inode *root = vfs_context_root(fs), *top = vfs_root();
	if (root == top)
		vfs_for_each_mount(root, one, l);
	inode_put(top);
	inode_put(root);
	vfs_context_put(fs);
	kfree(l);
	return 0;
}

void pfs_show_user_mounts(struct pbuf *b, const struct pfs_ctx *c)
{
	list(b, c, false);
}

int pfs_show_mountinfo(struct pbuf *b, const struct pfs_ctx *c)
{
	return list(b, c, true);
}
