/*
 * Self-tests of aspace_remap (mremap): growing in place keeps the pages
 * and adds zero ones, shrinking gives pages back, a move (to free space or
 * to a fixed address over a mapping) carries private copies and a shared
 * object's pages along, and the errors.  Nothing leaks: the charge and the
 * page count are back where they started.
 */
#include <pallas/aspace.h>
#include <pallas/errno.h>
#include <pallas/frame.h>
#include <pallas/ktest.h>
#include <pallas/mem_charge.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>
#include <pallas/sched.h>
#include <pallas/uaccess.h>

#define BASE 0x400000ull
#define P    PAGE_SIZE
#define RW   (VMA_READ | VMA_WRITE)

static int peek(struct aspace *as, uintptr_t va)
{
	uint8_t b;

	thread_set_aspace(as);
	size_t left = copy_from_user(&b, (void *)va, 1);
	thread_set_aspace(NULL);
	return left ? 0x100 : b;
}

static bool poke(struct aspace *as, uintptr_t va, uint8_t b)
{
	thread_set_aspace(as);
	size_t left = copy_to_user((void *)va, &b, 1);
	thread_set_aspace(NULL);
	return left == 0;
}

KTEST(aspace_remap_grow_shrink_move)
{
	uint64_t before = page_accounted_count();
	struct mem_charge c;
	struct aspace *as = aspace_create();
	uintptr_t at = BASE, to;

	mem_charge_init(&c, NULL, MEM_UNLIMITED);
	KEXPECT(t, as != NULL);
	if (!as)
		return;
	aspace_set_charge(as, &c);
	KEXPECT(t, aspace_mmap(as, &at, 4 * P, RW, VMA_PRIVATE | AS_FIXED, NULL, 0) == 0);
	for (unsigned i = 0; i < 4; i++)
		KEXPECT(t, poke(as, BASE + i * P, (uint8_t)('a' + i)));
	/* In place: the space after is free. */
	KEXPECT(t, aspace_remap(as, BASE, 4 * P, 6 * P, 0, &to) == 0 && to == BASE);
	KEXPECT(t, peek(as, BASE + 3 * P) == 'd' && peek(as, BASE + 5 * P) == 0);
	KEXPECT(t, aspace_remap(as, BASE, 6 * P, 3 * P, 0, &to) == 0 && to == BASE);
	KEXPECT(t, peek(as, BASE + 3 * P) == 0x100 && c.used == 3);
	/* Blocked by a neighbour: only with MAYMOVE, and the pages move along. */
	at = BASE + 3 * P;
	KEXPECT(t, aspace_mmap(as, &at, P, RW, VMA_PRIVATE | AS_FIXED, NULL, 0) == 0);
	KEXPECT(t, aspace_remap(as, BASE, 3 * P, 5 * P, 0, &to) == -ENOMEM);
	KEXPECT(t, aspace_remap(as, BASE, 3 * P, 5 * P, AS_REMAP_MAYMOVE, &to) == 0);
	KEXPECT(t, to != BASE && peek(as, to) == 'a' && peek(as, to + 2 * P) == 'c');
	KEXPECT(t, peek(as, to + 4 * P) == 0 && peek(as, BASE) == 0x100);
	KEXPECT(t, poke(as, to + P, 'B') && peek(as, to + P) == 'B');
	/* To a fixed place, replacing the neighbour. */
	uintptr_t fixed = BASE + 3 * P;
	KEXPECT(t,
		aspace_remap(as, to, 5 * P, 2 * P, AS_REMAP_MAYMOVE | AS_REMAP_FIXED, &fixed) == 0);
	KEXPECT(t, fixed == BASE + 3 * P && peek(as, fixed + P) == 'B' && peek(as, to) == 0x100);
	/* Errors. */
	uintptr_t bad = fixed + P;
	KEXPECT(t, aspace_remap(as, fixed, 2 * P, 2 * P, AS_REMAP_MAYMOVE | AS_REMAP_FIXED, &bad) ==
		       -EINVAL);
	KEXPECT(t, aspace_remap(as, fixed, 2 * P, 2 * P, AS_REMAP_FIXED, &bad) == -EINVAL);
	KEXPECT(t, aspace_remap(as, fixed + 1, P, 2 * P, AS_REMAP_MAYMOVE, &to) == -EINVAL);
	KEXPECT(t, aspace_remap(as, fixed, 3 * P, 4 * P, AS_REMAP_MAYMOVE, &to) == -EFAULT);
	KEXPECT(t, aspace_remap(as, 0x10000000, P, 2 * P, AS_REMAP_MAYMOVE, &to) == -EFAULT);

	/* A shared object's mapping moved still shows (and writes) the object. */
	struct memobj *o = memobj_create(MEMOBJ_ANON, 4, NULL, NULL, NULL);
	KEXPECT(t, o != NULL);
	if (o) {
		uintptr_t s = BASE + 0x100000;
		KEXPECT(t, aspace_mmap(as, &s, 2 * P, RW, AS_FIXED, o, 1) == 0);
		KEXPECT(t, poke(as, s + P, 'S'));
		uintptr_t m = BASE + 0x200000;
		KEXPECT(t, aspace_remap(as, s, 2 * P, 3 * P, AS_REMAP_MAYMOVE | AS_REMAP_FIXED,
					&m) == 0);
		KEXPECT(t, peek(as, m + P) == 'S' && poke(as, m + 2 * P, 'T'));
		paddr_t pg = memobj_lookup(o, 3);
		KEXPECT(t, pg && *(char *)phys_to_virt(pg) == 'T');
		if (pg)
			frame_put(pg);
		memobj_put(o);
	}
	aspace_put(as);
	KEXPECT(t, c.used == 0);
	KEXPECT(t, page_accounted_count() == before);
}
