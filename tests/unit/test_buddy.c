/*
 * The buddy allocator over a malloc'd arena that stands in for physical
 * memory: phys p lives at arena + (p - arena_base).
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <pallas/buddy.h>
#include <pallas/kernel.h>

#include "unit.h"

#define MiB (1024ull * 1024)

struct arena {
	struct buddy b;
	paddr_t base; /* physical address of the arena's first byte */
	uint64_t npages;
	char *mem;
	uint8_t *meta;
};

/* An arena covering phys [base, base + npages pages), with no zones yet. */
static struct arena *arena_new(paddr_t base, uint64_t npages)
{
	struct arena *a = calloc(1, sizeof(*a));
	ck_assert_ptr_nonnull(a);
	a->base = base;
	a->npages = npages;
	a->mem = aligned_alloc(PAGE_SIZE, npages * PAGE_SIZE);
	a->meta = malloc(npages);
	ck_assert_ptr_nonnull(a->mem);
	ck_assert_ptr_nonnull(a->meta);
	buddy_init(&a->b, (uintptr_t)a->mem - base);
	return a;
}

/* Adds a zone of npages starting `first` pages into the arena. */
static void arena_zone(struct arena *a, uint64_t first, uint64_t npages)
{
	ck_assert_uint_le(first + npages, a->npages);
	ck_assert(buddy_add_zone(&a->b, a->base + first * PAGE_SIZE, npages, a->meta + first));
}

static void arena_free(struct arena *a)
{
	free(a->mem);
	free(a->meta);
	free(a);
}

/* One 4 MiB-aligned zone of exactly one max-order block. */
static struct arena *one_block(void)
{
	struct arena *a = arena_new(64 * MiB, 1024);
	arena_zone(a, 0, 1024);
	return a;
}

START_TEST(test_add_zone_counts)
{
	struct arena *a = one_block();
	ck_assert_uint_eq(buddy_total_pages(&a->b), 1024);
	ck_assert_uint_eq(buddy_free_pages(&a->b), 1024);
	ck_assert_uint_eq(a->b.nfree[BUDDY_MAX_ORDER], 1);
	ck_assert(buddy_check(&a->b));
	arena_free(a);
}
END_TEST

START_TEST(test_split_and_coalesce)
{
	struct arena *a = one_block();
	paddr_t p = buddy_alloc(&a->b, 0);

	/* The low page goes out; one block of each smaller order is left. */
	ck_assert_uint_eq(p, 64 * MiB);
	for (unsigned o = 0; o < BUDDY_MAX_ORDER; o++)
		ck_assert_uint_eq(a->b.nfree[o], 1);
	ck_assert_uint_eq(a->b.nfree[BUDDY_MAX_ORDER], 0);
	ck_assert_uint_eq(buddy_free_pages(&a->b), 1023);
	ck_assert(buddy_check(&a->b));

	buddy_free(&a->b, p, 0);
	ck_assert_uint_eq(a->b.nfree[BUDDY_MAX_ORDER], 1);
	for (unsigned o = 0; o < BUDDY_MAX_ORDER; o++)
		ck_assert_uint_eq(a->b.nfree[o], 0);
	ck_assert_uint_eq(buddy_free_pages(&a->b), 1024);
	ck_assert(buddy_check(&a->b));
	arena_free(a);
}
END_TEST

START_TEST(test_alignment_every_order)
{
	struct arena *a = arena_new(0x400000, 4096);
	arena_zone(a, 0, 4096);
	paddr_t got[BUDDY_MAX_ORDER + 1];

	for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++) {
		got[o] = buddy_alloc(&a->b, o);
		ck_assert_uint_ne(got[o], 0);
		ck_assert(IS_ALIGNED(got[o], PAGE_SIZE << o));
		ck_assert_uint_eq(buddy_block_order(&a->b, got[o]), o);
		/* The whole block is writable through the offset. */
		memset(buddy_virt(&a->b, got[o]), 0x5a, PAGE_SIZE << o);
	}
	ck_assert(buddy_check(&a->b));
	for (unsigned o = 0; o <= BUDDY_MAX_ORDER; o++)
		buddy_free(&a->b, got[o], o);
	ck_assert_uint_eq(buddy_free_pages(&a->b), 4096);
	ck_assert_uint_eq(a->b.nfree[BUDDY_MAX_ORDER], 4);
	ck_assert(buddy_check(&a->b));
	arena_free(a);
}
END_TEST

