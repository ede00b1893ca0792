/*
 * Frames, memory objects and charges (kernel/mm/frame.c, memobj.c,
 * mem_charge.c) over a buddy whose "physical memory" is a malloc'd arena,
 * with page_alloc and page_free pointed at it: pages come back exactly when
 * their last holder lets go, a charge's limit holds (also through a parent),
 * and a lost fill race leaves one page.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <pallas/buddy.h>
#include <pallas/errno.h>
#include <pallas/frame.h>
#include <pallas/mem_charge.h>
#include <pallas/memobj.h>
#include <pallas/mm.h>

#include "fake_vm.h"
#include "unit.h"

/* The code under test reaches pages through phys_to_virt, the kernel's
 * direct map: "physical" addresses from 2^47 up wrap around it to ARENA_VIRT,
 * where the arena is mapped. */
#define ARENA_VIRT  0x20000000ull
#define ARENA_BASE  (ARENA_VIRT - DIRECT_MAP_BASE)
#define ARENA_PAGES 1024ull

static struct buddy fb;

/* The kernel's page allocator, for the code under test. */
paddr_t page_alloc(unsigned order)
{
	return buddy_alloc(&fb, order);
}

void page_free(paddr_t p, unsigned order)
{
	buddy_free(&fb, p, order);
}

static char *arena;

static void setup(void)
{
	unit_heap_init();
	arena = mmap((void *)ARENA_VIRT, ARENA_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	ck_assert_msg(arena == (void *)ARENA_VIRT, "cannot map the arena at %#llx", ARENA_VIRT);
	ck_assert_ptr_eq(phys_to_virt(ARENA_BASE), arena);
	uint8_t *meta = calloc(ARENA_PAGES, 1);
	struct frame *frames = calloc(ARENA_PAGES, sizeof(*frames));
	ck_assert(arena && meta && frames);
	buddy_init(&fb, (uintptr_t)arena - ARENA_BASE);
	ck_assert(buddy_add_zone(&fb, ARENA_BASE, ARENA_PAGES, meta));
	ck_assert(frame_add_zone(ARENA_BASE, ARENA_PAGES, frames));
}

static void *page_mem(paddr_t p)
{
	return arena + (p - ARENA_BASE);
}

START_TEST(frame_references)
{
	uint64_t free0 = buddy_free_pages(&fb);
	paddr_t p = frame_alloc();

	ck_assert_uint_ne(p, 0);
	ck_assert_ptr_eq(frame_of(p), frame_of(p + 100)); /* any byte of the page */
	ck_assert_uint_eq(frame_phys(frame_of(p)), p);
	ck_assert_ptr_null(frame_of(ARENA_BASE + ARENA_PAGES * PAGE_SIZE));
	ck_assert_ptr_null(frame_of(0x1000));
	ck_assert_uint_eq(frame_refs(p), 1);
	frame_get(p);
	ck_assert(!frame_put(p));
	ck_assert_uint_eq(buddy_free_pages(&fb), free0 - 1);
	ck_assert(frame_put(p));
	ck_assert_uint_eq(frame_refs(p), 0);
	ck_assert_uint_eq(buddy_free_pages(&fb), free0);
}
END_TEST

START_TEST(charges_and_limits)
{
	struct mem_charge top, ct;

	mem_charge_init(&top, NULL, 10);
	mem_charge_init(&ct, &top, 6);
	ck_assert(mem_charge(&ct, 6));
	ck_assert(!mem_charge(&ct, 1)); /* its own limit */
	ck_assert_uint_eq(ct.refused, 1);
	ck_assert(mem_charge(&top, 4));
	mem_uncharge(&ct, 6);
	ck_assert(!mem_charge(&ct, 1 + 6)); /* over ct's 6 */
	ck_assert(mem_charge(&ct, 6));
	ck_assert(!mem_charge(&ct, 0 + 1)); /* the parent is full: nothing charged anywhere */
	ck_assert_uint_eq(ct.used, 6);
	ck_assert_uint_eq(top.used, 10);
	ck_assert_uint_eq(top.peak, 10);
	ck_assert(!mem_charge(&top, UINT64_MAX)); /* no overflow */
	ck_assert(mem_charge(NULL, 1000));
}
END_TEST

static int fill_pattern(struct memobj *o, uint64_t index, void *page)
{
	(void)o;
	memset(page, (int)(index & 0xff) | 1, PAGE_SIZE);
	return 0;
}

static const struct memobj_ops pattern_ops = {.fill = fill_pattern};

START_TEST(pages_filled_once_and_shared)
{
	uint64_t free0 = buddy_free_pages(&fb);
	struct mem_charge c;
	mem_charge_init(&c, NULL, MEM_UNLIMITED);
	struct memobj *o = memobj_create(MEMOBJ_FILE, 8, &pattern_ops, NULL, &c);
	paddr_t a, b;

	ck_assert_ptr_nonnull(o);
	ck_assert_uint_eq(memobj_lookup(o, 3), 0);
	ck_assert_int_eq(memobj_page(o, 3, &a), 0);
	ck_assert_uint_eq(((uint8_t *)page_mem(a))[0], 3);
	ck_assert_uint_eq(((uint8_t *)page_mem(a))[PAGE_SIZE - 1], 3);
	ck_assert_int_eq(memobj_page(o, 3, &b), 0);
	ck_assert_uint_eq(a, b);
	ck_assert_uint_eq(frame_refs(a), 3); /* the object's and two callers' */
	ck_assert_ptr_eq(frame_of(a)->obj, o);
	ck_assert_uint_eq(frame_of(a)->index, 3);
	ck_assert_uint_eq(memobj_resident(o), 1);
	ck_assert_uint_eq(c.used, 1);
	frame_put(b);
	ck_assert_int_eq(memobj_page(o, 8, &b), -EFAULT);
	ck_assert_uint_eq(b, 0);
	/* The object goes; the page lives on while a mapping holds it. */
	memobj_put(o);
	ck_assert_uint_eq(frame_refs(a), 1);
	ck_assert_ptr_null(frame_of(a)->obj);
	ck_assert_uint_eq(c.used, 0);
	ck_assert(frame_put(a));
	ck_assert_uint_eq(buddy_free_pages(&fb), free0);
}
END_TEST

START_TEST(anonymous_pages_are_zero_and_limited)
{
	uint64_t free0 = buddy_free_pages(&fb);
	struct mem_charge c;
	mem_charge_init(&c, NULL, 4);
	struct memobj *o = memobj_create(MEMOBJ_ANON, 100, NULL, NULL, &c);
	paddr_t p[5];

	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(memobj_page(o, (uint64_t)i * 10, &p[i]), 0);
		uint8_t *m = page_mem(p[i]);
		ck_assert(m[0] == 0 && m[PAGE_SIZE - 1] == 0);
		m[0] = 0xee; /* dirt a freed page must not carry to the next user */
		frame_put(p[i]);
	}
	ck_assert_int_eq(memobj_page(o, 50, &p[4]), -ENOMEM);
	ck_assert_uint_eq(c.used, 4);
	memobj_resize(o, 15); /* pages 20 and 30 go */
	ck_assert_uint_eq(memobj_resident(o), 2);
	ck_assert_uint_eq(c.used, 2);
	ck_assert_int_eq(memobj_page(o, 20, &p[4]), -EFAULT);
	memobj_resize(o, 100);
	ck_assert_int_eq(memobj_page(o, 20, &p[4]), 0);
	ck_assert_uint_eq(((uint8_t *)page_mem(p[4]))[0], 0); /* a hole again, zero */
	frame_put(p[4]);
	memobj_put(o);
	ck_assert_uint_eq(c.used, 0);
	ck_assert_uint_eq(buddy_free_pages(&fb), free0);
}
END_TEST

