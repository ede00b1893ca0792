/*
 * ACPI tables (kernel/acpi/).  Tables are firmware input: every pointer is
 * checked against the direct map, every length bounded, every checksum
 * verified; a bad table is reported and skipped.
 */
#ifndef PALLAS_ACPI_H
#define PALLAS_ACPI_H

#include <pallas/types.h>

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

#define ACPI_TABLE_MAX (16u << 20) /* no sane table is larger */

/* Finds the root table from the RSDP; false when there is no usable ACPI. */
bool acpi_init(paddr_t rsdp);
/* The index-th valid table with this signature, or NULL. */
const struct acpi_header *acpi_find(const char *sig, unsigned index);

/* kernel/acpi/s5.c: the \_S5 sleep type values from DSDT AML (pure, unit-tested). */
bool acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb);

/* kernel/acpi/sleep.c: enter S5 (soft off); returns only on failure. */
void acpi_poweroff(void);

#endif
