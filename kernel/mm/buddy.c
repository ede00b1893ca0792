/*
 * Buddy allocator core (see pallas/buddy.h for the data layout).
 *
 * The free lists are global per order rather than per zone: allocation pops
 * the first list that has a block, and zones only matter when a block is
 * freed, to find its metadata and to stop coalescing at the zone's edge.
 */
#include <pallas/buddy.h>
#include <pallas/kernel.h>
#include <pallas/string.h>

static inline uint64_t order_pages(unsigned order)
{
	return 1ull << order;
}

static inline pfn_t zone_end(const struct buddy_zone *z)
{
	return z->base + z->npages;
}

/* Binary search: the zones are sorted and disjoint. */
static struct buddy_zone *find_zone(struct buddy *b, pfn_t pfn)
{
	unsigned lo = 0, hi = b->nzones;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		struct buddy_zone *z = &b->zones[mid];

		if (pfn < z->base)
			hi = mid;
		else if (pfn >= zone_end(z))
			lo = mid + 1;
		else
			return z;
	}
	return NULL;
}

static inline uint8_t *meta_of(struct buddy_zone *z, pfn_t pfn)
{
	return &z->meta[pfn - z->base];
}

static inline struct list *node_of(struct buddy *b, pfn_t pfn)
{
	return buddy_virt(b, pfn << PAGE_SHIFT);
}

static void push_free(struct buddy *b, struct buddy_zone *z, pfn_t pfn, unsigned order)
{
	*meta_of(z, pfn) = BUDDY_META_FREE | order;
	list_push_front(&b->free[order], node_of(b, pfn));
	b->nfree[order]++;
}

static void unlink_free(struct buddy *b, struct buddy_zone *z, pfn_t pfn, unsigned order)
{
	*meta_of(z, pfn) = 0;
	list_remove(node_of(b, pfn));
	b->nfree[order]--;
}

void buddy_init(struct buddy *b, uintptr_t virt_offset)
{
	memset(b, 0, sizeof(*b)); /* also unlocks b->lock */
	b->virt_offset = virt_offset;
	for (unsigned i = 0; i <= BUDDY_MAX_ORDER; i++)
		list_init(&b->free[i]);
}

/* The largest naturally aligned block that starts at pfn and ends by end. */
static unsigned fit_order(pfn_t pfn, pfn_t end)
{
	unsigned order = 0;

	while (order < BUDDY_MAX_ORDER && (pfn & order_pages(order)) == 0 &&
	       pfn + order_pages(order + 1) <= end)
		order++;
	return order;
}

/* Where a zone starting at base goes in the sorted table; panics on overlap. */
static unsigned zone_slot(struct buddy *b, pfn_t base, uint64_t npages)
{
	unsigned i = 0;

	while (i < b->nzones && b->zones[i].base < base)
		i++;
	if (i > 0 && zone_end(&b->zones[i - 1]) > base)
		panic("buddy: zone at 0x%llx overlaps the one before", (unsigned long long)base);
	if (i < b->nzones && base + npages > b->zones[i].base)
		panic("buddy: zone at 0x%llx overlaps the one after", (unsigned long long)base);
	return i;
}

bool buddy_add_zone(struct buddy *b, paddr_t base, uint64_t npages, uint8_t *meta)
{
	if (!IS_ALIGNED(base, PAGE_SIZE))
		panic("buddy: zone base 0x%llx is not page-aligned", (unsigned long long)base);
	if (base == 0 && npages > 0) {
		base = PAGE_SIZE;
		npages--;
		meta++;
	}
	if (npages == 0)
		return true;

	unsigned long flags = spin_lock_irqsave(&b->lock);
	if (b->nzones == BUDDY_MAX_ZONES) {
		spin_unlock_irqrestore(&b->lock, flags);
		return false;
	}
	pfn_t pfn = base >> PAGE_SHIFT, end = pfn + npages;
	unsigned slot = zone_slot(b, pfn, npages);
	memmove(&b->zones[slot + 1], &b->zones[slot], (b->nzones - slot) * sizeof(b->zones[0]));
	b->nzones++;
	struct buddy_zone *z = &b->zones[slot];
	*z = (struct buddy_zone){.base = pfn, .npages = npages, .meta = meta};
	memset(meta, 0, npages);

	while (pfn < end) {
		unsigned order = fit_order(pfn, end);
		push_free(b, z, pfn, order);
		pfn += order_pages(order);
	}
	b->free_pages += npages;
	b->total_pages += npages;
	spin_unlock_irqrestore(&b->lock, flags);
	return true;
}

