/*
 * ACPI S5 (soft off): write SLP_TYPa|SLP_EN to PM1a_CNT (and b).  QEMU
 * exits when the guest does this, which is how ktest runs end.
 */
#include <asm/io.h>
#include <pallas/acpi.h>
#include <pallas/kernel.h>
#include <pallas/string.h>

/* FADT field offsets (ACPI 6.x, table 5.9). */
#define FADT_SMI_CMD	 48
#define FADT_ACPI_ENABLE 52
#define FADT_PM1A_CNT	 64
#define FADT_PM1B_CNT	 68
#define FADT_X_PM1A_CNT	 172
#define FADT_X_PM1B_CNT	 184

#define PM1_SCI_EN    (1u << 0)
#define PM1_SLP_EN    (1u << 13)
#define GAS_SYSTEM_IO 1

static uint64_t field(const struct acpi_header *t, size_t off, size_t size)
{
	uint64_t v = 0;

	if (off + size <= t->length)
		memcpy(&v, (const uint8_t *)t + off, size);
	return v;
}

/* An I/O-port PM1 control block: from the 64-bit GAS when valid, else legacy. */
static uint16_t pm1_port(const struct acpi_header *fadt, size_t x_off, size_t legacy_off)
{
	if (field(fadt, x_off, 1) == GAS_SYSTEM_IO && field(fadt, x_off + 4, 8))
		return (uint16_t)field(fadt, x_off + 4, 8);
	return (uint16_t)field(fadt, legacy_off, 4);
}

void acpi_poweroff(void)
{
	const struct acpi_header *fadt = acpi_find("FACP", 0);
	if (!fadt) {
		pr_err("acpi: no FADT, cannot power off\n");
		return;
	}
	const struct acpi_header *dsdt = acpi_find("DSDT", 0);
	uint8_t typa, typb;
	if (!dsdt || !acpi_find_s5((const uint8_t *)(dsdt + 1), dsdt->length - sizeof(*dsdt), &typa,
				   &typb)) {
		pr_err("acpi: no \\_S5 object, cannot power off\n");
		return;
	}
	uint16_t pm1a = pm1_port(fadt, FADT_X_PM1A_CNT, FADT_PM1A_CNT);
	uint16_t pm1b = pm1_port(fadt, FADT_X_PM1B_CNT, FADT_PM1B_CNT);
	if (!pm1a) {
		pr_err("acpi: no PM1a control block, cannot power off\n");
		return;
	}
	uint16_t smi = (uint16_t)field(fadt, FADT_SMI_CMD, 4);
	uint8_t enable = (uint8_t)field(fadt, FADT_ACPI_ENABLE, 1);
	if (!(inw(pm1a) & PM1_SCI_EN) && smi && enable) {
		outb(smi, enable); /* hand the PM registers from SMM to us */
		for (int i = 0; i < 1000000 && !(inw(pm1a) & PM1_SCI_EN); i++)
			__builtin_ia32_pause();
	}
	outw(pm1a, (uint16_t)((inw(pm1a) & ~(7u << 10)) | (unsigned)typa << 10 | PM1_SLP_EN));
	if (pm1b)
		outw(pm1b,
		     (uint16_t)((inw(pm1b) & ~(7u << 10)) | (unsigned)typb << 10 | PM1_SLP_EN));
	for (int i = 0; i < 10000000; i++)
		__builtin_ia32_pause();
	pr_err("acpi: S5 did not take effect\n");
}
