/*
 * The VPID allocator (vpid_pool.h): a bitmap, searched round-robin from the
 * last one handed out, so a VPID just given back is the last to be reused
 * (its vCPU's entries were flushed, but nothing is lost by waiting).
 */
#include "vpid_pool.h"

#include <stddef.h>

static bool used(const struct vpid_pool *p, uint32_t id)
{
	return p->used[id / 64] & (1ull << (id % 64));
}

void vpid_pool_init(struct vpid_pool *p)
{
	for (size_t i = 0; i < VPID_COUNT / 64; i++)
		p->used[i] = 0;
	p->used[0] = 1; /* VPID 0 is the host's */
	p->next = 1;
}

uint16_t vpid_pool_alloc(struct vpid_pool *p)
{
	for (uint32_t n = 0; n < VPID_COUNT; n++) {
		uint32_t id = (p->next + n) % VPID_COUNT;
		/* A whole word in use: skip to the next one. */
		if (id % 64 == 0 && p->used[id / 64] == ~0ull) {
			n += 63;
			continue;
		}
		if (!used(p, id)) {
			p->used[id / 64] |= 1ull << (id % 64);
			p->next = (id + 1) % VPID_COUNT;
			return (uint16_t)id;
		}
	}
	return 0;
}

bool vpid_pool_free(struct vpid_pool *p, uint16_t vpid)
{
	if (vpid == 0 || !used(p, vpid))
		return false;
	p->used[vpid / 64] &= ~(1ull << (vpid % 64));
	return true;
}
