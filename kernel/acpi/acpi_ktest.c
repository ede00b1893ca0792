/* What acpi_init parsed must describe the machine we are running on. */
#include <asm/cpu.h>
#include <pallas/acpi.h>
#include <pallas/ktest.h>

/* This CPU's APIC ID: the x2APIC one when the CPU reports it (leaf 0xb). */
static uint32_t my_apic_id(void)
{
	uint32_t a, b, c, d;

	cpuid(0, 0, &a, &b, &c, &d);
	if (a >= 0xb) {
		uint32_t max = a;
		cpuid(0xb, 0, &a, &b, &c, &d);
		if (b != 0 && max >= 0xb)
			return d;
	}
	cpuid(1, 0, &a, &b, &c, &d);
	return b >> 24;
}

KTEST(acpi_platform_consistent)
{
	const struct acpi_platform *p = acpi_platform();
	const struct acpi_madt_info *m = &p->madt;

	KEXPECT(t, p->has_madt);
	KEXPECT(t, m->lapic_address != 0);
	KEXPECT(t, m->ncpus >= 1 && m->ncpus <= ACPI_MAX_CPUS);
	unsigned enabled = 0;
	bool me = false;
	for (unsigned i = 0; i < m->ncpus; i++) {
		enabled += m->cpus[i].enabled;
		me |= m->cpus[i].enabled && m->cpus[i].apic_id == my_apic_id();
	}
	KEXPECT(t, enabled >= 1);
	KEXPECT(t, me); /* the boot CPU is one of the enabled ones */
	KEXPECT(t, m->nioapics >= 1);
	for (unsigned i = 0; i < m->nioapics; i++)
		KEXPECT(t, m->ioapics[i].address != 0);
	for (unsigned i = 0; i < m->noverrides; i++)
		KEXPECT(t, m->overrides[i].isa_irq < 16);

	KEXPECT(t, p->has_fadt);
	KEXPECT(t, p->fadt.pm_timer_port != 0);
	KEXPECT(t, p->fadt.pm1a_cnt != 0);
	KEXPECT(t, p->has_s5);
	if (p->has_hpet)
		KEXPECT(t, p->hpet.address != 0);
}
