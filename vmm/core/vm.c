/*
 * VM objects: RAM, buses, console, stopping.  RAM is allocated in 2 MiB host
 * chunks and mapped with 2 MiB second-level pages; the PCI hole from 3 GiB to
 * 4 GiB is left unmapped for device windows (LAPIC, IOAPIC), with the RAM
 * that would have been there moved above 4 GiB.
 */
#include <asm/paging.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/printk.h>
#include <pallas/string.h>
#include <pallas/time.h>
#include <stdarg.h>

#include <vmm/platform.h>

#include "vm_impl.h"

#define PCI_HOLE_START (3ull << 30)
#define FOUR_GIB       (4ull << 30)
#define VM_MEM_MAX     ((uint64_t)64 << 30)

const char *vm_name(const struct vm *vm)
{
	return vm->name;
}

unsigned vm_vcpu_count(const struct vm *vm)
{
	return vm->nvcpus;
}

uint64_t vm_mem_size(const struct vm *vm)
{
	return vm->mem_size;
}

void *vcpu_backend(struct vcpu *vcpu)
{
	return vcpu->backend;
}

struct vm *vcpu_vm(struct vcpu *vcpu)
{
	return vcpu->vm;
}

unsigned vcpu_id(const struct vcpu *vcpu)
{
	return vcpu->id;
}

void vm_set_boot_state(struct vm *vm, const struct vcpu_regs *r, const struct vcpu_sregs *s)
{
	vm->ops->set_sregs(&vm->vcpus[0], s);
	vm->ops->set_regs(&vm->vcpus[0], r);
}

void *vm_backend(struct vm *vm)
{
	return vm->backend;
}

static void free_region(struct gmem_region *r)
{
	for (uint64_t i = 0; r->chunks && i < r->size / GMEM_CHUNK; i++) {
		if (r->chunks[i])
			page_free(r->chunks[i], 9);
	}
	kfree(r->chunks);
	r->chunks = NULL;
}

static bool add_region(struct vm *vm, uint64_t gpa, uint64_t size, char *err, size_t errlen)
{
	struct gmem_region *r = &vm->regions[vm->nregions++];
	uint64_t n = size / GMEM_CHUNK;

	r->gpa = gpa;
	r->size = size;
	r->chunks = kzalloc(n * sizeof(paddr_t));
	if (!r->chunks) {
		ksnprintf(err, errlen, "out of memory for the RAM map");
		return false;
	}
	for (uint64_t i = 0; i < n; i++) {
		r->chunks[i] = page_alloc(9);
		if (!r->chunks[i]) {
			ksnprintf(err, errlen, "out of host memory after %lu of %lu MiB", i * 2,
				  n * 2);
			return false;
		}
		/* No tenant may see what the page held before. */
		memset(phys_to_virt(r->chunks[i]), 0, GMEM_CHUNK);
		if (!vm->ops->map(vm->backend, gpa + i * GMEM_CHUNK, r->chunks[i], GMEM_CHUNK)) {
			ksnprintf(err, errlen, "cannot map guest memory");
			return false;
		}
	}
	return true;
}

static bool check_config(const struct vm_config *cfg, char *err, size_t errlen)
{
	if (cfg->vcpus < 1 || cfg->vcpus > VM_MAX_VCPUS) {
		ksnprintf(err, errlen, "vcpus must be 1..%u", VM_MAX_VCPUS);
		return false;
	}
	if (cfg->mem_size < GMEM_CHUNK || cfg->mem_size > VM_MEM_MAX ||
	    !IS_ALIGNED(cfg->mem_size, GMEM_CHUNK)) {
		ksnprintf(err, errlen, "memory must be a multiple of 2 MiB, 2 MiB..%lu GiB",
			  VM_MEM_MAX >> 30);
		return false;
	}
	return true;
}

