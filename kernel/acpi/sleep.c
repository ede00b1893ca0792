/*
 * ACPI S5 (soft off): write SLP_TYPa|SLP_EN to PM1a_CNT (and b), with the
 * ports and sleep types acpi_init parsed.  QEMU exits when the guest does
 * this, which is how ktest runs end.
 */
#include <asm/io.h>
#include <pallas/acpi.h>
#include <pallas/kernel.h>

#define PM1_SCI_EN  (1u << 0)
#define PM1_SLP_TYP (7u << 10)
#define PM1_SLP_EN  (1u << 13)

static void enter_s5(uint16_t port, uint8_t typ)
{
	outw(port, (uint16_t)((inw(port) & ~PM1_SLP_TYP) | (unsigned)typ << 10 | PM1_SLP_EN));
}

void acpi_poweroff(void)
{
	const struct acpi_platform *p = acpi_platform();
	const struct acpi_fadt_info *f = &p->fadt;

	if (!p->has_fadt) {
		pr_err("acpi: no FADT, cannot power off\n");
		return;
	}
	if (!p->has_s5) {
		pr_err("acpi: no \\_S5 object, cannot power off\n");
		return;
	}
	if (!f->pm1a_cnt) {
		pr_err("acpi: no PM1a control block, cannot power off\n");
		return;
	}
	if (!(inw(f->pm1a_cnt) & PM1_SCI_EN) && f->smi_cmd && f->acpi_enable) {
		outb(f->smi_cmd, f->acpi_enable); /* hand the PM registers from SMM to us */
		for (int i = 0; i < 1000000 && !(inw(f->pm1a_cnt) & PM1_SCI_EN); i++)
			__builtin_ia32_pause();
	}
	enter_s5(f->pm1a_cnt, p->s5_typa);
	if (f->pm1b_cnt)
		enter_s5(f->pm1b_cnt, p->s5_typb);
	for (int i = 0; i < 10000000; i++)
		__builtin_ia32_pause();
	pr_err("acpi: S5 did not take effect\n");
}
