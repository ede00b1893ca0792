/*
 * The ranges of an address space (pallas/aspace.h): mmap, munmap and
 * mprotect as Linux has them, over the VMA tree of vma.c.  Each holds
 * map_lock throughout, and the spinlock only while it changes the tree, so
 * faults see every mapping either whole before or whole after.  A split
 * needs a VMA allocated beforehand (never under the spinlock): each call
 * allocates the two it may need and frees what it did not use.
 */
#include <asm/paging.h>
#include <asm/pgtable.h>
#include <pallas/errno.h>
#include <pallas/frame.h>
#include <pallas/kernel.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/uaccess.h>

#include "aspace_impl.h"

#define KNOWN_FLAGS (VMA_KIND_MASK | AS_FIXED | AS_NOREPLACE)

bool as_range_ok(uintptr_t start, size_t len)
{
	return len && IS_ALIGNED(start, PAGE_SIZE) && IS_ALIGNED(len, PAGE_SIZE) &&
	       start >= MMAP_MIN_ADDR && user_range_ok(start, len);
}

bool as_spares_get(struct spares *s)
{
	s->v[0] = kzalloc(sizeof(struct vma));
	s->v[1] = kzalloc(sizeof(struct vma));
	return s->v[0] && s->v[1];
}

void as_spares_put(struct spares *s)
{
	kfree(s->v[0]);
	kfree(s->v[1]);
}

static struct vma *spare_take(struct spares *s)
{
	for (unsigned i = 0; i < 2; i++) {
		struct vma *v = s->v[i];
		if (v) {
			s->v[i] = NULL;
			return v;
		}
	}
	return NULL;
}

/* Splits v at at with a spare; the tail's references are its own (lock held). */
static void split_at(struct aspace *as, struct vma *v, uintptr_t at, struct spares *s)
{
	struct vma *tail = spare_take(s);

	vma_split(&as->vmas, v, tail, at);
	if (tail->obj)
		memobj_get(tail->obj);
	if (tail->anon)
		memobj_get(tail->anon);
}

/* Makes [start, end) a union of whole mappings (lock held); false when the
 * splits would pass ASPACE_MAX_VMAS. */
bool as_split_edges(struct aspace *as, uintptr_t start, uintptr_t end, struct spares *s)
{
	if (as->vmas.count + vma_splits_needed(&as->vmas, start, end) > ASPACE_MAX_VMAS)
		return false;
	struct vma *v = vma_find(&as->vmas, start);
	if (v && v->start < start)
		split_at(as, v, start, s);
	v = vma_find(&as->vmas, end - 1);
	if (v && v->end > end)
		split_at(as, v, end, s);
	return true;
}

/* Unmaps [start, end) (map_lock held). */
int as_unmap_locked(struct aspace *as, uintptr_t start, uintptr_t end)
{
	struct spares s;

	if (vma_range_free(&as->vmas, start, end))
		return 0;
	if (!as_spares_get(&s)) {
		as_spares_put(&s);
		return -ENOMEM;
	}
	unsigned long flags = as_lock(as);
	bool ok = as_split_edges(as, start, end, &s);
	as_unlock(as, flags);
	as_spares_put(&s);
	if (!ok)
		return -ENOMEM;
	/* One at a time out of the tree and away: map_lock keeps anything new
	 * from arriving in the range meanwhile. */
	for (;;) {
		flags = as_lock(as);
		struct vma *v = vma_from(&as->vmas, start);
		if (v && v->start < end)
			vma_remove(&as->vmas, v);
		else
			v = NULL;
		as_unlock(as, flags);
		if (!v)
			return 0;
		aspace_vma_release(as, v);
	}
}

int aspace_unmap(struct aspace *as, uintptr_t start, size_t len)
{
	if (!as_range_ok(start, len))
		return -EINVAL;
	mutex_lock(&as->map_lock);
	int err = as_unmap_locked(as, start, start + len);
	mutex_unlock(&as->map_lock);
	return err;
}

static int check_mmap(size_t len, unsigned prot, unsigned flags, struct memobj *obj, uint64_t pgoff)
{
	if (!len || !IS_ALIGNED(len, PAGE_SIZE) || len > USER_TOP || (prot & ~VMA_PROT_MASK) ||
	    (flags & ~KNOWN_FLAGS) || ((flags & AS_NOREPLACE) && !(flags & AS_FIXED)) ||
	    (!obj && !(flags & VMA_PRIVATE)))
		return -EINVAL;
	if ((flags & VMA_DENYWRITE) && (prot & VMA_WRITE))
		return -EACCES;
	if (pgoff >= ANON_PAGES || len / PAGE_SIZE > ANON_PAGES - pgoff)
		return -EOVERFLOW;
	return 0;
}

/* Where the new mapping goes (map_lock held): 0 and *start, or -errno. */
static int place(struct aspace *as, uintptr_t *start, size_t len, unsigned flags)
{
	uintptr_t at = *start;

	if (flags & AS_FIXED) {
		if (!as_range_ok(at, len))
			return -EINVAL;
		if (flags & AS_NOREPLACE)
			return vma_range_free(&as->vmas, at, at + len) ? 0 : -EEXIST;
		return as_unmap_locked(as, at, at + len);
	}
	at = ALIGN_DOWN(at, PAGE_SIZE);
	if (!as_range_ok(at, len) || !vma_range_free(&as->vmas, at, at + len))
		at = vma_gap_down(&as->vmas, len, MMAP_MIN_ADDR, as->mmap_top);
	*start = at;
	return at ? 0 : -ENOMEM;
}

