/* What the files of kernel/fs share and nothing outside them needs. */
#ifndef KERNEL_FS_VFS_INTERNAL_H
#define KERNEL_FS_VFS_INTERNAL_H

#include <pallas/path.h>
#include <pallas/vfs.h>

/* The namespace mutex (see pallas/vfs.h): path walks and directory changes. */
void ns_lock(void);
void ns_unlock(void);
void ns_lock_init(void);
/* By the calling thread (a last file_put inside a walk: a magic link's). */
bool ns_lock_held(void);

/* A path walk in progress (namei.c). */
struct walk {
	struct vfs_context *ctx;
	const struct cred *cr;
	struct inode *root; /* the context's root: ".." stops here; a reference */
	struct inode *cur;  /* where the walk is; a reference */
	unsigned links;	    /* symlinks followed so far */
	/* A parent walk's last component: NULL when the path had none ("/"). */
	const char *last;
	size_t lastlen;
	int last_dots; /* path_dots() of it */
	bool trailing; /* the path ended in '/' */
	/* Naming walks (walk_path_named): the directory the last step went
	 * down from (a reference) and that step's name, into named
	 * (VFS_NAME_MAX + 1 bytes), so an open file knows its path. */
	char *named;
	struct inode *named_dir;
	/* openat2's RESOLVE_* (pallas/vfs.h); with BENEATH or IN_ROOT, scope
	 * is where the walk started (a reference): ".." and absolute paths
	 * may not leave it (EXDEV) or stop at it. */
	unsigned resolve;
	struct inode *scope;
	bool magic;	  /* the walk ended at a magic link's inode ... */
	char *magic_path; /* ... whose file's path this is (kmalloc'd), or NULL */
};

/* Counts a use of inode's file system that keeps it from umount (d +1 or -1). */
static inline void sb_busy(struct inode *inode, int d)
{
	if (inode && inode->sb)
		__atomic_add_fetch(&inode->sb->busy, (uint32_t)d, __ATOMIC_RELAXED);
}

/* Walks path (length checked, under ns_lock) to its inode into w->cur. */
int walk_path(struct walk *w, struct vfs_context *ctx, const struct cred *cr, struct inode *base,
	      const char *path, unsigned lookup_flags);
/* walk_path, also noting each step in named (see struct walk). */
int walk_path_named(struct walk *w, struct vfs_context *ctx, const struct cred *cr,
		    struct inode *base, const char *path, unsigned lookup_flags, char *named);
/* Notes the step from w->cur down to name (a naming walk's; no-op otherwise). */
void walk_note_step(struct walk *w, const char *name, size_t len);
/* The path of directory dir from root into buf (its length with the NUL),
 * under ns_lock; tmp is VFS_PATH_MAX bytes of scratch.  -ERANGE when size
 * is too small. */
long vfs_dir_path_locked(struct inode *root, struct inode *dir, char *tmp, char *buf, size_t size);
/* The canonical path of what a naming walk found (found: its inode), a
 * kmalloc'd string, or NULL when it has none (ns_lock held). */
char *walk_found_path(struct walk *w, struct inode *found);
/* Scratch for a naming walk: its named buffer, and room for the path. */
char *walk_named_scratch(void);

/* walk_path_named and walk_parent under openat2's RESOLVE_* flags. */
int walk_path_resolve(struct walk *w, struct vfs_context *ctx, const struct cred *cr,
		      struct inode *base, const char *path, unsigned lookup_flags, char *named,
		      unsigned resolve);
int walk_parent_resolve(struct walk *w, struct vfs_context *ctx, const struct cred *cr,
			struct inode *base, const char *path, unsigned resolve);
/* The RESOLVE_NO_XDEV check of a step from w->cur to inode: 0 or -EXDEV. */
int walk_check_xdev(struct walk *w, struct inode *inode);
/* Walks to the directory holding path's last component (w->cur, w->last). */
int walk_parent(struct walk *w, struct vfs_context *ctx, const struct cred *cr, struct inode *base,
		const char *path);
/* Resolves a symlink found in directory w->cur into w->cur. */
int walk_follow_link(struct walk *w, struct inode *link);
/* Walks from link's directory (w->cur) to the parent of its target, whose
 * last component (w->last, w->trailing) is then in buf (VFS_PATH_MAX bytes). */
int walk_link_parent(struct walk *w, struct inode *link, char *buf);
void walk_done(struct walk *w);
/* The child of dir called name (dir->iops->lookup, then mounts): a reference. */
int vfs_lookup_child(struct inode *dir, const char *name, size_t len, struct inode **out);

/* Whether a sticky directory keeps cr from removing or renaming victim. */
bool vfs_sticky_denies(struct inode *dir, struct inode *victim, const struct cred *cr);

/* The tree's root (mount.c), set once by vfs_init. */
void vfs_set_tree_root(struct super_block *sb);

void devfs_init(void);
void anon_inode_init(void);
/* memfd.c: the tmpfs memfd_create files live on. */
void memfd_init(void);
/* flock.c: f's last reference is going; its lock goes with it. */
void flock_file_gone(struct file *f);
/* reclock.c: f's last reference is going; its OFD record locks go with it. */
void reclock_file_gone(struct file *f);

/* A new open file of inode with ops, one reference, no open op called
 * (file.c); NULL when memory is out. */
struct file *file_alloc(struct inode *inode, const struct file_ops *ops, unsigned flags);
/* What opening a FIFO inode uses (fifo.c). */
extern const struct file_ops fifo_ops;
/* The last reference to f is going: every epoll watching it forgets it (epoll.c). */
void epoll_file_gone(struct file *f);
/* A fresh inode of the internal file system behind pipes, eventfds and
 * epolls (anon_inode.c), with one reference; NULL when memory is out. */
struct inode *anon_inode_new(uint32_t mode);
/* Whether inode is one of anon_inode_new's. */
bool anon_inode_is(const struct inode *inode);
/* A file of a fresh anonymous inode of mode: 0 or -ENOMEM.  It has a
 * position that lseek leaves at 0, as Linux's noop_llseek. */
int64_t anon_lseek(struct file *f, int64_t off, int whence);
int anon_file_create(uint32_t mode, const struct file_ops *ops, unsigned flags, void *priv,
		     struct file **out);
void mem_devices_init(void);
void tty_init(void);

#endif