static bool create_vcpus(struct vm *vm, char *err, size_t errlen)
{
	for (unsigned i = 0; i < vm->nvcpus; i++) {
		struct vcpu *c = &vm->vcpus[i];
		c->vm = vm;
		c->id = i;
		c->host_cpu = -1;
		c->sipi_vector = -1;
		waitqueue_init(&c->wake);
		guest_msrs_reset(c);
		if (!vm->ops->vcpu_init(c, &c->backend)) {
			ksnprintf(err, errlen, "cannot create vCPU %u", i);
			return false;
		}
	}
	return true;
}

struct vm *vm_create(const struct vm_config *cfg, char *err, size_t errlen)
{
	const struct vcpu_ops *ops = vcpu_ops_select(err, errlen);

	if (!ops || !check_config(cfg, err, errlen))
		return NULL;
	static uint64_t serials;
	struct vm *vm = kzalloc(sizeof(*vm));
	char *console = kmalloc(VM_CONSOLE_SIZE);
	if (!vm || !console) {
		kfree(vm);
		kfree(console);
		ksnprintf(err, errlen, "out of memory");
		return NULL;
	}
	ksnprintf(vm->name, sizeof(vm->name), "%.*s", (int)sizeof(cfg->name), cfg->name);
	vm->serial = __atomic_add_fetch(&serials, 1, __ATOMIC_RELAXED); /* 0: no VM yet */
	vm->ops = ops;
	vm->console = console;
	vm->mem_size = cfg->mem_size;
	vm->nvcpus = cfg->vcpus;
	vm->group = cfg->group;
	vm->echo_console = cfg->echo_console;
	vm->bus_lock = vm->console_lock = vm->stop_lock = vm->dev_lock = (spinlock_t)SPINLOCK_INIT;
	waitqueue_init(&vm->stop_wq);
	if (!ops->vm_init(vm, &vm->backend)) {
		ksnprintf(err, errlen, "cannot set up second-level paging");
		vm->ops = NULL;
		vm_destroy(vm);
		return NULL;
	}
	uint64_t low = MIN(cfg->mem_size, PCI_HOLE_START);
	if (!add_region(vm, 0, low, err, errlen) ||
	    (cfg->mem_size > low && !add_region(vm, FOUR_GIB, cfg->mem_size - low, err, errlen)) ||
	    !create_vcpus(vm, err, errlen)) {
		vm_destroy(vm);
		return NULL;
	}
	return vm;
}

void vm_destroy(struct vm *vm)
{
	if (!vm)
		return;
	platform_destroy(vm);
	for (unsigned i = 0; vm->ops && i < vm->nvcpus; i++) {
		if (vm->vcpus[i].backend)
			vm->ops->vcpu_destroy(vm->vcpus[i].backend);
	}
	if (vm->ops && vm->backend)
		vm->ops->vm_destroy(vm->backend);
	/* Only after the second-level tables are gone may the RAM be reused. */
	for (unsigned i = 0; i < vm->nregions; i++)
		free_region(&vm->regions[i]);
	kfree(vm->console);
	kfree(vm);
}

/* Copies [gpa, gpa + len) chunk by chunk; false (part done) if any byte is not RAM. */
static bool gpa_walk(struct vm *vm, uint64_t gpa, size_t len, void *buf, bool write)
{
	uint8_t *p = buf;

	while (len) {
		const struct gmem_region *r = NULL;
		for (unsigned i = 0; i < vm->nregions; i++) {
			if (gpa >= vm->regions[i].gpa &&
			    gpa - vm->regions[i].gpa < vm->regions[i].size)
				r = &vm->regions[i];
		}
		if (!r)
			return false;
		uint64_t off = gpa - r->gpa;
		uint64_t in_chunk = GMEM_CHUNK - off % GMEM_CHUNK;
		size_t n = (size_t)MIN((uint64_t)len, in_chunk);
		uint8_t *host =
		    (uint8_t *)phys_to_virt(r->chunks[off / GMEM_CHUNK]) + off % GMEM_CHUNK;
		if (write)
			memcpy(host, p, n);
		else
			memcpy(p, host, n);
		p += n;
		gpa += n;
		len -= n;
	}
	return true;
}

bool vm_gpa_read(struct vm *vm, uint64_t gpa, void *buf, size_t len)
{
	return gpa_walk(vm, gpa, len, buf, false);
}

