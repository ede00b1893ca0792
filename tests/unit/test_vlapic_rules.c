/*
 * The LAPIC's pure rules (vmm/core/vlapic_rules.c): PPR and APR from TPR,
 * IRR and ISR; which xAPIC and x2APIC destinations match, cluster 0xff as a
 * broadcast among them; lowest-priority arbitration picking exactly one; the
 * ICR bits kept; the ESR latched by writes (Intel SDM vol. 3A ch. 11).
 */
#include "../../vmm/core/vlapic_rules.h"

#include "unit.h"

#define FLAT	0xffffffffu
#define CLUSTER 0x0fffffffu

START_TEST(ppr)
{
	ck_assert_uint_eq(vlapic_ppr(0x00, -1), 0x00);
	ck_assert_uint_eq(vlapic_ppr(0x35, -1), 0x35);	 /* nothing in service: TPR */
	ck_assert_uint_eq(vlapic_ppr(0x00, 0x58), 0x50); /* ISRV's class, low bits 0 */
	ck_assert_uint_eq(vlapic_ppr(0x3f, 0x58), 0x50);
	ck_assert_uint_eq(vlapic_ppr(0x57, 0x58), 0x57); /* same class: TPR */
	ck_assert_uint_eq(vlapic_ppr(0x50, 0x5f), 0x50);
	ck_assert_uint_eq(vlapic_ppr(0x6a, 0x58), 0x6a);
	ck_assert_uint_eq(vlapic_ppr(0xff, 0xfe), 0xff);
	ck_assert_uint_eq(vlapic_ppr(0x10, 0xf0), 0xf0);
}
END_TEST

START_TEST(apr)
{
	ck_assert_uint_eq(vlapic_apr(0x00, -1, -1), 0x00);
	ck_assert_uint_eq(vlapic_apr(0x35, -1, -1), 0x35);
	ck_assert_uint_eq(vlapic_apr(0x35, 0x31, -1), 0x35); /* TPR >= IRRV class */
	ck_assert_uint_eq(vlapic_apr(0x35, 0x41, -1), 0x40); /* IRRV's class above */
	ck_assert_uint_eq(vlapic_apr(0x35, -1, 0x31), 0x30); /* TPR not above ISRV: max class */
	ck_assert_uint_eq(vlapic_apr(0x35, -1, 0x21), 0x35);
	ck_assert_uint_eq(vlapic_apr(0x35, 0x61, 0x71), 0x70);
	ck_assert_uint_eq(vlapic_apr(0x85, 0x61, 0x71), 0x85);
}
END_TEST

START_TEST(xapic_physical)
{
	ck_assert(vlapic_xapic_match(3, false, 3, 0, FLAT));
	ck_assert(!vlapic_xapic_match(2, false, 3, 0, FLAT));
	ck_assert(vlapic_xapic_match(0xff, false, 3, 0, FLAT)); /* broadcast */
	ck_assert(
	    vlapic_xapic_match(3, false, 3, 0x01000000, CLUSTER)); /* the model is logical only */
}
END_TEST

START_TEST(xapic_flat)
{
	uint32_t ldr = 0x04000000; /* logical ID bit 2 */

	ck_assert(vlapic_xapic_match(0x04, true, 0, ldr, FLAT));
	ck_assert(vlapic_xapic_match(0x06, true, 0, ldr, FLAT));
	ck_assert(!vlapic_xapic_match(0x03, true, 0, ldr, FLAT));
	ck_assert(!vlapic_xapic_match(0x00, true, 0, ldr, FLAT));
	ck_assert(vlapic_xapic_match(0xff, true, 0, ldr, FLAT));
	/* The logical ID, not the APIC ID, is what counts. */
	ck_assert(!vlapic_xapic_match(0x01, true, 0, ldr, FLAT));
}
END_TEST

START_TEST(xapic_cluster)
{
	uint32_t ldr = 0x12000000; /* cluster 1, member bit 1 */

	ck_assert(vlapic_xapic_match(0x12, true, 0, ldr, CLUSTER));
	ck_assert(vlapic_xapic_match(0x1f, true, 0, ldr, CLUSTER));
	ck_assert(!vlapic_xapic_match(0x11, true, 0, ldr, CLUSTER));
	ck_assert(!vlapic_xapic_match(0x22, true, 0, ldr, CLUSTER)); /* other cluster */
	ck_assert(!vlapic_xapic_match(0x2f, true, 0, ldr, CLUSTER));
	ck_assert(!vlapic_xapic_match(0xf2, true, 0, ldr, CLUSTER));
	/* 0xff is the broadcast, not cluster 15's members. */
	ck_assert(vlapic_xapic_match(0xff, true, 0, ldr, CLUSTER));
	ck_assert(vlapic_xapic_match(0xff, true, 0, 0xf1000000, CLUSTER));
	ck_assert(vlapic_xapic_match(0xff, true, 0, 0, CLUSTER));
}
END_TEST

