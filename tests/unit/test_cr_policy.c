/*
 * The CR0/CR4 write rules and the MOV-to-CR decoder (vmm/core/cr_policy.c):
 * CR4 bits follow the guest's CPUID, the SDM's #GP cases for CR0 and CR4,
 * and decoding with the prefixes a MOV to CR may carry.
 */
#include "../../vmm/core/cr_policy.h"

#include "unit.h"

/* leaf 1 EDX: VME DE PSE TSC PAE MCE PGE FXSR SSE; ECX: PCID; leaf 7 EBX: FSGSBASE SMEP SMAP */
static const uint32_t l1_full[4] = {0, 0, 1u << 17,
				    (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 6) |
					(1u << 7) | (1u << 13) | (1u << 24) | (1u << 25)};
static const uint32_t l7_some[4] = {0, (1u << 0) | (1u << 7) | (1u << 20), 0, 0};
static const uint32_t none[4] = {0, 0, 0, 0};

START_TEST(cr4_bits_follow_cpuid)
{
	uint64_t a = cr4_allowed(l1_full, l7_some);

	/* VME PVI TSD DE PSE PAE MCE PGE PCE OSFXSR OSXMMEXCPT, FSGSBASE PCIDE SMEP SMAP */
	ck_assert_uint_eq(a, 0x7ffull | (1ull << 16) | (1ull << 17) | (1ull << 20) | (1ull << 21));
	ck_assert(!(a & CR4_OSXSAVE));			       /* no XSAVE in leaf 1 */
	ck_assert(!(a & CR4_PKE));			       /* no PKU in leaf 7 */
	ck_assert(!(a & CR4_VMXE));			       /* never: no nested VMX */
	ck_assert_uint_eq(cr4_allowed(none, none), 1ull << 8); /* PCE only */
	uint32_t l1x[4] = {0, 0, 1u << 26, 0}, l7p[4] = {0, 0, (1u << 3) | (1u << 16), 0};
	ck_assert(cr4_allowed(l1x, none) & CR4_OSXSAVE);
	ck_assert(cr4_allowed(none, l7p) & CR4_PKE);
	ck_assert(cr4_allowed(none, l7p) & CR4_LA57);
}
END_TEST

START_TEST(cr4_writes)
{
	uint64_t a = cr4_allowed(l1_full, l7_some);

	ck_assert(cr4_write_ok(a, 0, CR4_PAE | (1ull << 9), 0, 0));
	ck_assert(!cr4_write_ok(a, 0, CR4_OSXSAVE, 0, 0));
	ck_assert(!cr4_write_ok(a, 0, 1ull << 15, 0, 0)); /* reserved everywhere */
	ck_assert(!cr4_write_ok(a, 0, 1ull << 32, 0, 0));
	/* In long mode PAE stays on and LA57 cannot change. */
	ck_assert(!cr4_write_ok(a, CR4_PAE, 0, EFER_LME | EFER_LMA, 0));
	ck_assert(cr4_write_ok(a, CR4_PAE, CR4_PAE | (1ull << 7), EFER_LME | EFER_LMA, 0));
	uint64_t a57 = a | CR4_LA57;
	ck_assert(!cr4_write_ok(a57, CR4_PAE, CR4_PAE | CR4_LA57, EFER_LME | EFER_LMA, 0));
	ck_assert(cr4_write_ok(a57, 0, CR4_PAE | CR4_LA57, 0, 0));
	/* PCIDE: only in long mode, only with PCID 0 in CR3. */
	ck_assert(!cr4_write_ok(a, CR4_PAE, CR4_PAE | CR4_PCIDE, 0, 0));
	ck_assert(!cr4_write_ok(a, CR4_PAE, CR4_PAE | CR4_PCIDE, EFER_LMA, 0x1005));
	ck_assert(cr4_write_ok(a, CR4_PAE, CR4_PAE | CR4_PCIDE, EFER_LMA, 0x1000));
}
END_TEST

START_TEST(cr0_writes)
{
	ck_assert(cr0_write_ok(CR0_PE | CR0_PG, 0, 0, false));
	ck_assert(!cr0_write_ok(CR0_PG, 0, 0, false));		/* PG without PE */
	ck_assert(!cr0_write_ok(CR0_PE | CR0_NW, 0, 0, false)); /* NW without CD */
	ck_assert(cr0_write_ok(CR0_PE | CR0_NW | CR0_CD, 0, 0, false));
	ck_assert(!cr0_write_ok((1ull << 32) | CR0_PE, 0, 0, false));
	/* Long mode needs PAE; paging cannot go off in 64-bit code. */
	ck_assert(!cr0_write_ok(CR0_PE | CR0_PG, 0, EFER_LME, false));
	ck_assert(cr0_write_ok(CR0_PE | CR0_PG, CR4_PAE, EFER_LME, false));
	ck_assert(!cr0_write_ok(CR0_PE, CR4_PAE, EFER_LME | EFER_LMA, true));
	ck_assert(
	    cr0_write_ok(CR0_PE, CR4_PAE, EFER_LME | EFER_LMA, false)); /* compatibility mode */
}
END_TEST