bool vm_gpa_write(struct vm *vm, uint64_t gpa, const void *buf, size_t len)
{
	return gpa_walk(vm, gpa, len, (void *)buf, true);
}

bool vm_pio_register(struct vm *vm, uint16_t base, uint16_t count, vm_pio_fn fn, void *dev)
{
	bool ok = count && (uint32_t)base + count <= 0x10000 && vm->npio < VM_MAX_PIO;
	unsigned long flags = spin_lock_irqsave(&vm->bus_lock);

	for (unsigned i = 0; ok && i < vm->npio; i++) {
		const struct pio_range *r = &vm->pio[i];
		if (base < r->base + r->count && r->base < base + count)
			ok = false;
	}
	if (ok)
		vm->pio[vm->npio++] = (struct pio_range){base, count, fn, dev};
	spin_unlock_irqrestore(&vm->bus_lock, flags);
	return ok;
}

bool vm_mmio_register(struct vm *vm, uint64_t base, uint64_t size, vm_mmio_fn fn, void *dev)
{
	bool ok = size && base + size > base && vm->nmmio < VM_MAX_MMIO;
	unsigned long flags = spin_lock_irqsave(&vm->bus_lock);

	for (unsigned i = 0; ok && i < vm->nmmio; i++) {
		const struct mmio_range *r = &vm->mmio[i];
		if (base < r->base + r->size && r->base < base + size)
			ok = false;
	}
	if (ok)
		vm->mmio[vm->nmmio++] = (struct mmio_range){base, size, fn, dev};
	spin_unlock_irqrestore(&vm->bus_lock, flags);
	return ok;
}

/* Devices are registered before the vCPUs start and never removed, so the
 * tables are read without bus_lock; the handlers run under dev_lock. */
void vm_pio(struct vm *vm, uint16_t port, unsigned size, bool write, uint32_t *val)
{
	for (unsigned i = 0; i < vm->npio; i++) {
		const struct pio_range *r = &vm->pio[i];
		if (port >= r->base && port - r->base < r->count) {
			unsigned long flags = spin_lock_irqsave(&vm->dev_lock);
			r->fn(r->dev, port, size, write, val);
			spin_unlock_irqrestore(&vm->dev_lock, flags);
			return;
		}
	}
	if (!write)
		*val = size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}

void vm_mmio(struct vm *vm, uint64_t addr, unsigned size, bool write, uint64_t *val)
{
	for (unsigned i = 0; i < vm->nmmio; i++) {
		const struct mmio_range *r = &vm->mmio[i];
		if (addr >= r->base && addr - r->base < r->size) {
			unsigned long flags = spin_lock_irqsave(&vm->dev_lock);
			r->fn(r->dev, addr, size, write, val);
			spin_unlock_irqrestore(&vm->dev_lock, flags);
			return;
		}
	}
	if (!write)
		*val = size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

/* Whole lines only, so that two VMs' output does not interleave mid-line;
 * control characters become '.', so a guest cannot drive the host's terminal.
 * Each line carries the host's clock (seconds since boot) from when its first
 * character came: set against the guest's own timestamps in the line, that
 * tells whether the guest's clock keeps the host's pace.  The first character
 * rather than the last, so that the exits spent writing the line itself do
 * not count as latency. */
static void echo_char(struct vm *vm, char c)
{
	if (c == '\r')
		return;
	if (!vm->echo_in_line) {
		vm->echo_in_line = true;
		vm->echo_line_ns = clock_ns();
	}
	if (c != '\n') {
		if (vm->echo_len < sizeof(vm->echo_line) - 1)
			vm->echo_line[vm->echo_len++] = (c >= 0x20 && c < 0x7f) ? c : '.';
		return;
	}
	vm->echo_line[vm->echo_len] = 0;
	if (vm->echo_ndone < ARRAY_SIZE(vm->echo_done)) {
		struct echo_done *d = &vm->echo_done[vm->echo_ndone++];
		d->ns = vm->echo_line_ns;
		memcpy(d->text, vm->echo_line, vm->echo_len + 1);
	} else {
		vm->echo_dropped++;
	}
	vm->echo_len = 0;
	vm->echo_in_line = false;
}

/*
 * Prints the echoed lines the guest finished since the last call.  The
 * console is written under the device lock with interrupts off, and printing
 * a line to a serial console takes milliseconds: so it happens here, from the
 * vCPU thread after each exit, with nothing held.
 */
void vm_console_flush_lines(struct vm *vm)
{
	struct echo_done lines[ARRAY_SIZE(vm->echo_done)];
	unsigned long flags = spin_lock_irqsave(&vm->console_lock);
	unsigned n = vm->echo_ndone, dropped = vm->echo_dropped;
	memcpy(lines, vm->echo_done, n * sizeof(lines[0]));
	vm->echo_ndone = vm->echo_dropped = 0;
	spin_unlock_irqrestore(&vm->console_lock, flags);
	for (unsigned i = 0; i < n; i++) {
		uint64_t us = lines[i].ns / NSEC_PER_USEC;
		pr_info("%s@%lu.%06lu| %s\n", vm->name, us / 1000000, us % 1000000, lines[i].text);
	}
	if (dropped)
		pr_info("vm %s: %u console lines in one exit not echoed (all are in its console)\n",
			vm->name, dropped);
}

void vm_console_write(struct vm *vm, const char *s, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&vm->console_lock);

	for (size_t i = 0; i < len; i++) {
		vm->console[vm->console_len++ % VM_CONSOLE_SIZE] = s[i];
		if (vm->echo_console)
			echo_char(vm, s[i]);
	}
	spin_unlock_irqrestore(&vm->console_lock, flags);
}

