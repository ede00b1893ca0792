/*
 * The VMA tree (kernel/mm/vma.c): look-ups by address, splits that keep
 * the object offsets, whether a range is free or covered, how many splits
 * a range needs, and the top-down free-space search, checked against a
 * brute-force search over random layouts.
 */
#include <stdlib.h>
#include <string.h>

#include <pallas/vma.h>

#include "unit.h"

#define P      PAGE_SIZE
#define NSLOTS 64 /* the random layouts' address space, in pages */

static struct vma pool[NSLOTS + 8];
static unsigned used;

static struct vma *add(struct avl_tree *t, uintptr_t start, uintptr_t end, uint64_t pgoff)
{
	struct vma *v = &pool[used++];

	memset(v, 0, sizeof(*v));
	v->start = start;
	v->end = end;
	v->pgoff = pgoff;
	ck_assert(vma_insert(t, v));
	return v;
}

static void reset(struct avl_tree *t)
{
	used = 0;
	avl_init(t);
}

START_TEST(find_and_from)
{
	struct avl_tree t;

	reset(&t);
	ck_assert_ptr_null(vma_find(&t, 5 * P));
	ck_assert_ptr_null(vma_from(&t, 0));
	struct vma *a = add(&t, 10 * P, 20 * P, 0), *b = add(&t, 30 * P, 31 * P, 7);
	struct vma c = {.start = 15 * P, .end = 35 * P};
	ck_assert(!vma_insert(&t, &c)); /* overlaps both */
	ck_assert_ptr_eq(vma_find(&t, 10 * P), a);
	ck_assert_ptr_eq(vma_find(&t, 20 * P - 1), a);
	ck_assert_ptr_null(vma_find(&t, 20 * P));
	ck_assert_ptr_null(vma_find(&t, 10 * P - 1));
	ck_assert_ptr_eq(vma_from(&t, 0), a);
	ck_assert_ptr_eq(vma_from(&t, 20 * P), b);
	ck_assert_ptr_eq(vma_from(&t, 30 * P + 5), b);
	ck_assert_ptr_null(vma_from(&t, 31 * P));
	ck_assert_ptr_eq(vma_next(a), b);
	ck_assert_ptr_eq(vma_prev(b), a);
	ck_assert_uint_eq(vma_index(b, 30 * P + 100), 7);
}
END_TEST

START_TEST(split_keeps_offsets)
{
	struct avl_tree t;

	reset(&t);
	struct vma *v = add(&t, 10 * P, 20 * P, 100);
	v->prot = VMA_READ;
	v->flags = VMA_PRIVATE;
	ck_assert_uint_eq(vma_splits_needed(&t, 12 * P, 15 * P), 2);
	ck_assert_uint_eq(vma_splits_needed(&t, 10 * P, 15 * P), 1);
	ck_assert_uint_eq(vma_splits_needed(&t, 10 * P, 20 * P), 0);
	ck_assert_uint_eq(vma_splits_needed(&t, 5 * P, 25 * P), 0);
	ck_assert_uint_eq(vma_splits_needed(&t, 5 * P, 15 * P), 1);
	struct vma *tail = &pool[used++];
	vma_split(&t, v, tail, 14 * P);
	ck_assert_uint_eq(v->end, 14 * P);
	ck_assert_uint_eq(tail->start, 14 * P);
	ck_assert_uint_eq(tail->end, 20 * P);
	ck_assert_uint_eq(tail->pgoff, 104);
	ck_assert_uint_eq(tail->prot, VMA_READ);
	ck_assert_uint_eq(tail->flags, VMA_PRIVATE);
	ck_assert_uint_eq(t.count, 2);
	ck_assert_ptr_eq(vma_find(&t, 14 * P), tail);
	ck_assert_ptr_eq(vma_find(&t, 13 * P), v);
	ck_assert_uint_eq(vma_index(tail, 19 * P), vma_index(v, 10 * P) + 9);
	ck_assert_uint_eq(vma_splits_needed(&t, 12 * P, 15 * P), 2); /* one in each */
	vma_remove(&t, v);
	ck_assert_ptr_null(vma_find(&t, 13 * P));
	ck_assert_uint_eq(t.count, 1);
}
END_TEST