START_TEST(test_order_too_big)
{
	struct arena *a = one_block();
	ck_assert_uint_eq(buddy_alloc(&a->b, BUDDY_MAX_ORDER + 1), 0);
	ck_assert_uint_eq(buddy_alloc(&a->b, 64), 0);
	arena_free(a);
}
END_TEST

START_TEST(test_exhaust_and_recover)
{
	struct arena *a = arena_new(0x200000, 777);
	arena_zone(a, 0, 777);
	paddr_t *pages = calloc(777, sizeof(*pages));
	unsigned n = 0;
	paddr_t p;

	while ((p = buddy_alloc(&a->b, 0)) != 0) {
		ck_assert_uint_lt(n, 777);
		pages[n++] = p;
	}
	ck_assert_uint_eq(n, 777);
	ck_assert_uint_eq(buddy_free_pages(&a->b), 0);
	ck_assert_uint_eq(buddy_alloc(&a->b, 3), 0);

	/* Freeing one page makes exactly one page available again. */
	buddy_free(&a->b, pages[100], 0);
	ck_assert_uint_eq(buddy_alloc(&a->b, 1), 0);
	ck_assert_uint_eq(buddy_alloc(&a->b, 0), pages[100]);

	for (unsigned i = 0; i < n; i++)
		buddy_free(&a->b, pages[i], 0);
	ck_assert_uint_eq(buddy_free_pages(&a->b), 777);
	ck_assert(buddy_check(&a->b));
	/* Fully coalesced again: the 2 MiB-aligned start gives an order-9 block. */
	ck_assert_uint_eq(buddy_alloc(&a->b, 9), 0x200000);
	free(pages);
	arena_free(a);
}
END_TEST

START_TEST(test_never_page_zero)
{
	struct arena *a = arena_new(0, 16);
	arena_zone(a, 0, 16);
	paddr_t p;
	unsigned n = 0;

	ck_assert_uint_eq(buddy_total_pages(&a->b), 15);
	while ((p = buddy_alloc(&a->b, 0)) != 0) {
		ck_assert_uint_ne(p, 0);
		n++;
	}
	ck_assert_uint_eq(n, 15);
	arena_free(a);
}
END_TEST

/* Which zone of `a` holds pfn, or -1. */
static int zone_index(struct arena *a, pfn_t pfn)
{
	for (unsigned i = 0; i < a->b.nzones; i++) {
		struct buddy_zone *z = &a->b.zones[i];
		if (pfn >= z->base && pfn < z->base + z->npages)
			return (int)i;
	}
	return -1;
}

START_TEST(test_blocks_stay_in_zones)
{
	/* Adjacent, odd-sized and oddly aligned zones, added out of order. */
	struct arena *a = arena_new(0x400000, 2048);
	arena_zone(a, 3, 997);
	arena_zone(a, 0, 3);
	arena_zone(a, 1000, 1);
	arena_zone(a, 1001, 1047);
	ck_assert_uint_eq(a->b.nzones, 4);
	ck_assert_uint_eq(buddy_total_pages(&a->b), 2048);
	for (unsigned i = 1; i < a->b.nzones; i++)
		ck_assert_uint_gt(a->b.zones[i].base, a->b.zones[i - 1].base);

	uint64_t taken = 0;
	for (int o = BUDDY_MAX_ORDER; o >= 0; o--) {
		paddr_t p;
		while ((p = buddy_alloc(&a->b, o)) != 0) {
			pfn_t first = p >> PAGE_SHIFT, last = first + (1ull << o) - 1;
			ck_assert(IS_ALIGNED(p, PAGE_SIZE << o));
			ck_assert_int_ge(zone_index(a, first), 0);
			ck_assert_int_eq(zone_index(a, first), zone_index(a, last));
			taken += 1ull << o;
		}
	}
	ck_assert_uint_eq(taken, 2048);
	ck_assert_uint_eq(buddy_free_pages(&a->b), 0);
	arena_free(a);
}
END_TEST

