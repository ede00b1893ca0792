/*
 * mremap (aspace_remap in pallas/aspace.h): a mapping grows in place when
 * the space after it is free, else moves whole.  A move takes the VMA out
 * of the tree, drops its page-table entries and puts it back at the new
 * address with the same objects and pgoff: the pages stay where they are
 * (the object's, or the private copies in vma.anon, which are indexed by
 * object page, not by address), and faults map them at the new place.
 */
#include <asm/pgtable.h>
#include <pallas/errno.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/uaccess.h>

#include "aspace_impl.h"

/* Grows v (ending at end) to new_end when the space is free (map_lock held). */
static bool grow_in_place(struct aspace *as, struct vma *v, uintptr_t new_end)
{
	if (!as_range_ok(v->end, new_end - v->end) || !vma_range_free(&as->vmas, v->end, new_end))
		return false;
	if ((new_end - v->start) / PAGE_SIZE > ANON_PAGES - v->pgoff)
		return false;
	unsigned long flags = as_lock(as);
	v->end = new_end;
	as_unlock(as, flags);
	return true;
}

/* Moves the whole mapping v to [to, to + len) (map_lock held, free there). */
static void move_vma(struct aspace *as, struct vma *v, uintptr_t to, size_t len)
{
	uintptr_t start = v->start, end = v->end;
	unsigned long flags = as_lock(as);

	vma_remove(&as->vmas, v);
	as_unlock(as, flags);
	aspace_unmap_ptes(as, start, end);
	v->start = to;
	v->end = to + len;
	flags = as_lock(as);
	bool ok = vma_insert(&as->vmas, v);
	as_unlock(as, flags);
	BUG_ON(!ok); /* the caller found it free, and map_lock kept it so */
}

/* Where a move goes (map_lock held): 0 and *to, or -errno. */
static int destination(struct aspace *as, uintptr_t old, size_t old_len, size_t new_len,
		       unsigned flags, uintptr_t *to)
{
	if (!(flags & AS_REMAP_FIXED)) {
		*to = vma_gap_down(&as->vmas, new_len, MMAP_MIN_ADDR, as->mmap_top);
		return *to ? 0 : -ENOMEM;
	}
	if (!IS_ALIGNED(*to, PAGE_SIZE))
		return -EINVAL;
	if (!as_range_ok(*to, new_len))
		return -EINVAL;
	if (*to < old + old_len && old < *to + new_len)
		return -EINVAL;
	return as_unmap_locked(as, *to, *to + new_len);
}

static int remap_locked(struct aspace *as, uintptr_t old, size_t old_len, size_t new_len,
			unsigned flags, uintptr_t *addr)
{
	int err;

	if (new_len < old_len) {
		err = as_unmap_locked(as, old + new_len, old + old_len);
		if (err)
			return err;
		old_len = new_len;
		if (!(flags & AS_REMAP_FIXED)) {
			*addr = old;
			return 0;
		}
	}
	struct vma *v = vma_find(&as->vmas, old);
	if (!v || old_len > v->end - old)
		return -EFAULT;
	if (!(flags & AS_REMAP_FIXED)) {
		if (new_len == old_len) {
			*addr = old;
			return 0;
		}
		if (v->end == old + old_len && grow_in_place(as, v, old + new_len)) {
			*addr = old;
			return 0;
		}
		if (!(flags & AS_REMAP_MAYMOVE))
			return -ENOMEM;
	}
	uintptr_t to = *addr;
	err = destination(as, old, old_len, new_len, flags, &to);
	if (err)
		return err;
	struct spares s;
	bool ok = as_spares_get(&s);
	if (ok) {
		unsigned long lf = as_lock(as);
		ok = as_split_edges(as, old, old + old_len, &s);
		as_unlock(as, lf);
	}
	as_spares_put(&s);
	if (!ok)
		return -ENOMEM;
	v = vma_find(&as->vmas, old);
	if ((new_len - 1) / PAGE_SIZE >= ANON_PAGES - v->pgoff)
		return -ENOMEM;
	move_vma(as, v, to, new_len);
	*addr = to;
	return 0;
}

int aspace_remap(struct aspace *as, uintptr_t old, size_t old_len, size_t new_len, unsigned flags,
		 uintptr_t *addr)
{
	if (!IS_ALIGNED(old, PAGE_SIZE) || !IS_ALIGNED(old_len, PAGE_SIZE) ||
	    !IS_ALIGNED(new_len, PAGE_SIZE) || !old_len || !new_len ||
	    (flags & ~(AS_REMAP_MAYMOVE | AS_REMAP_FIXED)) ||
	    ((flags & AS_REMAP_FIXED) && !(flags & AS_REMAP_MAYMOVE)))
		return -EINVAL;
	if (!as_range_ok(old, old_len))
		return -EFAULT;
	if (new_len > USER_TOP)
		return -ENOMEM;
	mutex_lock(&as->map_lock);
	int err = remap_locked(as, old, old_len, new_len, flags, addr);
	mutex_unlock(&as->map_lock);
	return err;
}
