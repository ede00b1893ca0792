/* The VM's ACPI tables, read back from guest memory and parsed by the
 * kernel's own parsers; and the PM block they point at. */
#include <string.h>

#include <pallas/acpi.h>
#include <vmm/dev.h>

#include "fake_vm.h"
#include "unit.h"

static struct vm *vm;

static void setup(void)
{
	fake_clock_set(0);
	vm = fake_vm_create(4, 256 << 20);
}

static void teardown(void)
{
	fake_vm_destroy(vm);
}

static uint32_t rd32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	while (n--)
		s += *p++;
	return s;
}

/* A table from guest memory, in a buffer of exactly its length. */
static uint8_t *table_at(uint64_t gpa, const char *sig, uint32_t *len)
{
	uint8_t hdr[36];
	ck_assert(vm_gpa_read(vm, gpa, hdr, sizeof(hdr)));
	ck_assert_mem_eq(hdr, sig, 4);
	*len = rd32(hdr + 4);
	ck_assert_uint_ge(*len, 36);
	static uint8_t bufs[8][1024];
	static unsigned next;
	uint8_t *t = bufs[next++ % 8];
	ck_assert_uint_le(*len, sizeof(bufs[0]));
	ck_assert(vm_gpa_read(vm, gpa, t, *len));
	if (memcmp(sig, "FACS", 4) != 0) /* the FACS has no checksum */
		ck_assert_uint_eq(sum(t, *len), 0);
	return t;
}

START_TEST(test_tables_parse)
{
	ck_assert(vacpi_tables_build(vm));
	uint8_t rsdp[36];
	ck_assert(vm_gpa_read(vm, VACPI_RSDP_ADDR, rsdp, sizeof(rsdp)));
	ck_assert_mem_eq(rsdp, "RSD PTR ", 8);
	ck_assert_uint_eq(sum(rsdp, 20), 0);
	ck_assert_uint_eq(sum(rsdp, 36), 0);
	ck_assert_uint_eq(rsdp[15], 2);

	uint32_t len;
	uint8_t *xsdt = table_at(rd64(rsdp + 24), "XSDT", &len);
	ck_assert_uint_eq(len, 36 + 16);
	uint8_t *rsdt = table_at(rd32(rsdp + 16), "RSDT", &len);
	ck_assert_uint_eq(rd32(rsdt + 36), rd64(xsdt + 36));
	ck_assert_uint_eq(rd32(rsdt + 40), rd64(xsdt + 44));

	char err[128];
	uint32_t flen;
	uint8_t *fadt = table_at(rd64(xsdt + 36), "FACP", &flen);
	struct acpi_fadt_info fi;
	ck_assert_msg(acpi_parse_fadt(fadt, flen, &fi, err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(fi.pm_timer_port, VACPI_PM_BASE + 8);
	ck_assert(fi.pm_timer_32bit);
	ck_assert_uint_eq(fi.pm1a_cnt, VACPI_PM_BASE + 4);
	ck_assert_uint_eq(fi.sci_irq, 9);
	ck_assert(fi.has_reset);
	ck_assert_uint_eq(fi.reset_reg.address, 0xcf9);
	ck_assert_uint_eq(fi.reset_value, 6);
	ck_assert_uint_eq(fi.century, 0x32);

	uint8_t *dsdt = table_at(fi.dsdt, "DSDT", &len);
	uint8_t a, b;
	ck_assert(acpi_find_s5(dsdt + 36, len - 36, &a, &b));
	ck_assert_uint_eq(a, VACPI_S5_SLP_TYP);

	uint8_t *facs = table_at(rd32(fadt + 36), "FACS", &len);
	ck_assert_uint_eq(len, 64);
	(void)facs;

	uint32_t mlen;
	uint8_t *madt = table_at(rd64(xsdt + 44), "APIC", &mlen);
	static struct acpi_madt_info mi;
	ck_assert_msg(acpi_parse_madt(madt, mlen, &mi, err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(mi.ncpus, 4);
	for (unsigned i = 0; i < 4; i++) {
		ck_assert_uint_eq(mi.cpus[i].apic_id, i);
		ck_assert(mi.cpus[i].enabled);
	}
	ck_assert_uint_eq(mi.nioapics, 1);
	ck_assert_uint_eq(mi.ioapics[0].address, VDEV_IOAPIC_BASE);
	ck_assert_uint_eq(mi.ioapics[0].gsi_base, 0);
	ck_assert_uint_eq(mi.noverrides, 2);
	ck_assert_uint_eq(mi.overrides[0].isa_irq, 0);
	ck_assert_uint_eq(mi.overrides[0].gsi, 2);
	ck_assert(mi.pcat_compat);
	ck_assert_uint_eq(mi.lapic_address, 0xfee00000);
}
END_TEST

START_TEST(test_tables_max_cpus_and_no_ram)
{
	struct vm *big = fake_vm_create(VM_MAX_VCPUS, 1 << 30);
	ck_assert(vacpi_tables_build(big));
	fake_vm_destroy(big);
	/* 512 KiB of RAM: 0xe0000 is not RAM. */
	struct vm *small = fake_vm_create(1, 512 << 10);
	ck_assert(!vacpi_tables_build(small));
	fake_vm_destroy(small);
}
END_TEST

START_TEST(test_pm_timer_and_s5)
{
	struct vacpi_pm *pm = vacpi_pm_create(vm);
	ck_assert_ptr_nonnull(pm);
	ck_assert_uint_eq(fake_inl(vm, 0x608), 0);
	fake_clock_set(1000000000ull);
	ck_assert_uint_eq(fake_inl(vm, 0x608), 3579545);
	ck_assert_uint_eq(fake_inw(vm, 0x60a), 3579545 >> 16);
	ck_assert_uint_eq(fake_inw(vm, 0x604) & 1, 1); /* SCI_EN */
	fake_outl(vm, 0x608, 0);		       /* read-only */
	ck_assert_uint_eq(fake_inl(vm, 0x608), 3579545);
	fake_outw(vm, 0x602, 0x0121);
	ck_assert_uint_eq(fake_inw(vm, 0x602), 0x0121);
	fake_outw(vm, 0x600, 0xffff);
	ck_assert_uint_eq(fake_inw(vm, 0x600), 0);
	/* S3 is ignored; S5 powers off. */
	fake_outw(vm, 0x604, (3 << 10) | 0x2000);
	ck_assert_ptr_null(vm_stopped(vm));
	fake_outw(vm, 0x604, (VACPI_S5_SLP_TYP << 10) | 0x2000);
	ck_assert_ptr_nonnull(vm_stopped(vm));
	ck_assert_int_eq(vm_stopped(vm)->reason, VM_STOP_POWER_OFF);
	/* Hostile widths at every port. */
	for (uint16_t port = 0x600; port < 0x60c; port++) {
		fake_outl(vm, port, 0xdfffffff);
		(void)fake_inl(vm, port);
	}
	ck_assert_uint_eq(fake_inl(vm, 0x60a) >> 16, 0xffff);
	vacpi_pm_destroy(pm);
}
END_TEST

UNIT_SUITE(vdev_acpi_suite)
{
	Suite *s = suite_create("vdev_acpi");
	TCase *tc = tcase_create("acpi");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_tables_parse);
	tcase_add_test(tc, test_tables_max_cpus_and_no_ram);
	tcase_add_test(tc, test_pm_timer_and_s5);
	suite_add_tcase(s, tc);
	return s;
}