START_TEST(test_coalesce_stops_at_zone_edge)
{
	struct arena *a = arena_new(0x400000, 1024);
	arena_zone(a, 0, 512);
	arena_zone(a, 512, 512);
	paddr_t lo = buddy_alloc(&a->b, 9), hi = buddy_alloc(&a->b, 9);

	ck_assert_uint_ne(lo, 0);
	ck_assert_uint_ne(hi, 0);
	buddy_free(&a->b, lo, 9);
	buddy_free(&a->b, hi, 9);
	ck_assert_uint_eq(a->b.nfree[BUDDY_MAX_ORDER], 0);
	ck_assert_uint_eq(a->b.nfree[9], 2);
	ck_assert_uint_eq(buddy_alloc(&a->b, 10), 0);
	ck_assert(buddy_check(&a->b));
	arena_free(a);
}
END_TEST

START_TEST(test_zone_table_full)
{
	struct arena *a = arena_new(0x100000, 2 * BUDDY_MAX_ZONES + 2);
	for (unsigned i = 0; i < BUDDY_MAX_ZONES; i++)
		arena_zone(a, 2 * i, 1);
	ck_assert(!buddy_add_zone(&a->b, a->base + 2 * BUDDY_MAX_ZONES * PAGE_SIZE, 1,
				  a->meta + 2 * BUDDY_MAX_ZONES));
	ck_assert_uint_eq(buddy_total_pages(&a->b), BUDDY_MAX_ZONES);
	ck_assert(buddy_check(&a->b));
	arena_free(a);
}
END_TEST

START_TEST(test_tags)
{
	struct arena *a = one_block();
	paddr_t p = buddy_alloc(&a->b, 2);
	unsigned order = 99;

	ck_assert(buddy_contains(&a->b, p + 5));
	ck_assert(buddy_contains(&a->b, 64 * MiB + 1023 * PAGE_SIZE + 4095));
	ck_assert(!buddy_contains(&a->b, 64 * MiB - 1));
	ck_assert(!buddy_contains(&a->b, 68 * MiB));
	ck_assert_uint_eq(buddy_page_tag(&a->b, p + 3 * PAGE_SIZE + 5, &order), 0);
	buddy_set_tag(&a->b, p, 2, BUDDY_TAG_SLAB);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_uint_eq(buddy_page_tag(&a->b, p + i * PAGE_SIZE + 8, &order),
				  BUDDY_TAG_SLAB);
		ck_assert_uint_eq(order, 2);
	}
	ck_assert_uint_eq(buddy_block_order(&a->b, p), 2);
	ck_assert(buddy_check(&a->b));
	buddy_set_tag(&a->b, p, 2, 0);
	ck_assert_uint_eq(buddy_page_tag(&a->b, p + PAGE_SIZE, NULL), 0);
	buddy_free(&a->b, p, 2);
	ck_assert_uint_eq(buddy_free_pages(&a->b), 1024);
	arena_free(a);
}
END_TEST

/*
 * Random allocations and frees against a shadow owner map.  Every block is
 * filled with its own pattern and checked when freed, so overlapping blocks
 * or free-list links written into live memory show up.
 */
struct live {
	paddr_t p;
	unsigned order;
};

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void fill(struct arena *a, struct live *l, uint64_t v)
{
	uint64_t *w = buddy_virt(&a->b, l->p);
	for (uint64_t i = 0; i < (PAGE_SIZE << l->order) / 8; i += 61)
		w[i] = v ^ i;
}

/* Plain loops and one assertion per block: libcheck assertions are slow. */
static bool intact(struct arena *a, struct live *l, uint64_t v)
{
	uint64_t *w = buddy_virt(&a->b, l->p);
	for (uint64_t i = 0; i < (PAGE_SIZE << l->order) / 8; i += 61) {
		if (w[i] != (v ^ i))
			return false;
	}
	return true;
}

