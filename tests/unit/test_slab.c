/*
 * kmalloc over a test buddy whose "physical memory" is a malloc'd arena.
 * Each test runs in its own forked child, so the global slab state starts
 * fresh from the fixture every time.
 */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pallas/buddy.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>

#include "unit.h"

#define ARENA_BASE   0x4000000ull /* 64 MiB: aligned for the largest block */
#define ARENA_PAGES  16384ull	  /* 64 MiB */
#define LARGEST_SIZE (PAGE_SIZE << BUDDY_MAX_ORDER)

static struct buddy tb;
static char *arena;
static uint8_t *arena_meta;
static uint64_t initial_free;

static void setup(void)
{
	arena = aligned_alloc(PAGE_SIZE, ARENA_PAGES * PAGE_SIZE);
	arena_meta = malloc(ARENA_PAGES);
	ck_assert_ptr_nonnull(arena);
	ck_assert_ptr_nonnull(arena_meta);
	buddy_init(&tb, (uintptr_t)arena - ARENA_BASE);
	ck_assert(buddy_add_zone(&tb, ARENA_BASE, ARENA_PAGES, arena_meta));
	slab_init(&tb);
	initial_free = buddy_free_pages(&tb);
}

static void teardown(void)
{
	free(arena);
	free(arena_meta);
}

/* Everything freed: no objects, and only cached empty slabs hold pages. */
static void assert_all_returned(uint64_t max_cached_pages)
{
	struct kmalloc_stats st;

	kmalloc_stats(&st);
	ck_assert_uint_eq(st.slab_objects, 0);
	ck_assert_uint_eq(st.large_pages, 0);
	ck_assert_uint_le(st.slab_pages, max_cached_pages);
	ck_assert_uint_eq(buddy_free_pages(&tb) + st.slab_pages, initial_free);
	ck_assert(buddy_check(&tb));
}

static unsigned char pattern(size_t i)
{
	return (unsigned char)(i * 131 + 7);
}

static void fill(unsigned char *p, size_t n, size_t seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = pattern(seed + i);
}

/* One assertion per buffer: libcheck assertions are too slow per byte. */
static bool intact(const unsigned char *p, size_t n, size_t seed)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] != pattern(seed + i))
			return false;
	}
	return true;
}

START_TEST(test_zero_and_null)
{
	ck_assert_ptr_null(kmalloc(0));
	ck_assert_ptr_null(kzalloc(0));
	kfree(NULL);
}
END_TEST

START_TEST(test_sizes_1_to_8192)
{
	enum { N = 8192 };
	unsigned char **p = calloc(N + 1, sizeof(*p));

	for (size_t n = 1; n <= N; n++) {
		p[n] = kmalloc(n);
		ck_assert_ptr_nonnull(p[n]);
		ck_assert_uint_eq((uintptr_t)p[n] % 16, 0);
		fill(p[n], n, n);
	}
	/* All live at once: any overlap would have clobbered a pattern. */
	for (size_t n = 1; n <= N; n++)
		ck_assert(intact(p[n], n, n));
	for (size_t n = 1; n <= N; n++)
		kfree(p[n]);
	/* At most one cached slab of up to 8 pages per size class. */
	assert_all_returned(14 * 8);
	free(p);
}
END_TEST

START_TEST(test_reuse)
{
	void *p = kmalloc(40);
	kfree(p);
	ck_assert_ptr_eq(kmalloc(33), p);
	void *big = kmalloc(10000);
	kfree(big);
	ck_assert_ptr_eq(kmalloc(12000), big);
}
END_TEST

START_TEST(test_kzalloc)
{
	unsigned char *p = kmalloc(200);
	memset(p, 0xff, 200);
	kfree(p);
	unsigned char *q = kzalloc(200);
	ck_assert_ptr_eq(p, q);
	for (int i = 0; i < 200; i++)
		ck_assert_uint_eq(q[i], 0);
	unsigned char *big = kzalloc(3 * PAGE_SIZE);
	for (size_t i = 0; i < 3 * PAGE_SIZE; i++)
		ck_assert_uint_eq(big[i], 0);
}
END_TEST

static void shuffle(void **v, size_t n)
{
	srand(12345);
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)rand() % (i + 1);
		void *t = v[i];
		v[i] = v[j];
		v[j] = t;
	}
}

START_TEST(test_many_objects)
{
	enum { N = 20000 };
	void **v = calloc(N, sizeof(*v));
	struct kmalloc_stats st;

	for (size_t i = 0; i < N; i++) {
		v[i] = kmalloc(64);
		ck_assert_ptr_nonnull(v[i]);
		memset(v[i], 0, 64);
		*(size_t *)v[i] = i;
	}
	kmalloc_stats(&st);
	ck_assert_uint_eq(st.slab_objects, N);
	ck_assert_uint_ge(st.slab_pages, N * 64 / PAGE_SIZE);
	for (size_t i = 0; i < N; i++)
		ck_assert_uint_eq(*(size_t *)v[i], i);
	shuffle(v, N);
	for (size_t i = 0; i < N; i++)
		kfree(v[i]);
	/* Hundreds of slabs drained; exactly one stays cached. */
	assert_all_returned(1);
	kmalloc_stats(&st);
	ck_assert_uint_eq(st.slab_pages, 1);
	free(v);
}
END_TEST

