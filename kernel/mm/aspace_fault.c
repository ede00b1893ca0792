/*
 * Page faults (aspace_fault in pallas/aspace.h): demand paging, and
 * copy-on-write for private mappings.
 *
 * A fault looks its mapping up under the spinlock and notes what it found
 * (struct fault, holding references on the objects); work that may sleep
 * (filling a page of a file, copying one) happens unlocked, and the result
 * goes in only if the mapping is still the one noted; if not, the fault
 * starts over and finds what is there now.
 *
 * Private pages.  A private mapping's own object (vma.anon) holds the pages
 * it wrote, by the index of obj's page they stand for; a forked child's
 * object holds the same pages until one side writes.  Who holds a page is
 * its frame's reference count: one per object, one per page-table entry,
 * and the fault's own.  A page is the writer's alone when nothing else
 * holds it, and only then is it mapped writable; a writable entry of a
 * private mapping therefore always maps a page of its own object, which is
 * what fork write-protects.  The count can only grow through a fork of
 * this address space, which holds the spinlock while it shares a page, so
 * "alone" cannot change while the fault holds it either.
 *
 * A copy is made from a page that no CPU can be writing: the page is
 * read-only in every page table, and the faulting side flushes its own
 * TLBs of it first (a thread of the parent may still hold a writable entry
 * from before the fork until the fork's flush).  The old page's references
 * are put only after the flush of its entry, so until then the other side
 * cannot find the page its own and write it while a CPU here still reads
 * it.
 */
#include <asm/paging.h>
#include <asm/pgtable.h>
#include <pallas/errno.h>
#include <pallas/frame.h>
#include <pallas/kernel.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/string.h>

#include "aspace_impl.h"

struct fault {
	struct aspace *as;
	uintptr_t va; /* the page */
	unsigned access;
	struct memobj *obj, *anon; /* with references */
	uint64_t index;
	unsigned prot; /* the mapping's, as of the last look */
};

static bool access_allowed(unsigned prot, unsigned access)
{
	if (access & VMA_WRITE)
		return prot & VMA_WRITE;
	if (access & VMA_EXEC)
		return prot & VMA_EXEC;
	return prot & VMA_PROT_MASK; /* x86 pages that can be written or run can be read */
}

static bool pte_allows(uint64_t pte, unsigned access)
{
	return (pte & PTE_P) && (!(access & VMA_WRITE) || (pte & PTE_W)) &&
	       (!(access & VMA_EXEC) || !(pte & PTE_NX));
}

/* Whether fl's mapping is still there as noted (lock held); refreshes its prot. */
static bool still_there(struct fault *fl)
{
	struct vma *v = vma_find(&fl->as->vmas, fl->va);

	if (!v || v->obj != fl->obj || v->anon != fl->anon || vma_index(v, fl->va) != fl->index ||
	    !access_allowed(v->prot, fl->access))
		return false;
	fl->prot = v->prot;
	return true;
}

/* install()'s answer when a table cannot be had: no entry of ours is ever
 * just PTE_P (they all have PTE_U). */
#define NO_TABLE PTE_P

/* Maps pa at fl's page (lock held), writable if asked and the mapping
 * allows; the entry takes the caller's reference.  Returns the old entry,
 * for finish(), or NO_TABLE. */
static uint64_t install(struct fault *fl, paddr_t pa, bool writable)
{
	uint64_t flags =
	    (writable && (fl->prot & VMA_WRITE) ? PTE_W : 0) | (fl->prot & VMA_EXEC ? 0 : PTE_NX);
	uint64_t old = 0;

	return pgtable_map(fl->as->root, fl->va, pa, flags, &old) ? old : NO_TABLE;
}

/* Whether the mapping's own object has the page (lock held). */
static bool has_copy(struct fault *fl)
{
	paddr_t p = memobj_lookup(fl->anon, fl->index);

	if (p)
		frame_put(p); /* the object's reference stays */
	return p != 0;
}

/* After install() put pa where old was (lock dropped): 0 or -ENOMEM. */
static int finish(struct fault *fl, paddr_t pa, uint64_t old)
{
	if (old == NO_TABLE) {
		frame_put(pa);
		return -ENOMEM;
	}
	if (!(old & PTE_P))
		return 0;
	if ((old & PTE_ADDR) == pa) {
		frame_put(pa); /* the same page with more rights: the entry had its reference */
		return 0;
	}
	aspace_flush(fl->as, fl->va, 1);
	frame_put(old & PTE_ADDR);
	return 0;
}

/* A shared mapping: the object's page, written through. */
static int shared_fault(struct fault *fl)
{
	paddr_t pa;
	int err = memobj_page(fl->obj, fl->index, &pa); /* may sleep to fill it */
	if (err)
		return err;
	unsigned long flags = as_lock(fl->as);
	if (!still_there(fl)) {
		as_unlock(fl->as, flags);
		frame_put(pa);
		return -EAGAIN;
	}
	uint64_t old = install(fl, pa, true);
	as_unlock(fl->as, flags);
	return finish(fl, pa, old);
}

/* A private page that is not the writer's alone: a copy of it becomes the
 * mapping's (we hold a reference on old). */