START_TEST(x2apic)
{
	ck_assert(vlapic_x2apic_match(17, false, 17));
	ck_assert(!vlapic_x2apic_match(16, false, 17));
	ck_assert(vlapic_x2apic_match(0xffffffffu, false, 17));
	/* ID 17: cluster 1, member bit 1. */
	ck_assert(vlapic_x2apic_match(0x00010002, true, 17));
	ck_assert(vlapic_x2apic_match(0x0001ffff, true, 17));
	ck_assert(!vlapic_x2apic_match(0x00010001, true, 17));
	ck_assert(!vlapic_x2apic_match(0x00000002, true, 17));
	ck_assert(vlapic_x2apic_match(0xffffffffu, true, 17));
}
END_TEST

START_TEST(lowest)
{
	uint32_t apr[4] = {0x20, 0x10, 0x10, 0x00};

	ck_assert_int_eq(vlapic_lowest(apr, 0xf, 4), 3);
	ck_assert_int_eq(vlapic_lowest(apr, 0x7, 4), 1); /* the first of equals */
	ck_assert_int_eq(vlapic_lowest(apr, 0x5, 4), 2);
	ck_assert_int_eq(vlapic_lowest(apr, 0x1, 4), 0);
	ck_assert_int_eq(vlapic_lowest(apr, 0x0, 4), -1);
	ck_assert_int_eq(vlapic_lowest(apr, 0x30, 4), -1); /* beyond the LAPICs there are */
}
END_TEST

START_TEST(icr_bits)
{
	/* Vector, delivery mode, destination mode, level, trigger, shorthand. */
	ck_assert_uint_eq(0x000cc7ffu & VLAPIC_ICR_LO_RW, 0x000cc7ffu);
	ck_assert_uint_eq(0x00000800u & VLAPIC_ICR_LO_RW, 0x800);
	/* Delivery status is never kept; reserved bits are not either. */
	ck_assert_uint_eq(0x00001000u & VLAPIC_ICR_LO_RW, 0);
	ck_assert_uint_eq(0xfff32000u & VLAPIC_ICR_LO_RW, 0);
}
END_TEST

START_TEST(esr_latch)
{
	struct vlapic_esr e = {0, 0};

	ck_assert(vlapic_esr_record(&e, VLAPIC_ESR_SEND_ILLEGAL));  /* new: interrupt */
	ck_assert_uint_eq(e.reg, 0);				    /* not visible before a write */
	ck_assert(!vlapic_esr_record(&e, VLAPIC_ESR_SEND_ILLEGAL)); /* not new */
	ck_assert(vlapic_esr_record(&e, VLAPIC_ESR_RECV_ILLEGAL));
	vlapic_esr_write(&e);
	ck_assert_uint_eq(e.reg, VLAPIC_ESR_SEND_ILLEGAL | VLAPIC_ESR_RECV_ILLEGAL);
	/* The write re-arms: the same error is new again. */
	ck_assert(vlapic_esr_record(&e, VLAPIC_ESR_SEND_ILLEGAL));
	ck_assert_uint_eq(e.reg, VLAPIC_ESR_SEND_ILLEGAL | VLAPIC_ESR_RECV_ILLEGAL);
	vlapic_esr_write(&e);
	ck_assert_uint_eq(e.reg, VLAPIC_ESR_SEND_ILLEGAL);
	vlapic_esr_write(&e); /* back-to-back writes clear it */
	ck_assert_uint_eq(e.reg, 0);
}
END_TEST

UNIT_SUITE(vlapic_rules_suite)
{
	Suite *s = suite_create("vlapic_rules");
	TCase *tc = tcase_create("rules");

	tcase_add_test(tc, ppr);
	tcase_add_test(tc, apr);
	tcase_add_test(tc, xapic_physical);
	tcase_add_test(tc, xapic_flat);
	tcase_add_test(tc, xapic_cluster);
	tcase_add_test(tc, x2apic);
	tcase_add_test(tc, lowest);
	tcase_add_test(tc, icr_bits);
	tcase_add_test(tc, esr_latch);
	suite_add_tcase(s, tc);
	return s;
}
