/*
 * MCFG: the PCIe ECAM windows, one 16-byte entry per segment/bus range after
 * 8 reserved bytes.  A table whose entries do not fill it exactly, or whose
 * range runs backwards, is not trusted at all: ECAM decodes against it.
 * More entries than the caller has room for are cut at max (count says how
 * many were kept).
 */
#include "parse.h"

#define MCFG_ENTRIES	44
#define MCFG_ENTRY_SIZE 16

bool acpi_parse_mcfg(const void *table, size_t len, struct acpi_mcfg_entry *out, unsigned max,
		     unsigned *count, char *err, size_t errlen)
{
	const uint8_t *p = table;
	size_t tlen;

	*count = 0;
	if (max)
		memset(out, 0, max * sizeof(*out));
	if (!acpi_check_table(table, len, "MCFG", MCFG_ENTRIES, &tlen, err, errlen))
		return false;
	if ((tlen - MCFG_ENTRIES) % MCFG_ENTRY_SIZE) {
		ksnprintf(err, errlen, "%zu bytes of entries is not a multiple of %u",
			  tlen - MCFG_ENTRIES, MCFG_ENTRY_SIZE);
		return false;
	}
	size_t n = (tlen - MCFG_ENTRIES) / MCFG_ENTRY_SIZE;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *e = p + MCFG_ENTRIES + i * MCFG_ENTRY_SIZE;
		if (e[11] < e[10] || acpi_rd64(e, 0) == 0) {
			ksnprintf(err, errlen, "entry %zu: buses %u-%u at %#lx", i, e[10], e[11],
				  (unsigned long)acpi_rd64(e, 0));
			if (max)
				memset(out, 0, max * sizeof(*out));
			*count = 0;
			return false;
		}
		if (i < max)
			out[(*count)++] = (struct acpi_mcfg_entry){
			    .base = acpi_rd64(e, 0),
			    .segment = acpi_rd16(e, 8),
			    .bus_start = e[10],
			    .bus_end = e[11],
			};
	}
	return true;
}
