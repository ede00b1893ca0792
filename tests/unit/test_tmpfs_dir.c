/* tmpfs directory entries (kernel/fs/tmpfs_dir.c): cookies only grow, so a
 * walk by "next cookie" while entries come and go sees each survivor once. */
#include <stdio.h>
#include <string.h>

#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/tmpfs_dir.h>

#include "fake_vm.h"
#include "unit.h"

static struct inode *fake(uintptr_t i)
{
	return (struct inode *)(i * 16 + 16);
}

START_TEST(add_find_remove)
{
	struct tdir d;

	unit_heap_init();
	tdir_init(&d);
	ck_assert_int_eq(tdir_add(&d, "alpha", 5, fake(1)), 0);
	ck_assert_int_eq(tdir_add(&d, "beta", 4, fake(2)), 0);
	ck_assert_uint_eq(d.count, 2);
	struct tdir_entry *e = tdir_find(&d, "beta", 4);
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_eq(e->inode, fake(2));
	ck_assert_str_eq(e->name, "beta");
	ck_assert_ptr_null(tdir_find(&d, "bet", 3));
	ck_assert_ptr_null(tdir_find(&d, "alphabet", 8));
	ck_assert_ptr_eq(tdir_find_inode(&d, fake(1)), tdir_find(&d, "alpha", 5));
	ck_assert_uint_ge(tdir_find(&d, "alpha", 5)->cookie, TDIR_FIRST_COOKIE);
	tdir_remove(&d, e);
	ck_assert_ptr_null(tdir_find(&d, "beta", 4));
	tdir_remove(&d, tdir_find(&d, "alpha", 5));
	ck_assert_uint_eq(d.count, 0);
	ck_assert(list_empty(&d.entries));
}
END_TEST

START_TEST(listing_survives_changes)
{
	enum { N = 200 };
	struct tdir d;
	char name[16];
	unsigned seen[2 * N] = {0};

	unit_heap_init();
	tdir_init(&d);
	for (uintptr_t i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "%lu", (unsigned long)i);
		ck_assert_int_eq(tdir_add(&d, name, strlen(name), fake(i)), 0);
	}
	uint64_t pos = TDIR_FIRST_COOKIE;
	unsigned step = 0;
	for (struct tdir_entry *e; (e = tdir_next(&d, pos)); step++) {
		seen[((uintptr_t)e->inode - 16) / 16]++;
		pos = e->cookie + 1;
		/* Remove one that is yet to come (a multiple of 3) and add a new one. */
		snprintf(name, sizeof(name), "%u", (N - 1 - step) / 3 * 3);
		struct tdir_entry *gone = tdir_find(&d, name, strlen(name));
		if (gone && gone->cookie >= pos)
			tdir_remove(&d, gone);
		if (step < N) {
			snprintf(name, sizeof(name), "%u", N + step);
			ck_assert_int_eq(tdir_add(&d, name, strlen(name), fake(N + step)), 0);
		}
	}
	for (unsigned i = 0; i < N; i++) {
		if (i % 3)
			ck_assert_uint_eq(seen[i], 1); /* never removed: listed exactly once */
		else
			ck_assert_uint_le(seen[i], 1);
	}
	for (unsigned i = N; i < 2 * N; i++)
		ck_assert_uint_le(seen[i], 1);
	while (!list_empty(&d.entries))
		tdir_remove(&d, container_of(d.entries.next, struct tdir_entry, node));
}
END_TEST

UNIT_SUITE(tmpfs_dir_suite)
{
	Suite *s = suite_create("tmpfs_dir");
	TCase *tc = tcase_create("tmpfs_dir");

	tcase_add_test(tc, add_find_remove);
	tcase_add_test(tc, listing_survives_changes);
	suite_add_tcase(s, tc);
	return s;
}
