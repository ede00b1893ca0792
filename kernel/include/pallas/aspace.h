/*
 * Address spaces (kernel/mm/aspace*.c): a process's view of memory.  Its
 * page-table root (the kernel half shared with every other), its mappings
 * (VMAs, pallas/vma.h: each a range of one memory object with its
 * permissions), the CPUs it is loaded on, and a PCID, so switching between
 * address spaces keeps each one's TLB entries.  Pages are mapped on first
 * touch (aspace_fault); a change to a mapping is flushed from exactly the
 * CPUs that may hold it.
 *
 * Shared and private mappings.  A mapping is shared unless VMA_PRIVATE:
 * writes go through to its object, and a forked child shares it.  A private
 * mapping never writes its object: reads see the object's pages, mapped
 * read-only, and the first write to a page copies it into the mapping's own
 * anonymous object (vma.anon), charged to the address space's mem_charge.
 * A private mapping of no object (obj NULL: MAP_PRIVATE|MAP_ANONYMOUS, brk)
 * is zero-filled straight into its own object, so nothing is copied.  After
 * aspace_fork both sides hold the private pages copy-on-write; a write
 * copies a page only while the other side still holds it, and writes in
 * place once it is the writer's alone.
 *
 * Ranges are Linux's: page-aligned, below USER_TOP, and at or above
 * MMAP_MIN_ADDR; unmap and protect split mappings and unmap allows holes.
 * Adjacent mappings are not merged.  Map, unmap, protect and fork sleep (the
 * address space's map_lock); faults may sleep to fill a page.
 */
#ifndef PALLAS_ASPACE_H
#define PALLAS_ASPACE_H

#include <pallas/mutex.h>
#include <pallas/percpu.h>
#include <pallas/spinlock.h>
#include <pallas/types.h>
#include <pallas/vma.h>

struct memobj;
struct mem_charge;

#define CPUMASK_WORDS (MAX_CPUS / 64)

/* Nothing is mapped below (Linux's default vm.mmap_min_addr), so a NULL
 * pointer with an offset still faults. */
#define MMAP_MIN_ADDR 0x10000ull
/* Mappings per address space (Linux's vm.max_map_count): bounds the tree
 * and the free-space search; more is -ENOMEM. */
#define ASPACE_MAX_VMAS 65530

/* aspace_mmap placement (with the VMA_PRIVATE and VMA_DENYWRITE kinds) */
#define AS_FIXED     (1u << 8) /* exactly at *addr, replacing what was there (MAP_FIXED) */
#define AS_NOREPLACE (1u << 9) /* with AS_FIXED: -EEXIST instead (MAP_FIXED_NOREPLACE) */

struct aspace {
	uint32_t refs; /* atomic */
	paddr_t root;
	uint16_t pcid;	       /* 0 when the CPU has none (or none was free) */
	spinlock_t lock;       /* the VMA tree, the page tables, the private objects' pages */
	struct mutex map_lock; /* held by whatever changes the tree: map, unmap, protect, fork */
	struct avl_tree vmas;  /* struct vma by address */
	uintptr_t mmap_top;    /* where the top-down search for free space starts */
	struct mem_charge *charge;	/* private pages are charged here; NULL: uncounted */
	uint64_t active[CPUMASK_WORDS]; /* atomic: CPUs it is loaded on now */
	uint64_t stale[CPUMASK_WORDS];	/* atomic: CPUs whose TLB may hold old entries */
};

/* A mapping as aspace_vma_next and aspace_query report it (/proc/PID/maps,
 * mincore). */
struct vma_info {
	uintptr_t start, end;
	unsigned prot, flags; /* VMA_READ..., VMA_PRIVATE... */
	struct memobj *obj;   /* with a reference for the caller (memobj_put it), or NULL */
	uint64_t pgoff;
	bool resident; /* aspace_query: the page at addr is in memory */
};

/* Each CPU after paging_init: PCIDs on where the CPU has them. */
void aspace_cpu_init(void);
/* An empty address space: mmap_top USER_TOP, no charge.  NULL when memory is out. */
struct aspace *aspace_create(void);
void aspace_get(struct aspace *as);
/* The last reference unmaps everything and frees the tables. */
void aspace_put(struct aspace *as);
/* Before the first private mapping: the mem_charge (outliving as) that
 * private pages are charged to; a fork's child inherits it. */
void aspace_set_charge(struct aspace *as, struct mem_charge *charge);
/* The ceiling of the free-space search (Linux's mmap_base: below the stack). */
void aspace_set_mmap_top(struct aspace *as, uintptr_t top);

