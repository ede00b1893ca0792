/*
 * The VPID allocator (vmm/vmx/vpid_pool.c): never 0, never a live one, all
 * 65535 can be live at once, then none is left until one is given back.
 */
#include "../../vmm/vmx/vpid_pool.h"

#include "unit.h"

static struct vpid_pool pool;

START_TEST(never_zero_never_twice)
{
	static uint8_t seen[VPID_COUNT];

	vpid_pool_init(&pool);
	for (unsigned i = 0; i < VPID_COUNT; i++)
		seen[i] = 0;
	for (unsigned i = 1; i < VPID_COUNT; i++) {
		uint16_t v = vpid_pool_alloc(&pool);
		ck_assert_uint_ne(v, 0);
		ck_assert_uint_eq(seen[v], 0);
		seen[v] = 1;
	}
	ck_assert_uint_eq(vpid_pool_alloc(&pool), 0); /* all 65535 live */
	ck_assert(vpid_pool_free(&pool, 4242));
	ck_assert_uint_eq(vpid_pool_alloc(&pool), 4242);
	ck_assert_uint_eq(vpid_pool_alloc(&pool), 0);
}
END_TEST

START_TEST(wraps_past_live_ones)
{
	vpid_pool_init(&pool);
	uint16_t first = vpid_pool_alloc(&pool);
	ck_assert_uint_eq(first, 1);
	/* Churn far past 65535 allocations while `first` stays live. */
	for (unsigned i = 0; i < 3 * VPID_COUNT; i++) {
		uint16_t v = vpid_pool_alloc(&pool);
		ck_assert_uint_ne(v, 0);
		ck_assert_uint_ne(v, first);
		ck_assert(vpid_pool_free(&pool, v));
	}
}
END_TEST

START_TEST(bad_frees_change_nothing)
{
	vpid_pool_init(&pool);
	ck_assert(!vpid_pool_free(&pool, 0));
	ck_assert(!vpid_pool_free(&pool, 7)); /* never handed out */
	uint16_t v = vpid_pool_alloc(&pool);
	ck_assert(vpid_pool_free(&pool, v));
	ck_assert(!vpid_pool_free(&pool, v)); /* twice */
}
END_TEST

UNIT_SUITE(vpid_pool_suite)
{
	Suite *s = suite_create("vpid_pool");
	TCase *tc = tcase_create("vpid");

	tcase_add_test(tc, never_zero_never_twice);
	tcase_add_test(tc, wraps_past_live_ones);
	tcase_add_test(tc, bad_frees_change_nothing);
	suite_add_tcase(s, tc);
	return s;
}
