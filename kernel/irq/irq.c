/*
 * Bringing the interrupt controllers up: the 8259s remapped and masked, the
 * LAPIC of each CPU enabled, the IOAPICs' pins all masked until a driver
 * routes one.
 */
#include <asm/lapic.h>
#include <pallas/acpi.h>
#include <pallas/irq.h>
#include <pallas/kernel.h>

#include "irq_impl.h"

void irq_init(void)
{
	const struct acpi_platform *p = acpi_platform();

	irq_vectors_init();
	/* Without a MADT, assume a PC: there is a PIC pair and it must be quiet. */
	if (!p->has_madt || p->madt.pcat_compat)
		pic_disable();
	lapic_init(p->has_madt ? p->madt.lapic_address : 0);
	ioapic_init();
}

void irq_cpu_init(void)
{
	lapic_cpu_init();
}
