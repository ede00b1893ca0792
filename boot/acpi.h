/* Finding the ACPI RSDP in the UEFI configuration table. */
#ifndef BOOT_ACPI_H
#define BOOT_ACPI_H

#include "loader.h"

/* Physical address of the RSDP (ACPI 2.0+ preferred, else 1.0), or 0. */
uint64_t acpi_find_rsdp(void);

#endif
