/* The fake VM core for device tests; see fake_vm.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pallas/time.h>

#include "fake_vm.h"

#define FAKE_PIO_MAX  32
#define FAKE_MMIO_MAX 8

struct fake_pio {
	uint16_t base, count;
	vm_pio_fn fn;
	void *dev;
};

struct fake_mmio {
	uint64_t base, size;
	vm_mmio_fn fn;
	void *dev;
};

struct vm {
	unsigned vcpus;
	uint64_t mem_size;
	uint8_t *ram;
	struct fake_pio pio[FAKE_PIO_MAX];
	unsigned npio;
	struct fake_mmio mmio[FAKE_MMIO_MAX];
	unsigned nmmio;
	char console[VM_CONSOLE_SIZE + 1];
	size_t console_len;
	bool irq[FAKE_VM_IRQS];
	struct fake_irq_event events[FAKE_VM_IRQ_HISTORY];
	unsigned nevents;
	struct vm_stop stop;
};

static uint64_t fake_now;

uint64_t clock_ns(void)
{
	return fake_now;
}

void fake_clock_set(uint64_t ns)
{
	fake_now = ns;
}

void fake_clock_advance(uint64_t ns)
{
	fake_now += ns;
}

struct vm *fake_vm_create(unsigned vcpus, uint64_t mem_size)
{
	unit_heap_init();
	struct vm *vm = calloc(1, sizeof(*vm));
	if (!vm)
		abort();
	vm->vcpus = vcpus;
	vm->mem_size = mem_size;
	/* Only the first MiB is backed: enough for the BIOS area tables live in. */
	vm->ram = calloc(1, 1 << 20);
	if (!vm->ram)
		abort();
	return vm;
}

void fake_vm_destroy(struct vm *vm)
{
	free(vm->ram);
	free(vm);
}

const char *vm_name(const struct vm *vm)
{
	return "fake";
}

unsigned vm_vcpu_count(const struct vm *vm)
{
	return vm->vcpus;
}

uint64_t vm_mem_size(const struct vm *vm)
{
	return vm->mem_size;
}

static bool ram_range(const struct vm *vm, uint64_t gpa, size_t len)
{
	uint64_t backed = vm->mem_size < (1 << 20) ? vm->mem_size : (1 << 20);
	return gpa <= backed && len <= backed - gpa;
}

bool vm_gpa_read(struct vm *vm, uint64_t gpa, void *buf, size_t len)
{
	if (!ram_range(vm, gpa, len))
		return false;
	memcpy(buf, vm->ram + gpa, len);
	return true;
}

bool vm_gpa_write(struct vm *vm, uint64_t gpa, const void *buf, size_t len)
{
	if (!ram_range(vm, gpa, len))
		return false;
	memcpy(vm->ram + gpa, buf, len);
	return true;
}

bool vm_pio_register(struct vm *vm, uint16_t base, uint16_t count, vm_pio_fn fn, void *dev)
{
	if (vm->npio == FAKE_PIO_MAX || count == 0 || (uint32_t)base + count > 0x10000)
		return false;
	for (unsigned i = 0; i < vm->npio; i++) {
		struct fake_pio *p = &vm->pio[i];
		if (base < p->base + p->count && p->base < base + count)
			return false;
	}
	vm->pio[vm->npio++] = (struct fake_pio){base, count, fn, dev};
	return true;
}

bool vm_mmio_register(struct vm *vm, uint64_t base, uint64_t size, vm_mmio_fn fn, void *dev)
{
	if (vm->nmmio == FAKE_MMIO_MAX || size == 0 || base + size < base)
		return false;
	for (unsigned i = 0; i < vm->nmmio; i++) {
		struct fake_mmio *m = &vm->mmio[i];
		if (base < m->base + m->size && m->base < base + size)
			return false;
	}
	vm->mmio[vm->nmmio++] = (struct fake_mmio){base, size, fn, dev};
	return true;
}

void vm_pio(struct vm *vm, uint16_t port, unsigned size, bool write, uint32_t *val)
{
	for (unsigned i = 0; i < vm->npio; i++) {
		struct fake_pio *p = &vm->pio[i];
		if (port >= p->base && port - p->base < p->count) {
			p->fn(p->dev, port, size, write, val);
			return;
		}
	}
	if (!write)
		*val = 0xffffffff;
}

