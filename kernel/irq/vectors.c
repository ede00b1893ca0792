/*
 * The vector table: who handles each interrupt vector >= 32, and the
 * allocator that hands device vectors out (MSI-capable devices program the
 * vector they get into their own message; IOAPIC lines go through
 * irq_route_*).  One table for all CPUs: a vector means the same on each.
 */
#include <asm/lapic.h>
#include <pallas/irq.h>
#include <pallas/kernel.h>
#include <pallas/percpu.h>
#include <pallas/spinlock.h>

#include "irq_impl.h"

struct vector_slot {
	irq_handler_t handler;
	void *arg;
};

static struct vector_slot slots[256];
static spinlock_t alloc_lock = SPINLOCK_INIT;

void irq_set_handler(int vector, irq_handler_t h, void *arg)
{
	BUG_ON(vector < 32 || vector > 255);
	slots[vector].arg = arg;
	__atomic_store_n(&slots[vector].handler, h, __ATOMIC_RELEASE);
}

int irq_alloc_vector(irq_handler_t h, void *arg)
{
	unsigned long flags = spin_lock_irqsave(&alloc_lock);
	int found = -1;

	for (int v = VEC_DEVICE_FIRST; v <= VEC_DEVICE_LAST && found < 0; v++) {
		if (!slots[v].handler) {
			irq_set_handler(v, h, arg);
			found = v;
		}
	}
	spin_unlock_irqrestore(&alloc_lock, flags);
	return found;
}

void irq_free_vector(int vector)
{
	BUG_ON(vector < VEC_DEVICE_FIRST || vector > VEC_DEVICE_LAST);
	__atomic_store_n(&slots[vector].handler, NULL, __ATOMIC_RELEASE);
}

static void spurious(struct trap_frame *f, void *arg)
{
}

/* Interrupts with no handler are counted and reported, but once per vector. */
static void unexpected(struct trap_frame *f)
{
	static uint8_t reported[256];

	if (!__atomic_exchange_n(&reported[f->vector], 1, __ATOMIC_RELAXED))
		pr_warn("irq: unexpected vector %#lx on CPU %u\n", f->vector, this_cpu()->id);
}

void irq_dispatch(struct trap_frame *f)
{
	unsigned v = (unsigned)f->vector;
	irq_handler_t h = __atomic_load_n(&slots[v].handler, __ATOMIC_ACQUIRE);

	this_cpu()->irq_count++;
	/* Spurious LAPIC and 8259 interrupts are not in service: no EOI. */
	if (v == VEC_SPURIOUS || (v >= VEC_PIC_BASE && v < VEC_PIC_BASE + 16))
		return;
	if (h)
		h(f, slots[v].arg);
	else
		unexpected(f);
	lapic_eoi();
}

void irq_vectors_init(void)
{
	irq_set_handler(VEC_SPURIOUS, spurious, NULL);
}