paddr_t buddy_alloc(struct buddy *b, unsigned order)
{
	if (order > BUDDY_MAX_ORDER)
		return 0;

	unsigned long flags = spin_lock_irqsave(&b->lock);
	unsigned k = order;
	while (k <= BUDDY_MAX_ORDER && list_empty(&b->free[k]))
		k++;
	if (k > BUDDY_MAX_ORDER) {
		spin_unlock_irqrestore(&b->lock, flags);
		return 0;
	}

	pfn_t pfn = buddy_phys(b, b->free[k].next) >> PAGE_SHIFT;
	struct buddy_zone *z = find_zone(b, pfn);
	unlink_free(b, z, pfn, k);
	/* Keep the low half, give back the high half, until the size is right. */
	while (k > order) {
		k--;
		push_free(b, z, pfn + order_pages(k), k);
	}
	*meta_of(z, pfn) = BUDDY_META_ALLOC | order;
	b->free_pages -= order_pages(order);
	spin_unlock_irqrestore(&b->lock, flags);
	return pfn << PAGE_SHIFT;
}

/* The zone of the block [p, p + 2^order pages); panics when it is not a valid block. */
static struct buddy_zone *block_zone(struct buddy *b, paddr_t p, unsigned order, const char *who)
{
	unsigned long long pa = p;

	if (order > BUDDY_MAX_ORDER)
		panic("%s: 0x%llx: order %u is larger than the maximum %u", who, pa, order,
		      BUDDY_MAX_ORDER);
	if (!IS_ALIGNED(p, PAGE_SIZE << order))
		panic("%s: 0x%llx is not aligned for order %u", who, pa, order);
	pfn_t pfn = p >> PAGE_SHIFT;
	struct buddy_zone *z = find_zone(b, pfn);
	if (!z)
		panic("%s: 0x%llx is outside every zone", who, pa);
	if (pfn + order_pages(order) > zone_end(z))
		panic("%s: 0x%llx order %u runs past the end of its zone", who, pa, order);
	return z;
}

/* Checks the head byte of a block the caller claims to own. */
static void check_owned(uint8_t m, paddr_t p, unsigned order, const char *who)
{
	unsigned long long pa = p;

	if (m & BUDDY_META_FREE)
		panic("%s: double free of 0x%llx (order %u)", who, pa, order);
	if (!(m & BUDDY_META_ALLOC))
		panic("%s: 0x%llx is not the start of an allocated block", who, pa);
	if ((m & BUDDY_META_ORDER) != order)
		panic("%s: 0x%llx was allocated with order %u, freed with order %u", who, pa,
		      m & BUDDY_META_ORDER, order);
}

void buddy_free(struct buddy *b, paddr_t p, unsigned order)
{
	unsigned long flags = spin_lock_irqsave(&b->lock);
	struct buddy_zone *z = block_zone(b, p, order, "buddy_free");
	pfn_t pfn = p >> PAGE_SHIFT;
	uint8_t *m = meta_of(z, pfn);

	check_owned(*m, p, order, "buddy_free");
	if (*m & BUDDY_TAG_MASK)
		panic("buddy_free: 0x%llx belongs to kmalloc", (unsigned long long)p);
	*m = 0;
	b->free_pages += order_pages(order);

	while (order < BUDDY_MAX_ORDER) {
		pfn_t buddy = pfn ^ order_pages(order);
		if (buddy < z->base || buddy + order_pages(order) > zone_end(z))
			break;
		if (*meta_of(z, buddy) != (BUDDY_META_FREE | order))
			break;
		unlink_free(b, z, buddy, order);
		pfn &= ~order_pages(order);
		order++;
	}
	push_free(b, z, pfn, order);
	spin_unlock_irqrestore(&b->lock, flags);
}

uint64_t buddy_free_pages(struct buddy *b)
{
	return __atomic_load_n(&b->free_pages, __ATOMIC_RELAXED);
}

uint64_t buddy_total_pages(struct buddy *b)
{
	return __atomic_load_n(&b->total_pages, __ATOMIC_RELAXED);
}

void buddy_set_tag(struct buddy *b, paddr_t p, unsigned order, unsigned tag)
{
	if (tag & ~BUDDY_TAG_MASK)
		panic("buddy_set_tag: bad tag 0x%x", tag);

	unsigned long flags = spin_lock_irqsave(&b->lock);
	struct buddy_zone *z = block_zone(b, p, order, "buddy_set_tag");
	uint8_t *m = meta_of(z, p >> PAGE_SHIFT);

	check_owned(m[0], p, order, "buddy_set_tag");
	m[0] = BUDDY_META_ALLOC | tag | order;
	/* Tails carry the order too, so an interior address finds its block. */
	uint8_t tail = tag ? (uint8_t)(tag | order) : 0;
	memset(m + 1, tail, order_pages(order) - 1);
	spin_unlock_irqrestore(&b->lock, flags);
}

