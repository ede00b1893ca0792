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
	/* The open file a magic link last landed the walk on (a reference),
	 * while the walk is still there; NULL otherwise. */
	struct file *magic;
};

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

/* Walks to the directory holding path's last component (w->cur, w->last). */
int walk_parent(struct walk *w, struct vfs_context *ctx, const struct cred *cr, struct inode *base,
		const char *path);
/* Resolves a symlink found in directory w->cur into w->cur. */
int walk_follow_link(struct walk *w, struct inode *link);
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

/* A new open file of inode with ops, one reference, no open op called
 * (file.c); NULL when memory is out. */
struct file *file_alloc(struct inode *inode, const struct file_ops *ops, unsigned flags);
/* What opening a FIFO inode uses (fifo.c). */
extern const struct file_ops fifo_ops;
/* An open pipe end's pipe opened again as flags (through /proc/PID/fd/N):
 * a new end, with the FIFO open rules (fifo.c). */
extern const struct file_ops pipe_file_ops;
int pipe_reopen(struct file *src, unsigned flags, struct file **out);
/* The last reference to f is going: every epoll watching it forgets it (epoll.c). */
void epoll_file_gone(struct file *f);
/* A fresh inode of the internal file system behind pipes, eventfds and
 * epolls (anon_inode.c), with one reference; NULL when memory is out. */
struct inode *anon_inode_new(uint32_t mode);
/* A file of a fresh anonymous inode of mode: 0 or -ENOMEM.  It has a
 * position that lseek leaves at 0, as Linux's noop_llseek. */
int64_t anon_lseek(struct file *f, int64_t off, int whence);
int anon_file_create(uint32_t mode, const struct file_ops *ops, unsigned flags, void *priv,
		     struct file **out);
void mem_devices_init(void);
void tty_init(void);

#endif