int aspace_mmap(struct aspace *as, uintptr_t *addr, size_t len, unsigned prot, unsigned flags,
		struct memobj *obj, uint64_t pgoff)
{
	int err = check_mmap(len, prot, flags, obj, pgoff);
	if (err)
		return err;
	struct vma *v = kzalloc(sizeof(*v));
	struct memobj *anon = flags & VMA_PRIVATE ? aspace_anon_create(as) : NULL;
	if (!v || (flags & VMA_PRIVATE && !anon)) {
		kfree(v);
		if (anon)
			memobj_put(anon);
		return -ENOMEM;
	}
	uintptr_t start = *addr;
	mutex_lock(&as->map_lock);
	err = as->vmas.count >= ASPACE_MAX_VMAS ? -ENOMEM : place(as, &start, len, flags);
	if (!err) {
		*v = (struct vma){.start = start,
				  .end = start + len,
				  .prot = prot,
				  .flags = flags & VMA_KIND_MASK,
				  .obj = obj,
				  .anon = anon,
				  .pgoff = pgoff};
		if (obj)
			memobj_get(obj);
		unsigned long f = as_lock(as);
		bool ok = vma_insert(&as->vmas, v);
		as_unlock(as, f);
		BUG_ON(!ok); /* place() found it free, and map_lock kept it so */
		*addr = start;
	}
	mutex_unlock(&as->map_lock);
	if (err) {
		kfree(v);
		if (anon)
			memobj_put(anon);
	}
	return err;
}

int aspace_map(struct aspace *as, uintptr_t start, size_t len, unsigned prot, struct memobj *obj,
	       uint64_t pgoff)
{
	return aspace_mmap(as, &start, len, prot, AS_FIXED | AS_NOREPLACE, obj, pgoff);
}

/* Whether mprotect may give the mappings of [start, end) prot (lock held). */
static int check_protect(struct aspace *as, uintptr_t start, uintptr_t end, unsigned prot)
{
	if (!vma_range_covered(&as->vmas, start, end))
		return -ENOMEM;
	for (struct vma *v = vma_find(&as->vmas, start); v && v->start < end; v = vma_next(v))
		if ((v->flags & VMA_DENYWRITE) && (prot & VMA_WRITE))
			return -EACCES;
	return 0;
}

/* Sets prot on [start, end), whole mappings now (lock held); whether any
 * lost a right, whose page-table entries must go. */
static bool set_prot(struct aspace *as, uintptr_t start, uintptr_t end, unsigned prot)
{
	bool lost = false;

	for (struct vma *v = vma_find(&as->vmas, start); v && v->start < end; v = vma_next(v)) {
		lost |= (v->prot & ~prot) != 0;
		v->prot = prot;
	}
	return lost;
}

int aspace_protect(struct aspace *as, uintptr_t start, size_t len, unsigned prot)
{
	struct spares s = {0};

	if (!as_range_ok(start, len) || (prot & ~VMA_PROT_MASK))
		return -EINVAL;
	uintptr_t end = start + len;
	mutex_lock(&as->map_lock);
	int err = check_protect(as, start, end, prot);
	if (!err && !as_spares_get(&s))
		err = -ENOMEM;
	bool lost = false;
	if (!err) {
		unsigned long flags = as_lock(as);
		if (as_split_edges(as, start, end, &s))
			lost = set_prot(as, start, end, prot);
		else
			err = -ENOMEM;
		as_unlock(as, flags);
	}
	/* Rights taken away: the entries go and faults map them anew with the
	 * new rights.  Rights added need nothing: the next fault upgrades. */
	if (lost)
		aspace_unmap_ptes(as, start, end);
	mutex_unlock(&as->map_lock);
	as_spares_put(&s);
	return err;
}

static void fill_info(const struct vma *v, struct vma_info *info)
{
	*info = (struct vma_info){.start = v->start,
				  .end = v->end,
				  .prot = v->prot,
				  .flags = v->flags,
				  .obj = v->obj,
				  .pgoff = v->pgoff};
	if (v->obj)
		memobj_get(v->obj);
}

bool aspace_vma_next(struct aspace *as, uintptr_t *addr, struct vma_info *info)
{
	unsigned long flags = as_lock(as);
	struct vma *v = vma_from(&as->vmas, *addr);

	if (v) {
		fill_info(v, info);
		*addr = v->end;
	}
	as_unlock(as, flags);
	return v != NULL;
}

/* Whether the page at va (in v) is in memory: mapped, or held by the
 * mapping's own object or its object (lock held). */
static bool page_resident(struct aspace *as, struct vma *v, uintptr_t va)
{
	if (pgtable_lookup(as->root, va) & PTE_P)
		return true;
	uint64_t index = vma_index(v, va);
	paddr_t p = v->anon ? memobj_lookup(v->anon, index) : 0;
	if (!p && v->obj)
		p = memobj_lookup(v->obj, index);
	if (p)
		frame_put(p); /* the object still holds it */
	return p != 0;
}

int aspace_query(struct aspace *as, uintptr_t addr, struct vma_info *info)
{
	unsigned long flags = as_lock(as);
	struct vma *v = vma_find(&as->vmas, addr);

	if (v) {
		fill_info(v, info);
		info->resident = page_resident(as, v, ALIGN_DOWN(addr, PAGE_SIZE));
	}
	as_unlock(as, flags);
	return v ? 0 : -ENOMEM;
}