unsigned buddy_page_tag(struct buddy *b, paddr_t p, unsigned *order)
{
	unsigned long flags = spin_lock_irqsave(&b->lock);
	struct buddy_zone *z = find_zone(b, p >> PAGE_SHIFT);
	if (!z)
		panic("buddy: 0x%llx is outside every zone", (unsigned long long)p);
	uint8_t m = *meta_of(z, p >> PAGE_SHIFT);
	spin_unlock_irqrestore(&b->lock, flags);

	if (order)
		*order = m & BUDDY_META_ORDER;
	return m & BUDDY_TAG_MASK;
}

bool buddy_contains(struct buddy *b, paddr_t p)
{
	unsigned long flags = spin_lock_irqsave(&b->lock);
	bool in = find_zone(b, p >> PAGE_SHIFT) != NULL;
	spin_unlock_irqrestore(&b->lock, flags);
	return in;
}

unsigned buddy_block_order(struct buddy *b, paddr_t p)
{
	unsigned long flags = spin_lock_irqsave(&b->lock);
	if (!IS_ALIGNED(p, PAGE_SIZE))
		panic("buddy: 0x%llx is not page-aligned", (unsigned long long)p);
	struct buddy_zone *z = find_zone(b, p >> PAGE_SHIFT);
	if (!z)
		panic("buddy: 0x%llx is outside every zone", (unsigned long long)p);
	uint8_t m = *meta_of(z, p >> PAGE_SHIFT);
	spin_unlock_irqrestore(&b->lock, flags);

	if (!(m & BUDDY_META_ALLOC))
		panic("buddy: 0x%llx is not the start of an allocated block",
		      (unsigned long long)p);
	return m & BUDDY_META_ORDER;
}

/* Every block on list `order` is a free head of that order inside one zone. */
static bool check_list(struct buddy *b, unsigned order, uint64_t *pages)
{
	uint64_t n = 0;
	struct list *pos;

	list_for_each(pos, &b->free[order])
	{
		pfn_t pfn = buddy_phys(b, pos) >> PAGE_SHIFT;
		struct buddy_zone *z = find_zone(b, pfn);
		if (!z || pfn + order_pages(order) > zone_end(z) ||
		    (pfn & (order_pages(order) - 1)) != 0 ||
		    *meta_of(z, pfn) != (BUDDY_META_FREE | order)) {
			printk(LOG_ERR, "buddy: bad free block pfn 0x%llx order %u\n",
			       (unsigned long long)pfn, order);
			return false;
		}
		if (++n > b->nfree[order])
			break;
	}
	if (n != b->nfree[order]) {
		printk(LOG_ERR, "buddy: order %u list has the wrong length\n", order);
		return false;
	}
	*pages += n << order;
	return true;
}

/* No free head has a free buddy left uncoalesced, and the heads match the lists. */
static bool check_zone(struct buddy_zone *z, uint64_t *heads)
{
	for (uint64_t i = 0; i < z->npages; i++) {
		uint8_t m = z->meta[i];
		if (!(m & BUDDY_META_FREE))
			continue;
		unsigned order = m & BUDDY_META_ORDER;
		pfn_t pfn = z->base + i, buddy = pfn ^ order_pages(order);
		(*heads)++;
		if (order < BUDDY_MAX_ORDER && buddy >= z->base &&
		    buddy + order_pages(order) <= zone_end(z) && *meta_of(z, buddy) == m) {
			printk(LOG_ERR, "buddy: pfn 0x%llx order %u was not coalesced\n",
			       (unsigned long long)pfn, order);
			return false;
		}
	}
	return true;
}

bool buddy_check(struct buddy *b)
{
	unsigned long flags = spin_lock_irqsave(&b->lock);
	uint64_t pages = 0, heads = 0, listed = 0;
	bool ok = true;

	for (unsigned order = 0; ok && order <= BUDDY_MAX_ORDER; order++) {
		ok = check_list(b, order, &pages);
		listed += b->nfree[order];
	}
	for (unsigned i = 0; ok && i < b->nzones; i++)
		ok = check_zone(&b->zones[i], &heads);
	if (ok && (pages != b->free_pages || heads != listed)) {
		printk(LOG_ERR, "buddy: counters disagree with the lists\n");
		ok = false;
	}
	spin_unlock_irqrestore(&b->lock, flags);
	return ok;
}
