/*
 * The PC a guest sees: COM1, isa-debug-exit, fw_cfg, the 8259 pair, the
 * 8254 PIT, the CMOS RTC, a PCI host bridge, an IOAPIC, a LAPIC per vCPU,
 * the ACPI PM block and the ACPI tables that describe them (RSDP at
 * 0xe0000); and the wiring between them.  ISA IRQ
 * n goes to PIC line n and IOAPIC pin n, except IRQ 0 (the PIT), which the
 * MADT overrides to pin 2 as on real PCs.  The PIC's output reaches vCPU 0
 * through LINT0 when that is in ExtINT mode (virtual wire); the NMI button
 * is wired to every LAPIC's LINT1.
 */
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/time.h>
#include <vmm/dev.h>
#include <vmm/platform.h>

#include "vlapic.h"
#include "vm_impl.h"

struct platform {
	struct vm *vm;
	struct vuart *uart;
	struct vdebug_exit *debug_exit;
	struct vfw_cfg *fw_cfg;
	struct vpic *pic;
	struct vpit *pit;
	struct vrtc *rtc;
	struct vpci_host *pci;
	struct vioapic *ioapic;
	struct vacpi_pm *acpi_pm;
	struct timer_event pit_timer;
	struct timer_event rtc_timer;
};

static void irq_line(void *ctx, unsigned gsi, bool level)
{
	struct platform *p = ctx;

	if (gsi < 16) {
		vpic_set_irq(p->pic, gsi, level);
		if (vpic_has_output(p->pic))
			vcpu_kick(&p->vm->vcpus[0]);
	}
	unsigned pin = gsi == 0 ? 2 : gsi;
	if (pin < VIOAPIC_PINS)
		vioapic_set_irq(p->ioapic, pin, level);
}

static int irq_pending(void *ctx, struct vcpu *vcpu)
{
	struct platform *p = ctx;
	struct vlapic *l = vlapic_of(p->vm, vcpu->id);
	int v = vlapic_pending(l);

	if (v >= 0)
		return v;
	if (vcpu->id == 0 && vlapic_accepts_extint(l) && vpic_has_output(p->pic))
		return vpic_pending_vector(p->pic);
	return -1;
}

static void irq_accept(void *ctx, struct vcpu *vcpu, int vector)
{
	struct platform *p = ctx;
	struct vlapic *l = vlapic_of(p->vm, vcpu->id);

	if (vlapic_pending(l) == vector)
		vlapic_accept(l, vector);
	else
		vpic_ack(p->pic); /* INTA: the PIC moves the request in service */
}

static void eoi_hook(void *ctx, uint8_t vector)
{
	struct platform *p = ctx;

	vioapic_eoi(p->ioapic, vector);
}

static void ioapic_deliver(void *ctx, uint32_t dest, bool logical, uint8_t mode, uint8_t vector,
			   bool level)
{
	struct platform *p = ctx;

	vlapic_deliver(p->vm, dest, logical, mode, vector, level);
}

/* The PIT's next edge, on a host timer event (armed on whichever CPU reprograms it). */
static void pit_timer_fire(struct timer_event *ev)
{
	struct platform *p = container_of(ev, struct platform, pit_timer);
	unsigned long flags = spin_lock_irqsave(&p->vm->dev_lock);
	uint64_t now = clock_ns();

	vpit_tick(p->pit, now);
	uint64_t next = vpit_next_event_ns(p->pit);
	if (next != UINT64_MAX && !p->vm->dying)
		timer_event_arm(&p->pit_timer, MAX(next, now + 100 * NSEC_PER_USEC));
	spin_unlock_irqrestore(&p->vm->dev_lock, flags);
}

/* Arms ev for a device's next event, or cancels it; dev_lock held. */
static void arm_dev_timer(struct platform *p, struct timer_event *ev, uint64_t next)
{
	if (next != UINT64_MAX && !p->vm->dying)
		timer_event_arm(ev, next);
	else
		timer_event_cancel(ev);
}

static void pit_reprogram(void *ctx)
{
	struct platform *p = ctx;

	arm_dev_timer(p, &p->pit_timer, vpit_next_event_ns(p->pit));
}

