/*
 * Descriptor tables (kernel/fs/fdtable.c) with stand-in files whose
 * reference counts the tests watch: lowest-free allocation, growth, the
 * limit, dup semantics, close-on-exec, clone for fork, close_range, and
 * every reference given back.
 */
#include <pallas/errno.h>
#include <pallas/fdtable.h>
#include <pallas/vfs.h>

#include "fake_vm.h"
#include "unit.h"

static unsigned released;

void file_get(struct file *f)
{
	f->refs++;
}

void file_put(struct file *f)
{
	if (f && --f->refs == 0)
		released++;
}

void vfs_reclock_close(struct file *f, const void *owner)
{
	(void)f;
	(void)owner;
}

static struct file files[8];

static void reset(void)
{
	unit_heap_init();
	released = 0;
	for (unsigned i = 0; i < 8; i++)
		files[i] = (struct file){.refs = 1};
}

START_TEST(lowest_free_and_growth)
{
	reset();
	struct fdtable *t = fdtable_create();
	ck_assert_int_eq(fd_alloc(t, &files[0], 0, false), 0);
	ck_assert_int_eq(fd_alloc(t, &files[1], 0, false), 1);
	ck_assert_int_eq(fd_alloc(t, &files[2], 0, false), 2);
	ck_assert_uint_eq(files[0].refs, 2);
	ck_assert_int_eq(fd_close(t, 1), 0);
	ck_assert_int_eq(fd_close(t, 1), -EBADF);
	ck_assert_int_eq(fd_alloc(t, &files[3], 0, false), 1);
	ck_assert_int_eq(fd_alloc(t, &files[3], 10, false), 10); /* F_DUPFD's minimum */
	for (int i = 3; i < 1024; i++) {
		if (i != 10)
			ck_assert_int_eq(fd_alloc(t, &files[4], 0, false), i);
	}
	ck_assert_int_eq(fd_alloc(t, &files[4], 0, false), -EMFILE);
	ck_assert_int_eq(fd_alloc(t, &files[4], 2000, false), -EINVAL);
	ck_assert_ptr_eq(fd_get(t, 1000), &files[4]);
	file_put(&files[4]);
	ck_assert_ptr_null(fd_get(t, 1024));
	ck_assert_ptr_null(fd_get(t, -1));
	ck_assert_int_eq(fd_close(t, 500), 0);
	ck_assert_int_eq(fd_alloc(t, &files[5], 0, false), 500);
	fdtable_put(t);
	for (unsigned i = 0; i < 8; i++)
		ck_assert_uint_eq(files[i].refs, 1); /* the table gave back all it took */
}
END_TEST

START_TEST(dup_to_and_cloexec)
{
	reset();
	struct fdtable *t = fdtable_create();
	ck_assert_int_eq(fd_alloc(t, &files[0], 0, true), 0);
	ck_assert_int_eq(fd_alloc(t, &files[1], 0, false), 1);
	ck_assert_int_eq(fd_cloexec(t, 0), 1);
	ck_assert_int_eq(fd_cloexec(t, 1), 0);
	ck_assert_int_eq(fd_cloexec(t, 7), -EBADF);
	ck_assert_int_eq(fd_dup_to(t, 0, 1, false), 1); /* closes what 1 had */
	ck_assert_uint_eq(files[1].refs, 1);
	ck_assert_uint_eq(files[0].refs, 3);
	ck_assert_int_eq(fd_cloexec(t, 1), 0);		   /* dup2 clears the flag */
	ck_assert_int_eq(fd_dup_to(t, 0, 900, true), 900); /* beyond the first slots */
	ck_assert_int_eq(fd_cloexec(t, 900), 1);
	ck_assert_int_eq(fd_dup_to(t, 5, 6, false), -EBADF);
	ck_assert_int_eq(fd_dup_to(t, 0, 1024, false), -EBADF);
	ck_assert_int_eq(fd_set_cloexec(t, 1, true), 0);
	fdtable_exec(t);
	ck_assert_ptr_null(fd_get(t, 0));
	ck_assert_ptr_null(fd_get(t, 1));
	ck_assert_ptr_null(fd_get(t, 900));
	ck_assert_uint_eq(files[0].refs, 1);
	fdtable_put(t);
}
END_TEST

START_TEST(clone_is_independent)
{
	reset();
	struct fdtable *t = fdtable_create();
	ck_assert_int_eq(fd_alloc(t, &files[0], 0, false), 0);
	ck_assert_int_eq(fd_alloc(t, &files[1], 0, true), 1);
	struct fdtable *c = fdtable_clone(t);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(files[0].refs, 3);
	ck_assert_int_eq(fd_cloexec(c, 1), 1);
	ck_assert_int_eq(fd_close(c, 0), 0);
	ck_assert_ptr_eq(fd_get(t, 0), &files[0]); /* the parent keeps its own */
	file_put(&files[0]);
	fdtable_get(t); /* CLONE_FILES: one table, two holders */
	fdtable_put(t);
	ck_assert_ptr_eq(fd_get(t, 1), &files[1]);
	file_put(&files[1]);
	fdtable_put(c);
	fdtable_put(t);
	ck_assert_uint_eq(files[0].refs, 1);
	ck_assert_uint_eq(files[1].refs, 1);
}
END_TEST

START_TEST(close_range_and_limit)
{
	reset();
	struct fdtable *t = fdtable_create();
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(fd_alloc(t, &files[i % 8], 0, false), i);
	ck_assert_int_eq(fd_close_range(t, 10, 5, 0), -EINVAL);
	ck_assert_int_eq(fd_close_range(t, 3, 9, CLOSE_RANGE_CLOEXEC), 0);
	ck_assert_int_eq(fd_cloexec(t, 3), 1);
	ck_assert_int_eq(fd_cloexec(t, 10), 0);
	ck_assert_int_eq(fd_close_range(t, 50, ~0u, 0), 0);
	ck_assert_ptr_null(fd_get(t, 50));
	ck_assert_ptr_null(fd_get(t, 99));
	struct file *f = fd_get(t, 49);
	ck_assert_ptr_nonnull(f);
	file_put(f);
	ck_assert_int_eq(fdtable_set_limit(t, 20), 0);
	ck_assert_int_eq(fd_alloc(t, &files[0], 0, false), -EMFILE);
	ck_assert_ptr_nonnull(f = fd_get(t, 30)); /* above the lowered limit, still open */
	file_put(f);
	ck_assert_int_eq(fdtable_set_limit(t, FDTABLE_MAX_LIMIT + 1), -EINVAL);
	ck_assert_uint_eq(fdtable_limit(t), 20);
	fdtable_put(t);
	for (unsigned i = 0; i < 8; i++)
		ck_assert_uint_eq(files[i].refs, 1);
}
END_TEST

UNIT_SUITE(fdtable_suite)
{
	Suite *s = suite_create("fdtable");
	TCase *tc = tcase_create("fdtable");

	tcase_add_test(tc, lowest_free_and_growth);
	tcase_add_test(tc, dup_to_and_cloexec);
	tcase_add_test(tc, clone_is_independent);
	tcase_add_test(tc, close_range_and_limit);
	suite_add_tcase(s, tc);
	return s;
}
