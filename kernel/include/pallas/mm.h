/*
 * Physical memory: the direct map, the page allocator and kmalloc.
 *
 * Start-up order (kernel/main.c):
 *   bootmem_init(bi)   early bump allocator over the USABLE regions in boot_info
 *   paging_init()      kernel page tables, built from bootmem pages
 *   mm_init(bi)        the buddy allocator takes every page bootmem did not hand
 *                      out, plus the BOOT_DATA regions the loader left behind
 *   kmalloc works from here on.
 */
#ifndef PALLAS_MM_H
#define PALLAS_MM_H

#include <pallas/boot_info.h>
#include <pallas/types.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE  ((uint64_t)4096)

#define DIRECT_MAP_BASE BOOT_DIRECT_MAP_BASE

static inline void *phys_to_virt(paddr_t p)
{
	return (void *)(uintptr_t)(p + DIRECT_MAP_BASE);
}

/* Only for addresses inside the direct map. */
static inline paddr_t virt_to_phys(const void *v)
{
	return (paddr_t)(uintptr_t)v - DIRECT_MAP_BASE;
}

/* kernel/mm/bootmem.c: before the buddy allocator exists.  Never freed. */
void bootmem_init(const struct boot_info *bi);
/* Zeroed, page-aligned pages; panics when memory is exhausted. */
paddr_t bootmem_alloc_pages(uint64_t npages);
/* A page below 1 MiB (for the SMP trampoline); 0 when there is none. */
paddr_t bootmem_alloc_low_page(void);

struct mm_range {
	paddr_t base, end; /* [base, end), page-aligned */
};
/*
 * For mm_init: stop bootmem (later calls panic) and list the ranges it handed
 * out, sorted by base.  Returns how many ranges there are, even beyond max.
 */
unsigned bootmem_finish(struct mm_range *out, unsigned max);

/* kernel/mm/page_alloc.c: the kernel's page allocator (one buddy instance). */
void mm_init(const struct boot_info *bi);
/* 2^order contiguous, naturally aligned pages; 0 when none are free. */
paddr_t page_alloc(unsigned order);
void page_free(paddr_t p, unsigned order);
uint64_t page_free_count(void);
uint64_t page_total_count(void);
/* Free pages plus the pages kmalloc holds (it keeps empty slabs): constant
 * across anything that gives back all it allocated, which tests check. */
uint64_t page_accounted_count(void);
/* Consistency check of the allocator's lists and metadata (for tests). */
bool page_alloc_check(void);

/* kernel/mm/slab.c */
struct buddy;
/* Point kmalloc at a page allocator: mm_init passes the kernel's, unit tests their own. */
void slab_init(struct buddy *b);
void *kmalloc(size_t size); /* NULL when out of memory; size 0 gives NULL */
void *kzalloc(size_t size);
void kfree(void *p); /* kfree(NULL) is a no-op; a bad pointer panics */

struct kmalloc_stats {
	uint64_t slab_pages;   /* pages held by slabs, including cached empty ones */
	uint64_t slab_objects; /* small objects handed out */
	uint64_t large_pages;  /* pages held by allocations above the largest size class */
};
void kmalloc_stats(struct kmalloc_stats *st);

#endif
