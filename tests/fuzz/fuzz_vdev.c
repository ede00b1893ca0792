/*
 * Every virtual device on one fake VM, driven by a random sequence of guest
 * port and MMIO accesses (any port near a device, any size, any value) and
 * of core-side calls (IRQ lines, INTA, EOI, timer ticks, UART input, the
 * clock jumping).  Each input starts from freshly created devices.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pallas/mm.h>
#include <pallas/time.h>
#include <vmm/dev.h>

#include "fake_vm.h"

void unit_heap_init(void)
{
}

void *kzalloc(size_t size)
{
	return size ? calloc(1, size) : NULL;
}

void *kmalloc(size_t size)
{
	return size ? malloc(size) : NULL;
}

void kfree(void *p)
{
	free(p);
}

struct input {
	const uint8_t *p;
	size_t left;
};

static uint64_t take(struct input *in, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n && in->left; i++, in->left--)
		v |= (uint64_t)*in->p++ << (8 * i);
	return v;
}

static const uint16_t bases[] = {0x3f8, 0xf4, 0x510, 0x20, 0xa0, 0x4d0, 0x40, 0x61, 0x70, 0xcf8};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static unsigned delivered;

static void deliver(void *ctx, uint32_t dest, bool logical, uint8_t mode, uint8_t vector,
		    bool level)
{
	delivered++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};
	static const unsigned sizes[] = {1, 2, 4, 8};

	fake_clock_set(1000000000ull);
	struct vm *vm =
	    fake_vm_create(1 + (unsigned)take(&in, 1) % VM_MAX_VCPUS, take(&in, 5) << 12);
	struct vuart *uart = vuart_create(vm, VDEV_COM1_BASE, VDEV_COM1_IRQ);
	struct vdebug_exit *dbg = vdebug_exit_create(vm, VDEV_DEBUG_EXIT_BASE);
	struct vfw_cfg *fw = vfw_cfg_create(vm);
	struct vpic *pic = vpic_create(vm);
	struct vpit *pit = vpit_create(vm, NULL, NULL);
	struct vrtc *rtc = vrtc_create(vm, NULL, NULL);
	struct vpci_host *pci = vpci_host_create(vm);
	struct vioapic *ioapic = vioapic_create(vm, VDEV_IOAPIC_BASE, deliver, NULL);
	struct vacpi_pm *pm = vacpi_pm_create(vm);
	if (!uart || !dbg || !fw || !pic || !pit || !rtc || !pci || !ioapic || !pm)
		abort();
	(void)vacpi_tables_build(vm);

	while (in.left) {
		unsigned op = (unsigned)take(&in, 1);
		uint16_t port;
		uint32_t v32;
		uint64_t v64;
		unsigned sz;

		switch (op % 11) {
		case 0: /* port write near a device */
		case 1: /* port read near a device */
			port = (uint16_t)(bases[(op >> 4) % ARRAY_LEN(bases)] + take(&in, 1) % 9);
			sz = sizes[(op >> 2) & 3] == 8 ? 4 : sizes[(op >> 2) & 3];
			v32 = (uint32_t)take(&in, sz);
			vm_pio(vm, port, sz, op % 11 == 0, &v32);
			break;
		case 2: /* MMIO in and around the IOAPIC page */
		case 3:
			v64 = VDEV_IOAPIC_BASE + take(&in, 2) % 0x1010;
			sz = sizes[(op >> 4) & 3];
			{
				uint64_t val = take(&in, sz);
				vm_mmio(vm, v64, sz, op % 11 == 2, &val);
			}
			break;
		case 4:
			v32 = (uint32_t)take(&in, 1);
			vpic_set_irq(pic, v32 & 31, v32 >> 7);
			break;
		case 5:
			(void)vpic_has_output(pic);
			(void)vpic_pending_vector(pic);
			(void)vpic_ack(pic);
			break;
		case 6:
			v32 = (uint32_t)take(&in, 1);
			vioapic_set_irq(ioapic, v32 & 31, v32 >> 7);
			break;
		case 7:
			vioapic_eoi(ioapic, (uint8_t)take(&in, 1));
			break;
		case 8: /* time passes; the core's timer event fires */
			fake_clock_advance(take(&in, 3) << (op >> 5));
			if (vpit_next_event_ns(pit) <= clock_ns())
				vpit_tick(pit, clock_ns());
			if (vrtc_next_event_ns(rtc) <= clock_ns())
				vrtc_tick(rtc, clock_ns());
			break;
		case 9: {
			uint8_t buf[32];
			size_t n = (size_t)(take(&in, 1) % sizeof(buf));
			for (size_t i = 0; i < n; i++)
				buf[i] = (uint8_t)take(&in, 1);
			vuart_input(uart, buf, n);
			break;
		}
		default: /* the clock anywhere, even backwards */
			fake_clock_set(take(&in, 8));
			vpit_tick(pit, clock_ns());
			vrtc_tick(rtc, clock_ns());
			break;
		}
	}

	vacpi_pm_destroy(pm);
	vioapic_destroy(ioapic);
	vpci_host_destroy(pci);
	vrtc_destroy(rtc);
	vpit_destroy(pit);
	vpic_destroy(pic);
	vfw_cfg_destroy(fw);
	vdebug_exit_destroy(dbg);
	vuart_destroy(uart);
	fake_vm_destroy(vm);
	return 0;
}
