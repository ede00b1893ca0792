/*
 * Placement bookkeeping for the loaders.  Every range a loader writes is
 * claimed first: the claim proves the range is guest RAM below the PCI hole
 * (not the 640K-1M hole, not page 0, not past mem_size) and that nothing
 * placed earlier overlaps it, with every sum checked for overflow.  The
 * information structures are bump-allocated below 640K, around anything a
 * kernel placed there.
 */
#include <pallas/printk.h>
#include <pallas/string.h>

#include "load.h"

void load_init(struct load_ctx *c, const struct guest_mem_ops *mem, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->mem = mem;
	c->low_end = mem->mem_size < LOAD_PCI_HOLE ? mem->mem_size : LOAD_PCI_HOLE;
	c->low_next = LOAD_LOW_START;
	c->err = err;
	c->errlen = errlen;
	if (errlen)
		err[0] = 0;
}

bool load_fail(struct load_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->errlen) {
		va_start(ap, fmt);
		kvsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	return false;
}

/* The first claim that [at, at + len) overlaps, or NULL. */
static const struct load_claim *overlap(const struct load_ctx *c, uint64_t at, uint64_t len)
{
	for (unsigned i = 0; i < c->nclaims; i++)
		if (at < c->claims[i].end && c->claims[i].start < at + len)
			return &c->claims[i];
	return NULL;
}

bool load_claim(struct load_ctx *c, uint64_t gpa, uint64_t len, const char *what)
{
	if (len == 0)
		return true;
	if (!load_range_ok(gpa, len, c->low_end))
		return load_fail(c, "%s at %#llx+%#llx is past the end of low guest RAM (%#llx)",
				 what, (unsigned long long)gpa, (unsigned long long)len,
				 (unsigned long long)c->low_end);
	uint64_t end = gpa + len;
	if (gpa < LOAD_LOW_START || (gpa < 1 * MiB && end > LOAD_LOW_END))
		return load_fail(c, "%s at %#llx+%#llx is not RAM", what, (unsigned long long)gpa,
				 (unsigned long long)len);
	const struct load_claim *other = overlap(c, gpa, len);
	if (other)
		return load_fail(c, "%s at %#llx+%#llx overlaps %s", what, (unsigned long long)gpa,
				 (unsigned long long)len, other->what);
	if (c->nclaims == LOAD_MAX_CLAIMS)
		return load_fail(c, "too many pieces to place");
	c->claims[c->nclaims++] = (struct load_claim){.start = gpa, .end = end, .what = what};
	return true;
}

/* Bump allocation below 640K, stepping over what is already placed there (a
 * kernel linked low). */
bool load_alloc_low(struct load_ctx *c, uint64_t len, uint64_t align, const char *what,
		    uint64_t *gpa)
{
	uint64_t at = (c->low_next + align - 1) & ~(align - 1);
	const struct load_claim *in_way;

	for (unsigned tries = 0; tries <= LOAD_MAX_CLAIMS && load_range_ok(at, len, LOAD_LOW_END) &&
				 (in_way = overlap(c, at, len)) != NULL;
	     tries++)
		at = (in_way->end + align - 1) & ~(align - 1);
	if (!load_range_ok(at, len, LOAD_LOW_END))
		return load_fail(c, "%s (%llu bytes) does not fit below 640K", what,
				 (unsigned long long)len);
	if (!load_claim(c, at, len, what))
		return false;
	c->low_next = at + len;
	*gpa = at;
	return true;
}

bool load_write(struct load_ctx *c, uint64_t gpa, const void *buf, uint64_t len)
{
	if (len && !c->mem->write(c->mem->ctx, gpa, buf, (size_t)len))
		return load_fail(c, "guest memory write at %#llx+%#llx failed",
				 (unsigned long long)gpa, (unsigned long long)len);
	return true;
}

bool load_zero(struct load_ctx *c, uint64_t gpa, uint64_t len)
{
	static const uint8_t zeros[4096];

	while (len) {
		uint64_t n = len < sizeof(zeros) ? len : sizeof(zeros);
		if (!load_write(c, gpa, zeros, n))
			return false;
		gpa += n;
		len -= n;
	}
	return true;
}

uint64_t load_claims_end(const struct load_ctx *c)
{
	uint64_t end = 0;

	for (unsigned i = 0; i < c->nclaims; i++)
		if (c->claims[i].end > end)
			end = c->claims[i].end;
	return end;
}
