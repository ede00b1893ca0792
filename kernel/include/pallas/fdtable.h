/*
 * File descriptor tables (kernel/fs/fdtable.c): numbers to open files, with
 * a close-on-exec bit each.  Shared by the threads of a process (and by
 * CLONE_FILES children) through its reference count, copied for fork.
 * Allocation takes the lowest free number, as POSIX requires; the table
 * grows on demand up to its limit (RLIMIT_NOFILE).  The table holds its own
 * reference to each file; a file leaving it is put after the table's lock
 * is dropped, so a release that sleeps is fine.
 */
#ifndef PALLAS_FDTABLE_H
#define PALLAS_FDTABLE_H

#include <pallas/spinlock.h>
#include <pallas/types.h>

#define FDTABLE_DEFAULT_LIMIT 1024
#define FDTABLE_MAX_LIMIT     (1u << 20) /* Linux's nr_open */

struct file;

struct fdtable {
	uint32_t refs; /* atomic */
	spinlock_t lock;
	unsigned size;	/* slots in fds */
	unsigned limit; /* numbers at or above it are refused */
	struct file **fds;
	uint64_t *cloexec; /* a bit per slot */
};

struct fdtable *fdtable_create(void);
/* fork without CLONE_FILES: every open descriptor, with its flag. */
struct fdtable *fdtable_clone(struct fdtable *t);
void fdtable_get(struct fdtable *t);
/* The last put closes every descriptor. */
void fdtable_put(struct fdtable *t);

/* Installs f at the lowest free number >= min: the number, or -EMFILE
 * (-EINVAL when min is beyond the limit, as F_DUPFD). */
int fd_alloc(struct fdtable *t, struct file *f, unsigned min, bool cloexec);
/* The file at fd with a reference for the caller, or NULL. */
struct file *fd_get(struct fdtable *t, int fd);
int fd_close(struct fdtable *t, int fd);
/* dup2/dup3: newfd refers to oldfd's file, closing what newfd had.
 * -EBADF for a bad oldfd or a newfd outside the limit; the caller handles
 * oldfd == newfd (dup2 returns it, dup3 says -EINVAL). */
int fd_dup_to(struct fdtable *t, int oldfd, int newfd, bool cloexec);
/* 0 or 1, or -EBADF. */
int fd_cloexec(struct fdtable *t, int fd);
int fd_set_cloexec(struct fdtable *t, int fd, bool on);
/* exec: closes every descriptor marked close-on-exec. */
void fdtable_exec(struct fdtable *t);
/* close_range(2) on [first, last]; CLOSE_RANGE_CLOEXEC marks instead of
 * closing (CLOSE_RANGE_UNSHARE is the caller's: clone, then this). */
int fd_close_range(struct fdtable *t, unsigned first, unsigned last, unsigned flags);
/* RLIMIT_NOFILE: -EINVAL above FDTABLE_MAX_LIMIT.  Open descriptors at or
 * above a lowered limit stay, as on Linux. */
int fdtable_set_limit(struct fdtable *t, unsigned limit);
unsigned fdtable_limit(struct fdtable *t);

#endif