START_TEST(free_and_covered)
{
	struct avl_tree t;

	reset(&t);
	add(&t, 10 * P, 20 * P, 0);
	add(&t, 20 * P, 25 * P, 0);
	add(&t, 30 * P, 40 * P, 0);
	ck_assert(vma_range_covered(&t, 10 * P, 25 * P));
	ck_assert(vma_range_covered(&t, 12 * P, 22 * P));
	ck_assert(!vma_range_covered(&t, 12 * P, 31 * P)); /* the hole at 25 */
	ck_assert(!vma_range_covered(&t, 9 * P, 12 * P));
	ck_assert(!vma_range_covered(&t, 38 * P, 41 * P));
	ck_assert(vma_range_covered(&t, 30 * P, 40 * P));
	ck_assert(vma_range_free(&t, 25 * P, 30 * P));
	ck_assert(vma_range_free(&t, 0, 10 * P));
	ck_assert(vma_range_free(&t, 40 * P, 1000 * P));
	ck_assert(!vma_range_free(&t, 24 * P, 26 * P));
	ck_assert(!vma_range_free(&t, 29 * P, 31 * P));
	ck_assert(!vma_range_free(&t, 0, 11 * P));
}
END_TEST

START_TEST(gap_down_cases)
{
	struct avl_tree t;

	reset(&t);
	ck_assert_uint_eq(vma_gap_down(&t, 4 * P, 16 * P, 100 * P), 96 * P);
	ck_assert_uint_eq(vma_gap_down(&t, 84 * P, 16 * P, 100 * P), 16 * P);
	ck_assert_uint_eq(vma_gap_down(&t, 85 * P, 16 * P, 100 * P), 0);
	ck_assert_uint_eq(vma_gap_down(&t, 0, 16 * P, 100 * P), 0);
	add(&t, 90 * P, 110 * P, 0); /* straddles the ceiling */
	ck_assert_uint_eq(vma_gap_down(&t, 4 * P, 16 * P, 100 * P), 86 * P);
	add(&t, 80 * P, 88 * P, 0);
	ck_assert_uint_eq(vma_gap_down(&t, 2 * P, 16 * P, 100 * P), 88 * P); /* the hole between */
	ck_assert_uint_eq(vma_gap_down(&t, 3 * P, 16 * P, 100 * P), 77 * P);
	add(&t, 10 * P, 20 * P, 0); /* below the floor partly */
	ck_assert_uint_eq(vma_gap_down(&t, 60 * P, 16 * P, 100 * P), 20 * P);
	ck_assert_uint_eq(vma_gap_down(&t, 61 * P, 16 * P, 100 * P), 0);
	ck_assert_uint_eq(vma_gap_down(&t, P, 16 * P, 10 * P), 0); /* ceiling under floor */
}
END_TEST

/* The highest fit by trying every address, as the model. */
static uintptr_t brute(const bool *taken, unsigned len, unsigned floor, unsigned ceiling)
{
	for (unsigned a = ceiling >= len ? ceiling - len + 1 : 0; a-- > floor;) {
		bool ok = a + len <= ceiling;
		for (unsigned i = a; ok && i < a + len; i++)
			ok = !taken[i];
		if (ok)
			return a * P;
	}
	return 0;
}

START_TEST(gap_down_against_a_model)
{
	struct avl_tree t;
	bool taken[NSLOTS];

	srand(7);
	for (int round = 0; round < 2000; round++) {
		reset(&t);
		memset(taken, 0, sizeof(taken));
		for (unsigned a = 1; a < NSLOTS;) {
			unsigned gap = (unsigned)rand() % 6, len = 1 + (unsigned)rand() % 5;
			a += gap;
			if (a + len > NSLOTS || rand() % 3 == 0) {
				a += len;
				continue;
			}
			add(&t, a * P, (a + len) * P, 0);
			for (unsigned i = a; i < a + len; i++)
				taken[i] = true;
			a += len;
		}
		unsigned floor = 1 + (unsigned)rand() % 8;
		unsigned ceiling = floor + (unsigned)rand() % (NSLOTS - floor);
		unsigned len = 1 + (unsigned)rand() % 8;
		ck_assert_uint_eq(vma_gap_down(&t, len * P, floor * P, ceiling * P),
				  brute(taken, len, floor, ceiling));
		ck_assert(vma_range_free(&t, 0, P));
	}
}
END_TEST

UNIT_SUITE(vma_suite)
{
	Suite *s = suite_create("vma");
	TCase *tc = tcase_create("vma");

	tcase_add_test(tc, find_and_from);
	tcase_add_test(tc, split_keeps_offsets);
	tcase_add_test(tc, free_and_covered);
	tcase_add_test(tc, gap_down_cases);
	tcase_add_test(tc, gap_down_against_a_model);
	suite_add_tcase(s, tc);
	return s;
}
