/*
 * The ACPI tables of a VM, built in a buffer and copied into guest memory at
 * 0xe0000 (the BIOS area a legacy RSDP scan covers; a UEFI loader is given
 * the address).  They describe what vmm/dev provides:
 *   MADT  one enabled local APIC per vCPU (APIC ID = UID = index), the IOAPIC
 *         at VDEV_IOAPIC_BASE with GSI base 0, ISA IRQ 0 on GSI 2, the SCI
 *         (IRQ 9) level/active-high, LINT1 as NMI, PC-AT PICs present;
 *   FADT  revision 6: the PM blocks and 32-bit PM timer of acpi_pm.c, reset
 *         through port 0xcf9 (pci_host.c), RTC century at CMOS 0x32, no SMI
 *         command port (always in ACPI mode), no 8042, no VGA;
 *   DSDT  only \_S5, so an OS can power off; no devices are enumerated.
 * An RSDT beside the XSDT serves guests that only know ACPI 1.0.
 */
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/string.h>
#include <vmm/dev.h>

/* Layout inside the area, each table aligned. */
#define AREA_SIZE 0x400
#define OFF_RSDP  0x000
#define OFF_RSDT  0x040
#define OFF_XSDT  0x080
#define OFF_FACS  0x0c0 /* 64-byte aligned, as the spec requires */
#define OFF_FADT  0x100
#define OFF_DSDT  0x240
#define OFF_MADT  0x280

#define HDR_LEN	 36
#define FADT_LEN 276
#define FACS_LEN 64

#define SCI_IRQ 9

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint8_t checksum(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return (uint8_t)-sum;
}

static void header(uint8_t *t, const char *sig, uint8_t rev)
{
	memcpy(t, sig, 4);
	t[8] = rev;
	memcpy(t + 10, "PALLAS", 6);
	memcpy(t + 16, "PALLASVM", 8);
	put32(t + 24, 1);
	memcpy(t + 28, "PLAS", 4);
	put32(t + 32, 1);
}

/* Sets the length and the checksum last, once the table is complete. */
static void seal(uint8_t *t, uint32_t len)
{
	put32(t + 4, len);
	t[9] = 0;
	t[9] = checksum(t, len);
}

/* A Generic Address Structure for an I/O port. */
static void gas_io(uint8_t *g, uint8_t bits, uint8_t access, uint64_t port)
{
	g[0] = 1;
	g[1] = bits;
	g[2] = 0;
	g[3] = access;
	put64(g + 4, port);
}

static uint32_t build_madt(uint8_t *t, unsigned vcpus)
{
	uint8_t *e = t + HDR_LEN + 8;

	header(t, "APIC", 4);
	put32(t + HDR_LEN, 0xfee00000);
	put32(t + HDR_LEN + 4, 1); /* PCAT_COMPAT */
	for (unsigned i = 0; i < vcpus; i++, e += 8) {
		e[0] = 0; /* processor local APIC */
		e[1] = 8;
		e[2] = (uint8_t)i;
		e[3] = (uint8_t)i;
		put32(e + 4, 1); /* enabled */
	}
	e[0] = 1; /* IOAPIC */
	e[1] = 12;
	e[2] = (uint8_t)vcpus; /* an ID after the CPUs' */
	e[3] = 0;
	put32(e + 4, (uint32_t)VDEV_IOAPIC_BASE);
	put32(e + 8, 0);
	e += 12;
	e[0] = 2; /* interrupt source override: IRQ 0 -> GSI 2 */
	e[1] = 10;
	e[2] = 0;
	e[3] = 0;
	put32(e + 4, 2);
	put16(e + 8, 0);
	e += 10;
	e[0] = 2; /* the SCI: level, active high */
	e[1] = 10;
	e[2] = 0;
	e[3] = SCI_IRQ;
	put32(e + 4, SCI_IRQ);
	put16(e + 8, 0x000d);
	e += 10;
	e[0] = 4; /* local APIC NMI on LINT1, every processor */
	e[1] = 6;
	e[2] = 0xff;
	put16(e + 3, 0);
	e[5] = 1;
	e += 6;
	uint32_t len = (uint32_t)(e - t);
	seal(t, len);
	return len;
}

