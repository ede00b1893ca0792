/*
 * What the file system calls share (fs_args.c): a program's path copied in
 * (bounded by PATH_MAX), a dirfd turned into the directory a relative path
 * starts from, and a descriptor into its open file.
 */
#ifndef CONTAINERS_FS_ARGS_H
#define CONTAINERS_FS_ARGS_H

#include <pallas/types.h>

#include "proc.h"

struct file;
struct inode;

/* Linux's MAX_RW_COUNT: one read or write moves at most this much. */
#define MAX_RW_COUNT 0x7ffff000ul

/* The calling process; the handlers run only in one. */
struct proc *fs_self(void);
/* A kmalloc'd copy of the user path (kfree it): 0, -EFAULT, -ENAMETOOLONG;
 * an empty path is -ENOENT unless empty_ok. */
int fs_copy_path(uintptr_t upath, bool empty_ok, char **out);
/* The base directory for path relative to dirfd, with a reference (or NULL
 * for the cwd; for an absolute path it does not matter): 0 or -EBADF. */
int fs_dirfd(struct proc *p, int dirfd, const char *path, struct inode **out);
/* The open file of fd with a reference, or NULL. */
struct file *fs_fd(struct proc *p, long fd);
/* The inode an *at call with AT_EMPTY_PATH and "" means: dirfd's own (or
 * the cwd's for AT_FDCWD), with a reference. */
int fs_empty_path_inode(struct proc *p, int dirfd, struct inode **out);

struct uio_seg;
/* sys_file.c: a user iovec array of count entries as kmalloc'd segments
 * (kfree them), lengths checked and the total capped at MAX_RW_COUNT:
 * 0, -EINVAL, -EFAULT or -ENOMEM. */
long load_iov(uintptr_t uiov, uint64_t count, struct uio_seg **out, unsigned *n);

#endif
