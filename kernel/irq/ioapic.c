/*
 * IOAPICs: each owns a range of global system interrupts (GSIs) from its
 * gsi_base.  ISA IRQs map to the GSI of the same number unless the MADT has
 * an override (typically IRQ 0 -> GSI 2, and SCI level/active-low).  Every
 * pin starts masked; drivers route the ones they use.
 */
#include <pallas/acpi.h>
#include <pallas/irq.h>
#include <pallas/kernel.h>
#include <asm/paging.h>
#include <pallas/mm.h>
#include <pallas/smp.h>
#include <pallas/spinlock.h>

#include "irq_impl.h"

#define IOREGSEL    0x00
#define IOWIN	    0x10
#define IOAPIC_VER  0x01
#define IOREDTBL(n) (0x10 + 2 * (n))

#define RTE_MASKED     (1ull << 16)
#define RTE_LEVEL      (1ull << 15)
#define RTE_ACTIVE_LOW (1ull << 13)

#define INTI_POLARITY_MASK 0x3
#define INTI_ACTIVE_LOW	   0x3
#define INTI_TRIGGER_MASK  0xc
#define INTI_LEVEL	   0xc

struct ioapic {
	volatile uint32_t *mmio;
	uint32_t gsi_base;
	unsigned pins;
	spinlock_t lock; /* IOREGSEL then IOWIN is not atomic */
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned nioapics;

static uint32_t reg_read(struct ioapic *io, uint32_t reg)
{
	io->mmio[IOREGSEL / 4] = reg;
	return io->mmio[IOWIN / 4];
}

static void reg_write(struct ioapic *io, uint32_t reg, uint32_t v)
{
	io->mmio[IOREGSEL / 4] = reg;
	io->mmio[IOWIN / 4] = v;
}

static void rte_write(struct ioapic *io, unsigned pin, uint64_t rte)
{
	unsigned long flags = spin_lock_irqsave(&io->lock);

	/* Masked while half-written, so no interrupt sees a mixed entry. */
	reg_write(io, IOREDTBL(pin), RTE_MASKED);
	reg_write(io, IOREDTBL(pin) + 1, (uint32_t)(rte >> 32));
	reg_write(io, IOREDTBL(pin), (uint32_t)rte);
	spin_unlock_irqrestore(&io->lock, flags);
}

static struct ioapic *owner(uint32_t gsi, unsigned *pin)
{
	for (unsigned i = 0; i < nioapics; i++) {
		struct ioapic *io = &ioapics[i];
		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->pins) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

void ioapic_init(void)
{
	const struct acpi_platform *p = acpi_platform();

	for (unsigned i = 0; p->has_madt && i < p->madt.nioapics; i++) {
		const struct acpi_ioapic *a = &p->madt.ioapics[i];
		if (a->address >= paging_direct_map_top() || !IS_ALIGNED(a->address, 16)) {
			pr_warn("ioapic: %u at %#x is not addressable, ignored\n", a->id,
				a->address);
			continue;
		}
		struct ioapic *io = &ioapics[nioapics++];
		io->mmio = phys_to_virt(a->address);
		io->gsi_base = a->gsi_base;
		io->pins = ((reg_read(io, IOAPIC_VER) >> 16) & 0xff) + 1;
		io->lock = (spinlock_t)SPINLOCK_INIT;
		for (unsigned pin = 0; pin < io->pins; pin++)
			rte_write(io, pin, RTE_MASKED);
		pr_info("ioapic: %u at %#x, GSIs %u-%u\n", a->id, a->address, io->gsi_base,
			io->gsi_base + io->pins - 1);
	}
}

bool irq_route_gsi(uint32_t gsi, bool level, bool active_low, int vector, unsigned cpu)
{
	unsigned pin;
	struct ioapic *io = owner(gsi, &pin);

	if (!io || vector < VEC_DEVICE_FIRST || vector > VEC_DEVICE_LAST || cpu >= cpu_count())
		return false;
	uint64_t rte = (uint64_t)vector | (level ? RTE_LEVEL : 0) |
		       (active_low ? RTE_ACTIVE_LOW : 0) | (uint64_t)cpu_get(cpu)->apic_id << 56;
	rte_write(io, pin, rte);
	return true;
}

bool irq_route_isa(unsigned isa_irq, int vector, unsigned cpu)
{
	const struct acpi_platform *p = acpi_platform();
	uint32_t gsi = isa_irq;
	uint16_t flags = 0;

	if (isa_irq >= 16)
		return false;
	for (unsigned i = 0; p->has_madt && i < p->madt.noverrides; i++) {
		if (p->madt.overrides[i].isa_irq == isa_irq) {
			gsi = p->madt.overrides[i].gsi;
			flags = p->madt.overrides[i].flags;
		}
	}
	/* ISA defaults are edge-triggered and active-high ("conforms to the bus"). */
	bool level = (flags & INTI_TRIGGER_MASK) == INTI_LEVEL;
	bool low = (flags & INTI_POLARITY_MASK) == INTI_ACTIVE_LOW;
	return irq_route_gsi(gsi, level, low, vector, cpu);
}

void irq_mask_gsi(uint32_t gsi)
{
	unsigned pin;
	struct ioapic *io = owner(gsi, &pin);

	if (io)
		rte_write(io, pin, RTE_MASKED);
}
