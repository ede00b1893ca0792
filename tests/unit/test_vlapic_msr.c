/*
 * The x2APIC MSR rules (vmm/core/vlapic_msr.c): which MSR is which register,
 * which accesses #GP (reserved MSRs, wrong direction, reserved bits), and
 * the IA32_APIC_BASE transitions the SDM allows (Vol. 3A 10.12).
 */
#include "../../vmm/core/vlapic_msr.h"

#include "unit.h"

#define BASE 0xfee00000ull
#define EN   APIC_BASE_ENABLE
#define EXTD APIC_BASE_EXTD
#define BSP  APIC_BASE_BSP

static int rd(uint32_t msr)
{
	return x2apic_msr_reg(msr, false, 0);
}

static int wr(uint32_t msr, uint64_t v)
{
	return x2apic_msr_reg(msr, true, v);
}

START_TEST(register_map)
{
	ck_assert_int_eq(rd(0x802), 0x020); /* ID */
	ck_assert_int_eq(rd(0x803), 0x030); /* version */
	ck_assert_int_eq(rd(0x808), 0x080); /* TPR */
	ck_assert_int_eq(rd(0x80a), 0x0a0); /* PPR */
	ck_assert_int_eq(rd(0x80d), 0x0d0); /* LDR */
	ck_assert_int_eq(rd(0x80f), 0x0f0); /* SVR */
	ck_assert_int_eq(rd(0x810), 0x100); /* ISR0 */
	ck_assert_int_eq(rd(0x817), 0x170);
	ck_assert_int_eq(rd(0x818), 0x180); /* TMR0 */
	ck_assert_int_eq(rd(0x827), 0x270); /* IRR7 */
	ck_assert_int_eq(rd(0x828), 0x280); /* ESR */
	ck_assert_int_eq(rd(0x830), 0x300); /* ICR, all 64 bits */
	ck_assert_int_eq(rd(0x832), 0x320); /* LVT timer */
	ck_assert_int_eq(rd(0x837), 0x370); /* LVT error */
	ck_assert_int_eq(rd(0x838), 0x380);
	ck_assert_int_eq(rd(0x839), 0x390);
	ck_assert_int_eq(rd(0x83e), 0x3e0);
	ck_assert_int_eq(wr(0x83f, 0x40), VLAPIC_REG_SELF_IPI);
	ck_assert_int_eq(wr(0x80b, 0), 0x0b0);
}
END_TEST

START_TEST(reserved_msrs)
{
	/* No x2APIC register there: APR, RRD, DFR (xAPIC only), ICR high
	 * (ICR is one MSR), CMCI (not offered), the gaps and both ends. */
	static const uint32_t none[] = {0x800, 0x801, 0x804, 0x807, 0x809, 0x80c, 0x80e, 0x82f,
					0x831, 0x83a, 0x83d, 0x840, 0x8ff, 0x7ff, 0x900};
	for (unsigned i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		ck_assert_msg(rd(none[i]) < 0, "rdmsr %x allowed", none[i]);
		ck_assert_msg(wr(none[i], 0) < 0, "wrmsr %x allowed", none[i]);
	}
}
END_TEST

START_TEST(direction)
{
	/* Read-only registers #GP on WRMSR, whatever the value. */
	static const uint32_t ro[] = {0x802, 0x803, 0x80a, 0x80d, 0x810, 0x81f, 0x820, 0x839};
	for (unsigned i = 0; i < sizeof(ro) / sizeof(ro[0]); i++)
		ck_assert_msg(wr(ro[i], 0) < 0, "wrmsr %x (read-only) allowed", ro[i]);
	/* Write-only ones #GP on RDMSR. */
	ck_assert_int_lt(rd(0x80b), 0); /* EOI */
	ck_assert_int_lt(rd(0x83f), 0); /* SELF IPI */
}
END_TEST