static int cow_copy(struct fault *fl, paddr_t old, bool mapped)
{
	if (mapped)
		aspace_flush(fl->as, fl->va, 1); /* nothing here writes old while we copy */
	paddr_t copy = frame_alloc();
	if (!copy)
		return -ENOMEM;
	memcpy(phys_to_virt(copy), phys_to_virt(old), PAGE_SIZE);
	unsigned long flags = as_lock(fl->as);
	if (!still_there(fl) || !memobj_replace(fl->anon, fl->index, old, copy)) {
		as_unlock(fl->as, flags);
		frame_put(copy);
		return -EAGAIN;
	}
	uint64_t pte = install(fl, copy, true);
	as_unlock(fl->as, flags);
	int err = finish(fl, copy, pte); /* flushes the entry of old */
	frame_put(old); /* the object's reference, which memobj_replace passed on */
	return err;
}

/* A page of the mapping's own object, p (with our reference). */
static int own_page(struct fault *fl, paddr_t p, uint64_t pte, unsigned long flags)
{
	bool mapped = (pte & PTE_P) && (pte & PTE_ADDR) == p;
	bool alone = frame_refs(p) == 2u + mapped; /* the object, us, the entry */

	if (!(fl->access & VMA_WRITE) || alone) {
		uint64_t old = install(fl, p, alone);
		as_unlock(fl->as, flags);
		return finish(fl, p, old);
	}
	as_unlock(fl->as, flags);
	int err = cow_copy(fl, p, mapped);
	frame_put(p);
	return err;
}

/* The mapping has no copy of the page yet: a zero page goes in (no object),
 * or a copy of the object's page (a write), or the object's page is mapped
 * read-only (a read).  Called with the lock; returns without it. */
static int first_touch(struct fault *fl, unsigned long flags)
{
	paddr_t p;
	int err;

	if (!fl->obj) {
		err = memobj_page(fl->anon, fl->index, &p); /* no fill: does not sleep */
		as_unlock(fl->as, flags);
		if (!err)
			frame_put(p);
		return err ? err : -EAGAIN; /* the page is the object's now: map it as one */
	}
	as_unlock(fl->as, flags);
	paddr_t src;
	err = memobj_page(fl->obj, fl->index, &src); /* may sleep to fill it */
	if (err)
		return err;
	if (!(fl->access & VMA_WRITE)) {
		flags = as_lock(fl->as);
		uint64_t old = NO_TABLE;
		if (still_there(fl) && !has_copy(fl))
			old = install(fl, src, false);
		else
			err = -EAGAIN;
		as_unlock(fl->as, flags);
		if (err) {
			frame_put(src);
			return err;
		}
		return finish(fl, src, old);
	}
	p = frame_alloc();
	if (p)
		memcpy(phys_to_virt(p), phys_to_virt(src), PAGE_SIZE);
	frame_put(src);
	if (!p)
		return -ENOMEM;
	flags = as_lock(fl->as);
	err = still_there(fl) ? memobj_insert(fl->anon, fl->index, p) : -EAGAIN;
	as_unlock(fl->as, flags);
	frame_put(p);				      /* the object's now, or nobody's */
	return err && err != -EEXIST ? err : -EAGAIN; /* mapped as the object's next time */
}

static int private_fault(struct fault *fl)
{
	unsigned long flags = as_lock(fl->as);

	if (!still_there(fl)) {
		as_unlock(fl->as, flags);
		return -EAGAIN;
	}
	paddr_t p = memobj_lookup(fl->anon, fl->index);
	if (p)
		return own_page(fl, p, pgtable_lookup(fl->as->root, fl->va), flags);
	return first_touch(fl, flags);
}

/* Notes the mapping at addr in *fl; 1 when the entry allows the access
 * already (another CPU's fault mapped it first), or -EFAULT. */
static int look(struct aspace *as, uintptr_t addr, unsigned access, struct fault *fl)
{
	unsigned long flags = as_lock(as);
	struct vma *v = vma_find(&as->vmas, addr);
	int ret = 0;

	*fl = (struct fault){.as = as, .va = ALIGN_DOWN(addr, PAGE_SIZE), .access = access};
	if (!v || !access_allowed(v->prot, access))
		ret = -EFAULT;
	else if (pte_allows(pgtable_lookup(as->root, fl->va), access))
		ret = 1;
	else {
		fl->obj = v->obj;
		fl->anon = v->anon;
		fl->index = vma_index(v, fl->va);
		fl->prot = v->prot;
		if (fl->obj)
			memobj_get(fl->obj);
		if (fl->anon)
			memobj_get(fl->anon);
	}
	as_unlock(as, flags);
	return ret;
}

int aspace_fault(struct aspace *as, uintptr_t addr, unsigned access)
{
	for (;;) {
		struct fault fl;
		int err = look(as, addr, access, &fl);
		if (err)
			return err < 0 ? err : 0;
		err = fl.anon ? private_fault(&fl) : shared_fault(&fl);
		if (fl.obj)
			memobj_put(fl.obj);
		if (fl.anon)
			memobj_put(fl.anon);
		if (err != -EAGAIN)
			return err;
	}
}
