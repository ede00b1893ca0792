/*
 * Virtual devices (vmm/dev/).  Each constructor allocates the device,
 * registers its ports or MMIO window on the VM's buses and returns it, or
 * returns NULL (out of memory, or the range is taken).  The buses have no
 * unregister: platform_destroy frees the devices once the vCPUs have stopped,
 * before the VM and its bus tables go.
 *
 * Devices have no locks of their own: every call into one holds the VM's
 * device lock (dev_lock, vmm/core/vm_impl.h), with interrupts off.  Devices
 * call vm_irq_line/vm_irq_pulse, vm_console_write and vm_stop with it held.
 * Callbacks a device makes to the core (the IOAPIC's deliver, the PIT's
 * reprogram) come after its own update, so they may call back into it.
 */
#ifndef VMM_DEV_H
#define VMM_DEV_H

#include <vmm/vm.h>

/* ISA port and IRQ wiring of a PC. */
#define VDEV_COM1_BASE	     0x3f8
#define VDEV_COM1_IRQ	     4
#define VDEV_DEBUG_EXIT_BASE 0xf4
#define VDEV_IOAPIC_BASE     0xfec00000ull

/* uart16550.c: a 16550A UART; transmit goes to the VM's console. */
struct vuart;
struct vuart *vuart_create(struct vm *vm, uint16_t base, unsigned irq);
void vuart_destroy(struct vuart *u);
/* Host-side input (a console); returns how many bytes fit in the RX FIFO. */
size_t vuart_input(struct vuart *u, const void *buf, size_t len);

/* debug_exit.c: QEMU's isa-debug-exit, 4 ports at base. */
struct vdebug_exit;
struct vdebug_exit *vdebug_exit_create(struct vm *vm, uint16_t base);
void vdebug_exit_destroy(struct vdebug_exit *d);

/* fw_cfg.c: QEMU's firmware configuration interface at 0x510-0x511. */
#define VFW_CFG_BASE 0x510
struct vfw_cfg;
struct vfw_cfg *vfw_cfg_create(struct vm *vm);
void vfw_cfg_destroy(struct vfw_cfg *f);

/* pic.c: the i8259 master/slave pair (0x20, 0xa0, ELCR 0x4d0). */
struct vpic;
struct vpic *vpic_create(struct vm *vm);
void vpic_destroy(struct vpic *p);
/* irq 0-15; level is the input line (edge or level per the ELCR). */
void vpic_set_irq(struct vpic *p, unsigned irq, bool level);
/* Whether the master's INT output is asserted. */
bool vpic_has_output(struct vpic *p);
/* The vector INTA would return now, or -1; changes nothing. */
int vpic_pending_vector(struct vpic *p);
/* INTA: the vector (a spurious IRQ 7 or 15 when the request went away). */
int vpic_ack(struct vpic *p);

/* pit.c: the i8254 at 0x40-0x43, and port 0x61 (gate and OUT of channel 2).
 * Channel 0 drives GSI 0 by vm_irq_pulse.  The core arms a host timer event
 * for vpit_next_event_ns() and calls vpit_tick() from it; reprogram (may be
 * NULL) tells it when channel 0 changed, so it re-reads the next event. */
#define VPIT_HZ 1193182ull
struct vpit;
struct vpit *vpit_create(struct vm *vm, void (*reprogram)(void *ctx), void *ctx);
void vpit_destroy(struct vpit *p);
/* clock_ns() time of channel 0's next IRQ edge; UINT64_MAX when none. */
uint64_t vpit_next_event_ns(struct vpit *p);
/* Delivers the edge due by now_ns (missed periods coalesce into one). */
void vpit_tick(struct vpit *p, uint64_t now_ns);

/* rtc.c: the MC146818 RTC and CMOS RAM at 0x70-0x71.  Its periodic, alarm
 * and update interrupts drive GSI 8 by vm_irq_line.  As with the PIT, the
 * core arms a host timer event for vrtc_next_event_ns() and calls
 * vrtc_tick() from it; reprogram (may be NULL) says the next event moved. */
struct vrtc;
struct vrtc *vrtc_create(struct vm *vm, void (*reprogram)(void *ctx), void *ctx);
void vrtc_destroy(struct vrtc *r);
/* clock_ns() time at which IRQ 8 may next rise; UINT64_MAX when it cannot. */
uint64_t vrtc_next_event_ns(struct vrtc *r);
/* Sets the flags due by now_ns and drives the line. */
void vrtc_tick(struct vrtc *r, uint64_t now_ns);

/* pci_host.c: PCI configuration mechanism #1 at 0xcf8-0xcff with a host
 * bridge at 00:00.0, and the reset control register at 0xcf9. */
struct vpci_host;
struct vpci_host *vpci_host_create(struct vm *vm);
void vpci_host_destroy(struct vpci_host *h);

/* ioapic.c: a 24-pin IOAPIC (version 0x11) at base. */
#define VIOAPIC_PINS 24
typedef void (*vioapic_deliver_fn)(void *ctx, uint32_t dest, bool logical, uint8_t mode,
				   uint8_t vector, bool level);
struct vioapic;
struct vioapic *vioapic_create(struct vm *vm, uint64_t base, vioapic_deliver_fn deliver, void *ctx);
void vioapic_destroy(struct vioapic *io);
/* pin 0-23; level is the logical (asserted) state, whatever the polarity bit. */
void vioapic_set_irq(struct vioapic *io, unsigned pin, bool level);
/* The local APIC's EOI broadcast for a level-triggered vector. */
void vioapic_eoi(struct vioapic *io, uint8_t vector);

/* acpi_pm.c: the ACPI PM1a event/control blocks and PM timer at 0x600. */
#define VACPI_PM_BASE	 0x600
#define VACPI_S5_SLP_TYP 5 /* the DSDT's \_S5 value; PM1a_CNT SLP_TYP 5 powers off */
struct vacpi_pm;
struct vacpi_pm *vacpi_pm_create(struct vm *vm);
void vacpi_pm_destroy(struct vacpi_pm *pm);

/* acpi_tables.c: RSDP (at VACPI_RSDP_ADDR, where a BIOS-area scan finds it),
 * RSDT, XSDT, FADT, FACS, DSDT and MADT for this VM's vCPUs and the devices
 * above, written into guest memory; false when that memory is not RAM. */
#define VACPI_RSDP_ADDR 0xe0000ull
bool vacpi_tables_build(struct vm *vm);

#endif
