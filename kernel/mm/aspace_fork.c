/*
 * Fork (aspace_fork in pallas/aspace.h).  The child gets a copy of every
 * mapping: a shared one refers to the same object, a private one gets an
 * object of its own holding the parent's private pages, so both hold each
 * page until one side writes it (see aspace_fault.c).  The parent's
 * writable entries of those pages turn read-only under its spinlock, page
 * by page as they are shared, and are flushed before fork returns.  The
 * child starts with no page-table entries: its first touches fault.
 *
 * Each shared page is charged to the child's object too: a later copy of it
 * then costs no new charge, so a write cannot fail for the limit.  A fork
 * past the limit fails instead, as Linux's overcommit accounting does.
 */
#include <asm/paging.h>
#include <asm/pgtable.h>
#include <pallas/errno.h>
#include <pallas/frame.h>
#include <pallas/kernel.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>

#include "aspace_impl.h"

#define SHARE_BATCH 64 /* pages shared per hold of the parent's spinlock */

/* The span of the parent's entries made read-only, to flush. */
struct span {
	uintptr_t lo, hi;
};

static void span_add(struct span *s, uintptr_t va)
{
	s->lo = s->hi ? MIN(s->lo, va) : va;
	s->hi = MAX(s->hi, va + PAGE_SIZE);
}

/* Shares up to SHARE_BATCH of v's private pages from *index on into copy
 * (parent's lock held).  0 and more to do, 1 when done, or -ENOMEM. */
static int share_batch(struct aspace *parent, struct vma *v, struct memobj *copy, uint64_t *index,
		       struct span *wp)
{
	uint64_t end = vma_index(v, v->end);

	for (unsigned n = 0; n < SHARE_BATCH; n++) {
		paddr_t p = memobj_next(v->anon, index, end);
		if (!p)
			return 1;
		int err = memobj_insert(copy, *index, p);
		frame_put(p);
		if (err)
			return -ENOMEM;
		uintptr_t va = v->start + (*index - v->pgoff) * PAGE_SIZE;
		if (pgtable_update(parent->root, va, PTE_W, 0) & PTE_W)
			span_add(wp, va);
		++*index;
	}
	return 0;
}

/* Gives c (the child's copy of v) v's private pages. */
static int share_private(struct aspace *parent, struct vma *v, struct vma *c)
{
	uint64_t index = v->pgoff;
	int done;

	do {
		struct span wp = {0};
		unsigned long flags = as_lock(parent);
		done = share_batch(parent, v, c->anon, &index, &wp);
		as_unlock(parent, flags);
		if (wp.hi)
			aspace_flush(parent, wp.lo, (wp.hi - wp.lo) / PAGE_SIZE);
	} while (!done);
	return done < 0 ? done : 0;
}

/* The child's copy of v, in its tree. */
static int copy_vma(struct aspace *parent, struct aspace *child, struct vma *v)
{
	struct vma *c = kzalloc(sizeof(*c));

	if (!c)
		return -ENOMEM;
	*c = *v;
	c->node = (struct avl_node){0};
	c->anon = NULL;
	if (v->anon && !(c->anon = aspace_anon_create(child))) {
		kfree(c);
		return -ENOMEM;
	}
	if (c->obj)
		memobj_get(c->obj);
	bool ok = vma_insert(&child->vmas, c); /* nobody sees child yet: no lock */
	BUG_ON(!ok);
	return c->anon ? share_private(parent, v, c) : 0;
}

struct aspace *aspace_fork(struct aspace *parent)
{
	struct aspace *child = aspace_create();
	int err = 0;

	if (!child)
		return NULL;
	child->charge = parent->charge;
	child->mmap_top = parent->mmap_top;
	mutex_lock(&parent->map_lock); /* the tree stays as it is */
	for (struct vma *v = vma_from(&parent->vmas, 0); v && !err; v = vma_next(v))
		err = copy_vma(parent, child, v);
	mutex_unlock(&parent->map_lock);
	if (err) {
		aspace_put(child); /* takes back what was shared so far */
		return NULL;
	}
	return child;
}
