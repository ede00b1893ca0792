/*
 * QEMU's isa-debug-exit: a write of v to any of its ports stops the VM with
 * code (v << 1) | 1, which QEMU passes to exit(); test kernels use it to
 * report a result.  v is the value of the whole access (1, 2 or 4 bytes), so
 * outl(0xf4, 0x10) gives 0x21 as in QEMU.  Reads return 0, as QEMU's do.
 */
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <vmm/dev.h>

#define DEBUG_EXIT_NPORTS 4

struct vdebug_exit {
	struct vm *vm;
};

static void debug_exit_pio(void *dev, uint16_t port, unsigned size, bool write, uint32_t *val)
{
	struct vdebug_exit *d = dev;

	if (!write) {
		*val = 0;
		return;
	}
	uint32_t v = *val;
	if (size == 1)
		v &= 0xff;
	else if (size == 2)
		v &= 0xffff;
	/* vm_stop keeps the first reason, so repeated writes are harmless. */
	vm_stop(d->vm, VM_STOP_DEBUG_EXIT, (v << 1) | 1, "isa-debug-exit: wrote 0x%x to port 0x%x",
		v, port);
}

struct vdebug_exit *vdebug_exit_create(struct vm *vm, uint16_t base)
{
	struct vdebug_exit *d = kzalloc(sizeof(*d));

	if (!d)
		return NULL;
	d->vm = vm;
	if (!vm_pio_register(vm, base, DEBUG_EXIT_NPORTS, debug_exit_pio, d)) {
		kfree(d);
		return NULL;
	}
	return d;
}

void vdebug_exit_destroy(struct vdebug_exit *d)
{
	kfree(d);
}
