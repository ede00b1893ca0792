/*
 * Finding the \_S5 package in DSDT AML without an AML interpreter: firmware
 * writes it as `Name (_S5, Package () { a, b, ... })`, so after the name we
 * expect PackageOp, a PkgLength, an element count and then two integers.
 * The input is untrusted firmware data: never read past len.
 */
#include <pallas/acpi.h>

#define AML_ZERO	0x00
#define AML_ONE		0x01
#define AML_BYTE_PREFIX 0x0a
#define AML_WORD_PREFIX 0x0b
#define AML_PACKAGE	0x12
#define AML_ONES	0xff

/* Reads one small integer element at *pos; false if it is anything else. */
static bool read_int(const uint8_t *aml, size_t len, size_t *pos, uint8_t *out)
{
	if (*pos >= len)
		return false;
	uint8_t op = aml[(*pos)++];
	switch (op) {
	case AML_ZERO:
		*out = 0;
		return true;
	case AML_ONE:
		*out = 1;
		return true;
	case AML_ONES:
		*out = 0xff;
		return true;
	case AML_BYTE_PREFIX:
		if (*pos >= len)
			return false;
		*out = aml[(*pos)++];
		return true;
	case AML_WORD_PREFIX:
		if (*pos + 2 > len)
			return false;
		*out = aml[*pos]; /* sleep types are 3 bits; the low byte holds them */
		*pos += 2;
		return true;
	default:
		return false;
	}
}

static bool parse_package(const uint8_t *aml, size_t len, size_t pos, uint8_t *a, uint8_t *b)
{
	if (pos >= len || aml[pos++] != AML_PACKAGE)
		return false;
	if (pos >= len)
		return false;
	/* PkgLength: bits 7:6 of the lead byte count the bytes that follow. */
	pos += 1 + (aml[pos] >> 6);
	if (pos >= len)
		return false;
	uint8_t count = aml[pos++];
	if (count < 2)
		return false;
	return read_int(aml, len, &pos, a) && read_int(aml, len, &pos, b);
}

bool acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb)
{
	for (size_t i = 0; i + 4 <= len; i++) {
		if (aml[i] != '_' || aml[i + 1] != 'S' || aml[i + 2] != '5' || aml[i + 3] != '_')
			continue;
		uint8_t a, b;
		if (parse_package(aml, len, i + 4, &a, &b)) {
			*slp_typa = a & 7;
			*slp_typb = b & 7;
			return true;
		}
	}
	return false;
}