START_TEST(reserved_bits)
{
	ck_assert_int_lt(wr(0x80b, 1), 0); /* EOI: only 0 */
	ck_assert_int_lt(wr(0x828, 1), 0); /* ESR: only 0 */
	ck_assert_int_eq(wr(0x828, 0), 0x280);
	ck_assert_int_lt(wr(0x808, 0x100), 0); /* TPR above bit 7 */
	ck_assert_int_eq(wr(0x808, 0xff), 0x080);
	ck_assert_int_lt(wr(0x808, 1ull << 32), 0); /* 32-bit register, EDX != 0 */
	ck_assert_int_lt(wr(0x838, 1ull << 32), 0);
	ck_assert_int_eq(wr(0x838, 0xffffffffull), 0x380);
	ck_assert_int_lt(wr(0x83f, 0x100), 0); /* SELF IPI: vector only */
	ck_assert_int_lt(wr(0x83e, 0x4), 0);   /* divide: bits 0, 1, 3 */
	ck_assert_int_eq(wr(0x83e, 0xb), 0x3e0);
	ck_assert_int_eq(wr(0x832, 0x60040), 0x320); /* TSC-deadline mode, vector 0x40 */
	ck_assert_int_lt(wr(0x832, 0x80040), 0);     /* bit 19 */
	ck_assert_int_eq(wr(0x835, 0x1f7ff), 0x350); /* LINT0: everything defined */
	ck_assert_int_lt(wr(0x835, 0x20000), 0);
	ck_assert_int_eq(wr(0x80f, 0x1ff), 0x0f0);
	ck_assert_int_lt(wr(0x80f, 0x1000), 0); /* EOI-broadcast suppression: not offered */
	/* ICR: 32-bit destination in 63:32; delivery status and 13, 16-17, 20-31 reserved. */
	ck_assert_int_eq(wr(0x830, 0xfffffffe000c4f40ull), 0x300);
	ck_assert_int_lt(wr(0x830, 1u << 12), 0);
	ck_assert_int_lt(wr(0x830, 1u << 13), 0);
	ck_assert_int_lt(wr(0x830, 1u << 16), 0);
	ck_assert_int_lt(wr(0x830, 1u << 20), 0);
}
END_TEST

START_TEST(ldr)
{
	ck_assert_uint_eq(x2apic_ldr(0), 0x00000001);
	ck_assert_uint_eq(x2apic_ldr(3), 0x00000008);
	ck_assert_uint_eq(x2apic_ldr(15), 0x00008000);
	ck_assert_uint_eq(x2apic_ldr(16), 0x00010001);
	ck_assert_uint_eq(x2apic_ldr(0x25), 0x00020020);
}
END_TEST

START_TEST(modes)
{
	ck_assert_int_eq(vlapic_mode_of(BASE), VLAPIC_DISABLED);
	ck_assert_int_eq(vlapic_mode_of(BASE | EN), VLAPIC_XAPIC);
	ck_assert_int_eq(vlapic_mode_of(BASE | EN | EXTD), VLAPIC_X2APIC);
	ck_assert_int_eq(vlapic_mode_of(BASE | EXTD), VLAPIC_INVALID);
}
END_TEST

START_TEST(base_transitions)
{
	const uint64_t off = BASE, x = BASE | EN, x2 = BASE | EN | EXTD;

	ck_assert(vlapic_base_write_ok(x, x2, BASE));		/* xAPIC -> x2APIC */
	ck_assert(vlapic_base_write_ok(x, off, BASE));		/* xAPIC -> disabled */
	ck_assert(vlapic_base_write_ok(x2, off, BASE));		/* x2APIC -> disabled */
	ck_assert(vlapic_base_write_ok(off, x, BASE));		/* disabled -> xAPIC */
	ck_assert(vlapic_base_write_ok(x2, x2, BASE));		/* no change */
	ck_assert(!vlapic_base_write_ok(x2, x, BASE));		/* x2APIC -> xAPIC */
	ck_assert(!vlapic_base_write_ok(off, x2, BASE));	/* disabled -> x2APIC */
	ck_assert(!vlapic_base_write_ok(x, BASE | EXTD, BASE)); /* into the invalid state */
	ck_assert(!vlapic_base_write_ok(x2, BASE | EXTD, BASE));
	/* BSP is read-only: writing it either way is ignored, not #GP. */
	ck_assert(vlapic_base_write_ok(x | BSP, x, BASE));
	ck_assert(vlapic_base_write_ok(x, x | BSP, BASE));
	/* The base cannot move; reserved bits #GP. */
	ck_assert(!vlapic_base_write_ok(x, 0xfec00000ull | EN, BASE));
	ck_assert(!vlapic_base_write_ok(x, x | (1ull << 63), BASE));
	ck_assert(!vlapic_base_write_ok(x, x | (1ull << 9), BASE));
}
END_TEST

UNIT_SUITE(vlapic_msr_suite)
{
	Suite *s = suite_create("vlapic_msr");
	TCase *tc = tcase_create("x2apic");

	tcase_add_test(tc, register_map);
	tcase_add_test(tc, reserved_msrs);
	tcase_add_test(tc, direction);
	tcase_add_test(tc, reserved_bits);
	tcase_add_test(tc, ldr);
	tcase_add_test(tc, modes);
	tcase_add_test(tc, base_transitions);
	suite_add_tcase(s, tc);
	return s;
}
