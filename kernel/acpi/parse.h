/*
 * Shared by the pure table parsers (madt.c, fadt.c, hpet.c, mcfg.c), which
 * the host unit tests and fuzzers compile too: so no hardware, no logging,
 * and nothing but byte-wise reads from the table, since firmware places
 * tables at any alignment.
 */
#ifndef ACPI_PARSE_H
#define ACPI_PARSE_H

#include <pallas/acpi.h>
#include <pallas/printk.h>
#include <pallas/string.h>

/*
 * Checks that buf (len bytes as mapped) holds a whole table with this
 * signature, at least min_len bytes long by its own header, and that its
 * checksum is right.  On success *tlen is the header's length, which is then
 * the only bound the parser uses.  On failure err gets the reason.
 */
bool acpi_check_table(const void *buf, size_t len, const char *sig, size_t min_len, size_t *tlen,
		      char *err, size_t errlen);

static inline uint8_t acpi_rd8(const uint8_t *p, size_t off)
{
	return p[off];
}

static inline uint16_t acpi_rd16(const uint8_t *p, size_t off)
{
	uint16_t v;
	memcpy(&v, p + off, sizeof(v));
	return v;
}

static inline uint32_t acpi_rd32(const uint8_t *p, size_t off)
{
	uint32_t v;
	memcpy(&v, p + off, sizeof(v));
	return v;
}

static inline uint64_t acpi_rd64(const uint8_t *p, size_t off)
{
	uint64_t v;
	memcpy(&v, p + off, sizeof(v));
	return v;
}

#define ACPI_GAS_SIZE 12

static inline struct acpi_gas acpi_rd_gas(const uint8_t *p, size_t off)
{
	struct acpi_gas g = {
	    .space = p[off],
	    .bit_width = p[off + 1],
	    .bit_offset = p[off + 2],
	    .access_size = p[off + 3],
	    .address = acpi_rd64(p, off + 4),
	};
	return g;
}

#endif
