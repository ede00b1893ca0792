/*
 * kmalloc: small objects from slabs, large ones as whole buddy blocks.
 *
 * A slab is one buddy block (1 to 8 pages, naturally aligned) that starts with
 * a struct slab and holds equal-sized objects after it.  The buddy tags every
 * page of a slab with BUDDY_TAG_SLAB and the block's order, so kfree can get
 * from any object address to its slab header by aligning down; large buffers
 * carry BUDDY_TAG_LARGE instead.  Each slab keeps a bitmap of the objects in
 * use, which turns a double free or a stray pointer into a panic rather than
 * a corrupted free list.
 */
#include <pallas/buddy.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/string.h>

#define SLAB_MAGIC	0x42414c53u /* "SLAB" */
#define SLAB_MAX_OBJS	256
#define SLAB_MAX_ORDER	3 /* 32 KiB slabs at most */
#define SLAB_KEEP_EMPTY 1 /* empty slabs a cache holds on to; the rest go back */
#define KMALLOC_ALIGN	16

struct slab_cache {
	spinlock_t lock;
	uint32_t size; /* object size, a multiple of KMALLOC_ALIGN */
	uint16_t nobjs;
	uint8_t order;
	struct list partial, full, empty;
	unsigned nempty;
	uint64_t nslabs;
	uint64_t inuse;
};

struct slab {
	uint32_t magic;
	uint16_t inuse;
	struct slab_cache *cache;
	void *freelist; /* threaded through the first word of free objects */
	struct list link;
	uint64_t used[SLAB_MAX_OBJS / 64];
};

#define SLAB_HDR ALIGN_UP(sizeof(struct slab), KMALLOC_ALIGN)

/* Multiples of 16, roughly 1.5x apart so that rounding wastes at most a third. */
static const uint32_t class_sizes[] = {16,  32,	 64,  96,   128,  192,	256,
				       384, 512, 768, 1024, 1536, 2048, 3072};
#define NCLASSES ARRAY_SIZE(class_sizes)

static struct buddy *kbuddy;
static struct slab_cache caches[NCLASSES];
static uint64_t large_pages;

static char *slab_objs(struct slab *s)
{
	return (char *)s + SLAB_HDR;
}

/* The smallest slab that wastes at most an eighth of itself. */
static void cache_setup(struct slab_cache *c, uint32_t size)
{
	uint64_t bytes = 0, n = 0;
	unsigned order;

	for (order = 0; order <= SLAB_MAX_ORDER; order++) {
		bytes = PAGE_SIZE << order;
		n = MIN((bytes - SLAB_HDR) / size, (uint64_t)SLAB_MAX_OBJS);
		if (n * size * 8 >= bytes * 7)
			break;
	}
	if (order > SLAB_MAX_ORDER)
		order = SLAB_MAX_ORDER;
	memset(c, 0, sizeof(*c));
	c->size = size;
	c->order = (uint8_t)order;
	c->nobjs = (uint16_t)n;
	list_init(&c->partial);
	list_init(&c->full);
	list_init(&c->empty);
}

void slab_init(struct buddy *b)
{
	_Static_assert(sizeof(struct slab) <= 128, "slab header grew");
	kbuddy = b;
	for (unsigned i = 0; i < NCLASSES; i++)
		cache_setup(&caches[i], class_sizes[i]);
	large_pages = 0;
}

static struct slab *slab_new(struct slab_cache *c)
{
	paddr_t p = buddy_alloc(kbuddy, c->order);
	if (!p)
		return NULL;
	buddy_set_tag(kbuddy, p, c->order, BUDDY_TAG_SLAB);

	struct slab *s = buddy_virt(kbuddy, p);
	memset(s, 0, SLAB_HDR);
	s->magic = SLAB_MAGIC;
	s->cache = c;
	list_init(&s->link);
	/* Thread the free list in address order, so the slab fills front to back. */
	char *obj = slab_objs(s);
	for (unsigned i = 0; i < c->nobjs; i++, obj += c->size)
		*(void **)obj = i + 1 < c->nobjs ? obj + c->size : NULL;
	s->freelist = slab_objs(s);
	c->nslabs++;
	return s;
}

static void slab_release(struct slab_cache *c, struct slab *s)
{
	paddr_t p = buddy_phys(kbuddy, s);

	s->magic = 0;
	c->nslabs--;
	buddy_set_tag(kbuddy, p, c->order, 0);
	buddy_free(kbuddy, p, c->order);
}

/* A slab with a free object: partial ones first, so that empty ones can drain. */
static struct slab *cache_pick(struct slab_cache *c)
{
	if (!list_empty(&c->partial))
		return container_of(c->partial.next, struct slab, link);
	if (!list_empty(&c->empty)) {
		c->nempty--;
		return container_of(c->empty.next, struct slab, link);
	}
	return slab_new(c);
}

