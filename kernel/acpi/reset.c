/*
 * Resetting the machine, most specific way first: the FADT's reset register
 * (what the firmware says works here), then the PCI reset control register
 * at 0xcf9 (chipsets since the PIIX), then the 8042 keyboard controller's
 * reset line (every PC-compatible, also where there is no ACPI at all).
 * Each gets a moment to take effect before the next is tried.
 */
#include <asm/io.h>
#include <asm/paging.h>
#include <pallas/acpi.h>
#include <pallas/kernel.h>

#define GAS_MEMORY 0
#define GAS_IO	   1

#define PCI_RST_CNT	   0xcf9
#define RST_CNT_FULL_RESET 0x06 /* SYS_RST | RST_CPU: assert the platform reset */
#define KBC_STATUS	   0x64
#define KBC_COMMAND	   0x64
#define KBC_INPUT_FULL	   (1u << 1)
#define KBC_PULSE_RESET	   0xfe

static void settle(void)
{
	for (int i = 0; i < 10000000; i++)
		__builtin_ia32_pause();
}

static void fadt_reset(void)
{
	const struct acpi_platform *p = acpi_platform();
	const struct acpi_fadt_info *f = &p->fadt;

	if (!p->has_fadt || !f->has_reset)
		return;
	if (f->reset_reg.space == GAS_IO && f->reset_reg.address <= 0xffff) {
		outb((uint16_t)f->reset_reg.address, f->reset_value);
	} else if (f->reset_reg.space == GAS_MEMORY &&
		   f->reset_reg.address < paging_direct_map_top()) {
		/* The MTRRs make MMIO uncached even through the write-back direct map. */
		*(volatile uint8_t *)phys_to_virt(f->reset_reg.address) = f->reset_value;
	} else {
		return;
	}
	settle();
	pr_err("acpi: FADT reset register did not reset\n");
}

void acpi_reset(void)
{
	fadt_reset();
	outb(PCI_RST_CNT, RST_CNT_FULL_RESET);
	settle();
	for (int i = 0; i < 100000 && (inb(KBC_STATUS) & KBC_INPUT_FULL); i++)
		__builtin_ia32_pause();
	outb(KBC_COMMAND, KBC_PULSE_RESET);
	settle();
	pr_err("acpi: no reset method worked\n");
}
