/*
 * The buffer side of a read or write (kernel/fs/uio.c): one or more segments,
 * all in user memory (through copy_to_user and friends, so a bad pointer is
 * -EFAULT, never a kernel fault) or all in kernel memory (the ELF loader,
 * initrd unpacking, ktests).  File systems move bytes only through these.
 */
#ifndef PALLAS_UIO_H
#define PALLAS_UIO_H

#include <pallas/types.h>

#define UIO_MAX_SEGS 1024 /* Linux's UIO_MAXIOV */

struct uio_seg {
	uintptr_t base; /* a user address, or a kernel pointer */
	size_t len;
};

struct uio {
	const struct uio_seg *segs;
	unsigned nsegs;
	unsigned seg;	/* the current segment */
	size_t seg_off; /* bytes of it already used */
	size_t resid;	/* bytes left in all segments */
	bool user;
	bool fault;  /* a copy stopped at a bad user address */
	bool nowait; /* the transfer must not wait (RWF_NOWAIT, SPLICE_F_NONBLOCK): pipes give
			-EAGAIN */
	struct uio_seg one; /* for the single-buffer initializers */
};

/* A single buffer. */
void uio_init_kernel(struct uio *u, void *buf, size_t len);
void uio_init_user(struct uio *u, uintptr_t ubuf, size_t len);
/* Several (readv, writev): the caller validated count and total length. */
void uio_init_segs(struct uio *u, const struct uio_seg *segs, unsigned n, bool user);

/* Copies n bytes from src into the buffer (a read): how many went; fewer
 * when the buffer ran out or u->fault was set. */
size_t uio_copy_out(struct uio *u, const void *src, size_t n);
/* Copies n bytes out of the buffer into dst (a write). */
size_t uio_copy_in(struct uio *u, void *dst, size_t n);
/* Zeros n bytes of the buffer (holes, /dev/zero). */
size_t uio_zero(struct uio *u, size_t n);

/* What a read or write returns: the bytes moved, or -EFAULT when a fault
 * stopped it before any. */
static inline long uio_result(const struct uio *u, size_t moved)
{
	return moved == 0 && u->fault ? -14 /* EFAULT */ : (long)moved;
}

#endif
