/*
 * The virtual file system (kernel/fs/): inodes, open files, superblocks and
 * their mounts, path walks relative to a vfs_context, and the operations the
 * Linux personality's file calls map onto.  Modes, flags, errors and the
 * stat layout are Linux's (uapi/linux_fs.h).
 *
 * Locking: one namespace mutex serializes every path walk and every change
 * to a directory (create, link, unlink, rename, mount), so rename's rules
 * are checked against a tree that holds still.  An inode's own mutex covers
 * its data and attributes; a file's position has a mutex of its own.  Reads
 * and writes take no namespace lock, so a blocking device read stalls no
 * one else.  All of it needs thread context.
 *
 * Paths handed in are kernel strings (the personality copies them with
 * strncpy_from_user first); the buffers of reads and writes are struct uio,
 * user or kernel.
 */
#ifndef PALLAS_VFS_H
#define PALLAS_VFS_H

#include <pallas/cred.h>
#include <pallas/list.h>
#include <pallas/mutex.h>
#include <pallas/types.h>
#include <pallas/uio.h>
#include <uapi/linux_fs.h>

struct inode;
struct file;
struct super_block;
struct memobj;

/* Permission masks for vfs_permission. */
#define MAY_EXEC  1
#define MAY_WRITE 2
#define MAY_READ  4

struct vfs_time {
	int64_t sec;
	uint32_t nsec;
};

/* Directory and metadata operations (a file system's; NULL: not supported). */
struct inode_ops {
	/* The child called name (".." included) with a reference, or -ENOENT. */
	int (*lookup)(struct inode *dir, const char *name, size_t len, struct inode **out);
	/* A new inode of mode (type and permissions, umask applied) under name:
	 * regular files, directories, device nodes, FIFOs and sockets. */
	int (*create)(struct inode *dir, const char *name, size_t len, uint32_t mode, uint64_t rdev,
		      const struct cred *cr, struct inode **out);
	int (*symlink)(struct inode *dir, const char *name, size_t len, const char *target,
		       const struct cred *cr, struct inode **out);
	/* A new name for an existing non-directory. */
	int (*link)(struct inode *dir, const char *name, size_t len, struct inode *target);
	/* Removes the entry name, which the VFS has checked (type, emptiness). */
	int (*unlink)(struct inode *dir, const char *name, size_t len);
	/* Moves odir/oname to ndir/nname, replacing (or, RENAME_EXCHANGE,
	 * swapping with) what is there, which the VFS has checked. */
	int (*rename)(struct inode *odir, const char *oname, size_t olen, struct inode *ndir,
		      const char *nname, size_t nlen, unsigned flags);
	/* A symlink's target into u: its length. */
	long (*readlink)(struct inode *inode, struct uio *u);
	/* A magic link's (/proc/PID/fd/N's) inode, with a reference, and the
	 * path it was opened by (kmalloc'd, or NULL), which a walk goes to
	 * instead of reading the link: 0, -errno, or 1 when this link is an
	 * ordinary one after all.  NULL: every link of the inode is ordinary. */
	int (*follow)(struct inode *link, struct inode **out, char **path);
	/* New size for a regular file. */
	int (*truncate)(struct inode *inode, uint64_t size);
	/* The name of child in dir into buf (size >= VFS_NAME_MAX + 1): its length. */
	int (*name_of)(struct inode *dir, struct inode *child, char *buf);
	/* The inode's last reference is gone: free what the file system keeps. */
	void (*evict)(struct inode *inode);
	/* Whether symlink inode is a magic link (procfs's fd/N, exe, cwd,
	 * root), which openat2's RESOLVE_NO_MAGICLINKS refuses; NULL: none is. */
	bool (*magic_link)(struct inode *inode);
};

/* Operations on an open file.  NULL read/write: -EINVAL; NULL lseek: the
 * generic one over size; NULL ioctl: -ENOTTY. */
struct poll_table;
struct waitqueue;

