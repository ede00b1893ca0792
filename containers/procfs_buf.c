/* The text of a generated /proc file (struct pbuf): grows by doubling up
 * to PBUF_MAX, past which output is cut off, as a bound on what one open
 * can make the kernel allocate. */
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/printk.h>
#include <pallas/string.h>
#include <stdarg.h>

#include "procfs.h"

void pbuf_init(struct pbuf *b)
{
	*b = (struct pbuf){0};
}

void pbuf_free(struct pbuf *b)
{
	kfree(b->data);
	*b = (struct pbuf){0};
}

/* Room for need more bytes (and a NUL): false when it cannot be had. */
static bool reserve(struct pbuf *b, size_t need)
{
	if (b->len + need + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 1024;
	while (cap < b->len + need + 1 && cap < PBUF_MAX)
		cap *= 2;
	if (cap > PBUF_MAX)
		cap = PBUF_MAX;
	if (cap <= b->cap)
		return false;
	char *d = kmalloc(cap);
	if (!d) {
		b->nomem = true;
		return false;
	}
	if (b->data)
		memcpy(d, b->data, b->len);
	kfree(b->data);
	b->data = d;
	b->cap = cap;
	return b->len + need + 1 <= cap;
}

void pbuf_write(struct pbuf *b, const void *s, size_t n)
{
	if (!reserve(b, n)) {
		if (!b->data || b->len + 1 >= b->cap)
			return;
		n = b->cap - b->len - 1; /* what fits */
	}
	memcpy(b->data + b->len, s, n);
	b->len += n;
}

void pbuf_printf(struct pbuf *b, const char *fmt, ...)
{
	va_list ap;

	for (int tries = 0; tries < 2; tries++) {
		size_t room = b->cap > b->len ? b->cap - b->len : 0;
		va_start(ap, fmt);
		int n = room ? kvsnprintf(b->data + b->len, room, fmt, ap) : -1;
		va_end(ap);
		if (n >= 0 && (size_t)n < room) {
			b->len += (size_t)n;
			return;
		}
		if (!reserve(b, n > 0 ? (size_t)n : 256))
			break;
	}
	/* Cut off at the bound: what fits. */
	size_t room = b->cap > b->len ? b->cap - b->len : 0;
	if (room > 1) {
		va_start(ap, fmt);
		kvsnprintf(b->data + b->len, room, fmt, ap);
		va_end(ap);
		b->len = b->cap - 1;
	}
}