/* A fill that inserts the same index first, as a racing fault would. */
static paddr_t raced;
static bool racing;
static int fill_and_race(struct memobj *o, uint64_t index, void *page)
{
	(void)page;
	if (!racing) {
		racing = true; /* the other fault's own fill does not race */
		ck_assert_int_eq(memobj_page(o, index, &raced), 0);
		memset(page_mem(raced), 0x77, 1);
	}
	return 0;
}

static const struct memobj_ops racing_ops = {.fill = fill_and_race};

START_TEST(a_lost_race_leaves_one_page)
{
	uint64_t free0 = buddy_free_pages(&fb);
	struct mem_charge c;
	mem_charge_init(&c, NULL, MEM_UNLIMITED);
	struct memobj *o = memobj_create(MEMOBJ_FILE, 4, &racing_ops, NULL, &c);
	paddr_t p;

	raced = 0;
	racing = false;
	ck_assert_int_eq(memobj_page(o, 1, &p), 0);
	ck_assert_uint_eq(p, raced);
	ck_assert_uint_eq(((uint8_t *)page_mem(p))[0], 0x77);
	ck_assert_uint_eq(memobj_resident(o), 1);
	ck_assert_uint_eq(c.used, 1);
	frame_put(p);
	frame_put(raced);
	memobj_put(o);
	ck_assert_uint_eq(buddy_free_pages(&fb), free0);
}
END_TEST

