/* Copying through a struct uio (pallas/uio.h). */
#include <pallas/kernel.h>
#include <pallas/string.h>
#include <pallas/uaccess.h>
#include <pallas/uio.h>

static size_t total(const struct uio_seg *segs, unsigned n)
{
	size_t t = 0;

	for (unsigned i = 0; i < n; i++)
		t += segs[i].len;
	return t;
}

void uio_init_segs(struct uio *u, const struct uio_seg *segs, unsigned n, bool user)
{
	u->segs = segs;
	u->nsegs = n;
	u->seg = 0;
	u->seg_off = 0;
	u->resid = total(segs, n);
	u->user = user;
	u->fault = false;
	u->nowait = false;
}

void uio_init_kernel(struct uio *u, void *buf, size_t len)
{
	u->one.base = (uintptr_t)buf;
	u->one.len = len;
	uio_init_segs(u, &u->one, 1, false);
}

void uio_init_user(struct uio *u, uintptr_t ubuf, size_t len)
{
	u->one.base = ubuf;
	u->one.len = len;
	uio_init_segs(u, &u->one, 1, true);
}

enum dir { OUT, IN, ZERO };

/* One piece within the current segment: how many bytes moved. */
static size_t move_piece(struct uio *u, enum dir d, void *kbuf, size_t n)
{
	uintptr_t at = u->segs[u->seg].base + u->seg_off;
	size_t left = 0;

	if (!u->user) {
		if (d == OUT)
			memcpy((void *)at, kbuf, n);
		else if (d == IN)
			memcpy(kbuf, (const void *)at, n);
		else
			memset((void *)at, 0, n);
		return n;
	}
	if (d == OUT)
		left = copy_to_user((void *)at, kbuf, n);
	else if (d == IN)
		left = copy_from_user(kbuf, (const void *)at, n);
	else
		left = clear_user((void *)at, n);
	if (left)
		u->fault = true;
	return n - left;
}

static size_t move(struct uio *u, enum dir d, void *kbuf, size_t n)
{
	size_t done = 0;

	while (done < n && u->resid && !u->fault) {
		const struct uio_seg *s = &u->segs[u->seg];
		size_t room = s->len - u->seg_off;
		if (room == 0) {
			u->seg++;
			u->seg_off = 0;
			continue;
		}
		size_t k = MIN(room, n - done);
		size_t got = move_piece(u, d, kbuf ? (char *)kbuf + done : NULL, k);
		u->seg_off += got;
		u->resid -= got;
		done += got;
	}
	return done;
}

size_t uio_copy_out(struct uio *u, const void *src, size_t n)
{
	return move(u, OUT, (void *)src, n);
}

size_t uio_copy_in(struct uio *u, void *dst, size_t n)
{
	return move(u, IN, dst, n);
}

size_t uio_zero(struct uio *u, size_t n)
{
	return move(u, ZERO, NULL, n);
}