static void build_fadt(uint8_t *t, uint32_t facs, uint32_t dsdt)
{
	header(t, "FACP", 6);
	put32(t + 36, facs);
	put32(t + 40, dsdt);
	put16(t + 46, SCI_IRQ);
	put32(t + 56, VACPI_PM_BASE);	  /* PM1a_EVT_BLK */
	put32(t + 64, VACPI_PM_BASE + 4); /* PM1a_CNT_BLK */
	put32(t + 76, VACPI_PM_BASE + 8); /* PM_TMR_BLK */
	t[88] = 4;			  /* PM1_EVT_LEN */
	t[89] = 2;			  /* PM1_CNT_LEN */
	t[91] = 4;			  /* PM_TMR_LEN */
	put16(t + 96, 101);		  /* C2 latency > 100: no C2 */
	put16(t + 98, 1001);		  /* C3 latency > 1000: no C3 */
	t[108] = 0x32;			  /* RTC century register */
	put16(t + 109, 0x0004);		  /* IAPC_BOOT_ARCH: no VGA; no 8042 */
	/* WBINVD, PROC_C1, PWR_BUTTON and SLP_BUTTON absent, TMR_VAL_EXT, RESET_REG_SUP */
	put32(t + 112, 0x0001 | 0x0004 | 0x0010 | 0x0020 | 0x0100 | 0x0400);
	gas_io(t + 116, 8, 1, 0xcf9);
	t[128] = 0x06; /* reset value: CPU reset, system reset */
	put64(t + 140, dsdt);
	gas_io(t + 148, 32, 2, VACPI_PM_BASE);
	gas_io(t + 172, 16, 2, VACPI_PM_BASE + 4);
	gas_io(t + 208, 32, 3, VACPI_PM_BASE + 8);
	memcpy(t + 268, "PALLASHV", 8); /* hypervisor vendor identity */
	seal(t, FADT_LEN);
}

static uint32_t build_dsdt(uint8_t *t)
{
	/* Name (_S5, Package (4) { S5, S5, 0, 0 }) */
	static const uint8_t aml[] = {0x08, '_',
				      'S',  '5',
				      '_',  0x12,
				      0x08, 0x04,
				      0x0a, VACPI_S5_SLP_TYP,
				      0x0a, VACPI_S5_SLP_TYP,
				      0x00, 0x00};

	header(t, "DSDT", 2);
	memcpy(t + HDR_LEN, aml, sizeof(aml));
	uint32_t len = HDR_LEN + sizeof(aml);
	seal(t, len);
	return len;
}

bool vacpi_tables_build(struct vm *vm)
{
	uint8_t *a = kzalloc(AREA_SIZE);
	uint64_t base = VACPI_RSDP_ADDR;
	unsigned vcpus = vm_vcpu_count(vm);

	if (!a)
		return false;
	if (vcpus > VM_MAX_VCPUS)
		vcpus = VM_MAX_VCPUS; /* the MADT area is sized for these */

	uint32_t madt_len = build_madt(a + OFF_MADT, vcpus);
	build_dsdt(a + OFF_DSDT);
	build_fadt(a + OFF_FADT, (uint32_t)(base + OFF_FACS), (uint32_t)(base + OFF_DSDT));

	uint8_t *facs = a + OFF_FACS;
	memcpy(facs, "FACS", 4);
	put32(facs + 4, FACS_LEN);
	facs[32] = 2; /* version */

	uint8_t *rsdt = a + OFF_RSDT;
	header(rsdt, "RSDT", 1);
	put32(rsdt + HDR_LEN, (uint32_t)(base + OFF_FADT));
	put32(rsdt + HDR_LEN + 4, (uint32_t)(base + OFF_MADT));
	seal(rsdt, HDR_LEN + 8);

	uint8_t *xsdt = a + OFF_XSDT;
	header(xsdt, "XSDT", 1);
	put64(xsdt + HDR_LEN, base + OFF_FADT);
	put64(xsdt + HDR_LEN + 8, base + OFF_MADT);
	seal(xsdt, HDR_LEN + 16);

	uint8_t *rsdp = a + OFF_RSDP;
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "PALLAS", 6);
	rsdp[15] = 2;
	put32(rsdp + 16, (uint32_t)(base + OFF_RSDT));
	put32(rsdp + 20, 36);
	put64(rsdp + 24, base + OFF_XSDT);
	rsdp[8] = checksum(rsdp, 20);
	rsdp[32] = checksum(rsdp, 36);

	bool ok = OFF_MADT + madt_len <= AREA_SIZE && vm_gpa_write(vm, base, a, AREA_SIZE);
	kfree(a);
	return ok;
}
