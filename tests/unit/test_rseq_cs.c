/*
 * The critical-section checks and the abort decision of rseq
 * (containers/rseq_cs.c) against Linux's rseq_get_rseq_cs, in_rseq_cs and
 * rseq_ip_fixup: which descriptors are refused, which addresses are inside,
 * and what a signature or flags mismatch does.
 */
#include <errno.h>
#include <stdint.h>

#include "../../containers/rseq.h"
#include "unit.h"

#define TOP 0x00007ffffffff000ull
#define SIG 0x53053053u

static struct linux_rseq_cs cs(uint64_t start, uint64_t len, uint64_t abort_ip)
{
	return (struct linux_rseq_cs){
	    .start_ip = start, .post_commit_offset = len, .abort_ip = abort_ip};
}

START_TEST(descriptor_checks)
{
	struct linux_rseq_cs c = cs(0x1000, 0x20, 0x2000);
	ck_assert_int_eq(rseq_cs_check(&c, TOP), 0);
	c = cs(0x1000, 0x20, 0x1020); /* abort_ip right at the end: outside */
	ck_assert_int_eq(rseq_cs_check(&c, TOP), 0);
	c = cs(0x1000, 0x20, 0x0ffc); /* before the start */
	ck_assert_int_eq(rseq_cs_check(&c, TOP), 0);
	c = cs(0x1000, 0x20, 0x1000); /* abort_ip inside */
	ck_assert_int_eq(rseq_cs_check(&c, TOP), -EINVAL);
	c = cs(0x1000, 0x20, 0x101f);
	ck_assert_int_eq(rseq_cs_check(&c, TOP), -EINVAL);
	c = cs(0x1000, 0, 0x1000); /* an empty section: nothing is inside */
	ck_assert_int_eq(rseq_cs_check(&c, TOP), 0);
	c = cs(TOP, 0, 0x1000);
	ck_assert_int_eq(rseq_cs_check(&c, TOP), -EINVAL);
	c = cs(TOP - 0x10, 0x10, 0x1000); /* the end at TOP */
	ck_assert_int_eq(rseq_cs_check(&c, TOP), -EINVAL);
	c = cs(0x1000, 0x20, TOP);
	ck_assert_int_eq(rseq_cs_check(&c, TOP), -EINVAL);
	c = cs(0x1000, UINT64_MAX - 0x800, 0x800); /* wraps */
	ck_assert_int_eq(rseq_cs_check(&c, UINT64_MAX), -EINVAL);
	c = cs(0x1000, 0x20, 0x2000);
	c.version = 1;
	ck_assert_int_eq(rseq_cs_check(&c, TOP), -EINVAL);
	c.version = 0;
	c.flags = 1; /* flags are looked at only when ip is inside */
	ck_assert_int_eq(rseq_cs_check(&c, TOP), 0);
}
END_TEST

START_TEST(inside_or_not)
{
	struct linux_rseq_cs c = cs(0x1000, 0x20, 0x2000);
	ck_assert(!rseq_cs_contains(&c, 0x0fff));
	ck_assert(rseq_cs_contains(&c, 0x1000));
	ck_assert(rseq_cs_contains(&c, 0x101f));
	ck_assert(!rseq_cs_contains(&c, 0x1020));
	ck_assert(!rseq_cs_contains(&c, 0));
	struct linux_rseq_cs none = {0}; /* rseq_cs 0 reads as this */
	ck_assert(!rseq_cs_contains(&none, 0));
	ck_assert(!rseq_cs_contains(&none, 0x1000));
}
END_TEST

START_TEST(verdicts)
{
	struct linux_rseq_cs c = cs(0x1000, 0x20, 0x2000);
	ck_assert_int_eq(rseq_cs_verdict(&c, 0x1010, SIG, SIG, 0), RSEQ_ABORT);
	ck_assert_int_eq(rseq_cs_verdict(&c, 0x1000, SIG, SIG, 0), RSEQ_ABORT);
	ck_assert_int_eq(rseq_cs_verdict(&c, 0x1020, SIG, SIG, 0), RSEQ_LEAVE);
	ck_assert_int_eq(rseq_cs_verdict(&c, 0x3000, SIG, SIG, 0), RSEQ_LEAVE);
	/* The signature is checked first, inside or not. */
	ck_assert_int_eq(rseq_cs_verdict(&c, 0x1010, SIG + 1, SIG, 0), -EINVAL);
	ck_assert_int_eq(rseq_cs_verdict(&c, 0x3000, SIG + 1, SIG, 0), -EINVAL);
	/* Any flags (the deprecated NO_RESTART ones too) refuse a section
	 * the thread is inside; outside they do not matter. */
	ck_assert_int_eq(rseq_cs_verdict(&c, 0x1010, SIG, SIG, 1), -EINVAL);
	ck_assert_int_eq(rseq_cs_verdict(&c, 0x3000, SIG, SIG, 1), RSEQ_LEAVE);
	c.flags = 4;
	ck_assert_int_eq(rseq_cs_verdict(&c, 0x1010, SIG, SIG, 0), -EINVAL);
	ck_assert_int_eq(rseq_cs_verdict(&c, 0x0fff, SIG, SIG, 0), RSEQ_LEAVE);
}
END_TEST

START_TEST(layout)
{
	/* struct rseq's fields where Linux has them. */
	ck_assert_uint_eq(sizeof(struct linux_rseq), 32);
	ck_assert_uint_eq(__builtin_offsetof(struct linux_rseq, rseq_cs), 8);
	ck_assert_uint_eq(__builtin_offsetof(struct linux_rseq, flags), 16);
	ck_assert_uint_eq(__builtin_offsetof(struct linux_rseq, node_id), 20);
	ck_assert_uint_eq(__builtin_offsetof(struct linux_rseq, mm_cid), 24);
	ck_assert_uint_eq(__builtin_offsetof(struct linux_rseq_cs, start_ip), 8);
	ck_assert_uint_eq(__builtin_offsetof(struct linux_rseq_cs, post_commit_offset), 16);
	ck_assert_uint_eq(__builtin_offsetof(struct linux_rseq_cs, abort_ip), 24);
}
END_TEST

UNIT_SUITE(rseq_cs_suite)
{
	Suite *s = suite_create("rseq_cs");
	TCase *tc = tcase_create("decide");

	tcase_add_test(tc, descriptor_checks);
	tcase_add_test(tc, inside_or_not);
	tcase_add_test(tc, verdicts);
	tcase_add_test(tc, layout);
	suite_add_tcase(s, tc);
	return s;
}