struct file_ops {
	int (*open)(struct inode *inode, struct file *f);
	/* At *pos (which they advance), into or out of u: bytes or -errno. */
	long (*read)(struct file *f, struct uio *u, uint64_t *pos);
	long (*write)(struct file *f, struct uio *u, uint64_t *pos);
	int64_t (*lseek)(struct file *f, int64_t off, int whence);
	/* struct linux_dirent64 records from f->pos on, into u: bytes or -errno. */
	long (*getdents64)(struct file *f, struct uio *u);
	long (*ioctl)(struct file *f, unsigned cmd, uintptr_t arg);
	int (*fsync)(struct file *f);
	/* The memory object that a mapping of the file maps, with a reference. */
	int (*mmap)(struct file *f, struct memobj **out);
	/* Which LINUX_POLL* events hold now.  With pt non-NULL it also calls
	 * poll_wait for each wait queue whose wakeups may change that.  NULL:
	 * always readable and writable, as Linux treats such files. */
	unsigned (*poll)(struct file *f, struct poll_table *pt);
	void (*release)(struct file *f);
};

/* kernel/fs/poll.c: a poller waits on wq too (from a file's poll op). */
struct poll_table;
void poll_wait(struct poll_table *pt, struct waitqueue *wq);

struct super_ops {
	const char *name; /* "tmpfs" */
};

struct super_block {
	const struct super_ops *ops;
	uint64_t dev;	       /* st_dev */
	struct inode *root;    /* a reference */
	struct inode *covered; /* the directory it is mounted on (a reference), or NULL */
	struct list mounts;    /* in the mount table */
	uint64_t next_ino;     /* atomic */
	void *priv;
	/* Open files of its inodes and contexts' roots and cwds in it
	 * (atomic): umount's EBUSY while not 0. */
	uint32_t busy;
	char *source;	      /* mount(2)'s source (kmalloc'd), or NULL */
	unsigned mount_flags; /* mount(2)'s MS_* kept for /proc/mounts */
};

struct inode {
	uint32_t refs; /* atomic */
	uint64_t ino;
	struct super_block *sb;
	const struct inode_ops *iops;
	const struct file_ops *fops;
	struct mutex lock; /* data and what follows */
	uint32_t mode;	   /* S_IF* type and permission bits */
	uint32_t uid, gid;
	uint32_t nlink;
	uint64_t size;
	uint64_t blocks; /* 512-byte units */
	uint64_t rdev;	 /* linux_makedev encoding */
	struct vfs_time atime, mtime, ctime;
	struct super_block *mounted; /* a file system mounted on this directory */
	struct memobj *data;	     /* a regular file's pages, or NULL */
	uint32_t seals;		     /* F_SEAL_* | F_SEALABLE (memfds only), under lock */
	void *priv;		     /* the file system's */
};

struct file {
	uint32_t refs; /* atomic */
	struct inode *inode;
	const struct file_ops *ops;
	unsigned flags;	       /* O_* as opened; F_SETFL changes O_APPEND and O_NONBLOCK */
	struct mutex pos_lock; /* pos */
	uint64_t pos;
	bool stream; /* no position: lseek, pread and pwrite are -ESPIPE (ttys) */
	void *priv;  /* the driver's */
	char *path;  /* what vfs_open resolved (kernel/fs/file_path.c), or NULL: freed with f */
	/* The epoll items watching this file (kernel/fs/epoll.c, under its
	 * lock), or NULL: they go when the last reference does. */
	struct list *ep_links;
	bool flocked; /* it has held a flock or OFD lock (flock.c, reclock.c): look at its last put
		       */
};

/* Who walks paths: root (for chroot), working directory, umask.  Shared
 * between the threads of a process; copied for fork. */
struct vfs_context {
	uint32_t refs;	 /* atomic */
	spinlock_t lock; /* root and cwd (the pointers, not the inodes) */
	struct inode *root, *cwd;
	uint32_t umask;
};

/* --- set-up -------------------------------------------------------------- */

/* Creates the root tmpfs and mounts devfs on /dev (after the scheduler). */
void vfs_init(void);
/* The root of the whole tree, with a reference. */
struct inode *vfs_root(void);
/* Fills the root file system from the boot module "initrd" (kernel/fs/initrd.c). */
void initrd_unpack_boot(void);
/* Unpacks a newc archive into the tree under root: 0, or the first error
 * (what was valid before it is kept; each problem is logged). */
int initrd_unpack(struct inode *root, const void *buf, size_t len);

/* --- inodes ------------------------------------------------------------- */

