/*
 * The ACPI fixed hardware the FADT of acpi_tables.c points at, at 0x600:
 * PM1a event block (status, enable) at 0x600, PM1a control at 0x604 and the
 * PM timer at 0x608, the layout of ICH9's PMBASE in QEMU's q35.
 *
 * There is no SMI command port, so the hardware is always in ACPI mode
 * (SCI_EN reads 1).  Sleeping with SLP_TYP 5 (the DSDT's \_S5) powers the VM
 * off; other sleep states are ignored.  No event ever sets a status bit, so
 * the SCI is never raised: no power button, no timer overflow interrupt.
 */
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/time.h>
#include <vmm/dev.h>

#include "pio_bytes.h"

#define PM_NPORTS 12
#define PM_HZ	  3579545ull

#define OFF_STS 0x0
#define OFF_EN	0x2
#define OFF_CNT 0x4
#define OFF_TMR 0x8

#define CNT_SCI_EN	  0x0001
#define CNT_SLP_TYP_SHIFT 10
#define CNT_SLP_EN	  0x2000
#define CNT_RW		  0x1c06 /* BM_RLD, GBL_RLS and SLP_TYP keep what is written */

struct vacpi_pm {
	struct vm *vm;
	uint16_t sts, en, cnt;
	uint32_t tmr; /* the timer, sampled once per access so bytes agree */
};

static uint32_t pm_timer(void)
{
	uint64_t ns = clock_ns();
	uint64_t t = (ns / NSEC_PER_SEC) * PM_HZ + (ns % NSEC_PER_SEC) * PM_HZ / NSEC_PER_SEC;
	return (uint32_t)t; /* 32 bits: the FADT says TMR_VAL_EXT */
}

static uint8_t pm_read(void *dev, unsigned off)
{
	struct vacpi_pm *pm = dev;
	unsigned shift = 8 * (off & 1);

	switch (off & ~1u) {
	case OFF_STS:
		return (uint8_t)(pm->sts >> shift);
	case OFF_EN:
		return (uint8_t)(pm->en >> shift);
	case OFF_CNT:
		return (uint8_t)((pm->cnt | CNT_SCI_EN) >> shift);
	case OFF_TMR:
	case OFF_TMR + 2:
		return (uint8_t)(pm->tmr >> (8 * (off - OFF_TMR)));
	default:
		return 0xff;
	}
}

static void pm_write(void *dev, unsigned off, uint8_t v)
{
	struct vacpi_pm *pm = dev;
	unsigned shift = 8 * (off & 1);
	uint16_t v16 = (uint16_t)(v << shift), byte = (uint16_t)(0xff << shift);

	switch (off & ~1u) {
	case OFF_STS:
		pm->sts &= ~v16; /* write one to clear */
		break;
	case OFF_EN:
		pm->en = (pm->en & ~byte) | v16;
		break;
	case OFF_CNT:
		pm->cnt = (pm->cnt & ~byte) | (v16 & CNT_RW);
		if ((v16 & CNT_SLP_EN) && ((pm->cnt >> CNT_SLP_TYP_SHIFT) & 7) == VACPI_S5_SLP_TYP)
			vm_stop(pm->vm, VM_STOP_POWER_OFF, 0, "ACPI S5 (PM1a_CNT 0x%04x)", pm->cnt);
		break;
	default:
		break; /* the timer is read-only */
	}
}

static void pm_pio(void *dev, uint16_t port, unsigned size, bool write, uint32_t *val)
{
	struct vacpi_pm *pm = dev;

	pm->tmr = pm_timer();
	vdev_pio_bytes(pm, VACPI_PM_BASE, PM_NPORTS, port, size, write, val, pm_read, pm_write);
}

struct vacpi_pm *vacpi_pm_create(struct vm *vm)
{
	struct vacpi_pm *pm = kzalloc(sizeof(*pm));

	if (!pm)
		return NULL;
	pm->vm = vm;
	if (!vm_pio_register(vm, VACPI_PM_BASE, PM_NPORTS, pm_pio, pm)) {
		kfree(pm);
		return NULL;
	}
	return pm;
}

void vacpi_pm_destroy(struct vacpi_pm *pm)
{
	kfree(pm);
}