/* Marks the block's pages in the shadow map; false on overlap or a zone crossing. */
static bool shadow_take(struct arena *a, uint8_t *owner, struct live *l)
{
	uint64_t first = (l->p - a->base) >> PAGE_SHIFT;
	int z = zone_index(a, l->p >> PAGE_SHIFT);
	if (z < 0 || z != zone_index(a, (l->p >> PAGE_SHIFT) + (1ull << l->order) - 1))
		return false;
	for (uint64_t i = 0; i < (1ull << l->order); i++) {
		if (owner[first + i])
			return false;
		owner[first + i] = 1;
	}
	return true;
}

static void shadow_drop(struct arena *a, uint8_t *owner, struct live *l)
{
	uint64_t first = (l->p - a->base) >> PAGE_SHIFT;
	for (uint64_t i = 0; i < (1ull << l->order); i++)
		owner[first + i] = 0;
}

START_TEST(test_random_stress)
{
	enum { NPAGES = 6000, MAXLIVE = 4000, STEPS = 60000 };
	struct arena *a = arena_new(0x1000000, NPAGES);
	arena_zone(a, 1, 2999); /* odd start */
	arena_zone(a, 3001, 1500);
	arena_zone(a, 4501, NPAGES - 4501);
	uint64_t total = buddy_total_pages(&a->b), shadow_free = total;
	uint8_t *owner = calloc(NPAGES, 1);
	struct live *live = calloc(MAXLIVE, sizeof(*live));
	unsigned nlive = 0;

	for (unsigned step = 0; step < STEPS; step++) {
		bool do_alloc = nlive == 0 || (nlive < MAXLIVE && rng() % 100 < 55);
		if (do_alloc) {
			/* Mostly small orders, sometimes big ones. */
			unsigned order = rng() % 4 == 0 ? rng() % (BUDDY_MAX_ORDER + 1) : rng() % 3;
			paddr_t p = buddy_alloc(&a->b, order);
			if (!p)
				continue;
			struct live *l = &live[nlive++];
			*l = (struct live){p, order};
			if (!IS_ALIGNED(p, PAGE_SIZE << order) || !shadow_take(a, owner, l))
				ck_abort_msg("bad block 0x%llx order %u", (unsigned long long)p,
					     order);
			fill(a, l, p);
			shadow_free -= 1ull << order;
		} else {
			unsigned i = rng() % nlive;
			if (!intact(a, &live[i], live[i].p))
				ck_abort_msg("block 0x%llx was overwritten",
					     (unsigned long long)live[i].p);
			shadow_drop(a, owner, &live[i]);
			buddy_free(&a->b, live[i].p, live[i].order);
			shadow_free += 1ull << live[i].order;
			live[i] = live[--nlive];
		}
		if (buddy_free_pages(&a->b) != shadow_free)
			ck_abort_msg("free count %llu, expected %llu",
				     (unsigned long long)buddy_free_pages(&a->b),
				     (unsigned long long)shadow_free);
		if (step % 5000 == 0)
			ck_assert(buddy_check(&a->b));
	}
	while (nlive > 0) {
		nlive--;
		ck_assert(intact(a, &live[nlive], live[nlive].p));
		buddy_free(&a->b, live[nlive].p, live[nlive].order);
	}
	ck_assert_uint_eq(buddy_free_pages(&a->b), total);
	ck_assert(buddy_check(&a->b));
	free(live);
	free(owner);
	arena_free(a);
}
END_TEST

/* Each of these must end in panic(), which aborts on the host. */
START_TEST(test_double_free)
{
	struct arena *a = one_block();
	paddr_t p = buddy_alloc(&a->b, 0);
	buddy_alloc(&a->b, 0); /* keeps p from coalescing away */
	buddy_free(&a->b, p, 0);
	buddy_free(&a->b, p, 0);
}
END_TEST

START_TEST(test_double_free_coalesced)
{
	struct arena *a = one_block();
	paddr_t p = buddy_alloc(&a->b, 3);
	buddy_free(&a->b, p, 3);
	buddy_free(&a->b, p, 3);
}
END_TEST

