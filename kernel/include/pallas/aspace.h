/*
 * Address spaces (kernel/mm/aspace.c): a process's view of memory.  Its
 * page-table root (the kernel half shared with every other), its mappings
 * (VMAs, in an AVL tree by address: each a range of one memory object with
 * its permissions), the CPUs it is loaded on, and a PCID, so switching
 * between address spaces keeps each one's TLB entries.  Pages are mapped on
 * first touch (aspace_fault); a change to a mapping is flushed from exactly
 * the CPUs that may hold it (aspace_flush).
 */
#ifndef PALLAS_ASPACE_H
#define PALLAS_ASPACE_H

#include <pallas/avl.h>
#include <pallas/percpu.h>
#include <pallas/spinlock.h>
#include <pallas/types.h>

struct memobj;

#define VMA_READ  (1u << 0)
#define VMA_WRITE (1u << 1)
#define VMA_EXEC  (1u << 2)

struct vma {
	struct avl_node node;
	uintptr_t start, end; /* page-aligned, [start, end) */
	unsigned prot;	      /* VMA_* */
	struct memobj *obj;   /* a reference of its own */
	uint64_t pgoff;	      /* obj's page at start */
};

#define CPUMASK_WORDS (MAX_CPUS / 64)

struct aspace {
	uint32_t refs; /* atomic */
	paddr_t root;
	uint16_t pcid;	 /* 0 when the CPU has none (or none was free) */
	spinlock_t lock; /* the VMAs and the page tables */
	struct avl_tree vmas;
	uint64_t active[CPUMASK_WORDS]; /* atomic: CPUs it is loaded on now */
	uint64_t stale[CPUMASK_WORDS];	/* atomic: CPUs whose TLB may hold old entries */
};

/* Each CPU after paging_init: PCIDs on where the CPU has them. */
void aspace_cpu_init(void);
struct aspace *aspace_create(void); /* NULL when memory is out */
void aspace_get(struct aspace *as);
void aspace_put(struct aspace *as);

/* Maps [start, start + len) to obj's pages from pgoff on: 0, -EINVAL for a
 * range that is not page-aligned user space, -EEXIST where it overlaps a
 * mapping, -ENOMEM.  Takes its own reference on obj. */
int aspace_map(struct aspace *as, uintptr_t start, size_t len, unsigned prot, struct memobj *obj,
	       uint64_t pgoff);
/* Removes the mapping that starts at start (and its pages from the TLBs);
 * -EINVAL when no mapping starts there. */
int aspace_unmap(struct aspace *as, uintptr_t start);
/* A user page fault at addr (write: a write access): the page is mapped and
 * 0 returned, or -EFAULT (no mapping, or not that access: SIGSEGV), or what
 * the object said (-ENOMEM, -EFAULT past its end: SIGBUS). */
int aspace_fault(struct aspace *as, uintptr_t addr, bool write);

/* Loads next on this CPU (NULL: the kernel's root) in place of prev. */
void aspace_switch(struct aspace *prev, struct aspace *next);
/* The address space the running thread has, or NULL. */
struct aspace *aspace_current(void);

#endif