void inode_get(struct inode *inode);
void inode_put(struct inode *inode);
/* A fresh inode of sb with one reference, nlink 0, times now. */
struct inode *inode_alloc(struct super_block *sb, uint32_t mode);
struct vfs_time vfs_now(void);
/* Sets the given times to now (VFS_TOUCH_*), under inode->lock. */
#define VFS_TOUCH_A 1
#define VFS_TOUCH_M 2
#define VFS_TOUCH_C 4
void inode_touch(struct inode *inode, unsigned which);
/* Whether cr may access inode as mask (MAY_*), Linux's rules with root's
 * bypass (exec only where some x bit is set, or on directories). */
int vfs_permission(struct inode *inode, const struct cred *cr, int mask);
void vfs_fill_stat(struct inode *inode, struct linux_stat *st);

/* --- mounts ------------------------------------------------------------- */

struct super_block *sb_alloc(const struct super_ops *ops);
/* Mounts sb on the directory at path, looked up in ctx (NULL: from the
 * tree's root) as root: 0, -ENOTDIR, -EBUSY when something is mounted
 * there already or sb is mounted elsewhere. */
int vfs_mount(struct vfs_context *ctx, const char *path, struct super_block *sb);
/* mount(2)'s: sb on the directory path names, walked as cr from base
 * (NULL: the cwd); on a mount point it covers the top mount's root, as
 * Linux stacks.  -ENOENT, -ENOTDIR, -EACCES from the walk. */
int vfs_mount_at(struct vfs_context *ctx, const struct cred *cr, struct inode *base,
		 const char *path, struct super_block *sb);
/* umount2's: the mount whose root path names comes off the tree: -EINVAL
 * when path names no mount's root, -EBUSY while files are open on it, a
 * context's root or cwd is in it or a mount is inside it, unless detach
 * (which takes those inside too).  The super block itself stays. */
int vfs_umount(struct vfs_context *ctx, const struct cred *cr, struct inode *base, const char *path,
	       unsigned lookup_flags, bool detach);
/* Calls fn for each mount in the table, in mount order, with its mount
 * point's path seen from root ("/" for the tree's root), under ns_lock. */
void vfs_for_each_mount(struct inode *root,
			void (*fn)(void *arg, struct super_block *sb, const char *path), void *arg);
/* The inode a walk lands on after arriving at inode: the root of what is
 * mounted there, repeatedly (a reference is traded for a reference). */
struct inode *vfs_follow_mounts(struct inode *inode);

/* --- contexts ----------------------------------------------------------- */

/* Root and cwd at the tree's root, umask 022. */
struct vfs_context *vfs_context_create(void);
/* Root and cwd at root (a container's own tree, a test's tmpfs). */
struct vfs_context *vfs_context_create_at(struct inode *root);
/* A copy for fork (without CLONE_FS). */
struct vfs_context *vfs_context_clone(struct vfs_context *ctx);
void vfs_context_get(struct vfs_context *ctx);
void vfs_context_put(struct vfs_context *ctx);
/* The cwd or root with a reference. */
struct inode *vfs_context_cwd(struct vfs_context *ctx);
struct inode *vfs_context_root(struct vfs_context *ctx);
/* The old umask. */
uint32_t vfs_umask(struct vfs_context *ctx, uint32_t mask);
int vfs_chdir(struct vfs_context *ctx, const struct cred *cr, struct inode *base, const char *path);
int vfs_fchdir(struct vfs_context *ctx, const struct cred *cr, struct inode *dir);
int vfs_chroot(struct vfs_context *ctx, const struct cred *cr, const char *path);
/* The cwd's path from the context's root into buf: its length with the
 * NUL, -ERANGE when size is too small, -ENOENT when the cwd was removed. */
long vfs_getcwd(struct vfs_context *ctx, char *buf, size_t size);
/* The same for any directory dir (/proc/PID/root and cwd). */
long vfs_dir_path(struct vfs_context *ctx, struct inode *dir, char *buf, size_t size);

/* --- path operations ----------------------------------------------------
 * base is the directory a relative path starts from (a dirfd's inode), or
 * NULL for the context's cwd.  Linux's errors throughout. */

#define LOOKUP_FOLLOW	 1 /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY 2 /* the result must be a directory */

