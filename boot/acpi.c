/*
 * The RSDP from the configuration table.  Firmware lists the ACPI 2.0 one
 * (with the XSDT) under its own GUID; the 1.0 one only reaches the RSDT, so
 * it is the fallback.  The kernel parses and checksums the tables itself.
 */
#include "acpi.h"

static bool guid_eq(const EFI_GUID *a, const EFI_GUID *b)
{
	const uint8_t *x = (const uint8_t *)a, *y = (const uint8_t *)b;
	for (unsigned i = 0; i < sizeof(EFI_GUID); i++)
		if (x[i] != y[i])
			return false;
	return true;
}

static bool looks_like_rsdp(const void *p)
{
	const char *sig = "RSD PTR ";
	const char *s = p;
	for (int i = 0; i < 8; i++)
		if (s[i] != sig[i])
			return false;
	return true;
}

static uint64_t find(EFI_GUID guid)
{
	for (UINTN i = 0; i < g_st->NumberOfTableEntries; i++) {
		EFI_CONFIGURATION_TABLE *t = &g_st->ConfigurationTable[i];
		if (guid_eq(&t->VendorGuid, &guid) && t->VendorTable &&
		    looks_like_rsdp(t->VendorTable))
			return (uint64_t)t->VendorTable;
	}
	return 0;
}

uint64_t acpi_find_rsdp(void)
{
	uint64_t rsdp = find((EFI_GUID)ACPI_20_TABLE_GUID);
	return rsdp ? rsdp : find((EFI_GUID)ACPI_TABLE_GUID);
}
