/*
 * FADT ("FACP"): the fixed hardware registers.  The table grew with every
 * ACPI revision and firmware still ships short ones, so every field is read
 * only when it lies inside the table's own length.  The 64-bit X_ fields
 * replace the old 32-bit ones when they hold something; when they are zero
 * (or absent) the old fields stand.
 */
#include "parse.h"

/* ACPI 1.0 ended with the flags: no FADT may be shorter than that. */
#define FADT_MIN_LEN 116

#define FADT_DSDT	 40
#define FADT_SCI_INT	 46
#define FADT_SMI_CMD	 48
#define FADT_ACPI_ENABLE 52
#define FADT_PM1A_CNT	 64
#define FADT_PM1B_CNT	 68
#define FADT_PM_TMR	 76
#define FADT_PM_TMR_LEN	 91
#define FADT_CENTURY	 108
#define FADT_IAPC_BOOT	 109
#define FADT_FLAGS	 112
#define FADT_RESET_REG	 116
#define FADT_RESET_VALUE 128
#define FADT_X_DSDT	 140
#define FADT_X_PM1A_CNT	 172
#define FADT_X_PM1B_CNT	 184
#define FADT_X_PM_TMR	 208

#define FADT_TMR_VAL_EXT   (1u << 8)
#define FADT_RESET_REG_SUP (1u << 10)

#define GAS_MEMORY 0
#define GAS_IO	   1

static bool inside(size_t tlen, size_t off, size_t size)
{
	return off + size <= tlen;
}

/* An I/O port from a 64-bit GAS when it names one, else the 32-bit field. */
static uint32_t io_port(const uint8_t *p, size_t tlen, size_t x_off, size_t legacy_off)
{
	if (inside(tlen, x_off, ACPI_GAS_SIZE)) {
		struct acpi_gas g = acpi_rd_gas(p, x_off);
		if (g.space == GAS_IO && g.address && g.address <= 0xffff)
			return (uint32_t)g.address;
	}
	uint32_t legacy = acpi_rd32(p, legacy_off);
	return legacy <= 0xffff ? legacy : 0;
}

bool acpi_parse_fadt(const void *table, size_t len, struct acpi_fadt_info *out, char *err,
		     size_t errlen)
{
	const uint8_t *p = table;
	size_t tlen;

	memset(out, 0, sizeof(*out));
	if (!acpi_check_table(table, len, "FACP", FADT_MIN_LEN, &tlen, err, errlen))
		return false;
	out->revision = p[8];
	out->flags = acpi_rd32(p, FADT_FLAGS);
	out->sci_irq = acpi_rd16(p, FADT_SCI_INT);
	uint32_t smi = acpi_rd32(p, FADT_SMI_CMD);
	out->smi_cmd = smi <= 0xffff ? (uint16_t)smi : 0;
	out->acpi_enable = acpi_rd8(p, FADT_ACPI_ENABLE);
	out->pm1a_cnt = (uint16_t)io_port(p, tlen, FADT_X_PM1A_CNT, FADT_PM1A_CNT);
	out->pm1b_cnt = (uint16_t)io_port(p, tlen, FADT_X_PM1B_CNT, FADT_PM1B_CNT);
	out->century = acpi_rd8(p, FADT_CENTURY);
	/* Reserved in ACPI 1.0, where it may hold anything. */
	if (out->revision >= 2)
		out->iapc_boot_arch = acpi_rd16(p, FADT_IAPC_BOOT);

	/* A legacy PM timer block shorter than 4 bytes is no timer at all. */
	bool x_tmr = false;
	if (inside(tlen, FADT_X_PM_TMR, ACPI_GAS_SIZE)) {
		struct acpi_gas g = acpi_rd_gas(p, FADT_X_PM_TMR);
		x_tmr = g.space == GAS_IO && g.address && g.address <= 0xffff;
		if (x_tmr)
			out->pm_timer_port = (uint32_t)g.address;
	}
	if (!x_tmr && acpi_rd8(p, FADT_PM_TMR_LEN) >= 4 && acpi_rd32(p, FADT_PM_TMR) <= 0xffff)
		out->pm_timer_port = acpi_rd32(p, FADT_PM_TMR);
	out->pm_timer_32bit = out->pm_timer_port && (out->flags & FADT_TMR_VAL_EXT);

	if ((out->flags & FADT_RESET_REG_SUP) && inside(tlen, FADT_RESET_VALUE, 1)) {
		struct acpi_gas g = acpi_rd_gas(p, FADT_RESET_REG);
		if ((g.space == GAS_IO || g.space == GAS_MEMORY) && g.address) {
			out->has_reset = true;
			out->reset_reg = g;
			out->reset_value = acpi_rd8(p, FADT_RESET_VALUE);
		}
	}

	if (inside(tlen, FADT_X_DSDT, 8))
		out->dsdt = acpi_rd64(p, FADT_X_DSDT);
	if (!out->dsdt)
		out->dsdt = acpi_rd32(p, FADT_DSDT);
	return true;
}
