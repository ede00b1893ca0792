/*
 * The mappings of an address space (kernel/mm/vma.c): VMAs in an AVL tree by
 * address, disjoint, each [start, end) of one memory object.  Pure range
 * logic: finding, splitting and searching for free space, with no locks and
 * no page tables, so the host unit tests cover it (tests/unit/test_vma.c).
 * The address space (pallas/aspace.h) holds the locks and the references.
 */
#ifndef PALLAS_VMA_H
#define PALLAS_VMA_H

#include <pallas/avl.h>
#include <pallas/mm.h>
#include <pallas/types.h>

struct memobj;

/* Protection (what mprotect changes) */
#define VMA_READ      (1u << 0)
#define VMA_WRITE     (1u << 1)
#define VMA_EXEC      (1u << 2)
#define VMA_PROT_MASK (VMA_READ | VMA_WRITE | VMA_EXEC)

/* Kind of mapping (fixed for its life) */
/* Copy-on-write: writes go to pages of the mapping's own, never to obj.
 * Without it a mapping is shared: writes go through to obj. */
#define VMA_PRIVATE (1u << 3)
/* VMA_WRITE may never be added (a shared mapping of a file opened read-only). */
#define VMA_DENYWRITE (1u << 4)
#define VMA_KIND_MASK (VMA_PRIVATE | VMA_DENYWRITE)

struct vma {
	struct avl_node node;
	uintptr_t start, end; /* page-aligned, [start, end) */
	unsigned prot;	      /* VMA_READ | VMA_WRITE | VMA_EXEC */
	unsigned flags;	      /* VMA_PRIVATE | VMA_DENYWRITE */
	struct memobj *obj;   /* a reference of its own; NULL: zero pages (private only) */
	struct memobj *anon;  /* private: the pages written, by obj index (a reference) */
	uint64_t pgoff;	      /* obj's page at start */
};

/* obj's page index that va (inside v) shows. */
static inline uint64_t vma_index(const struct vma *v, uintptr_t va)
{
	return v->pgoff + (va - v->start) / PAGE_SIZE;
}

/* The mapping that contains addr, or NULL. */
struct vma *vma_find(const struct avl_tree *t, uintptr_t addr);
/* The lowest mapping that ends above addr (contains it or lies above), or NULL. */
struct vma *vma_from(const struct avl_tree *t, uintptr_t addr);
struct vma *vma_next(const struct vma *v);
struct vma *vma_prev(const struct vma *v);
/* Inserts v; false (changing nothing) when it overlaps a mapping. */
bool vma_insert(struct avl_tree *t, struct vma *v);
void vma_remove(struct avl_tree *t, struct vma *v);

/* Cuts v at at (v->start < at < v->end): v keeps [start, at), tail (the
 * caller's memory) gets [at, end) with everything else copied, pgoff moved
 * on, and goes into the tree.  The caller takes tail's object references. */
void vma_split(struct avl_tree *t, struct vma *v, struct vma *tail, uintptr_t at);
/* How many vma_split calls making [start, end) a union of whole mappings takes (0-2). */
unsigned vma_splits_needed(const struct avl_tree *t, uintptr_t start, uintptr_t end);

/* Whether no mapping overlaps [start, end). */
bool vma_range_free(const struct avl_tree *t, uintptr_t start, uintptr_t end);
/* Whether mappings cover [start, end) without a hole. */
bool vma_range_covered(const struct avl_tree *t, uintptr_t start, uintptr_t end);
/* The highest free, page-aligned [a, a + len) with floor <= a and
 * a + len <= ceiling (top-down, as Linux's mmap below its base); 0 when
 * there is none.  floor and ceiling page-aligned, floor > 0. */
uintptr_t vma_gap_down(const struct avl_tree *t, size_t len, uintptr_t floor, uintptr_t ceiling);

#endif
