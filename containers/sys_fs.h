/*
 * The file system calls of the Linux personality (sys_file.c: descriptors,
 * sys_path.c: path names), for the table in syscall_table.c.  Linux
 * x86-64 numbers beside each.
 */
#ifndef CONTAINERS_SYS_FS_H
#define CONTAINERS_SYS_FS_H

#include "syscall.h"

/* Whether any process maps obj shared with writing possible (sys_mem.c):
 * what makes F_SEAL_WRITE -EBUSY. */
struct memobj;
bool mem_obj_shared_writable(struct memobj *obj);
/* A file's pages obj now end at size: every mapping of those past it is
 * made afresh, so that they fault (SIGBUS) and a later growth reads zeros
 * (Linux's truncate_pagecache, private copies too).  sys_mem.c. */
void mem_obj_truncated(struct memobj *obj, uint64_t size);

long sys_read(const struct syscall_args *a);	    /* 0 */
long sys_write(const struct syscall_args *a);	    /* 1 */
long sys_close(const struct syscall_args *a);	    /* 3 */
long sys_fstat(const struct syscall_args *a);	    /* 5 */
long sys_lseek(const struct syscall_args *a);	    /* 8 */
long sys_ioctl(const struct syscall_args *a);	    /* 16 */
long sys_pread64(const struct syscall_args *a);	    /* 17 */
long sys_pwrite64(const struct syscall_args *a);    /* 18 */
long sys_readv(const struct syscall_args *a);	    /* 19 */
long sys_writev(const struct syscall_args *a);	    /* 20 */
long sys_dup(const struct syscall_args *a);	    /* 32 */
long sys_dup2(const struct syscall_args *a);	    /* 33 */
long sys_fcntl(const struct syscall_args *a);	    /* 72 */
long sys_fsync(const struct syscall_args *a);	    /* 74 */
long sys_truncate(const struct syscall_args *a);    /* 76 */
long sys_ftruncate(const struct syscall_args *a);   /* 77 */
long sys_getcwd(const struct syscall_args *a);	    /* 79 */
long sys_chdir(const struct syscall_args *a);	    /* 80 */
long sys_fchdir(const struct syscall_args *a);	    /* 81 */
long sys_fchmod(const struct syscall_args *a);	    /* 91 */
long sys_fchown(const struct syscall_args *a);	    /* 93 */
long sys_umask(const struct syscall_args *a);	    /* 95 */
long sys_chroot(const struct syscall_args *a);	    /* 161 */
long sys_getdents64(const struct syscall_args *a);  /* 217 */
long sys_openat(const struct syscall_args *a);	    /* 257 */
long sys_mkdirat(const struct syscall_args *a);	    /* 258 */
long sys_mknodat(const struct syscall_args *a);	    /* 259 */
long sys_fchownat(const struct syscall_args *a);    /* 260 */
long sys_newfstatat(const struct syscall_args *a);  /* 262 */
long sys_statx(const struct syscall_args *a);	    /* 332 */
long sys_unlinkat(const struct syscall_args *a);    /* 263 */
long sys_renameat(const struct syscall_args *a);    /* 264 */
long sys_linkat(const struct syscall_args *a);	    /* 265 */
long sys_symlinkat(const struct syscall_args *a);   /* 266 */
long sys_readlinkat(const struct syscall_args *a);  /* 267 */
long sys_fchmodat(const struct syscall_args *a);    /* 268 */
long sys_faccessat(const struct syscall_args *a);   /* 269 */
long sys_utimensat(const struct syscall_args *a);   /* 280 */
long sys_dup3(const struct syscall_args *a);	    /* 292 */
long sys_renameat2(const struct syscall_args *a);   /* 316 */
long sys_close_range(const struct syscall_args *a); /* 436 */

/* sys_fcopy.c: copies inside the kernel. */
long sys_sendfile(const struct syscall_args *a);	/* 40 */
long sys_copy_file_range(const struct syscall_args *a); /* 326 */

/* sys_fsinfo.c: file systems as a whole, syncs, fallocate, memfd_create. */
long sys_flock(const struct syscall_args *a);	     /* 73 */
long sys_fdatasync(const struct syscall_args *a);    /* 75 */
long sys_statfs(const struct syscall_args *a);	     /* 137 */
long sys_fstatfs(const struct syscall_args *a);	     /* 138 */
long sys_sync(const struct syscall_args *a);	     /* 162 */
long sys_fallocate(const struct syscall_args *a);    /* 285 */
long sys_syncfs(const struct syscall_args *a);	     /* 306 */
long sys_memfd_create(const struct syscall_args *a); /* 319 */

/* sys_poll.c, sys_pipe.c, sys_epoll.c: pipes, eventfds and waiting on descriptors. */
long sys_poll(const struct syscall_args *a);	      /* 7 */
long sys_pipe(const struct syscall_args *a);	      /* 22 */
long sys_select(const struct syscall_args *a);	      /* 23 */
long sys_epoll_create(const struct syscall_args *a);  /* 213 */
long sys_epoll_wait(const struct syscall_args *a);    /* 232 */
long sys_epoll_ctl(const struct syscall_args *a);     /* 233 */
long sys_pselect6(const struct syscall_args *a);      /* 270 */
long sys_ppoll(const struct syscall_args *a);	      /* 271 */
long sys_epoll_pwait(const struct syscall_args *a);   /* 281 */
long sys_eventfd(const struct syscall_args *a);	      /* 284 */
long sys_eventfd2(const struct syscall_args *a);      /* 290 */
long sys_epoll_create1(const struct syscall_args *a); /* 291 */
long sys_pipe2(const struct syscall_args *a);	      /* 293 */
long sys_faccessat2(const struct syscall_args *a);    /* 439 */
long sys_setxattr(const struct syscall_args *a);      /* 188 */
long sys_lsetxattr(const struct syscall_args *a);     /* 189 */
long sys_fsetxattr(const struct syscall_args *a);     /* 190 */
long sys_getxattr(const struct syscall_args *a);      /* 191 */
long sys_lgetxattr(const struct syscall_args *a);     /* 192 */
long sys_fgetxattr(const struct syscall_args *a);     /* 193 */
long sys_listxattr(const struct syscall_args *a);     /* 194 */
long sys_llistxattr(const struct syscall_args *a);    /* 195 */
long sys_flistxattr(const struct syscall_args *a);    /* 196 */
long sys_removexattr(const struct syscall_args *a);   /* 197 */
long sys_lremovexattr(const struct syscall_args *a);  /* 198 */
long sys_fremovexattr(const struct syscall_args *a);  /* 199 */

/* sys_signalfd.c */
long sys_signalfd(const struct syscall_args *a);  /* 282 */
long sys_signalfd4(const struct syscall_args *a); /* 289 */

/* sys_rwv2.c */
long sys_preadv(const struct syscall_args *a);	 /* 295 */
long sys_pwritev(const struct syscall_args *a);	 /* 296 */
long sys_preadv2(const struct syscall_args *a);	 /* 327 */
long sys_pwritev2(const struct syscall_args *a); /* 328 */

/* sys_openat2.c */
long sys_openat2(const struct syscall_args *a); /* 437 */

/* sys_splice.c */
long sys_splice(const struct syscall_args *a);	 /* 275 */
long sys_tee(const struct syscall_args *a);	 /* 276 */
long sys_vmsplice(const struct syscall_args *a); /* 278 */

/* sys_mount.c */
long sys_mount(const struct syscall_args *a);	/* 165 */
long sys_umount2(const struct syscall_args *a); /* 166 */

#endif
