/*
 * Memory objects (pallas/memobj.h).  A missing page is charged, allocated
 * and filled outside the object's lock, since filling may sleep; whoever
 * inserts first wins and a loser gives its page back, so two faults on one
 * page end with one page.  The object holds one reference on each page it
 * has; memobj_page hands the caller another.  A page may be in several
 * objects at once (a forked child's private copies share the parent's until
 * one side writes): each holds its own reference and charge, and the
 * frame's owner (frame->obj) is the first of them, cleared when that one
 * lets go.
 */
#include <pallas/errno.h>
#include <pallas/frame.h>
#include <pallas/kernel.h>
#include <pallas/mem_charge.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>

struct memobj *memobj_create(enum memobj_kind kind, uint64_t npages, const struct memobj_ops *ops,
			     void *priv, struct mem_charge *charge)
{
	struct memobj *o = kzalloc(sizeof(*o));

	if (!o)
		return NULL;
	o->refs = 1;
	o->kind = kind;
	o->lock = (spinlock_t)SPINLOCK_INIT;
	o->npages = npages;
	radix_init(&o->pages);
	o->charge = charge;
	o->ops = ops;
	o->priv = priv;
	return o;
}

void memobj_get(struct memobj *o)
{
	BUG_ON(!__atomic_load_n(&o->refs, __ATOMIC_RELAXED));
	__atomic_add_fetch(&o->refs, 1, __ATOMIC_RELAXED);
}

/* Takes the object's page at index out (lock held); the caller puts it. */
static paddr_t take_page(struct memobj *o, uint64_t index)
{
	paddr_t p = (paddr_t)(uintptr_t)radix_delete(&o->pages, index);
	struct frame *f = frame_of(p);

	if (f->obj == o)
		f->obj = NULL;
	o->resident--;
	return p;
}

/* Drops every page at an index in [from, to) (lock held). */
static void drop_range(struct memobj *o, uint64_t from, uint64_t to)
{
	uint64_t index = from;

	while (index < to && radix_next(&o->pages, &index) && index < to) {
		frame_put(take_page(o, index));
		mem_uncharge(o->charge, 1);
		index++;
	}
}

/* Indexes stay below npages <= UINT64_MAX, so this is every page from on. */
static void drop_from(struct memobj *o, uint64_t from)
{
	drop_range(o, from, UINT64_MAX);
}

void memobj_put(struct memobj *o)
{
	uint32_t left = __atomic_sub_fetch(&o->refs, 1, __ATOMIC_ACQ_REL);

	BUG_ON(left == UINT32_MAX);
	if (left)
		return;
	if (o->ops && o->ops->release)
		o->ops->release(o);
	drop_from(o, 0); /* nobody else can reach it: no lock needed, but cheap */
	radix_destroy(&o->pages);
	kfree(o);
}

paddr_t memobj_lookup(struct memobj *o, uint64_t index)
{
	unsigned long flags = spin_lock_irqsave(&o->lock);
	paddr_t p = (paddr_t)(uintptr_t)radix_lookup(&o->pages, index);

	if (p)
		frame_get(p);
	spin_unlock_irqrestore(&o->lock, flags);
	return p;
}

/* A charged, filled page for index that nobody else sees yet. */
static int new_page(struct memobj *o, uint64_t index, paddr_t *out)
{
	if (!mem_charge(o->charge, 1))
		return -ENOMEM;
	paddr_t p = frame_alloc();
	if (!p) {
		mem_uncharge(o->charge, 1);
		return -ENOMEM;
	}
	int err = o->ops && o->ops->fill ? o->ops->fill(o, index, phys_to_virt(p)) : 0;
	if (err) {
		frame_put(p);
		mem_uncharge(o->charge, 1);
		return err;
	}
	*out = p;
	return 0;
}