/* Maps len bytes of obj from its page pgoff on with prot (VMA_READ |
 * VMA_WRITE | VMA_EXEC) and flags (VMA_PRIVATE, VMA_DENYWRITE, AS_FIXED,
 * AS_NOREPLACE), and returns the address in *addr.  Without AS_FIXED, *addr
 * is a hint, taken (rounded down to a page) when the range there is free,
 * else the highest free range below mmap_top.  obj NULL: zero-filled,
 * VMA_PRIVATE only.  Takes its own reference on obj.  0, or -EINVAL (a bad
 * range, prot or flags), -EOVERFLOW (pgoff + pages overflows), -EEXIST
 * (AS_NOREPLACE over a mapping), -ENOMEM (no room, memory, or mappings). */
int aspace_mmap(struct aspace *as, uintptr_t *addr, size_t len, unsigned prot, unsigned flags,
		struct memobj *obj, uint64_t pgoff);
/* aspace_mmap of a shared mapping exactly at start, -EEXIST over another. */
int aspace_map(struct aspace *as, uintptr_t start, size_t len, unsigned prot, struct memobj *obj,
	       uint64_t pgoff);
/* Unmaps [start, start + len): whatever mappings cover of it, splitting
 * those that stick out; holes are fine (munmap).  0, -EINVAL for a range
 * that is not page-aligned user space, -ENOMEM when a split is refused. */
int aspace_unmap(struct aspace *as, uintptr_t start, size_t len);
/* aspace_remap's flags (MREMAP_MAYMOVE, MREMAP_FIXED) */
#define AS_REMAP_MAYMOVE (1u << 0)
#define AS_REMAP_FIXED	 (1u << 1)
/* mremap: resizes the mapping at [old, old + old_len) to new_len (all
 * page-aligned).  Shrinking unmaps the tail; growing extends it in place
 * when the space after it is free, else (AS_REMAP_MAYMOVE) moves it whole,
 * contents and all, to free space, or (AS_REMAP_FIXED) to *addr, replacing
 * what is there.  The address in *addr.  -EINVAL (bad flags or alignment,
 * FIXED overlapping the old range), -EFAULT (old range not one mapping),
 * -ENOMEM (no room, or growing without MAYMOVE). */
int aspace_remap(struct aspace *as, uintptr_t old, size_t old_len, size_t new_len, unsigned flags,
		 uintptr_t *addr);
/* Sets the protection of [start, start + len) to prot, splitting mappings
 * (mprotect).  -ENOMEM when part of the range is unmapped (nothing
 * changes), -EACCES for VMA_WRITE on a VMA_DENYWRITE mapping, -EINVAL. */
int aspace_protect(struct aspace *as, uintptr_t start, size_t len, unsigned prot);
/* A child for fork: shared mappings shared, private ones copy-on-write on
 * both sides (the parent's writable pages turn read-only), the same charge
 * and mmap_top.  NULL when memory (or the charge) is out. */
struct aspace *aspace_fork(struct aspace *parent);

/* A page fault at addr for access (one of VMA_READ, VMA_WRITE, VMA_EXEC):
 * the page is mapped (copied first for a write to a copy-on-write page) and
 * 0 returned, or -EFAULT (no mapping, or not that access: SIGSEGV), or what
 * the object said (-ENOMEM; -EFAULT past its end: SIGBUS).  May sleep. */
int aspace_fault(struct aspace *as, uintptr_t addr, unsigned access);

/* The first mapping that ends above *addr: fills *info and moves *addr to
 * its end; false when there is none.  From *addr 0 on it walks every
 * mapping in order, and the space may change between calls. */
bool aspace_vma_next(struct aspace *as, uintptr_t *addr, struct vma_info *info);
/* The mapping that contains addr, with whether addr's page is in memory:
 * 0, or -ENOMEM when none does (mincore's answer). */
int aspace_query(struct aspace *as, uintptr_t addr, struct vma_info *info);

/* Copies up to n bytes at addr out of as (not necessarily the caller's)
 * into buf, only from pages mapped now (nothing is faulted in): the bytes
 * copied, fewer at the first page that is not there (/proc/PID/cmdline). */
size_t aspace_read(struct aspace *as, uintptr_t addr, void *buf, size_t n);
/* How many pages of [start, end) are mapped in the page tables now (RSS). */
uint64_t aspace_resident_pages(struct aspace *as, uintptr_t start, uintptr_t end);

/* Loads next on this CPU (NULL: the kernel's root) in place of prev. */
void aspace_switch(struct aspace *prev, struct aspace *next);
/* The address space the running thread has, or NULL. */
struct aspace *aspace_current(void);

#endif
