/* Finding \_S5 in DSDT AML, including hostile and truncated input. */
#include <stdlib.h>
#include <string.h>

#include <pallas/acpi.h>

#include "unit.h"

START_TEST(qemu_style_package)
{
	/* Name (_S5, Package (0x04) { Zero, Zero, Zero, Zero }) as QEMU emits it. */
	const uint8_t aml[] = {0x10, 0x08, '_',	 'S',  '5',  '_', 0x12,
			       0x06, 0x04, 0x00, 0x00, 0x00, 0x00};
	uint8_t a = 9, b = 9;
	ck_assert(acpi_find_s5(aml, sizeof(aml), &a, &b));
	ck_assert_uint_eq(a, 0);
	ck_assert_uint_eq(b, 0);
}
END_TEST

START_TEST(byte_prefixed_values)
{
	const uint8_t aml[] = {'x',  0x08, '_',	 'S',  '5',  '_',  0x12, 0x0a,
			       0x04, 0x0a, 0x05, 0x0a, 0x07, 0x00, 0x00};
	uint8_t a, b;
	ck_assert(acpi_find_s5(aml, sizeof(aml), &a, &b));
	ck_assert_uint_eq(a, 5);
	ck_assert_uint_eq(b, 7);
}
END_TEST

START_TEST(skips_false_matches_and_truncation)
{
	/* "_S5_" inside a string, then the real object. */
	const uint8_t aml[] = {'_', 'S', '5',  '_',  0x0d, 0x08, '_',  'S',
			       '5', '_', 0x12, 0x05, 0x02, 0x01, 0x0a, 0x03};
	uint8_t a, b;
	ck_assert(acpi_find_s5(aml, sizeof(aml), &a, &b));
	ck_assert_uint_eq(a, 1);
	ck_assert_uint_eq(b, 3);
	/* Every truncation of it is either found correctly or refused, never overread. */
	for (size_t n = 0; n < sizeof(aml); n++) {
		uint8_t *exact = malloc(n ? n : 1); /* exact size, so ASan sees any overread */
		memcpy(exact, aml, n);
		ck_assert(!acpi_find_s5(exact, n, &a, &b));
		free(exact);
	}
}
END_TEST

UNIT_SUITE(acpi_s5_suite)
{
	Suite *s = suite_create("acpi_s5");
	TCase *tc = tcase_create("aml");
	tcase_add_test(tc, qemu_style_package);
	tcase_add_test(tc, byte_prefixed_values);
	tcase_add_test(tc, skips_false_matches_and_truncation);
	suite_add_tcase(s, tc);
	return s;
}
