/*
 * The buddy allocator core: power-of-two runs of physical pages.
 *
 * A struct buddy manages a set of zones, each a contiguous run of physical
 * pages.  Blocks are naturally aligned (a block of order k starts at a
 * multiple of 2^k pages) and never span two zones.  Free blocks are threaded
 * on per-order lists through their own first page, which the allocator
 * reaches at phys + virt_offset; the kernel passes its direct-map offset, the
 * host unit tests the address of a malloc'd arena.
 *
 * Every page has one metadata byte, in memory the caller supplies:
 *   bits 0-3  order of the block (meaningful on heads and on tagged pages)
 *   bit 4     BUDDY_META_FREE   head of a free block
 *   bit 5     BUDDY_META_ALLOC  head of an allocated block
 *   bits 6-7  owner tag (BUDDY_TAG_*), on every page of an allocated block
 * Other pages (the tails of blocks) are 0.
 *
 * Physical page 0 is never part of a zone, so 0 can mean "no memory".
 */
#ifndef PALLAS_BUDDY_H
#define PALLAS_BUDDY_H

#include <pallas/list.h>
#include <pallas/mm.h>
#include <pallas/spinlock.h>
#include <pallas/types.h>

/* 4 MiB blocks: room for 2 MiB guest pages and for large kmalloc buffers. */
#define BUDDY_MAX_ORDER 10
#define BUDDY_MAX_ZONES 128

#define BUDDY_META_ORDER 0x0fu
#define BUDDY_META_FREE	 0x10u
#define BUDDY_META_ALLOC 0x20u
#define BUDDY_TAG_MASK	 0xc0u

/* Owner tags kmalloc puts on the blocks it takes from the buddy. */
#define BUDDY_TAG_SLAB	0x40u /* the block is a slab of small objects */
#define BUDDY_TAG_LARGE 0x80u /* the block is one large kmalloc buffer */

struct buddy_zone {
	pfn_t base; /* first page frame */
	uint64_t npages;
	uint8_t *meta; /* npages bytes */
};

struct buddy {
	spinlock_t lock;
	uintptr_t virt_offset; /* a page at phys p is accessible at p + virt_offset */
	struct list free[BUDDY_MAX_ORDER + 1];
	uint64_t nfree[BUDDY_MAX_ORDER + 1];	  /* blocks on each free list */
	struct buddy_zone zones[BUDDY_MAX_ZONES]; /* sorted by base, disjoint */
	unsigned nzones;
	uint64_t free_pages;
	uint64_t total_pages;
};

static inline void *buddy_virt(const struct buddy *b, paddr_t p)
{
	return (void *)(uintptr_t)(p + b->virt_offset);
}

static inline paddr_t buddy_phys(const struct buddy *b, const void *v)
{
	return (paddr_t)((uintptr_t)v - b->virt_offset);
}

void buddy_init(struct buddy *b, uintptr_t virt_offset);

/*
 * Hand [base, base + npages pages) to the allocator, all of it free.  base must
 * be page-aligned; page 0 is silently left out.  meta must hold npages bytes
 * and stays the allocator's.  Returns false (adding nothing) when the zone
 * table is full; panics when the range overlaps an existing zone.
 */
bool buddy_add_zone(struct buddy *b, paddr_t base, uint64_t npages, uint8_t *meta);

/* 2^order pages aligned to 2^order pages; 0 when no such block is free. */
paddr_t buddy_alloc(struct buddy *b, unsigned order);

/* Panics on a double free, a bad address or order, or a tagged block. */
void buddy_free(struct buddy *b, paddr_t p, unsigned order);

uint64_t buddy_free_pages(struct buddy *b);
uint64_t buddy_total_pages(struct buddy *b);

/*
 * Owner tags, for kmalloc.  buddy_set_tag() tags every page of the allocated
 * block at p (which must have this order); tag 0 clears it again, which must
 * happen before the block goes back through buddy_free().
 */
void buddy_set_tag(struct buddy *b, paddr_t p, unsigned order, unsigned tag);

/*
 * The tag of the page holding address p and, when tagged, the order of the
 * block that page belongs to.  Panics when p lies outside every zone.
 */
unsigned buddy_page_tag(struct buddy *b, paddr_t p, unsigned *order);

/* Whether address p lies in one of the zones. */
bool buddy_contains(struct buddy *b, paddr_t p);

/* The order of the allocated block starting at p; panics if none starts there. */
unsigned buddy_block_order(struct buddy *b, paddr_t p);

/* Walk every list and every metadata byte; false (and a message) on damage. */
bool buddy_check(struct buddy *b);

#endif
