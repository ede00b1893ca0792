/*
 * The charge counters of pallas/mem_charge.h.  Lock-free: each level is
 * charged with a compare-and-swap that respects its limit, and a refusal part
 * way up undoes the levels below, so two charges racing for the last pages
 * cannot both get them.
 */
#include <pallas/mem_charge.h>

void mem_charge_init(struct mem_charge *c, struct mem_charge *parent, uint64_t limit)
{
	c->parent = parent;
	c->limit = limit;
	c->used = c->peak = c->refused = 0;
}

static bool charge_one(struct mem_charge *c, uint64_t pages)
{
	uint64_t used = __atomic_load_n(&c->used, __ATOMIC_RELAXED);

	do {
		if (pages > c->limit || used > c->limit - pages) {
			__atomic_add_fetch(&c->refused, 1, __ATOMIC_RELAXED);
			return false;
		}
	} while (!__atomic_compare_exchange_n(&c->used, &used, used + pages, true, __ATOMIC_ACQ_REL,
					      __ATOMIC_RELAXED));
	uint64_t peak = __atomic_load_n(&c->peak, __ATOMIC_RELAXED);
	while (used + pages > peak &&
	       !__atomic_compare_exchange_n(&c->peak, &peak, used + pages, true, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED))
		;
	return true;
}

bool mem_charge(struct mem_charge *c, uint64_t pages)
{
	for (struct mem_charge *l = c; l; l = l->parent) {
		if (!charge_one(l, pages)) {
			for (struct mem_charge *u = c; u != l; u = u->parent)
				__atomic_sub_fetch(&u->used, pages, __ATOMIC_RELEASE);
			return false;
		}
	}
	return true;
}

void mem_uncharge(struct mem_charge *c, uint64_t pages)
{
	for (struct mem_charge *l = c; l; l = l->parent)
		__atomic_sub_fetch(&l->used, pages, __ATOMIC_RELEASE);
}
