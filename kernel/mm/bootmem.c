/*
 * Boot-time page allocator, used until mm_init builds the buddy allocator.
 *
 * Each USABLE region is split at 1 MiB into a low and a high part; the low
 * parts are kept for bootmem_alloc_low_page (real-mode trampolines need them).
 * Pages come off the top of a region and are never given back, so what a
 * region has handed out is always the single range [cur, end): mm_init asks
 * for those ranges and leaves them out of the buddy allocator.
 */
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/string.h>

#define LOW_LIMIT 0x100000ull

struct bootmem_region {
	paddr_t base, end; /* usable [base, end) */
	paddr_t cur;	   /* [cur, end) has been handed out */
};

/* One more than the map: the region that straddles 1 MiB becomes two. */
static struct bootmem_region regions[BOOT_MEM_MAX + 1];
static unsigned nregions;
static bool finished;

static void add_region(paddr_t base, paddr_t end)
{
	if (base >= end)
		return;
	if (nregions == ARRAY_SIZE(regions))
		panic("bootmem: too many regions");
	regions[nregions++] = (struct bootmem_region){base, end, end};
}

void bootmem_init(const struct boot_info *bi)
{
	paddr_t last_end = 0;

	nregions = 0;
	finished = false;
	for (uint32_t i = 0; i < bi->mem_count && i < BOOT_MEM_MAX; i++) {
		const struct boot_mem_region *r = &bi->mem[i];
		if (r->type != BOOT_MEM_USABLE || r->length == 0 || r->base > ~0ull - PAGE_SIZE)
			continue;
		/* A region running past 2^64 is nonsense; keep what fits. */
		paddr_t end = r->base + r->length < r->base ? ~0ull : r->base + r->length;
		paddr_t base = MAX(ALIGN_UP(r->base, PAGE_SIZE), PAGE_SIZE);
		end = ALIGN_DOWN(end, PAGE_SIZE);
		if (base < last_end)
			panic("bootmem: memory map is not sorted at 0x%llx",
			      (unsigned long long)base);
		if (base < LOW_LIMIT && end > LOW_LIMIT) {
			add_region(base, LOW_LIMIT);
			base = LOW_LIMIT;
		}
		add_region(base, end);
		last_end = MAX(last_end, end);
	}
}

static void *zeroed(paddr_t p, uint64_t npages)
{
	return memset(phys_to_virt(p), 0, npages * PAGE_SIZE);
}

/* The high region with the most pages left, which is where the top is. */
static struct bootmem_region *largest_high(void)
{
	struct bootmem_region *best = NULL;

	for (unsigned i = 0; i < nregions; i++) {
		struct bootmem_region *r = &regions[i];
		if (r->base >= LOW_LIMIT && (!best || r->cur - r->base > best->cur - best->base))
			best = r;
	}
	return best;
}

paddr_t bootmem_alloc_pages(uint64_t npages)
{
	if (finished)
		panic("bootmem_alloc_pages after mm_init");
	if (npages == 0)
		panic("bootmem_alloc_pages(0)");

	struct bootmem_region *r = largest_high();
	if (!r || (r->cur - r->base) / PAGE_SIZE < npages)
		panic("bootmem: out of memory allocating %llu pages", (unsigned long long)npages);
	r->cur -= npages * PAGE_SIZE;
	zeroed(r->cur, npages);
	return r->cur;
}

paddr_t bootmem_alloc_low_page(void)
{
	if (finished)
		panic("bootmem_alloc_low_page after mm_init");
	for (unsigned i = nregions; i-- > 0;) {
		struct bootmem_region *r = &regions[i];
		if (r->end <= LOW_LIMIT && r->cur > r->base) {
			r->cur -= PAGE_SIZE;
			zeroed(r->cur, 1);
			return r->cur;
		}
	}
	return 0;
}

unsigned bootmem_finish(struct mm_range *out, unsigned max)
{
	unsigned n = 0;

	finished = true;
	for (unsigned i = 0; i < nregions; i++) {
		if (regions[i].cur == regions[i].end)
			continue;
		if (n < max)
			out[n] = (struct mm_range){regions[i].cur, regions[i].end};
		n++;
	}
	return n;
}