/* The RTC's next flag that could raise IRQ 8 (its rates stop at 8192 Hz). */
static void rtc_timer_fire(struct timer_event *ev)
{
	struct platform *p = container_of(ev, struct platform, rtc_timer);
	unsigned long flags = spin_lock_irqsave(&p->vm->dev_lock);

	vrtc_tick(p->rtc, clock_ns());
	arm_dev_timer(p, &p->rtc_timer, vrtc_next_event_ns(p->rtc));
	spin_unlock_irqrestore(&p->vm->dev_lock, flags);
}

static void rtc_reprogram(void *ctx)
{
	struct platform *p = ctx;

	arm_dev_timer(p, &p->rtc_timer, vrtc_next_event_ns(p->rtc));
}

bool platform_create(struct vm *vm, char *err, size_t errlen)
{
	struct platform *p = kzalloc(sizeof(*p));

	if (!p) {
		ksnprintf(err, errlen, "out of memory");
		return false;
	}
	vm->platform = p;
	p->vm = vm;
	timer_event_init(&p->pit_timer, pit_timer_fire);
	timer_event_init(&p->rtc_timer, rtc_timer_fire);
	p->uart = vuart_create(vm, VDEV_COM1_BASE, VDEV_COM1_IRQ);
	p->debug_exit = vdebug_exit_create(vm, VDEV_DEBUG_EXIT_BASE);
	p->fw_cfg = vfw_cfg_create(vm);
	p->pic = vpic_create(vm);
	p->pit = vpit_create(vm, pit_reprogram, p);
	p->rtc = vrtc_create(vm, rtc_reprogram, p);
	p->pci = vpci_host_create(vm);
	p->ioapic = vioapic_create(vm, VDEV_IOAPIC_BASE, ioapic_deliver, p);
	p->acpi_pm = vacpi_pm_create(vm);
	if (!p->uart || !p->debug_exit || !p->fw_cfg || !p->pic || !p->pit || !p->rtc || !p->pci ||
	    !p->ioapic || !p->acpi_pm || !vlapic_init_all(vm)) {
		ksnprintf(err, errlen, "cannot create the virtual devices");
		return false;
	}
	vm->irq_ctx = p;
	vm->irq_line = irq_line;
	vm->irq_pending = irq_pending;
	vm->irq_accept = irq_accept;
	vm->eoi_hook = eoi_hook;
	if (!vacpi_tables_build(vm)) {
		ksnprintf(err, errlen, "cannot write the ACPI tables into guest memory");
		return false;
	}
	return true;
}

void platform_nmi(struct vm *vm)
{
	if (!vm->platform)
		return;
	unsigned long flags = spin_lock_irqsave(&vm->dev_lock);
	if (!vm->dying) {
		for (unsigned i = 0; i < vm->nvcpus; i++)
			vlapic_lint1(vlapic_of(vm, i));
	}
	spin_unlock_irqrestore(&vm->dev_lock, flags);
}

void platform_destroy(struct vm *vm)
{
	struct platform *p = vm->platform;

	if (!p)
		return;
	unsigned long flags = spin_lock_irqsave(&vm->dev_lock);
	vm->dying = true;
	spin_unlock_irqrestore(&vm->dev_lock, flags);
	timer_event_cancel(&p->pit_timer);
	timer_event_cancel(&p->rtc_timer);
	vlapic_destroy_all(vm); /* also waits out a PIT or RTC callback in flight */
	/* Device destructors: only what was created. */
	if (p->acpi_pm)
		vacpi_pm_destroy(p->acpi_pm);
	if (p->ioapic)
		vioapic_destroy(p->ioapic);
	if (p->pci)
		vpci_host_destroy(p->pci);
	if (p->rtc)
		vrtc_destroy(p->rtc);
	if (p->pit)
		vpit_destroy(p->pit);
	if (p->pic)
		vpic_destroy(p->pic);
	if (p->fw_cfg)
		vfw_cfg_destroy(p->fw_cfg);
	if (p->debug_exit)
		vdebug_exit_destroy(p->debug_exit);
	if (p->uart)
		vuart_destroy(p->uart);
	kfree(p);
	vm->platform = NULL;
}
