/*
 * The radix tree (kernel/lib/radix.c) against a plain model: random inserts
 * and deletes at indexes from 0 to UINT64_MAX, every lookup and every
 * radix_next walk checked against a sorted array, and every node freed again
 * (kmalloc's page count returns to where it was).
 */
#include <stdlib.h>

#include <pallas/errno.h>
#include <pallas/mm.h>
#include <pallas/radix.h>

#include "fake_vm.h"
#include "unit.h"

#define MODEL_MAX 600

static uint64_t model[MODEL_MAX];
static unsigned nmodel;

static uint64_t heap_objects(void)
{
	struct kmalloc_stats st;
	kmalloc_stats(&st);
	return st.slab_objects;
}

static int model_find(uint64_t index)
{
	for (unsigned i = 0; i < nmodel; i++)
		if (model[i] == index)
			return (int)i;
	return -1;
}

static void *item_for(uint64_t index)
{
	return (void *)(uintptr_t)((index * 2654435761u) | 1); /* never NULL */
}

static uint64_t random_index(unsigned *seed)
{
	unsigned kind = rand_r(seed) % 4;
	uint64_t v = ((uint64_t)rand_r(seed) << 33) ^ ((uint64_t)rand_r(seed) << 11) ^ rand_r(seed);

	switch (kind) {
	case 0:
		return rand_r(seed) % 200; /* dense, small */
	case 1:
		return UINT64_MAX - rand_r(seed) % 50; /* the top */
	case 2:
		return (uint64_t)(rand_r(seed) % 64) << (rand_r(seed) % 58); /* slot edges */
	default:
		return v;
	}
}

START_TEST(basic)
{
	struct radix r;

	unit_heap_init();
	radix_init(&r);
	ck_assert_ptr_null(radix_lookup(&r, 0));
	ck_assert_int_eq(radix_insert(&r, 5, item_for(5)), 0);
	ck_assert_int_eq(radix_insert(&r, 5, item_for(6)), -EEXIST);
	ck_assert_int_eq(radix_insert(&r, 7, NULL), -EINVAL);
	ck_assert_ptr_eq(radix_lookup(&r, 5), item_for(5));
	ck_assert_ptr_null(radix_lookup(&r, 4));
	ck_assert_int_eq(radix_insert(&r, UINT64_MAX, item_for(UINT64_MAX)), 0);
	ck_assert_uint_eq(r.levels, 11);
	ck_assert_ptr_eq(radix_lookup(&r, 5), item_for(5)); /* survived the growth */
	ck_assert_ptr_eq(radix_replace(&r, 5, item_for(6)), item_for(5));
	ck_assert_ptr_eq(radix_lookup(&r, 5), item_for(6));
	ck_assert_ptr_null(radix_replace(&r, 4, item_for(4))); /* none there: nothing changes */
	ck_assert_ptr_null(radix_lookup(&r, 4));
	ck_assert_ptr_null(radix_replace(&r, 5, NULL));
	ck_assert_ptr_eq(radix_replace(&r, 5, item_for(5)), item_for(6));
	ck_assert_uint_eq(r.count, 2);
	uint64_t at = 6;
	ck_assert_ptr_eq(radix_next(&r, &at), item_for(UINT64_MAX));
	ck_assert_uint_eq(at, UINT64_MAX);
	ck_assert_ptr_eq(radix_delete(&r, UINT64_MAX), item_for(UINT64_MAX));
	ck_assert_ptr_null(radix_delete(&r, UINT64_MAX));
	ck_assert_ptr_eq(radix_delete(&r, 5), item_for(5));
	ck_assert_ptr_null(r.root);
	ck_assert_uint_eq(r.count, 0);
}
END_TEST