static int fill_fails(struct memobj *o, uint64_t index, void *page)
{
	(void)o, (void)index, (void)page;
	return -EIO;
}

static const struct memobj_ops failing_ops = {.fill = fill_fails};

START_TEST(a_failed_fill_keeps_nothing)
{
	uint64_t free0 = buddy_free_pages(&fb);
	struct mem_charge c;
	mem_charge_init(&c, NULL, MEM_UNLIMITED);
	struct memobj *o = memobj_create(MEMOBJ_FILE, 4, &failing_ops, NULL, &c);
	paddr_t p = 1;

	ck_assert_int_eq(memobj_page(o, 0, &p), -EIO);
	ck_assert_uint_eq(c.used, 0);
	ck_assert_uint_eq(memobj_resident(o), 0);
	memobj_put(o);
	ck_assert_uint_eq(buddy_free_pages(&fb), free0);
}
END_TEST

/* What private mappings and fork do with objects: a page in two at once,
 * charged to each, swapped for a copy, and dropped by range. */
START_TEST(a_page_in_two_objects)
{
	uint64_t free0 = buddy_free_pages(&fb);
	struct mem_charge c;
	mem_charge_init(&c, NULL, 3);
	struct memobj *a = memobj_create(MEMOBJ_ANON, 16, NULL, NULL, &c);
	struct memobj *b = memobj_create(MEMOBJ_ANON, 16, NULL, NULL, &c);
	paddr_t p, q;

	ck_assert_int_eq(memobj_page(a, 3, &p), 0);
	ck_assert_int_eq(memobj_insert(b, 3, p), 0);
	ck_assert_uint_eq(frame_refs(p), 3);   /* a, b, and ours */
	ck_assert_ptr_eq(frame_of(p)->obj, a); /* the first holder stays its owner */
	ck_assert_uint_eq(c.used, 2);
	ck_assert_int_eq(memobj_insert(b, 3, p), -EEXIST);
	ck_assert_int_eq(memobj_insert(b, 16, p), -EFAULT);
	ck_assert_uint_eq(c.used, 2); /* refused inserts charge nothing */
	/* memobj_next finds it from below, not from above, nor past end. */
	uint64_t at = 0;
	ck_assert_uint_eq(memobj_next(b, &at, 16), p);
	ck_assert_uint_eq(at, 3);
	frame_put(p);
	at = 4;
	ck_assert_uint_eq(memobj_next(b, &at, 16), 0);
	at = 0;
	ck_assert_uint_eq(memobj_next(b, &at, 3), 0);
	/* b's copy replaces p there; a keeps p. */
	q = frame_alloc();
	ck_assert(!memobj_replace(b, 3, q, q)); /* not what is there */
	ck_assert(!memobj_replace(b, 5, p, q));
	ck_assert(memobj_replace(b, 3, p, q));
	ck_assert_uint_eq(memobj_lookup(b, 3), q);
	frame_put(q);
	ck_assert_uint_eq(frame_refs(q), 2); /* b's and the allocation's */
	ck_assert_uint_eq(frame_refs(p), 3); /* a's, ours, and b's handed to us */
	frame_put(p);
	frame_put(p);
	frame_put(q);
	ck_assert_uint_eq(c.used, 2);
	ck_assert_int_eq(memobj_page(b, 9, &q), 0);
	frame_put(q);
	ck_assert(!mem_charge(&c, 1)); /* full: 3 */
	ck_assert_int_eq(memobj_insert(a, 9, q), -ENOMEM);
	/* Discard drops [from, to) only. */
	memobj_discard(b, 4, 9);
	ck_assert_uint_eq(memobj_resident(b), 2);
	memobj_discard(b, 3, 10);
	ck_assert_uint_eq(memobj_resident(b), 0);
	ck_assert_uint_eq(c.used, 1);
	ck_assert_uint_eq(frame_refs(p), 1);
	memobj_put(b);
	memobj_put(a);
	ck_assert_uint_eq(c.used, 0);
	ck_assert_uint_eq(buddy_free_pages(&fb), free0);
}
END_TEST

UNIT_SUITE(memobj_suite)
{
	Suite *s = suite_create("memobj");
	TCase *tc = tcase_create("memobj");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, frame_references);
	tcase_add_test(tc, charges_and_limits);
	tcase_add_test(tc, pages_filled_once_and_shared);
	tcase_add_test(tc, anonymous_pages_are_zero_and_limited);
	tcase_add_test(tc, a_lost_race_leaves_one_page);
	tcase_add_test(tc, a_failed_fill_keeps_nothing);
	tcase_add_test(tc, a_page_in_two_objects);
	suite_add_tcase(s, tc);
	return s;
}
