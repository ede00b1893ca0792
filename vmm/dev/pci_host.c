/*
 * PCI configuration mechanism #1: a 32-bit address register at 0xcf8 and the
 * data window at 0xcfc-0xcff, with one device behind it, the host bridge at
 * 00:00.0.  Every other bus/device/function reads all ones, which is how
 * software sees an empty slot; config writes land only on the bridge's few
 * writable bytes.
 *
 * The bridge says it is Intel's Q35 MCH (8086:29c0), the one QEMU's q35
 * machine shows, because guests know it and ask nothing of it; its chipset
 * registers (PCIEXBAR, PAM, SMRAM) are not modelled and read 0.
 *
 * 0xcf9 sits inside the window: a byte access there is the reset control
 * register of PIIX/ICH, and setting its reset bit (bit 2) resets the VM.
 * Only 32-bit accesses reach the address register, as on Intel chipsets.
 */
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <vmm/dev.h>

#include "pio_bytes.h"

#define PCI_ADDR   0xcf8
#define PCI_RESET  0xcf9
#define PCI_DATA   0xcfc
#define PCI_NPORTS 8

#define ADDR_ENABLE 0x80000000u
#define ADDR_MASK   0x80fffffcu /* enable, bus, device, function, dword register */

#define RESET_CPU 0x04

struct vpci_host {
	struct vm *vm;
	uint32_t addr;
	uint8_t reset_ctl;
	uint8_t config[256];
	uint8_t wmask[256]; /* writable bits of each config byte */
};

/* The bridge's config byte at reg, or all ones for a BDF with no device. */
static uint8_t config_read(struct vpci_host *h, unsigned reg)
{
	if (!(h->addr & ADDR_ENABLE) || (h->addr & 0x00ffff00))
		return 0xff; /* bus, device and function all 0 is the only device */
	return h->config[reg];
}

static void config_write(struct vpci_host *h, unsigned reg, uint8_t v)
{
	if (!(h->addr & ADDR_ENABLE) || (h->addr & 0x00ffff00))
		return;
	h->config[reg] = (uint8_t)((h->config[reg] & ~h->wmask[reg]) | (v & h->wmask[reg]));
}

/* Byte accesses at 0xcfc-0xcff (offsets 4-7) and 0xcf9 (offset 1). */
static uint8_t byte_read(void *dev, unsigned off)
{
	struct vpci_host *h = dev;

	if (off >= 4)
		return config_read(h, (h->addr & 0xfc) + off - 4);
	if (off == 1)
		return h->reset_ctl;
	return 0xff; /* 0xcf8, 0xcfa, 0xcfb are only reachable as a dword */
}

static void byte_write(void *dev, unsigned off, uint8_t v)
{
	struct vpci_host *h = dev;

	if (off >= 4) {
		config_write(h, (h->addr & 0xfc) + off - 4, v);
	} else if (off == 1) {
		h->reset_ctl = v & 0x0e;
		if (v & RESET_CPU)
			vm_stop(h->vm, VM_STOP_RESET, 0, "reset through port 0xcf9 (0x%02x)", v);
	}
}

static void pci_pio(void *dev, uint16_t port, unsigned size, bool write, uint32_t *val)
{
	struct vpci_host *h = dev;

	if (port == PCI_ADDR && size == 4) {
		if (write)
			h->addr = *val & ADDR_MASK;
		else
			*val = h->addr;
	} else {
		/* Config data: an access past 0xcff is not ours; bytes past the
		 * window read all ones. */
		vdev_pio_bytes(h, PCI_ADDR, PCI_NPORTS, port, size, write, val, byte_read,
			       byte_write);
	}
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void bridge_init(struct vpci_host *h)
{
	uint8_t *c = h->config;

	put16(&c[0x00], 0x8086); /* vendor: Intel */
	put16(&c[0x02], 0x29c0); /* device: Q35 MCH */
	put16(&c[0x04], 0x0006); /* command: memory space, bus master */
	put16(&c[0x06], 0x0000); /* status: no capabilities list */
	c[0x08] = 0x00;		 /* revision */
	c[0x09] = 0x00;		 /* programming interface */
	c[0x0a] = 0x00;		 /* subclass: host bridge */
	c[0x0b] = 0x06;		 /* class: bridge */
	c[0x0e] = 0x00;		 /* header type 0, single function */
	put16(&c[0x2c], 0x1af4); /* subsystem vendor, as QEMU */
	put16(&c[0x2e], 0x1100);
	/* Cache line size and latency timer are scratch bytes on every device. */
	h->wmask[0x0c] = 0xff;
	h->wmask[0x0d] = 0xff;
}

struct vpci_host *vpci_host_create(struct vm *vm)
{
	struct vpci_host *h = kzalloc(sizeof(*h));

	if (!h)
		return NULL;
	h->vm = vm;
	bridge_init(h);
	if (!vm_pio_register(vm, PCI_ADDR, PCI_NPORTS, pci_pio, h)) {
		kfree(h);
		return NULL;
	}
	return h;
}

void vpci_host_destroy(struct vpci_host *h)
{
	kfree(h);
}