int vfs_lookup(struct vfs_context *ctx, const struct cred *cr, struct inode *base, const char *path,
	       unsigned lookup_flags, struct inode **out);
/* vfs_lookup that also gives the canonical path it found (symlinks
 * resolved, from ctx's root) in *name, kmalloc'd, or NULL when it has none. */
int vfs_lookup_named(struct vfs_context *ctx, const struct cred *cr, struct inode *base,
		     const char *path, unsigned lookup_flags, struct inode **out, char **name);
/* openat2's resolve flags (struct open_how.resolve). */
#define RESOLVE_NO_XDEV	      0x01 /* no crossing of a mount point: EXDEV */
#define RESOLVE_NO_MAGICLINKS 0x02 /* no following of a magic link: ELOOP */
#define RESOLVE_NO_SYMLINKS   0x04 /* no following of any symlink: ELOOP */
#define RESOLVE_BENEATH	      0x08 /* never above the starting directory: EXDEV */
#define RESOLVE_IN_ROOT	      0x10 /* the starting directory as the root */
#define RESOLVE_CACHED	      0x20 /* only what needs no I/O (here: everything) */
/* vfs_open with resolve flags (RESOLVE_*, checked by the caller). */
int vfs_open_resolve(struct vfs_context *ctx, const struct cred *cr, struct inode *base,
		     const char *path, unsigned flags, uint32_t mode, unsigned resolve,
		     struct file **out);
/* open(2): flags are O_*; O_CREAT's mode gets the context's umask. */
int vfs_open(struct vfs_context *ctx, const struct cred *cr, struct inode *base, const char *path,
	     unsigned flags, uint32_t mode, struct file **out);
int vfs_mkdir(struct vfs_context *ctx, const struct cred *cr, struct inode *base, const char *path,
	      uint32_t mode);
/* Regular files, device nodes, FIFOs and sockets (mode says which). */
int vfs_mknod(struct vfs_context *ctx, const struct cred *cr, struct inode *base, const char *path,
	      uint32_t mode, uint64_t rdev);
int vfs_unlink(struct vfs_context *ctx, const struct cred *cr, struct inode *base,
	       const char *path);
int vfs_rmdir(struct vfs_context *ctx, const struct cred *cr, struct inode *base, const char *path);
/* flags: RENAME_NOREPLACE, RENAME_EXCHANGE. */
int vfs_rename(struct vfs_context *ctx, const struct cred *cr, struct inode *obase,
	       const char *opath, struct inode *nbase, const char *npath, unsigned flags);
int vfs_symlink(struct vfs_context *ctx, const struct cred *cr, const char *target,
		struct inode *base, const char *path);
/* flags: AT_SYMLINK_FOLLOW. */
int vfs_link(struct vfs_context *ctx, const struct cred *cr, struct inode *obase, const char *opath,
	     struct inode *nbase, const char *npath, unsigned flags);
/* The target into u (not NUL-terminated): its length, truncated to the buffer. */
long vfs_readlink(struct vfs_context *ctx, const struct cred *cr, struct inode *base,
		  const char *path, struct uio *u);
/* flags: AT_SYMLINK_NOFOLLOW. */
int vfs_stat(struct vfs_context *ctx, const struct cred *cr, struct inode *base, const char *path,
	     unsigned flags, struct linux_stat *st);
/* access(2): mode is R_OK|W_OK|X_OK or F_OK; flags AT_SYMLINK_NOFOLLOW. */
int vfs_access(struct vfs_context *ctx, const struct cred *cr, struct inode *base, const char *path,
	       int mode, unsigned flags);

/* --- attribute changes on an inode (after a lookup or from a file) ------ */

/* cr NULL: no permission check (ftruncate of a file opened for writing). */
int vfs_truncate(const struct cred *cr, struct inode *inode, int64_t size);
int vfs_chmod(const struct cred *cr, struct inode *inode, uint32_t mode);
/* (uint32_t)-1 leaves that id alone. */
int vfs_chown(const struct cred *cr, struct inode *inode, uint32_t uid, uint32_t gid);
/* times[0] atime, times[1] mtime, with UTIME_NOW and UTIME_OMIT; NULL: both now. */
int vfs_utimens(const struct cred *cr, struct inode *inode, const struct linux_timespec *times);