size_t vm_console_read(struct vm *vm, char *buf, size_t len)
{
	unsigned long flags = spin_lock_irqsave(&vm->console_lock);
	uint64_t have = MIN(vm->console_len, (uint64_t)VM_CONSOLE_SIZE);
	size_t n = (size_t)MIN(have, (uint64_t)len);
	uint64_t start = vm->console_len - n;

	for (size_t i = 0; i < n; i++)
		buf[i] = vm->console[(start + i) % VM_CONSOLE_SIZE];
	spin_unlock_irqrestore(&vm->console_lock, flags);
	return n;
}

const char *vm_stop_reason_name(enum vm_stop_reason reason)
{
	static const char *const names[] = {"running",	    "debug exit", "power off", "reset",
					    "triple fault", "unhandled",  "VMM error", "host stop"};

	return (unsigned)reason < ARRAY_SIZE(names) ? names[reason] : "?";
}

void vm_stop(struct vm *vm, enum vm_stop_reason reason, uint32_t code, const char *fmt, ...)
{
	unsigned long flags = spin_lock_irqsave(&vm->stop_lock);
	bool first = !vm->stopped;

	if (first) {
		va_list ap;
		va_start(ap, fmt);
		kvsnprintf(vm->stop.detail, sizeof(vm->stop.detail), fmt, ap);
		va_end(ap);
		vm->stop.reason = reason;
		vm->stop.code = code;
		__atomic_store_n(&vm->stopped, true, __ATOMIC_RELEASE);
	}
	spin_unlock_irqrestore(&vm->stop_lock, flags);
	if (!first)
		return;
	pr_info("vm %s: stopped: %s (code %u): %s\n", vm->name, vm_stop_reason_name(reason), code,
		vm->stop.detail);
	for (unsigned i = 0; i < vm->nvcpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	waitqueue_wake(&vm->stop_wq, WAKE_ALL);
}

const struct vm_stop *vm_stopped(const struct vm *vm)
{
	return __atomic_load_n(&vm->stopped, __ATOMIC_ACQUIRE) ? &vm->stop : NULL;
}

/* Called with dev_lock held: from a device handler or a device timer. */
void vm_irq_line(struct vm *vm, unsigned gsi, bool level)
{
	if (vm->irq_line)
		vm->irq_line(vm->irq_ctx, gsi, level);
}

void vm_irq_pulse(struct vm *vm, unsigned gsi)
{
	vm_irq_line(vm, gsi, true);
	vm_irq_line(vm, gsi, false);
}
