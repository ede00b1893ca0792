/*
 * eventfd (kernel/fs/eventfd.c): a 64-bit counter as a file, Linux's
 * semantics.  Reads of 8 bytes take the counter (EFD_SEMAPHORE: one) and
 * wait while it is 0; writes of 8 bytes add, and wait while the sum would
 * pass 0xfffffffffffffffe.  Waits are interruptible (-ERESTARTSYS).
 */
#ifndef PALLAS_EVENTFD_H
#define PALLAS_EVENTFD_H

#include <pallas/types.h>

#define EFD_SEMAPHORE 1
#define EFD_CLOEXEC   02000000 /* O_CLOEXEC */
#define EFD_NONBLOCK  00004000 /* O_NONBLOCK */

struct file;

/* flags: EFD_SEMAPHORE, EFD_NONBLOCK (EFD_CLOEXEC is the descriptor's). */
int eventfd_create(uint64_t initval, unsigned flags, struct file **out);

#endif
