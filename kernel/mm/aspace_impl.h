/*
 * What the files of the address-space code (aspace.c: lifetime, TLB
 * flushes and switching; aspace_map.c: the tree's ranges; aspace_fault.c:
 * demand paging and copy-on-write; aspace_fork.c) share, and no one else.
 */
#ifndef MM_ASPACE_IMPL_H
#define MM_ASPACE_IMPL_H

#include <pallas/aspace.h>

/* A private mapping's own object spans every index an object may have. */
#define ANON_PAGES (1ull << 52)

static inline unsigned long as_lock(struct aspace *as)
{
	return spin_lock_irqsave(&as->lock);
}

static inline void as_unlock(struct aspace *as, unsigned long flags)
{
	spin_unlock_irqrestore(&as->lock, flags);
}

/* After changing entries of [va, va + npages pages): no CPU uses the old
 * ones once this returns.  Never with as->lock held: the CPUs it
 * interrupts may be spinning on it with interrupts off. */
void aspace_flush(struct aspace *as, uintptr_t va, size_t npages);
/* Clears the page-table entries of [start, end), flushes them, and puts the
 * pages they held. */
void aspace_unmap_ptes(struct aspace *as, uintptr_t start, uintptr_t end);
/* A mapping out of the tree goes: its pages, its private copies of them,
 * its object references, itself. */
void aspace_vma_release(struct aspace *as, struct vma *v);
/* The anonymous object a private mapping of as keeps its pages in. */
struct memobj *aspace_anon_create(struct aspace *as);

/* aspace_map.c's range helpers, for aspace_remap.c. */
/* A page-aligned, non-empty range of user space at or above MMAP_MIN_ADDR. */
bool as_range_ok(uintptr_t start, size_t len);
/* The VMAs the splits of one change may need, allocated up front (never
 * under the spinlock): put them whether or not get succeeded. */
struct spares {
	struct vma *v[2];
};
bool as_spares_get(struct spares *s);
void as_spares_put(struct spares *s);
/* Makes [start, end) a union of whole mappings (lock held); false when the
 * splits would pass ASPACE_MAX_VMAS. */
bool as_split_edges(struct aspace *as, uintptr_t start, uintptr_t end, struct spares *s);
/* Unmaps [start, end) (map_lock held). */
int as_unmap_locked(struct aspace *as, uintptr_t start, uintptr_t end);

#endif