START_TEST(test_free_outside)
{
	struct arena *a = one_block();
	buddy_free(&a->b, 64 * MiB + 1024 * PAGE_SIZE, 0);
}
END_TEST

START_TEST(test_free_unaligned)
{
	struct arena *a = one_block();
	paddr_t p = buddy_alloc(&a->b, 0);
	buddy_free(&a->b, p + 8, 0);
}
END_TEST

START_TEST(test_free_misaligned_order)
{
	struct arena *a = one_block();
	paddr_t p = buddy_alloc(&a->b, 1);
	buddy_free(&a->b, p + PAGE_SIZE, 1);
}
END_TEST

START_TEST(test_free_wrong_order)
{
	struct arena *a = one_block();
	paddr_t p = buddy_alloc(&a->b, 2);
	buddy_free(&a->b, p, 1);
}
END_TEST

START_TEST(test_free_interior_page)
{
	struct arena *a = one_block();
	paddr_t p = buddy_alloc(&a->b, 2);
	buddy_free(&a->b, p + 2 * PAGE_SIZE, 0);
}
END_TEST

START_TEST(test_free_order_too_big)
{
	struct arena *a = one_block();
	paddr_t p = buddy_alloc(&a->b, 0);
	buddy_free(&a->b, p, BUDDY_MAX_ORDER + 1);
}
END_TEST

START_TEST(test_free_tagged)
{
	struct arena *a = one_block();
	paddr_t p = buddy_alloc(&a->b, 0);
	buddy_set_tag(&a->b, p, 0, BUDDY_TAG_LARGE);
	buddy_free(&a->b, p, 0);
}
END_TEST

START_TEST(test_overlapping_zone)
{
	struct arena *a = arena_new(0x100000, 64);
	arena_zone(a, 0, 32);
	buddy_add_zone(&a->b, a->base + 31 * PAGE_SIZE, 8, a->meta + 31);
}
END_TEST

START_TEST(test_block_order_of_tail)
{
	struct arena *a = one_block();
	paddr_t p = buddy_alloc(&a->b, 1);
	buddy_block_order(&a->b, p + PAGE_SIZE);
}
END_TEST

UNIT_SUITE(buddy_suite)
{
	Suite *s = suite_create("buddy");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_add_zone_counts);
	tcase_add_test(tc, test_split_and_coalesce);
	tcase_add_test(tc, test_alignment_every_order);
	tcase_add_test(tc, test_order_too_big);
	tcase_add_test(tc, test_exhaust_and_recover);
	tcase_add_test(tc, test_never_page_zero);
	tcase_add_test(tc, test_blocks_stay_in_zones);
	tcase_add_test(tc, test_coalesce_stops_at_zone_edge);
	tcase_add_test(tc, test_zone_table_full);
	tcase_add_test(tc, test_tags);
	tcase_add_test(tc, test_random_stress);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	TCase *bad = tcase_create("misuse");
	tcase_add_test_raise_signal(bad, test_double_free, SIGABRT);
	tcase_add_test_raise_signal(bad, test_double_free_coalesced, SIGABRT);
	tcase_add_test_raise_signal(bad, test_free_outside, SIGABRT);
	tcase_add_test_raise_signal(bad, test_free_unaligned, SIGABRT);
	tcase_add_test_raise_signal(bad, test_free_misaligned_order, SIGABRT);
	tcase_add_test_raise_signal(bad, test_free_wrong_order, SIGABRT);
	tcase_add_test_raise_signal(bad, test_free_interior_page, SIGABRT);
	tcase_add_test_raise_signal(bad, test_free_order_too_big, SIGABRT);
	tcase_add_test_raise_signal(bad, test_free_tagged, SIGABRT);
	tcase_add_test_raise_signal(bad, test_overlapping_zone, SIGABRT);
	tcase_add_test_raise_signal(bad, test_block_order_of_tail, SIGABRT);
	suite_add_tcase(s, bad);
	return s;
}