START_TEST(test_large)
{
	struct kmalloc_stats st;
	void *a = kmalloc(PAGE_SIZE), *b = kmalloc(5000), *c = kmalloc(LARGEST_SIZE);

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq((uintptr_t)a % PAGE_SIZE, 0);
	/* Blocks are aligned physically; the arena's virtual base is only page-aligned. */
	ck_assert_uint_eq(buddy_phys(&tb, c) % LARGEST_SIZE, 0);
	memset(c, 1, LARGEST_SIZE);
	kmalloc_stats(&st);
	ck_assert_uint_eq(st.large_pages, 1 + 2 + 1024);
	ck_assert_ptr_null(kmalloc(LARGEST_SIZE + 1));
	ck_assert_ptr_null(kmalloc(SIZE_MAX));
	ck_assert_ptr_null(kzalloc(SIZE_MAX));
	kfree(a);
	kfree(b);
	kfree(c);
	assert_all_returned(0);
}
END_TEST

START_TEST(test_exhaust_and_recover)
{
	size_t cap = ARENA_PAGES * 2, n = 0;
	void **v = calloc(cap, sizeof(*v));
	void *p;

	while ((p = kmalloc(2048)) != NULL) {
		ck_assert_uint_lt(n, cap);
		v[n++] = p;
	}
	/* 7 objects per 4-page slab: the arena holds about 4096 slabs. */
	ck_assert_uint_gt(n, 7 * (ARENA_PAGES / 4) * 9 / 10);
	ck_assert_ptr_null(kmalloc(16));
	ck_assert_ptr_null(kmalloc(PAGE_SIZE));
	kfree(v[--n]);
	ck_assert_ptr_nonnull(v[n] = kmalloc(2048));
	n++;
	for (size_t i = 0; i < n; i++)
		kfree(v[i]);
	assert_all_returned(4);
	ck_assert_ptr_nonnull(p = kmalloc(LARGEST_SIZE));
	kfree(p);
	free(v);
}
END_TEST

START_TEST(test_random_mix)
{
	enum { SLOTS = 512, STEPS = 20000 };
	unsigned char **v = calloc(SLOTS, sizeof(*v));
	size_t *len = calloc(SLOTS, sizeof(*len));

	srand(777);
	for (int step = 0; step < STEPS; step++) {
		size_t i = (size_t)rand() % SLOTS;
		if (v[i]) {
			ck_assert(intact(v[i], len[i], i));
			kfree(v[i]);
			v[i] = NULL;
			continue;
		}
		len[i] = 1 + (size_t)rand() % (rand() % 8 == 0 ? 20000 : 600);
		v[i] = kmalloc(len[i]);
		ck_assert_ptr_nonnull(v[i]);
		ck_assert_uint_eq((uintptr_t)v[i] % 16, 0);
		fill(v[i], len[i], i);
	}
	for (size_t i = 0; i < SLOTS; i++)
		kfree(v[i]);
	assert_all_returned(14 * 8);
	free(v);
	free(len);
}
END_TEST

/* Each of these must end in panic(), which aborts on the host. */
START_TEST(test_kfree_interior)
{
	char *p = kmalloc(64);
	kfree(p + 16);
}
END_TEST

START_TEST(test_kfree_unaligned)
{
	char *p = kmalloc(100);
	kfree(p + 1);
}
END_TEST

START_TEST(test_kfree_double)
{
	void *p = kmalloc(32), *q = kmalloc(32);
	(void)q; /* keeps the slab from being emptied */
	kfree(p);
	kfree(p);
}
END_TEST

START_TEST(test_kfree_double_large)
{
	void *p = kmalloc(3 * PAGE_SIZE);
	kfree(p);
	kfree(p);
}
END_TEST

START_TEST(test_kfree_large_interior)
{
	char *p = kmalloc(2 * PAGE_SIZE);
	kfree(p + PAGE_SIZE);
}
END_TEST

START_TEST(test_kfree_slab_header)
{
	char *p = kmalloc(16);
	kfree((char *)ALIGN_DOWN((uintptr_t)p, PAGE_SIZE) + 16);
}
END_TEST

START_TEST(test_kfree_buddy_page)
{
	paddr_t p = buddy_alloc(&tb, 0);
	kfree(buddy_virt(&tb, p));
}
END_TEST

START_TEST(test_kfree_foreign)
{
	int x;
	kfree(&x);
}
END_TEST

UNIT_SUITE(slab_suite)
{
	Suite *s = suite_create("slab");
	TCase *tc = tcase_create("kmalloc");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_zero_and_null);
	tcase_add_test(tc, test_sizes_1_to_8192);
	tcase_add_test(tc, test_reuse);
	tcase_add_test(tc, test_kzalloc);
	tcase_add_test(tc, test_many_objects);
	tcase_add_test(tc, test_large);
	tcase_add_test(tc, test_exhaust_and_recover);
	tcase_add_test(tc, test_random_mix);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	TCase *bad = tcase_create("misuse");
	tcase_add_checked_fixture(bad, setup, teardown);
	tcase_add_test_raise_signal(bad, test_kfree_interior, SIGABRT);
	tcase_add_test_raise_signal(bad, test_kfree_unaligned, SIGABRT);
	tcase_add_test_raise_signal(bad, test_kfree_double, SIGABRT);
	tcase_add_test_raise_signal(bad, test_kfree_double_large, SIGABRT);
	tcase_add_test_raise_signal(bad, test_kfree_large_interior, SIGABRT);
	tcase_add_test_raise_signal(bad, test_kfree_slab_header, SIGABRT);
	tcase_add_test_raise_signal(bad, test_kfree_buddy_page, SIGABRT);
	tcase_add_test_raise_signal(bad, test_kfree_foreign, SIGABRT);
	suite_add_tcase(s, bad);
	return s;
}
