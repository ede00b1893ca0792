/*
 * The kernel's page allocator: one buddy instance over all of RAM.
 *
 * mm_init gives the buddy every USABLE and BOOT_DATA page (the loader's
 * boot_info, page tables and stack are dead once the kernel runs on its own
 * copies), low memory included, except what bootmem handed out: the kernel's
 * page tables and the buddy's own metadata, among others.  Each zone also
 * gets its frames (pallas/frame.h), from the same bootmem block as its
 * metadata bytes.
 */
#include <pallas/buddy.h>
#include <pallas/frame.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>

static struct buddy kbuddy;

/*
 * Scratch for mm_init, static because it is too big for the stack.  Every
 * range is computed before the buddy writes its first free-list link, so
 * nothing here depends on boot data that is about to be overwritten.
 */
static struct mm_range candidates[BOOT_MEM_MAX];
static struct mm_range used[BOOT_MEM_MAX + 1];
static struct mm_range pieces[2 * BOOT_MEM_MAX + 1];

static bool buddy_owns(uint32_t type)
{
	return type == BOOT_MEM_USABLE || type == BOOT_MEM_BOOT_DATA;
}

/* Page-aligned USABLE and BOOT_DATA ranges, adjacent ones merged so zones grow. */
static unsigned collect_candidates(const struct boot_info *bi)
{
	unsigned n = 0;

	for (uint32_t i = 0; i < bi->mem_count && i < BOOT_MEM_MAX; i++) {
		const struct boot_mem_region *r = &bi->mem[i];
		if (!buddy_owns(r->type) || r->base > ~0ull - r->length ||
		    r->base > ~0ull - PAGE_SIZE)
			continue;
		paddr_t base = ALIGN_UP(r->base, PAGE_SIZE);
		paddr_t end = ALIGN_DOWN(r->base + r->length, PAGE_SIZE);
		if (base >= end)
			continue;
		if (n > 0 && candidates[n - 1].end == base)
			candidates[n - 1].end = end;
		else
			candidates[n++] = (struct mm_range){base, end};
	}
	return n;
}

/* [r.base, r.end) minus the sorted ranges in used[]; appends to pieces[]. */
static unsigned subtract(struct mm_range r, unsigned nused, unsigned n)
{
	paddr_t pos = r.base;

	for (unsigned i = 0; i < nused && used[i].base < r.end; i++) {
		if (used[i].end <= pos)
			continue;
		if (used[i].base > pos)
			pieces[n++] = (struct mm_range){pos, used[i].base};
		pos = MAX(pos, used[i].end);
	}
	if (pos < r.end)
		pieces[n++] = (struct mm_range){pos, r.end};
	return n;
}

static uint64_t range_pages(struct mm_range r)
{
	return (r.end - r.base) >> PAGE_SHIFT;
}

void mm_init(const struct boot_info *bi)
{
	unsigned ncand = collect_candidates(bi);
	uint64_t firmware_kib = bi->firmware_usable_bytes / 1024;
	uint64_t bound = 0;

	for (unsigned i = 0; i < ncand; i++)
		bound += range_pages(candidates[i]);
	if (bound == 0)
		panic("mm: the memory map has no usable memory");

	/* One byte and one frame per page (the frames 8-aligned after the bytes);
	 * bootmem's own ranges make the real need a bit smaller. */
	uint64_t meta_bytes = ALIGN_UP(bound, 8) + bound * sizeof(struct frame);
	uint64_t meta_pages = (meta_bytes + PAGE_SIZE - 1) / PAGE_SIZE;
	uint8_t *meta = phys_to_virt(bootmem_alloc_pages(meta_pages));
	struct frame *frames = (struct frame *)(meta + ALIGN_UP(bound, 8));

	unsigned nused = bootmem_finish(used, ARRAY_SIZE(used));
	BUG_ON(nused > ARRAY_SIZE(used));
	unsigned npieces = 0;
	for (unsigned i = 0; i < ncand; i++)
		npieces = subtract(candidates[i], nused, npieces);

	buddy_init(&kbuddy, DIRECT_MAP_BASE);
	uint64_t lost = 0;
	for (unsigned i = 0; i < npieces; i++) {
		uint64_t n = range_pages(pieces[i]);
		if (!buddy_add_zone(&kbuddy, pieces[i].base, n, meta))
			lost += n;
		else
			BUG_ON(!frame_add_zone(pieces[i].base, n, frames));
		meta += n;
		frames += n;
	}
	if (lost)
		pr_warn("mm: zone table full, %llu KiB left unused\n",
			(unsigned long long)(lost * PAGE_SIZE / 1024));

	slab_init(&kbuddy);
	pr_info("mm: %llu KiB free in %u zones\n",
		(unsigned long long)(page_free_count() * PAGE_SIZE / 1024), kbuddy.nzones);
	pr_debug("mm: firmware reports %llu KiB usable; page metadata %llu KiB\n",
		 (unsigned long long)firmware_kib,
		 (unsigned long long)(meta_pages * PAGE_SIZE / 1024));
}

paddr_t page_alloc(unsigned order)
{
	return buddy_alloc(&kbuddy, order);
}

void page_free(paddr_t p, unsigned order)
{
	buddy_free(&kbuddy, p, order);
}

uint64_t page_free_count(void)
{
	return buddy_free_pages(&kbuddy);
}

uint64_t page_accounted_count(void)
{
	struct kmalloc_stats st;

	kmalloc_stats(&st);
	return page_free_count() + st.slab_pages + st.large_pages;
}

uint64_t page_total_count(void)
{
	return buddy_total_pages(&kbuddy);
}

bool page_alloc_check(void)
{
	return buddy_check(&kbuddy);
}