START_TEST(decode)
{
	unsigned cr, gpr;
	static const uint8_t mov_cr4_eax[] = {0x0f, 0x22, 0xe0};
	static const uint8_t mov_cr0_r9[] = {0x41, 0x0f, 0x22, 0xc1};
	static const uint8_t rex_r_cr8[] = {0x44, 0x0f, 0x22, 0xc0};
	static const uint8_t prefixed[] = {0x66, 0x2e, 0x0f, 0x22, 0xe3}; /* mov %ebx,%cr4 */
	static const uint8_t lock_cr0[] = {0xf0, 0x0f, 0x22, 0xc0};
	static const uint8_t mov_from[] = {0x0f, 0x20, 0xe0};
	static const uint8_t short_one[] = {0x0f, 0x22};

	ck_assert_uint_eq(decode_mov_to_cr(mov_cr4_eax, 3, false, &cr, &gpr), 3);
	ck_assert(cr == 4 && gpr == 0);
	ck_assert_uint_eq(decode_mov_to_cr(mov_cr0_r9, 4, true, &cr, &gpr), 4);
	ck_assert(cr == 0 && gpr == 9);
	ck_assert_uint_eq(decode_mov_to_cr(rex_r_cr8, 4, true, &cr, &gpr), 4);
	ck_assert_uint_eq(cr, 8);
	/* Outside 64-bit mode 0x41 is INC ECX, not REX. */
	ck_assert_uint_eq(decode_mov_to_cr(mov_cr0_r9, 4, false, &cr, &gpr), 0);
	ck_assert_uint_eq(decode_mov_to_cr(prefixed, 5, false, &cr, &gpr), 5);
	ck_assert(cr == 4 && gpr == 3);
	ck_assert_uint_eq(decode_mov_to_cr(lock_cr0, 4, false, &cr, &gpr), 4);
	ck_assert_uint_eq(cr, 8); /* AMD's LOCK MOV CR0 is CR8 */
	ck_assert_uint_eq(decode_mov_to_cr(mov_from, 3, false, &cr, &gpr), 0);
	ck_assert_uint_eq(decode_mov_to_cr(short_one, 2, false, &cr, &gpr), 0);
	uint8_t prefixes[20];
	for (int i = 0; i < 20; i++)
		prefixes[i] = 0x66;
	ck_assert_uint_eq(decode_mov_to_cr(prefixes, 20, false, &cr, &gpr), 0); /* over 15 bytes */
}
END_TEST

START_TEST(clts_and_lmsw)
{
	static const uint8_t clts[] = {0x0f, 0x06};
	static const uint8_t lmsw_ax[] = {0x0f, 0x01, 0xf0};	    /* lmsw %ax */
	static const uint8_t lmsw_r10[] = {0x41, 0x0f, 0x01, 0xf2}; /* lmsw %r10w */
	static const uint8_t lmsw_mem[] = {0x0f, 0x01, 0x30};	    /* lmsw (%eax): not decoded */
	static const uint8_t smsw[] = {0x0f, 0x01, 0xe0};	    /* smsw %eax: a read */
	int gpr = 99;

	ck_assert_uint_eq(decode_clts_lmsw(clts, 2, false, &gpr), 2);
	ck_assert_int_eq(gpr, -1);
	ck_assert_uint_eq(decode_clts_lmsw(lmsw_ax, 3, false, &gpr), 3);
	ck_assert_int_eq(gpr, 0);
	ck_assert_uint_eq(decode_clts_lmsw(lmsw_r10, 4, true, &gpr), 4);
	ck_assert_int_eq(gpr, 10);
	ck_assert_uint_eq(decode_clts_lmsw(lmsw_mem, 3, false, &gpr), 0);
	ck_assert_uint_eq(decode_clts_lmsw(smsw, 3, false, &gpr), 0);
	ck_assert_uint_eq(decode_clts_lmsw(clts, 1, false, &gpr), 0);

	ck_assert_uint_eq(cr0_after_clts(0x8000003b), 0x80000033);
	/* LMSW changes PE MP EM TS only, and cannot clear PE. */
	ck_assert_uint_eq(cr0_after_lmsw(0x80000011, 0xfffe), 0x8000001f);
	ck_assert_uint_eq(cr0_after_lmsw(0x00000010, 0x0001), 0x00000011);
	ck_assert_uint_eq(cr0_after_lmsw(0x00000031, 0x0000), 0x00000031);
}
END_TEST

UNIT_SUITE(cr_policy_suite)
{
	Suite *s = suite_create("cr_policy");
	TCase *tc = tcase_create("cr");

	tcase_add_test(tc, cr4_bits_follow_cpuid);
	tcase_add_test(tc, cr4_writes);
	tcase_add_test(tc, cr0_writes);
	tcase_add_test(tc, decode);
	tcase_add_test(tc, clts_and_lmsw);
	suite_add_tcase(s, tc);
	return s;
}
