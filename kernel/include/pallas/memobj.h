/*
 * Memory objects (kernel/mm/memobj.c): pages by index, filled on first use
 * and shared by everything that maps the object.  Anonymous memory, a file's
 * page cache and (later) a VM's RAM are all memory objects; they differ only
 * in how a missing page is filled.  Every page an object holds is charged to
 * the mem_charge it was created with, so a group's limit covers them all.
 */
#ifndef PALLAS_MEMOBJ_H
#define PALLAS_MEMOBJ_H

#include <pallas/radix.h>
#include <pallas/spinlock.h>
#include <pallas/types.h>

struct memobj;
struct mem_charge;

enum memobj_kind { MEMOBJ_ANON, MEMOBJ_FILE, MEMOBJ_GUEST };

struct memobj_ops {
	/* Fills a fresh zeroed page for index: 0 or -errno.  May sleep; called
	 * without the object's lock.  NULL: the page stays zero (anonymous). */
	int (*fill)(struct memobj *o, uint64_t index, void *page);
	/* The last reference is gone; the pages go right after. */
	void (*release)(struct memobj *o);
};

struct memobj {
	uint32_t refs; /* atomic */
	enum memobj_kind kind;
	spinlock_t lock;    /* pages and npages */
	uint64_t npages;    /* pages [0, npages) exist */
	struct radix pages; /* index -> physical address, resident pages only */
	uint64_t resident;  /* pages held */
	struct mem_charge *charge;
	const struct memobj_ops *ops;
	void *priv;
};

/* An object of npages pages with one reference, or NULL when memory is out.
 * ops may be NULL (anonymous), charge NULL (uncounted: the kernel's own). */
struct memobj *memobj_create(enum memobj_kind kind, uint64_t npages, const struct memobj_ops *ops,
			     void *priv, struct mem_charge *charge);
void memobj_get(struct memobj *o);
void memobj_put(struct memobj *o);

/* The page at index, filled first if it is not resident, with a reference
 * for the caller (frame_put it).  -EFAULT past the end (a mapping's SIGBUS),
 * -ENOMEM when memory or the charge's limit is out, or what fill said. */
int memobj_page(struct memobj *o, uint64_t index, paddr_t *page);
/* The page at index with a reference if it is resident; 0 if not. */
paddr_t memobj_lookup(struct memobj *o, uint64_t index);
/* Growing adds holes; shrinking drops (and uncharges) the pages past the end. */
void memobj_resize(struct memobj *o, uint64_t npages);
/* Drops (and uncharges) the pages at indexes [from, to): a private
 * mapping's copies when part of it is unmapped. */
void memobj_discard(struct memobj *o, uint64_t from, uint64_t to);
/* Puts page (whose reference stays the caller's) in at index, charged to
 * the object, with a reference of the object's own; the page may be held by
 * other objects too (a forked child's copy-on-write pages).  -EEXIST when
 * index has a page, -EFAULT past the end, -ENOMEM past the charge's limit. */
int memobj_insert(struct memobj *o, uint64_t index, paddr_t page);
/* Replaces old by new at index if old is there (true): the object's
 * reference on old passes to the caller, and it takes one on new.  The
 * charge stays as it was: one page for one page. */
bool memobj_replace(struct memobj *o, uint64_t index, paddr_t old, paddr_t new);
/* The first resident page at an index in [*index, end), with a reference
 * for the caller, its index in *index; 0 when there is none. */
paddr_t memobj_next(struct memobj *o, uint64_t *index, uint64_t end);
uint64_t memobj_resident(struct memobj *o);

#endif
