/*
 * The frame table of pallas/frame.h.  It mirrors the buddy allocator's zones
 * (sorted, disjoint runs of pages), so a frame is found by a binary search of
 * at most 128 zones and an index, with no array spanning the holes between.
 */
#include <pallas/buddy.h>
#include <pallas/frame.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/string.h>

struct frame_zone {
	pfn_t base;
	uint64_t npages;
	struct frame *frames;
};

static struct frame_zone zones[BUDDY_MAX_ZONES];
static unsigned nzones;

bool frame_add_zone(paddr_t base, uint64_t npages, struct frame *frames)
{
	pfn_t pfn = base >> PAGE_SHIFT;

	if (nzones == BUDDY_MAX_ZONES)
		return false;
	BUG_ON(nzones && zones[nzones - 1].base + zones[nzones - 1].npages > pfn);
	zones[nzones++] = (struct frame_zone){pfn, npages, frames};
	return true;
}

static const struct frame_zone *zone_of_pfn(pfn_t pfn)
{
	unsigned lo = 0, hi = nzones;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		if (pfn < zones[mid].base)
			hi = mid;
		else if (pfn >= zones[mid].base + zones[mid].npages)
			lo = mid + 1;
		else
			return &zones[mid];
	}
	return NULL;
}

struct frame *frame_of(paddr_t p)
{
	pfn_t pfn = p >> PAGE_SHIFT;
	const struct frame_zone *z = zone_of_pfn(pfn);

	return z ? &z->frames[pfn - z->base] : NULL;
}

paddr_t frame_phys(const struct frame *f)
{
	for (unsigned i = 0; i < nzones; i++) {
		const struct frame_zone *z = &zones[i];
		if (f >= z->frames && f < z->frames + z->npages)
			return (z->base + (uint64_t)(f - z->frames)) << PAGE_SHIFT;
	}
	BUG_ON(true);
	return 0;
}

paddr_t frame_alloc(void)
{
	paddr_t p = page_alloc(0);
	struct frame *f = p ? frame_of(p) : NULL;

	if (!p)
		return 0;
	BUG_ON(!f || __atomic_load_n(&f->refs, __ATOMIC_RELAXED));
	f->flags = 0;
	f->obj = NULL;
	f->index = 0;
	memset(phys_to_virt(p), 0, PAGE_SIZE);
	__atomic_store_n(&f->refs, 1, __ATOMIC_RELEASE);
	return p;
}

void frame_get(paddr_t p)
{
	struct frame *f = frame_of(p);

	BUG_ON(!f || !__atomic_load_n(&f->refs, __ATOMIC_RELAXED));
	__atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
}

bool frame_put(paddr_t p)
{
	struct frame *f = frame_of(p);

	BUG_ON(!f);
	uint32_t left = __atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL);
	BUG_ON(left == UINT32_MAX); /* a put without a get */
	if (left)
		return false;
	f->obj = NULL;
	page_free(p, 0);
	return true;
}

uint32_t frame_refs(paddr_t p)
{
	struct frame *f = frame_of(p);

	return f ? __atomic_load_n(&f->refs, __ATOMIC_ACQUIRE) : 0;
}
