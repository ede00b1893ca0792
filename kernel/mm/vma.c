/*
 * The VMA tree (pallas/vma.h).  Mappings never overlap, so ordering them by
 * range lets an overlapping insert compare equal and be refused by the tree
 * itself.  The free-space search walks down from the ceiling mapping by
 * mapping: linear in the mappings below the ceiling, which the address
 * space bounds (ASPACE_MAX_VMAS), as Linux's max_map_count does.
 */
#include <pallas/kernel.h>
#include <pallas/vma.h>

static struct vma *vma_of(const struct avl_node *n)
{
	return n ? container_of(n, struct vma, node) : NULL;
}

static int vma_cmp(const struct avl_node *a, const struct avl_node *b)
{
	const struct vma *x = vma_of(a), *y = vma_of(b);

	if (x->end <= y->start)
		return -1;
	return x->start >= y->end ? 1 : 0; /* overlapping ranges compare equal */
}

struct vma *vma_find(const struct avl_tree *t, uintptr_t addr)
{
	struct vma *v = vma_from(t, addr);

	return v && v->start <= addr ? v : NULL;
}

struct vma *vma_from(const struct avl_tree *t, uintptr_t addr)
{
	struct vma *best = NULL;

	for (struct avl_node *n = t->root; n;) {
		struct vma *v = vma_of(n);
		if (v->end > addr) {
			best = v;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

/* The highest mapping that starts below addr, or NULL. */
static struct vma *vma_below(const struct avl_tree *t, uintptr_t addr)
{
	struct vma *best = NULL;

	for (struct avl_node *n = t->root; n;) {
		struct vma *v = vma_of(n);
		if (v->start < addr) {
			best = v;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

struct vma *vma_next(const struct vma *v)
{
	return vma_of(avl_next(&v->node));
}

struct vma *vma_prev(const struct vma *v)
{
	return vma_of(avl_prev(&v->node));
}

bool vma_insert(struct avl_tree *t, struct vma *v)
{
	return avl_insert(t, &v->node, vma_cmp);
}

void vma_remove(struct avl_tree *t, struct vma *v)
{
	avl_remove(t, &v->node);
}

void vma_split(struct avl_tree *t, struct vma *v, struct vma *tail, uintptr_t at)
{
	*tail = *v;
	tail->node = (struct avl_node){0};
	tail->start = at;
	tail->pgoff = vma_index(v, at);
	v->end = at; /* shrinking in place keeps the tree in order */
	bool ok = vma_insert(t, tail);
	BUG_ON(!ok); /* [at, end) was v's: nothing else can be there */
}

unsigned vma_splits_needed(const struct avl_tree *t, uintptr_t start, uintptr_t end)
{
	const struct vma *a = vma_find(t, start), *b = vma_find(t, end - 1);

	return (a && a->start < start) + (b && b->end > end);
}

bool vma_range_free(const struct avl_tree *t, uintptr_t start, uintptr_t end)
{
	const struct vma *v = vma_from(t, start);

	return !v || v->start >= end;
}

bool vma_range_covered(const struct avl_tree *t, uintptr_t start, uintptr_t end)
{
	uintptr_t at = start;

	for (const struct vma *v = vma_find(t, start); v && at < end; v = vma_next(v)) {
		if (v->start > at)
			return false;
		at = v->end;
	}
	return at >= end;
}

uintptr_t vma_gap_down(const struct avl_tree *t, size_t len, uintptr_t floor, uintptr_t ceiling)
{
	uintptr_t hi = ceiling;

	if (!len || ceiling < floor || len > ceiling - floor)
		return 0;
	for (const struct vma *v = vma_below(t, ceiling);; v = vma_prev(v)) {
		uintptr_t lo = v && v->end > floor ? v->end : floor;
		if (lo < hi && hi - lo >= len)
			return hi - len;
		if (!v || v->start <= floor)
			return 0;
		hi = MIN(hi, v->start);
	}
}
