/*
 * A stand-in for the VM core (vmm/core/vm.c) that device tests and the device
 * fuzzer link against: port and MMIO tables, a console buffer, the history of
 * interrupt lines, a stop record, guest RAM in a malloc'd buffer, and a clock
 * the test moves by hand.
 */
#ifndef FAKE_VM_H
#define FAKE_VM_H

#include <vmm/vm.h>

#define FAKE_VM_IRQS	    64
#define FAKE_VM_IRQ_HISTORY 4096

struct fake_irq_event {
	unsigned gsi;
	bool level; /* for a pulse: true */
	bool pulse;
};

/* Sets up kmalloc for the devices (unit_heap.c; the fuzzer's is malloc). */
void unit_heap_init(void);

struct vm *fake_vm_create(unsigned vcpus, uint64_t mem_size);
void fake_vm_destroy(struct vm *vm);

/* Guest accesses as the vCPU loop would make them. */
uint32_t fake_inb(struct vm *vm, uint16_t port);
uint32_t fake_inw(struct vm *vm, uint16_t port);
uint32_t fake_inl(struct vm *vm, uint16_t port);
void fake_outb(struct vm *vm, uint16_t port, uint32_t val);
void fake_outw(struct vm *vm, uint16_t port, uint32_t val);
void fake_outl(struct vm *vm, uint16_t port, uint32_t val);
uint64_t fake_mmio_read(struct vm *vm, uint64_t addr, unsigned size);
void fake_mmio_write(struct vm *vm, uint64_t addr, unsigned size, uint64_t val);

/* The console: everything written so far, NUL-terminated (truncated at the end). */
const char *fake_console(struct vm *vm);
size_t fake_console_len(struct vm *vm);

/* Interrupt lines: the current level, and the events since the last clear. */
bool fake_irq_level(struct vm *vm, unsigned gsi);
unsigned fake_irq_events(struct vm *vm, struct fake_irq_event **events);
unsigned fake_irq_pulses(struct vm *vm, unsigned gsi);
void fake_irq_clear(struct vm *vm);

/* The host clock devices read through clock_ns(). */
void fake_clock_set(uint64_t ns);
void fake_clock_advance(uint64_t ns);

#endif
