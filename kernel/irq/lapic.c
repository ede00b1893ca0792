/*
 * Local APIC access.  x2APIC is preferred because its registers are MSRs (no
 * MMIO mapping, and 32-bit APIC IDs); the mode is switched on by setting the
 * EXTD bit next to the already-set enable bit.  The enable bit itself is
 * never cleared: Bochs cannot set it again once cleared.
 */
#include <asm/cpu.h>
#include <asm/lapic.h>
#include <pallas/irq.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>

#define MSR_APIC_BASE	 0x1b
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_EXTD	 (1ull << 10)
#define APIC_BASE_ADDR	 0xffffff000ull
#define SVR_ENABLE	 (1u << 8)

static bool x2apic;
static volatile uint32_t *mmio;

bool lapic_x2apic_mode(void)
{
	return x2apic;
}

static bool cpu_has_x2apic(void)
{
	uint32_t a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	return c & (1u << 21);
}

uint32_t lapic_read(unsigned reg)
{
	if (x2apic)
		return (uint32_t)rdmsr(0x800 + reg / 16);
	return mmio[reg / 4];
}

void lapic_write(unsigned reg, uint32_t v)
{
	if (x2apic)
		wrmsr(0x800 + reg / 16, v);
	else
		mmio[reg / 4] = v;
}

uint32_t lapic_id(void)
{
	uint32_t id = lapic_read(LAPIC_ID);

	return x2apic ? id : id >> 24;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

void lapic_send_ipi(uint32_t apic_id, uint32_t icr)
{
	if (x2apic) {
		/* One 64-bit write; x2APIC has no delivery-status bit to wait on. */
		__asm__ volatile("mfence" ::: "memory");
		wrmsr(0x830, (uint64_t)apic_id << 32 | icr);
		return;
	}
	lapic_write(LAPIC_ICR_HIGH, apic_id << 24);
	lapic_write(LAPIC_ICR_LOW, icr);
	while (lapic_read(LAPIC_ICR_LOW) & ICR_DELIVERY_BUSY)
		cpu_relax();
}

void lapic_init(uint64_t mmio_base)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (!(base & APIC_BASE_ENABLE))
		panic("lapic: the firmware left the local APIC disabled");
	x2apic = cpu_has_x2apic();
	if (!x2apic) {
		paddr_t pa = mmio_base ? mmio_base : (base & APIC_BASE_ADDR);
		mmio = phys_to_virt(pa);
	}
	pr_info("lapic: %s mode\n", x2apic ? "x2APIC" : "xAPIC");
}

void lapic_cpu_init(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);

	if (x2apic && !(base & APIC_BASE_EXTD))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_LVT_THERMAL, LVT_MASKED);
	lapic_write(LAPIC_LVT_PERF, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	/* LINT0 (ExtINT from the PIC) stays masked; LINT1 is the NMI line on PCs. */
	lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LVT_DELIVERY_NMI);
	lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	lapic_write(LAPIC_ESR, 0);
	lapic_eoi();
}
