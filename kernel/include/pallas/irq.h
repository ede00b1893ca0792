/*
 * Interrupts (kernel/irq/).  Vectors 0x30..0xdf are handed out to devices
 * (MSI-ready: a device asks for a vector and programs its own message);
 * 0xe0..0xff belong to the kernel (timer, IPIs, spurious).  Handlers run with
 * interrupts off; the EOI is sent for them.
 */
#ifndef PALLAS_IRQ_H
#define PALLAS_IRQ_H

#include <asm/trap.h>
#include <pallas/types.h>

#define VEC_PIC_BASE	 0x20 /* the masked 8259s' spurious IRQs land here */
#define VEC_DEVICE_FIRST 0x30
#define VEC_DEVICE_LAST	 0xdf
#define VEC_TIMER	 0xf0
#define VEC_IPI_RESCHED	 0xf1
#define VEC_IPI_CALL	 0xf2
#define VEC_SPURIOUS	 0xff

typedef void (*irq_handler_t)(struct trap_frame *f, void *arg);

/* Sets up the LAPIC, masks the PIC, finds the IOAPICs (boot CPU only). */
void irq_init(void);
/* Per CPU: this CPU's LAPIC and handlers. */
void irq_cpu_init(void);
/* A free device vector with h installed, or -1 when none is left. */
int irq_alloc_vector(irq_handler_t h, void *arg);
void irq_free_vector(int vector);
/* For the kernel's fixed vectors. */
void irq_set_handler(int vector, irq_handler_t h, void *arg);
/* Routes an ISA IRQ (after the MADT's overrides) or a GSI through the IOAPIC. */
bool irq_route_isa(unsigned isa_irq, int vector, unsigned cpu);
bool irq_route_gsi(uint32_t gsi, bool level, bool active_low, int vector, unsigned cpu);
void irq_mask_gsi(uint32_t gsi);

/* kernel/irq/pic.c: remaps and masks the 8259 pair. */
void pic_disable(void);
/* The trap path for vectors >= 32 (kernel/irq/vectors.c). */
void irq_dispatch(struct trap_frame *f);

#endif
