/*
 * Until vmm/core/vm.c lands: the parts of the VM core the devices call, so
 * the kernel links.  Nothing creates a VM yet, so none of these runs; the
 * core's strong definitions replace them, and this file goes at that merge.
 */
#include <pallas/kernel.h>
#include <vmm/vm.h>

__attribute__((weak)) unsigned vm_vcpu_count(const struct vm *vm)
{
	return 0;
}

__attribute__((weak)) uint64_t vm_mem_size(const struct vm *vm)
{
	return 0;
}

__attribute__((weak)) bool vm_gpa_write(struct vm *vm, uint64_t gpa, const void *buf, size_t len)
{
	return false;
}

__attribute__((weak)) bool vm_pio_register(struct vm *vm, uint16_t base, uint16_t count,
					   vm_pio_fn fn, void *dev)
{
	return false;
}

__attribute__((weak)) bool vm_mmio_register(struct vm *vm, uint64_t base, uint64_t size,
					    vm_mmio_fn fn, void *dev)
{
	return false;
}

__attribute__((weak)) void vm_console_write(struct vm *vm, const char *s, size_t len)
{
}

__attribute__((weak)) void vm_stop(struct vm *vm, enum vm_stop_reason reason, uint32_t code,
				   const char *fmt, ...)
{
}

__attribute__((weak)) void vm_irq_line(struct vm *vm, unsigned gsi, bool level)
{
}

__attribute__((weak)) void vm_irq_pulse(struct vm *vm, unsigned gsi)
{
}
