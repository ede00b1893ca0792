/* HPET: where the event-timer block is.  It is memory-mapped or it is useless. */
#include "parse.h"

#define HPET_BASE     40
#define HPET_NUMBER   52
#define HPET_MIN_TICK 53
#define HPET_LEN      56

bool acpi_parse_hpet(const void *table, size_t len, struct acpi_hpet_info *out, char *err,
		     size_t errlen)
{
	const uint8_t *p = table;
	size_t tlen;

	memset(out, 0, sizeof(*out));
	if (!acpi_check_table(table, len, "HPET", HPET_LEN, &tlen, err, errlen))
		return false;
	struct acpi_gas base = acpi_rd_gas(p, HPET_BASE);
	if (base.space != 0 || base.address == 0) {
		ksnprintf(err, errlen, "base address %#lx in space %u is not memory",
			  (unsigned long)base.address, base.space);
		return false;
	}
	out->address = base.address;
	out->number = acpi_rd8(p, HPET_NUMBER);
	out->min_tick = acpi_rd16(p, HPET_MIN_TICK);
	return true;
}