void vm_mmio(struct vm *vm, uint64_t addr, unsigned size, bool write, uint64_t *val)
{
	for (unsigned i = 0; i < vm->nmmio; i++) {
		struct fake_mmio *m = &vm->mmio[i];
		if (addr >= m->base && addr - m->base < m->size) {
			m->fn(m->dev, addr, size, write, val);
			return;
		}
	}
	if (!write)
		*val = ~0ull;
}

/* Reads mask the value to the access size, as the vCPU loop does for IN. */
static uint32_t in(struct vm *vm, uint16_t port, unsigned size)
{
	uint32_t v = 0x5a5a5a5a; /* junk: a handler must set every byte */
	vm_pio(vm, port, size, false, &v);
	return size == 4 ? v : v & ((1u << (8 * size)) - 1);
}

uint32_t fake_inb(struct vm *vm, uint16_t port)
{
	return in(vm, port, 1);
}

uint32_t fake_inw(struct vm *vm, uint16_t port)
{
	return in(vm, port, 2);
}

uint32_t fake_inl(struct vm *vm, uint16_t port)
{
	return in(vm, port, 4);
}

void fake_outb(struct vm *vm, uint16_t port, uint32_t val)
{
	val &= 0xff;
	vm_pio(vm, port, 1, true, &val);
}

void fake_outw(struct vm *vm, uint16_t port, uint32_t val)
{
	val &= 0xffff;
	vm_pio(vm, port, 2, true, &val);
}

void fake_outl(struct vm *vm, uint16_t port, uint32_t val)
{
	vm_pio(vm, port, 4, true, &val);
}

uint64_t fake_mmio_read(struct vm *vm, uint64_t addr, unsigned size)
{
	uint64_t v = 0x5a5a5a5a5a5a5a5aull;
	vm_mmio(vm, addr, size, false, &v);
	return size == 8 ? v : v & ((1ull << (8 * size)) - 1);
}

void fake_mmio_write(struct vm *vm, uint64_t addr, unsigned size, uint64_t val)
{
	vm_mmio(vm, addr, size, true, &val);
}

void vm_console_write(struct vm *vm, const char *s, size_t len)
{
	size_t room = VM_CONSOLE_SIZE - vm->console_len;
	if (len > room)
		len = room;
	memcpy(vm->console + vm->console_len, s, len);
	vm->console_len += len;
	vm->console[vm->console_len] = '\0';
}

size_t vm_console_read(struct vm *vm, char *buf, size_t len)
{
	if (len > vm->console_len)
		len = vm->console_len;
	memcpy(buf, vm->console + vm->console_len - len, len);
	return len;
}

const char *fake_console(struct vm *vm)
{
	return vm->console;
}

size_t fake_console_len(struct vm *vm)
{
	return vm->console_len;
}

void vm_stop(struct vm *vm, enum vm_stop_reason reason, uint32_t code, const char *fmt, ...)
{
	if (vm->stop.reason != VM_STOP_NONE)
		return;
	vm->stop.reason = reason;
	vm->stop.code = code;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(vm->stop.detail, sizeof(vm->stop.detail), fmt, ap);
	va_end(ap);
}

const struct vm_stop *vm_stopped(const struct vm *vm)
{
	return vm->stop.reason == VM_STOP_NONE ? NULL : &vm->stop;
}

static void record(struct vm *vm, unsigned gsi, bool level, bool pulse)
{
	if (vm->nevents < FAKE_VM_IRQ_HISTORY)
		vm->events[vm->nevents++] = (struct fake_irq_event){gsi, level, pulse};
}

void vm_irq_line(struct vm *vm, unsigned gsi, bool level)
{
	if (gsi < FAKE_VM_IRQS)
		vm->irq[gsi] = level;
	record(vm, gsi, level, false);
}

void vm_irq_pulse(struct vm *vm, unsigned gsi)
{
	record(vm, gsi, true, true);
}

bool fake_irq_level(struct vm *vm, unsigned gsi)
{
	return gsi < FAKE_VM_IRQS && vm->irq[gsi];
}

unsigned fake_irq_events(struct vm *vm, struct fake_irq_event **events)
{
	*events = vm->events;
	return vm->nevents;
}

unsigned fake_irq_pulses(struct vm *vm, unsigned gsi)
{
	unsigned n = 0;
	for (unsigned i = 0; i < vm->nevents; i++)
		n += vm->events[i].pulse && vm->events[i].gsi == gsi;
	return n;
}

void fake_irq_clear(struct vm *vm)
{
	vm->nevents = 0;
}