START_TEST(against_a_model)
{
	struct radix r;
	unsigned seed = 12345;

	unit_heap_init();
	uint64_t before = heap_objects();
	radix_init(&r);
	nmodel = 0;
	for (unsigned op = 0; op < 20000; op++) {
		uint64_t index = random_index(&seed);
		int at = model_find(index);
		if (rand_r(&seed) % 3 && nmodel < MODEL_MAX) {
			ck_assert_int_eq(radix_insert(&r, index, item_for(index)),
					 at < 0 ? 0 : -EEXIST);
			if (at < 0)
				model[nmodel++] = index;
		} else if (at >= 0) {
			ck_assert_ptr_eq(radix_delete(&r, index), item_for(index));
			model[at] = model[--nmodel];
		} else {
			ck_assert_ptr_null(radix_delete(&r, index));
		}
		ck_assert_uint_eq(r.count, nmodel);
		uint64_t probe = random_index(&seed);
		ck_assert_ptr_eq(radix_lookup(&r, probe),
				 model_find(probe) < 0 ? NULL : item_for(probe));
	}
	/* radix_next from a random start finds the smallest model index >= it. */
	for (unsigned k = 0; k < 2000; k++) {
		uint64_t from = random_index(&seed), want = 0;
		bool any = false;
		for (unsigned i = 0; i < nmodel; i++) {
			if (model[i] >= from && (!any || model[i] < want)) {
				want = model[i];
				any = true;
			}
		}
		uint64_t at = from;
		void *got = radix_next(&r, &at);
		ck_assert_ptr_eq(got, any ? item_for(want) : NULL);
		if (any)
			ck_assert_uint_eq(at, want);
	}
	/* A full walk visits every item once, in order. */
	uint64_t at = 0, seen = 0, last = 0;
	for (void *item; (item = radix_next(&r, &at)); seen++) {
		ck_assert(seen == 0 || at > last);
		ck_assert_ptr_eq(item, item_for(at));
		last = at;
		if (at == UINT64_MAX)
			break;
		at++;
	}
	ck_assert_uint_eq(seen, nmodel);
	radix_destroy(&r);
	ck_assert_uint_eq(heap_objects(), before);
}
END_TEST

START_TEST(deleting_everything_frees_every_node)
{
	struct radix r;

	unit_heap_init();
	uint64_t before = heap_objects();
	radix_init(&r);
	for (uint64_t i = 0; i < 5000; i += 3)
		ck_assert_int_eq(radix_insert(&r, i << 20, item_for(i)), 0);
	for (uint64_t i = 0; i < 5000; i += 3)
		ck_assert_ptr_eq(radix_delete(&r, i << 20), item_for(i));
	ck_assert_ptr_null(r.root);
	ck_assert_uint_eq(heap_objects(), before);
}
END_TEST

/* The first item of an empty tree may need several levels at once (a
 * fork child's first page at index 0xc5 did): growing must not leave an
 * empty node under the root that deleting that item cannot reach. */
START_TEST(a_first_item_deep_in_an_empty_tree_leaves_nothing)
{
	static const uint64_t first[] = {63, 64, 0xc5, 0x7fe, 1ull << 40, UINT64_MAX};
	struct radix r;

	unit_heap_init();
	uint64_t before = heap_objects();
	for (unsigned i = 0; i < sizeof(first) / sizeof(first[0]); i++) {
		radix_init(&r);
		ck_assert_int_eq(radix_insert(&r, first[i], item_for(i)), 0);
		ck_assert_ptr_eq(radix_delete(&r, first[i]), item_for(i));
		ck_assert_ptr_null(r.root);
		ck_assert_uint_eq(heap_objects(), before);
	}
}
END_TEST

UNIT_SUITE(radix_suite)
{
	Suite *s = suite_create("radix");
	TCase *tc = tcase_create("radix");

	tcase_add_test(tc, basic);
	tcase_add_test(tc, against_a_model);
	tcase_add_test(tc, deleting_everything_frees_every_node);
	tcase_add_test(tc, a_first_item_deep_in_an_empty_tree_leaves_nothing);
	suite_add_tcase(s, tc);
	return s;
}
