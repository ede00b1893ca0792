/*
 * The radix tree of pallas/radix.h.  Level l (counted from the leaves, 1 is
 * the last) picks its slot with bits [6(l-1), 6l) of the index.  The tree
 * grows a level at the top when an index does not fit and never shrinks its
 * height except to empty: simple, and the height is bounded by 11.
 */
#include <pallas/errno.h>
#include <pallas/mm.h>
#include <pallas/radix.h>
#include <pallas/string.h>

#define MAX_LEVELS 11 /* 66 bits >= 64 */

static unsigned slot_of(uint64_t index, unsigned level)
{
	return (unsigned)(index >> (RADIX_BITS * (level - 1))) & (RADIX_SLOTS - 1);
}

/* The largest index a tree of this many levels holds. */
static uint64_t capacity(unsigned levels)
{
	return levels >= MAX_LEVELS ? UINT64_MAX : (1ull << (RADIX_BITS * levels)) - 1;
}

static bool node_empty(const struct radix_node *n)
{
	for (unsigned i = 0; i < RADIX_SLOTS; i++)
		if (n->slot[i])
			return false;
	return true;
}

void radix_init(struct radix *r)
{
	r->root = NULL;
	r->levels = 0;
	r->count = 0;
}

void *radix_lookup(const struct radix *r, uint64_t index)
{
	if (!r->levels || index > capacity(r->levels))
		return NULL;
	const struct radix_node *n = r->root;
	for (unsigned l = r->levels; l > 1; l--) {
		n = n->slot[slot_of(index, l)];
		if (!n)
			return NULL;
	}
	return n->slot[slot_of(index, 1)];
}

/* Adds levels on top until index fits; false when out of memory.  An empty
 * tree gets its root at the height index needs straight away: stacking
 * levels on it one by one would leave an empty node under slot 0 that no
 * delete walks through, and so nothing ever frees. */
static bool grow(struct radix *r, uint64_t index)
{
	if (!r->root) {
		if (!(r->root = kzalloc(sizeof(*r->root))))
			return false;
		for (r->levels = 1; index > capacity(r->levels); r->levels++)
			;
		return true;
	}
	while (index > capacity(r->levels)) {
		struct radix_node *top = kzalloc(sizeof(*top));
		if (!top)
			return false;
		top->slot[0] = r->root;
		r->root = top;
		r->levels++;
	}
	return true;
}

int radix_insert(struct radix *r, uint64_t index, void *item)
{
	if (!item)
		return -EINVAL;
	if (!grow(r, index))
		return -ENOMEM;
	struct radix_node *n = r->root;
	for (unsigned l = r->levels; l > 1; l--) {
		void **s = &n->slot[slot_of(index, l)];
		if (!*s && !(*s = kzalloc(sizeof(struct radix_node))))
			return -ENOMEM; /* the empty nodes made so far stay: harmless */
		n = *s;
	}
	void **leaf = &n->slot[slot_of(index, 1)];
	if (*leaf)
		return -EEXIST;
	*leaf = item;
	r->count++;
	return 0;
}

void *radix_replace(struct radix *r, uint64_t index, void *item)
{
	if (!item || !r->levels || index > capacity(r->levels))
		return NULL;
	struct radix_node *n = r->root;
	for (unsigned l = r->levels; l > 1 && n; l--)
		n = n->slot[slot_of(index, l)];
	void **leaf = n ? &n->slot[slot_of(index, 1)] : NULL;
	void *old = leaf ? *leaf : NULL;
	if (old)
		*leaf = item;
	return old;
}

void *radix_delete(struct radix *r, uint64_t index)
{
	struct radix_node *path[MAX_LEVELS + 1];

	if (!r->levels || index > capacity(r->levels))
		return NULL;
	struct radix_node *n = r->root;
	for (unsigned l = r->levels; l > 1; l--) {
		path[l] = n;
		n = n->slot[slot_of(index, l)];
		if (!n)
			return NULL;
	}
	path[1] = n;
	void *item = n->slot[slot_of(index, 1)];
	if (!item)
		return NULL;
	n->slot[slot_of(index, 1)] = NULL;
	r->count--;
	/* Free the nodes that are empty now, leaf upwards. */
	for (unsigned l = 1; l < r->levels && node_empty(path[l]); l++) {
		path[l + 1]->slot[slot_of(index, l + 1)] = NULL;
		kfree(path[l]);
	}
	if (!r->count) /* also the empty nodes a failed insert left behind */
		radix_destroy(r);
	return item;
}

/* The first item at an index >= min under n, a node of this level whose
 * subtree starts at index base; *found gets its index. */
static void *next_under(const struct radix_node *n, unsigned level, uint64_t base, uint64_t min,
			uint64_t *found)
{
	unsigned shift = RADIX_BITS * (level - 1);
	unsigned first = min > base ? slot_of(min, level) : 0;

	for (unsigned s = first; s < RADIX_SLOTS; s++) {
		if (!n->slot[s])
			continue;
		uint64_t sbase = base | ((uint64_t)s << shift);
		if (level == 1) {
			*found = sbase;
			return n->slot[s];
		}
		void *item =
		    next_under(n->slot[s], level - 1, sbase, s == first ? min : sbase, found);
		if (item)
			return item;
	}
	return NULL;
}

void *radix_next(const struct radix *r, uint64_t *index)
{
	if (!r->levels || *index > capacity(r->levels))
		return NULL;
	return next_under(r->root, r->levels, 0, *index, index);
}

static void free_under(struct radix_node *n, unsigned level)
{
	if (level > 1) {
		for (unsigned i = 0; i < RADIX_SLOTS; i++)
			if (n->slot[i])
				free_under(n->slot[i], level - 1);
	}
	kfree(n);
}

void radix_destroy(struct radix *r)
{
	if (r->root)
		free_under(r->root, r->levels);
	radix_init(r);
}