static void *cache_alloc(struct slab_cache *c)
{
	unsigned long flags = spin_lock_irqsave(&c->lock);
	struct slab *s = cache_pick(c);
	if (!s) {
		spin_unlock_irqrestore(&c->lock, flags);
		return NULL;
	}

	char *obj = s->freelist;
	unsigned idx = (unsigned)((obj - slab_objs(s)) / c->size);
	s->freelist = *(void **)obj;
	s->used[idx / 64] |= 1ull << (idx % 64);
	s->inuse++;
	c->inuse++;
	list_remove(&s->link);
	list_push_front(s->inuse == c->nobjs ? &c->full : &c->partial, &s->link);
	spin_unlock_irqrestore(&c->lock, flags);
	return obj;
}

/* Index of obj in s; panics unless obj is the start of an object in use. */
static unsigned obj_index(struct slab_cache *c, struct slab *s, void *obj)
{
	uintptr_t off = (uintptr_t)obj - (uintptr_t)slab_objs(s);

	if ((uintptr_t)obj < (uintptr_t)slab_objs(s) || off % c->size != 0 ||
	    off / c->size >= c->nobjs)
		panic("kfree: %p is not the start of a %u-byte object", obj, c->size);
	unsigned idx = (unsigned)(off / c->size);
	if (!(s->used[idx / 64] & (1ull << (idx % 64))))
		panic("kfree: double free of %p (%u-byte object)", obj, c->size);
	return idx;
}

static void cache_free(struct slab *s, void *obj)
{
	struct slab_cache *c = s->cache;
	unsigned long flags = spin_lock_irqsave(&c->lock);
	unsigned idx = obj_index(c, s, obj);
	bool was_full = s->inuse == c->nobjs;

	s->used[idx / 64] &= ~(1ull << (idx % 64));
	*(void **)obj = s->freelist;
	s->freelist = obj;
	s->inuse--;
	c->inuse--;
	if (s->inuse == 0) {
		list_remove(&s->link);
		if (c->nempty >= SLAB_KEEP_EMPTY) {
			slab_release(c, s);
		} else {
			list_push_front(&c->empty, &s->link);
			c->nempty++;
		}
	} else if (was_full) {
		list_remove(&s->link);
		list_push_front(&c->partial, &s->link);
	}
	spin_unlock_irqrestore(&c->lock, flags);
}

static unsigned large_order(size_t size)
{
	uint64_t pages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	unsigned order = 0;

	while ((1ull << order) < pages)
		order++;
	return order;
}

static void *large_alloc(size_t size)
{
	if (size > (PAGE_SIZE << BUDDY_MAX_ORDER))
		return NULL;
	unsigned order = large_order(size);
	paddr_t p = buddy_alloc(kbuddy, order);
	if (!p)
		return NULL;
	buddy_set_tag(kbuddy, p, order, BUDDY_TAG_LARGE);
	__atomic_add_fetch(&large_pages, 1ull << order, __ATOMIC_RELAXED);
	return buddy_virt(kbuddy, p);
}

static void large_free(void *ptr, paddr_t p, unsigned order)
{
	if (!IS_ALIGNED(p, PAGE_SIZE << order))
		panic("kfree: %p is inside a %llu-byte buffer, not its start", ptr,
		      (unsigned long long)(PAGE_SIZE << order));
	buddy_set_tag(kbuddy, p, order, 0);
	buddy_free(kbuddy, p, order);
	__atomic_sub_fetch(&large_pages, 1ull << order, __ATOMIC_RELAXED);
}

void *kmalloc(size_t size)
{
	if (!kbuddy)
		panic("kmalloc before slab_init");
	if (size == 0)
		return NULL;
	for (unsigned i = 0; i < NCLASSES; i++) {
		if (size <= class_sizes[i])
			return cache_alloc(&caches[i]);
	}
	return large_alloc(size);
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);
	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *ptr)
{
	if (!ptr)
		return;
	if (!kbuddy)
		panic("kfree before slab_init");

	paddr_t p = buddy_phys(kbuddy, ptr);
	unsigned order;
	if (!buddy_contains(kbuddy, p))
		panic("kfree: %p is not in the page allocator's memory", ptr);
	unsigned tag = buddy_page_tag(kbuddy, p, &order);

	if (tag == BUDDY_TAG_LARGE) {
		large_free(ptr, p, order);
	} else if (tag == BUDDY_TAG_SLAB) {
		/* Align the physical address: only it is sure to share the block's alignment. */
		struct slab *s = buddy_virt(kbuddy, ALIGN_DOWN(p, PAGE_SIZE << order));
		if (s->magic != SLAB_MAGIC || s->cache < caches || s->cache >= caches + NCLASSES)
			panic("kfree: %p: slab header at %p is corrupt", ptr, (void *)s);
		cache_free(s, ptr);
	} else {
		panic("kfree: %p was not allocated by kmalloc (or was freed already)", ptr);
	}
}

void kmalloc_stats(struct kmalloc_stats *st)
{
	memset(st, 0, sizeof(*st));
	for (unsigned i = 0; i < NCLASSES; i++) {
		struct slab_cache *c = &caches[i];
		unsigned long flags = spin_lock_irqsave(&c->lock);
		st->slab_pages += c->nslabs << c->order;
		st->slab_objects += c->inuse;
		spin_unlock_irqrestore(&c->lock, flags);
	}
	st->large_pages = __atomic_load_n(&large_pages, __ATOMIC_RELAXED);
}
