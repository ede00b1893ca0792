/* The VMCB's segment attributes against the VMX-layout access rights of
 * struct vcpu_segment, in which the core and the loaders speak. */
#include <stdint.h>

#include "../../vmm/svm/vmcb.h"
#include "unit.h"

#define AR_UNUSABLE (1u << 16)

START_TEST(attributes_pack_the_high_nibble)
{
	/* type/S/DPL/P stay in bits 0-7; AVL/L/D/G move from 12-15 to 8-11. */
	ck_assert_uint_eq(vmcb_attrib_from_ar(0x9b), 0x09b);   /* real-mode code */
	ck_assert_uint_eq(vmcb_attrib_from_ar(0xc09b), 0xc9b); /* flat 32-bit code, G D */
	ck_assert_uint_eq(vmcb_attrib_from_ar(0xa09b), 0xa9b); /* 64-bit code, G L */
	ck_assert_uint_eq(vmcb_attrib_from_ar(0xc0f3), 0xcf3); /* ring-3 data */
	ck_assert_uint_eq(vmcb_attrib_from_ar(0x108b), 0x18b); /* busy TSS with AVL */
}
END_TEST

START_TEST(round_trip)
{
	static const uint32_t ars[] = {0x9b,   0x93,   0x82,   0x8b,  0xc09b,
				       0xc093, 0xa09b, 0xc0f3, 0xf0ff};
	for (unsigned i = 0; i < sizeof(ars) / sizeof(ars[0]); i++)
		ck_assert_uint_eq(vmcb_attrib_to_ar(vmcb_attrib_from_ar(ars[i])), ars[i]);
}
END_TEST

START_TEST(unusable_is_not_present)
{
	/* VMX marks a null segment unusable; the VMCB says so with P = 0. */
	ck_assert_uint_eq(vmcb_attrib_from_ar(AR_UNUSABLE), 0);
	ck_assert_uint_eq(vmcb_attrib_from_ar(AR_UNUSABLE | 0xc093), 0);
	ck_assert_uint_eq(vmcb_attrib_to_ar(0), AR_UNUSABLE);
	ck_assert_uint_eq(vmcb_attrib_to_ar(0x013) & AR_UNUSABLE, AR_UNUSABLE);
	ck_assert_uint_eq(vmcb_attrib_to_ar(0x093) & AR_UNUSABLE, 0);
}
END_TEST

UNIT_SUITE(vmcb_suite)
{
	Suite *s = suite_create("vmcb");
	TCase *tc = tcase_create("attrib");
	tcase_add_test(tc, attributes_pack_the_high_nibble);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, unusable_is_not_present);
	suite_add_tcase(s, tc);
	return s;
}
