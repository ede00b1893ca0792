/*
 * mount(2) and umount2(2) for new tmpfs and proc mounts on a directory,
 * over the VFS's mount table (vfs_mount_at, vfs_umount).  CAP_SYS_ADMIN is
 * an effective uid of 0 (CT0's rule).  Checks in Linux's order: the
 * strings copied, the target walked (ENOENT, ENOTDIR), then EPERM, then
 * the type (ENODEV).  MS_REMOUNT, MS_BIND, MS_MOVE, the propagation flags
 * and MS_RDONLY are not there (EINVAL); the other per-mount flags are
 * taken and shown in /proc/mounts.  Of the data string only tmpfs's
 * mode= is read.
 */
#include <pallas/errno.h>
#include <pallas/mm.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>
#include <pallas/vfs.h>

#include "fs_args.h"
#include "procfs.h"
#include "sys_fs.h"

#define MS_RDONLY      1
#define MS_NOSUID      2
#define MS_NODEV       4
#define MS_NOEXEC      8
#define MS_SYNCHRONOUS 16
#define MS_REMOUNT     32
#define MS_MANDLOCK    64
#define MS_DIRSYNC     128
#define MS_NOSYMFOLLOW 256
#define MS_NOATIME     1024
#define MS_NODIRATIME  2048
#define MS_BIND	       4096
#define MS_MOVE	       8192
#define MS_SILENT      32768
#define MS_RELATIME    (1 << 21)
#define MS_STRICTATIME (1 << 24)
#define MS_LAZYTIME    (1 << 25)
#define MS_MGC_MSK     0xffff0000ul
#define MS_MGC_VAL     0xc0ed0000ul
#define MS_TAKEN                                                                                \
	(MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS | MS_DIRSYNC | MS_NOATIME |          \
	 MS_NODIRATIME | MS_SILENT | MS_RELATIME | MS_STRICTATIME | MS_LAZYTIME | MS_MANDLOCK | \
	 MS_NOSYMFOLLOW)

#define MNT_FORCE	0x1
#define MNT_DETACH	0x2
#define MNT_EXPIRE	0x4
#define UMOUNT_NOFOLLOW 0x8

#define MOUNT_STR_MAX 4096

/* A mount string (type, source, data; cut: a longer one is cut to a
 * page): kmalloc'd, NULL for a NULL pointer. */
static int copy_str(uintptr_t u, char **out, bool cut)
{
	*out = NULL;
	if (!u)
		return 0;
	char *s = kmalloc(MOUNT_STR_MAX);
	if (!s)
		return -ENOMEM;
	long n = strncpy_from_user(s, (const char *)u, MOUNT_STR_MAX);
	if (n >= MOUNT_STR_MAX && cut) {
		s[MOUNT_STR_MAX - 1] = '\0'; /* data: Linux takes a page, whatever is in it */
	} else if (n < 0 || n >= MOUNT_STR_MAX) {
		kfree(s);
		return n < 0 ? -EFAULT : -EINVAL;
	}
	*out = s;
	return 0;
}

static bool may_mount(const struct proc *p)
{
	return p->cred.euid == 0;
}

/* What a new mount's flags are, or -EINVAL. */
static long mount_flags(uint64_t flags)
{
	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~MS_MGC_MSK;
	flags &= 0xffffffffull;
	if (flags & ~(uint64_t)MS_TAKEN)
		return -EINVAL;
	return (long)(flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME |
			       MS_RELATIME | MS_STRICTATIME));
}

/* tmpfs's mode= option (octal) from the data string, else 01777. */
static uint32_t tmpfs_mode(const char *data)
{
	uint32_t mode = 01777;

	for (const char *s = data; s && *s;) {
		if (strncmp(s, "mode=", 5) == 0) {
			uint32_t m = 0;
			const char *d = s + 5;
			while (*d >= '0' && *d <= '7' && m <= 07777)
				m = m * 8 + (uint32_t)(*d++ - '0');
			if (d > s + 5 && (*d == ',' || !*d) && m <= 07777)
				mode = m;
		}
		const char *comma = strchr(s, ',');
		s = comma ? comma + 1 : NULL;
	}
	return mode;
}

/* mount(source, target, fstype, flags, data) */
long sys_mount(const struct syscall_args *a)
{
	struct proc *p = fs_self();
	char *type, *source = NULL, *target = NULL, *data = NULL;
	struct inode *dir = NULL;

	int err = copy_str(a->a[2], &type, false);
	if (!err)
		err = copy_str(a->a[0], &source, false);
	if (!err)
		err = fs_copy_path(a->a[1], false, &target);
	if (!err)
		err = copy_str(a->a[4], &data, true);
	if (!err)
		err = vfs_lookup(p->fs, &p->cred, NULL, target, LOOKUP_FOLLOW, &dir);
	if (!err && !S_ISDIR(dir->mode))
		err = -ENOTDIR;
	if (!err && !may_mount(p))
		err = -EPERM;
	long mf = err ? 0 : mount_flags(a->a[3]);
	if (!err && mf < 0)
		err = (int)mf;
	if (!err && !type)
		err = -EINVAL;
	struct super_block *sb = NULL;
	if (!err) {
		if (strcmp(type, "tmpfs") == 0)
			sb = tmpfs_create(tmpfs_mode(data));
		else if (strcmp(type, "proc") == 0)
			sb = procfs_create();
		else
			err = -ENODEV;
		if (!err && !sb)
			err = -ENOMEM;
	}
	if (!err) {
		if (!source && (source = kmalloc(5)))
			memcpy(source, "none", 5);
		sb->source = source;
		sb->mount_flags = (unsigned)mf;
		source = NULL;
		err = vfs_mount_at(p->fs, &p->cred, NULL, target, sb);
		/* A super block that was never mounted is not freed: none is. */
	}
	inode_put(dir);
	kfree(type);
	kfree(data);
	kfree(source);
	kfree(target);
	return err;
}

/* umount2(target, flags) */
long sys_umount2(const struct syscall_args *a)
{
	struct proc *p = fs_self();
	unsigned flags = (unsigned)a->a[1];
	char *target;

	if (flags & ~(unsigned)(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
		return -EINVAL;
	int err = fs_copy_path(a->a[0], false, &target);
	if (err)
		return err;
	unsigned lf = flags & UMOUNT_NOFOLLOW ? 0 : LOOKUP_FOLLOW;
	struct inode *at;
	err = vfs_lookup(p->fs, &p->cred, NULL, target, lf, &at);
	if (!err) {
		inode_put(at);
		if (!may_mount(p))
			err = -EPERM;
		else if (flags & MNT_EXPIRE)
			err = -EAGAIN; /* marked; nothing expires mounts here yet */
		else
			err = vfs_umount(p->fs, &p->cred, NULL, target, lf, flags & MNT_DETACH);
	}
	kfree(target);
	return err;
}
