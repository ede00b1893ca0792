/*
 * The system-call contract of the Linux personality.  Every handler has the
 * same shape: the six argument registers, as the program passed them, in;
 * a result or -errno out.  Arguments are hostile: a pointer is only ever
 * used through copy_from_user and friends (pallas/uaccess.h), a length is
 * bounded before anything is allocated for it, a flag word with unknown
 * bits is refused with -EINVAL as Linux refuses it.
 *
 * Handlers live in one file per area (sys_file.c, sys_mem.c, ...); the
 * table in syscall_table.c maps Linux x86-64 numbers to them.
 */
#ifndef CONTAINERS_SYSCALL_H
#define CONTAINERS_SYSCALL_H

#include <pallas/types.h>

struct syscall_args {
	uint64_t a[6]; /* rdi, rsi, rdx, r10, r8, r9 */
};

typedef long (*syscall_fn)(const struct syscall_args *args);

#define SYSCALL_MAX 512 /* numbers at or above this are ENOSYS without a table slot */

/* The handler for nr, or NULL (ENOSYS). */
syscall_fn syscall_lookup(unsigned long nr);

#endif