/* --- open files ---------------------------------------------------------- */

/* An open file of inode (no permission check: the caller did it). */
int vfs_open_inode(struct inode *inode, unsigned flags, struct file **out);
void file_get(struct file *f);
void file_put(struct file *f);
/* At the file's position, which they advance (O_APPEND: writes at the end). */
long vfs_read(struct file *f, struct uio *u);
long vfs_write(struct file *f, struct uio *u);
/* At off; the position stays.  -ESPIPE where there is none (ttys). */
long vfs_pread(struct file *f, struct uio *u, uint64_t off);
long vfs_pwrite(struct file *f, struct uio *u, uint64_t off);
int64_t vfs_lseek(struct file *f, int64_t off, int whence);
long vfs_getdents64(struct file *f, struct uio *u);
long vfs_ioctl(struct file *f, unsigned cmd, uintptr_t arg);
int vfs_fsync(struct file *f);
/* flock(2) on f's open file description (kernel/fs/flock.c): op is
 * LOCK_SH, LOCK_EX or LOCK_UN, with LOCK_NB; -EAGAIN (NB) or -ERESTARTSYS
 * (interrupted) while another description's lock is in the way. */
#define LOCK_SH 1
#define LOCK_EX 2
#define LOCK_NB 4
#define LOCK_UN 8
int vfs_flock(struct file *f, unsigned op);
/* fcntl(2) record locks (kernel/fs/reclock.c) over the inclusive byte range
 * [start, end] of f's inode (end VFS_RECLOCK_EOF: without end).  owner is
 * the descriptor table for POSIX locks, NULL for an OFD lock (f's open file
 * description owns it).  get: the first other owner's lock in the way of
 * one of lk->type, or type VFS_RECLOCK_UNLOCK (pid -1 for an OFD lock).
 * set: -EAGAIN (no wait) or -ERESTARTSYS (interrupted) while one is in the
 * way, -ENOLCK when memory is out.  close: f's descriptor in owner's table
 * is closing, so owner's POSIX locks on f's inode go. */
#define VFS_RECLOCK_READ   0
#define VFS_RECLOCK_WRITE  1
#define VFS_RECLOCK_UNLOCK 2
#define VFS_RECLOCK_EOF	   INT64_MAX
struct vfs_reclock {
	int type;
	int64_t start, end;
	int32_t pid;
};
int vfs_reclock_get(struct file *f, const void *owner, struct vfs_reclock *lk);
int vfs_reclock_set(struct file *f, const void *owner, int32_t pid, const struct vfs_reclock *lk,
		    bool wait);
void vfs_reclock_close(struct file *f, const void *owner);
/* The page cache of a regular file for mmap, with a reference; -ENODEV
 * for files that cannot be mapped. */
int vfs_mmap_obj(struct file *f, struct memobj **out);
/* Whole-file helper for the ELF loader: reads up to len bytes at off into
 * a kernel buffer. */
long vfs_kernel_read(struct file *f, void *buf, size_t len, uint64_t off);

/* The generic lseek for files with a size (whence SEEK_SET/CUR/END). */
int64_t generic_lseek(struct file *f, int64_t off, int whence);

/* --- character devices (kernel/fs/chrdev.c) ----------------------------- */

/* Opening a character-device inode of (major, minor) uses these ops. */
/* minor CHRDEV_ANY_MINOR: every minor of major without its own (pty slaves). */
#define CHRDEV_ANY_MINOR 0xffffffffu
int chrdev_register(uint32_t major, uint32_t minor, const struct file_ops *ops);
const struct file_ops *chrdev_lookup(uint64_t rdev);

/* --- tmpfs (kernel/fs/tmpfs.c) ------------------------------------------ */

/* A new, empty tmpfs whose root directory has mode (S_IFDIR added). */
struct super_block *tmpfs_create(uint32_t mode);

/* memfd_create(2) (kernel/fs/memfd.c): a regular tmpfs file in no
 * directory, opened O_RDWR, owned by cr, with the path "/memfd:NAME
 * (deleted)" as Linux shows it.  0, or -ENOMEM. */
int vfs_memfd_create(const char *name, const struct cred *cr, struct file **out);

#endif