int memobj_page(struct memobj *o, uint64_t index, paddr_t *page)
{
	paddr_t mine = 0;

	for (;;) {
		unsigned long flags = spin_lock_irqsave(&o->lock);
		int err = index < o->npages ? 0 : -EFAULT;
		paddr_t p = err ? 0 : (paddr_t)(uintptr_t)radix_lookup(&o->pages, index);
		if (!err && !p &&
		    mine) { /* ours goes in: the object's reference and the caller's */
			err = radix_insert(&o->pages, index, (void *)(uintptr_t)mine);
			if (!err) {
				struct frame *f = frame_of(mine);
				f->obj = o;
				f->index = index;
				o->resident++;
				frame_get(mine);
				p = mine;
				mine = 0;
			}
		} else if (p) {
			frame_get(p);
		}
		spin_unlock_irqrestore(&o->lock, flags);
		if (mine) { /* lost a race, or the object shrank, or no memory */
			frame_put(mine);
			mem_uncharge(o->charge, 1);
			mine = 0;
		}
		if (err || p) {
			*page = p;
			return err;
		}
		err = new_page(o, index, &mine);
		if (err)
			return err;
	}
}

void memobj_resize(struct memobj *o, uint64_t npages)
{
	unsigned long flags = spin_lock_irqsave(&o->lock);

	if (npages < o->npages)
		drop_from(o, npages);
	o->npages = npages;
	spin_unlock_irqrestore(&o->lock, flags);
}

uint64_t memobj_resident(struct memobj *o)
{
	unsigned long flags = spin_lock_irqsave(&o->lock);
	uint64_t n = o->resident;

	spin_unlock_irqrestore(&o->lock, flags);
	return n;
}

void memobj_discard(struct memobj *o, uint64_t from, uint64_t to)
{
	unsigned long flags = spin_lock_irqsave(&o->lock);

	drop_range(o, from, to);
	spin_unlock_irqrestore(&o->lock, flags);
}

/* Makes p the object's page at index (lock held, index free). */
static int put_page(struct memobj *o, uint64_t index, paddr_t p)
{
	int err = radix_insert(&o->pages, index, (void *)(uintptr_t)p);

	if (err)
		return err;
	struct frame *f = frame_of(p);
	if (!f->obj) {
		f->obj = o;
		f->index = index;
	}
	o->resident++;
	frame_get(p);
	return 0;
}

int memobj_insert(struct memobj *o, uint64_t index, paddr_t page)
{
	if (!mem_charge(o->charge, 1))
		return -ENOMEM;
	unsigned long flags = spin_lock_irqsave(&o->lock);
	int err = index >= o->npages		   ? -EFAULT
		  : radix_lookup(&o->pages, index) ? -EEXIST
						   : put_page(o, index, page);
	spin_unlock_irqrestore(&o->lock, flags);
	if (err)
		mem_uncharge(o->charge, 1);
	return err;
}

bool memobj_replace(struct memobj *o, uint64_t index, paddr_t old, paddr_t new)
{
	unsigned long flags = spin_lock_irqsave(&o->lock);
	bool ok = old && (paddr_t)(uintptr_t)radix_lookup(&o->pages, index) == old;

	if (ok) {
		radix_replace(&o->pages, index, (void *)(uintptr_t) new);
		struct frame *of = frame_of(old), *nf = frame_of(new);
		if (of->obj == o)
			of->obj = NULL;
		if (!nf->obj) {
			nf->obj = o;
			nf->index = index;
		}
		frame_get(new);
	}
	spin_unlock_irqrestore(&o->lock, flags);
	return ok;
}

paddr_t memobj_next(struct memobj *o, uint64_t *index, uint64_t end)
{
	unsigned long flags = spin_lock_irqsave(&o->lock);
	uint64_t at = *index;
	paddr_t p = 0;

	if (at < end && radix_next(&o->pages, &at) && at < end) {
		p = (paddr_t)(uintptr_t)radix_lookup(&o->pages, at);
		frame_get(p);
		*index = at;
	}
	spin_unlock_irqrestore(&o->lock, flags);
	return p;
}
