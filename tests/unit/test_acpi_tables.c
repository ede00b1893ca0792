/*
 * The MADT, FADT, HPET and MCFG parsers on tables recorded from QEMU q35,
 * QEMU i440fx and Bochs (tests/unit/fixtures/acpi, tools/acpi-record), and on
 * hostile variants of them built here.  Every table is handed to the parser
 * in a buffer of exactly its size, so ASan catches any read past the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pallas/acpi.h>

#include "unit.h"

#define FIXTURES "tests/unit/fixtures/acpi"

struct blob {
	uint8_t *p;
	size_t len;
};

static struct blob load(const char *platform, const char *sig)
{
	char path[256];
	snprintf(path, sizeof(path), FIXTURES "/%s/%s.bin", platform, sig);
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f, "cannot open %s (tests run from the repository root)", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	ck_assert_int_gt(n, 0);
	rewind(f);
	struct blob b = {malloc((size_t)n), (size_t)n};
	ck_assert_uint_eq(fread(b.p, 1, b.len, f), b.len);
	fclose(f);
	return b;
}

/* A copy of the first len bytes in a buffer of exactly that size. */
static uint8_t *exact_copy(const uint8_t *p, size_t len)
{
	uint8_t *c = malloc(len ? len : 1);
	memcpy(c, p, len);
	return c;
}

static void put32(uint8_t *p, size_t off, uint32_t v)
{
	memcpy(p + off, &v, 4);
}

static void put64(uint8_t *p, size_t off, uint64_t v)
{
	memcpy(p + off, &v, 8);
}

/* Sets the header length to len and makes the checksum right again. */
static void reseal(uint8_t *p, uint32_t len)
{
	uint8_t sum = 0;
	put32(p, 4, len);
	p[9] = 0;
	for (uint32_t i = 0; i < len; i++)
		sum += p[i];
	p[9] = (uint8_t)-sum;
}

static struct acpi_madt_info madt;
static struct acpi_fadt_info fadt;
static struct acpi_hpet_info hpet;
static char err[128];

static void parse_madt_ok(const char *platform)
{
	struct blob b = load(platform, "APIC");
	err[0] = 0;
	ck_assert_msg(acpi_parse_madt(b.p, b.len, &madt, err, sizeof(err)), "%s: %s", platform,
		      err);
	free(b.p);
}

static void parse_fadt_ok(const char *platform)
{
	struct blob b = load(platform, "FACP");
	err[0] = 0;
	ck_assert_msg(acpi_parse_fadt(b.p, b.len, &fadt, err, sizeof(err)), "%s: %s", platform,
		      err);
	free(b.p);
}

/* ------------------------------------------------------------ MADT, recorded */

/* QEMU on both chipsets: CPUs 0..n-1 with UIDs equal to their APIC IDs, the
 * IOAPIC at 0xfec00000 from GSI 0, IRQ0 on GSI2 and the PCI IRQs 5, 9, 10, 11
 * level-triggered active-high, LINT1 as NMI on every CPU. */
static void check_qemu_madt(unsigned ncpus)
{
	ck_assert_uint_eq(madt.lapic_address, 0xfee00000);
	ck_assert(madt.pcat_compat);
	ck_assert_uint_eq(madt.ncpus, ncpus);
	ck_assert_uint_eq(madt.dropped, 0);
	for (unsigned i = 0; i < ncpus; i++) {
		ck_assert_uint_eq(madt.cpus[i].apic_id, i);
		ck_assert_uint_eq(madt.cpus[i].uid, i);
		ck_assert(madt.cpus[i].enabled);
		ck_assert(!madt.cpus[i].x2apic);
	}
	ck_assert_uint_eq(madt.nioapics, 1);
	ck_assert_uint_eq(madt.ioapics[0].id, 0);
	ck_assert_uint_eq(madt.ioapics[0].address, 0xfec00000);
	ck_assert_uint_eq(madt.ioapics[0].gsi_base, 0);
	static const struct acpi_override want[] = {
	    {0, 2, 0}, {5, 5, 0xd}, {9, 9, 0xd}, {10, 10, 0xd}, {11, 11, 0xd}};
	ck_assert_uint_eq(madt.noverrides, 5);
	for (unsigned i = 0; i < 5; i++) {
		ck_assert_uint_eq(madt.overrides[i].isa_irq, want[i].isa_irq);
		ck_assert_uint_eq(madt.overrides[i].gsi, want[i].gsi);
		ck_assert_uint_eq(madt.overrides[i].flags, want[i].flags);
	}
	ck_assert_uint_eq(madt.nnmis, 1);
	ck_assert_uint_eq(madt.nmis[0].uid, 0xffffffff);
	ck_assert_uint_eq(madt.nmis[0].lint, 1);
	ck_assert_uint_eq(madt.nmis[0].flags, 0);
}

START_TEST(madt_q35)
{
	parse_madt_ok("q35");
	check_qemu_madt(4);
}
END_TEST

START_TEST(madt_i440fx)
{
	parse_madt_ok("i440fx");
	check_qemu_madt(2);
}
END_TEST

START_TEST(madt_bochs)
{
	parse_madt_ok("bochs");
	ck_assert_uint_eq(madt.lapic_address, 0xfee00000);
	ck_assert(madt.pcat_compat);
	ck_assert_uint_eq(madt.ncpus, 2);
	ck_assert_uint_eq(madt.cpus[0].apic_id, 0);
	ck_assert_uint_eq(madt.cpus[1].apic_id, 1);
	ck_assert(madt.cpus[0].enabled && madt.cpus[1].enabled);
	ck_assert_uint_eq(madt.nioapics, 1);
	ck_assert_uint_eq(madt.ioapics[0].id, 2); /* Bochs numbers it after the CPUs */
	ck_assert_uint_eq(madt.ioapics[0].address, 0xfec00000);
	ck_assert_uint_eq(madt.ioapics[0].gsi_base, 0);
	ck_assert_uint_eq(madt.noverrides, 1);
	ck_assert_uint_eq(madt.overrides[0].isa_irq, 0);
	ck_assert_uint_eq(madt.overrides[0].gsi, 2);
	ck_assert_uint_eq(madt.nnmis, 0);
}
END_TEST

/* ------------------------------------------------------------ FADT, recorded */

START_TEST(fadt_q35)
{
	parse_fadt_ok("q35");
	ck_assert_uint_eq(fadt.revision, 3);
	ck_assert_uint_eq(fadt.pm_timer_port, 0x608);
	ck_assert(!fadt.pm_timer_32bit); /* TMR_VAL_EXT clear, whatever X_PM_TMR's width */
	ck_assert_uint_eq(fadt.sci_irq, 9);
	ck_assert_uint_eq(fadt.pm1a_cnt, 0x604);
	ck_assert_uint_eq(fadt.pm1b_cnt, 0);
	ck_assert_uint_eq(fadt.smi_cmd, 0xb2);
	ck_assert_uint_eq(fadt.acpi_enable, 0x02);
	ck_assert(fadt.has_reset);
	ck_assert_uint_eq(fadt.reset_reg.space, 1);
	ck_assert_uint_eq(fadt.reset_reg.address, 0xcf9);
	ck_assert_uint_eq(fadt.reset_value, 0x0f);
	ck_assert_uint_eq(fadt.iapc_boot_arch, 0x2); /* 8042 present */
	ck_assert_uint_eq(fadt.century, 0x32);
	ck_assert_uint_eq(fadt.dsdt, 0x1f779000);
}
END_TEST

START_TEST(fadt_i440fx)
{
	parse_fadt_ok("i440fx");
	ck_assert_uint_eq(fadt.revision, 1);
	ck_assert_uint_eq(fadt.pm_timer_port, 0xb008);
	ck_assert(!fadt.pm_timer_32bit);
	ck_assert_uint_eq(fadt.sci_irq, 9);
	ck_assert_uint_eq(fadt.pm1a_cnt, 0xb004);
	ck_assert_uint_eq(fadt.smi_cmd, 0xb2);
	ck_assert_uint_eq(fadt.acpi_enable, 0xf1);
	ck_assert(!fadt.has_reset); /* a 116-byte table has no reset register */
	ck_assert_uint_eq(fadt.century, 0x32);
	ck_assert_uint_eq(fadt.dsdt, 0x1f77a000);
}
END_TEST

START_TEST(fadt_bochs)
{
	parse_fadt_ok("bochs");
	ck_assert_uint_eq(fadt.revision, 1);
	ck_assert_uint_eq(fadt.pm_timer_port, 0xb008);
	ck_assert(!fadt.pm_timer_32bit);
	ck_assert_uint_eq(fadt.sci_irq, 9);
	ck_assert_uint_eq(fadt.pm1a_cnt, 0xb004);
	ck_assert_uint_eq(fadt.smi_cmd, 0xb2);
	ck_assert_uint_eq(fadt.acpi_enable, 0xf1);
	ck_assert(!fadt.has_reset);
	ck_assert_uint_eq(fadt.century, 0);
	ck_assert_uint_eq(fadt.dsdt, 0x1fff0100);
}
END_TEST

/* ------------------------------------------------------ HPET, MCFG, DSDT, recorded */

START_TEST(hpet_everywhere)
{
	static const char *const platforms[] = {"q35", "i440fx", "bochs"};
	for (size_t i = 0; i < 3; i++) {
		struct blob b = load(platforms[i], "HPET");
		ck_assert_msg(acpi_parse_hpet(b.p, b.len, &hpet, err, sizeof(err)), "%s: %s",
			      platforms[i], err);
		ck_assert_uint_eq(hpet.address, 0xfed00000);
		ck_assert_uint_eq(hpet.number, 0);
		free(b.p);
	}
}
END_TEST

START_TEST(mcfg_q35)
{
	struct blob b = load("q35", "MCFG");
	struct acpi_mcfg_entry e[ACPI_MAX_MCFG];
	unsigned n = 99;
	ck_assert_msg(acpi_parse_mcfg(b.p, b.len, e, ACPI_MAX_MCFG, &n, err, sizeof(err)), "%s",
		      err);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(e[0].base, 0xb0000000);
	ck_assert_uint_eq(e[0].segment, 0);
	ck_assert_uint_eq(e[0].bus_start, 0);
	ck_assert_uint_eq(e[0].bus_end, 255);
	free(b.p);
}
END_TEST

START_TEST(s5_in_every_dsdt)
{
	static const char *const platforms[] = {"q35", "i440fx", "bochs"};
	for (size_t i = 0; i < 3; i++) {
		struct blob b = load(platforms[i], "DSDT");
		uint8_t a = 9, c = 9;
		ck_assert_msg(acpi_find_s5(b.p + sizeof(struct acpi_header),
					   b.len - sizeof(struct acpi_header), &a, &c),
			      "%s", platforms[i]);
		ck_assert_uint_eq(a, 0); /* QEMU's and Bochs's PIIX4/ICH9 PM: SLP_TYP 0 is S5 */
		ck_assert_uint_eq(c, 0);
		free(b.p);
	}
}
END_TEST

/* ------------------------------------------------------------ hostile tables */

/* Every cut of every recorded table is refused with a reason, never overread. */
START_TEST(truncated_everywhere)
{
	static const char *const files[][2] = {
	    {"q35", "APIC"},	{"q35", "FACP"},    {"q35", "HPET"},   {"q35", "MCFG"},
	    {"i440fx", "APIC"}, {"i440fx", "FACP"}, {"bochs", "APIC"}, {"bochs", "FACP"}};
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		struct blob b = load(files[f][0], files[f][1]);
		for (size_t n = 0; n < b.len; n++) {
			uint8_t *c = exact_copy(b.p, n);
			struct acpi_mcfg_entry e[2];
			unsigned cnt = 7;
			bool ok;
			err[0] = 0;
			switch (files[f][1][0]) {
			case 'A':
				ok = acpi_parse_madt(c, n, &madt, err, sizeof(err));
				ck_assert_uint_eq(madt.ncpus, 0); /* left zeroed */
				break;
			case 'F':
				ok = acpi_parse_fadt(c, n, &fadt, err, sizeof(err));
				break;
			case 'H':
				ok = acpi_parse_hpet(c, n, &hpet, err, sizeof(err));
				break;
			default:
				ok = acpi_parse_mcfg(c, n, e, 2, &cnt, err, sizeof(err));
				ck_assert_uint_eq(cnt, 0);
				break;
			}
			ck_assert_msg(!ok, "%s/%s accepted at %zu bytes", files[f][0], files[f][1],
				      n);
			ck_assert(err[0]);
			if (n >= sizeof(struct acpi_header))
				ck_assert_msg(strstr(err, "truncated"), "%zu: %s", n, err);
			free(c);
		}
		free(b.p);
	}
}
END_TEST

START_TEST(bad_checksum)
{
	struct blob b = load("q35", "APIC");
	b.p[50] ^= 0x40;
	ck_assert(!acpi_parse_madt(b.p, b.len, &madt, err, sizeof(err)));
	ck_assert(strstr(err, "checksum"));
	free(b.p);
	b = load("q35", "FACP");
	b.p[200] += 1;
	ck_assert(!acpi_parse_fadt(b.p, b.len, &fadt, err, sizeof(err)));
	ck_assert(strstr(err, "checksum"));
	free(b.p);
}
END_TEST

START_TEST(wrong_signature)
{
	struct blob b = load("q35", "HPET");
	ck_assert(!acpi_parse_madt(b.p, b.len, &madt, err, sizeof(err)));
	ck_assert(strstr(err, "signature"));
	free(b.p);
}
END_TEST

/* The q35 MADT's first entry starts at 44; its 11 entries end at 144. */
START_TEST(madt_entry_length_zero_or_one)
{
	for (uint8_t l = 0; l < 2; l++) {
		struct blob b = load("q35", "APIC");
		b.p[44 + 8 + 1] = l; /* the second LAPIC entry */
		reseal(b.p, (uint32_t)b.len);
		err[0] = 0;
		ck_assert(!acpi_parse_madt(b.p, b.len, &madt, err, sizeof(err)));
		ck_assert_msg(strstr(err, "offset 52"), "%s", err);
		ck_assert_uint_eq(madt.ncpus, 0);
		free(b.p);
	}
}
END_TEST

START_TEST(madt_entry_past_end)
{
	struct blob b = load("q35", "APIC");
	ck_assert_uint_eq(b.len, 144);
	b.p[138 + 1] = 7; /* the last entry (LAPIC NMI, 6 bytes at 138) claims 7 */
	reseal(b.p, (uint32_t)b.len);
	ck_assert(!acpi_parse_madt(b.p, b.len, &madt, err, sizeof(err)));
	ck_assert_msg(strstr(err, "past the end"), "%s", err);
	free(b.p);

	/* The header cuts the last entry short; the buffer has all of it. */
	b = load("q35", "APIC");
	reseal(b.p, 142);
	ck_assert(!acpi_parse_madt(b.p, b.len, &madt, err, sizeof(err)));
	ck_assert_msg(strstr(err, "past the end"), "%s", err);
	/* ...and so short that not even a type and length fit. */
	reseal(b.p, 139);
	ck_assert(!acpi_parse_madt(b.p, b.len, &madt, err, sizeof(err)));
	ck_assert_msg(strstr(err, "past the end"), "%s", err);
	free(b.p);
}
END_TEST

START_TEST(madt_known_entry_too_short)
{
	/* A 6-byte IOAPIC entry would have its address read from the next entry. */
	struct blob b = load("q35", "APIC");
	uint8_t *p = malloc(b.len);
	memcpy(p, b.p, 76);			    /* header and 4 LAPICs */
	p[76] = 1, p[77] = 6, memset(p + 78, 0, 4); /* short IOAPIC */
	memcpy(p + 82, b.p + 88, b.len - 88);	    /* the rest */
	reseal(p, (uint32_t)(b.len - 6));
	ck_assert(!acpi_parse_madt(p, b.len - 6, &madt, err, sizeof(err)));
	ck_assert_msg(strstr(err, "too short"), "%s", err);
	free(p);
	free(b.p);
}
END_TEST

START_TEST(madt_unknown_types_skipped)
{
	struct blob b = load("q35", "APIC");
	size_t len = b.len + 5 + 3;
	uint8_t *p = malloc(len);
	memcpy(p, b.p, b.len);
	/* An unknown type of length 5, then a type 0x7f of length 3 that would
	 * be a LAPIC if its type were misread. */
	memcpy(p + b.len, (uint8_t[]){0x42, 5, 0xff, 0xff, 0xff}, 5);
	memcpy(p + b.len + 5, (uint8_t[]){0x7f, 3, 0x00}, 3);
	reseal(p, (uint32_t)len);
	ck_assert_msg(acpi_parse_madt(p, len, &madt, err, sizeof(err)), "%s", err);
	check_qemu_madt(4);
	free(p);
	free(b.p);
}
END_TEST

static size_t add_x2apic(uint8_t *p, size_t off, uint32_t id, uint32_t flags)
{
	p[off] = 9, p[off + 1] = 16, p[off + 2] = p[off + 3] = 0;
	put32(p, off + 4, id);
	put32(p, off + 8, flags);
	put32(p, off + 12, id + 1000);
	return off + 16;
}

/*
 * More CPUs than ACPI_MAX_CPUS: the table is good, the first 256 are kept
 * and the rest counted in `dropped`, and nothing is written past the arrays
 * (the struct is followed by a guard the test checks).
 */
START_TEST(madt_too_many_cpus)
{
	enum { N = 300, NOVR = 40 };
	size_t len = 44 + 8 + N * 16 + NOVR * 10;
	uint8_t *p = calloc(1, len);
	memcpy(p, "APIC", 4);
	p[8] = 5;
	put32(p, 36, 0xfee00000);
	size_t off = 44;
	p[off] = 0, p[off + 1] = 8, p[off + 2] = 0, p[off + 3] = 7; /* LAPIC, APIC ID 7 */
	put32(p, off + 4, 1);
	off += 8;
	for (uint32_t i = 0; i < N; i++)
		off = add_x2apic(p, off, 7 + i, i & 1); /* ID 7 again first: a duplicate */
	for (uint32_t i = 0; i < NOVR; i++, off += 10) {
		p[off] = 2, p[off + 1] = 10, p[off + 3] = (uint8_t)i;
		put32(p, off + 4, 100 + i);
	}
	ck_assert_uint_eq(off, len);
	reseal(p, (uint32_t)len);

	static struct {
		struct acpi_madt_info m;
		uint8_t guard[64];
	} s;
	memset(s.guard, 0xa5, sizeof(s.guard));
	ck_assert_msg(acpi_parse_madt(p, len, &s.m, err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(s.m.ncpus, ACPI_MAX_CPUS);
	ck_assert_uint_eq(s.m.cpus[0].apic_id, 7);
	ck_assert(!s.m.cpus[0].x2apic); /* the LAPIC entry came first and stays */
	ck_assert(s.m.cpus[0].enabled);
	ck_assert_uint_eq(s.m.cpus[1].apic_id, 8);
	ck_assert(s.m.cpus[1].x2apic);
	ck_assert_uint_eq(s.m.cpus[1].uid, 1008);
	ck_assert(s.m.cpus[1].enabled);
	ck_assert(!s.m.cpus[2].enabled);
	ck_assert_uint_eq(s.m.cpus[ACPI_MAX_CPUS - 1].apic_id, 7 + ACPI_MAX_CPUS - 1);
	ck_assert_uint_eq(s.m.noverrides, ACPI_MAX_OVERRIDES);
	ck_assert_uint_eq(s.m.overrides[ACPI_MAX_OVERRIDES - 1].gsi, 100 + ACPI_MAX_OVERRIDES - 1);
	/* 300 x2APIC entries, one a duplicate: 299 new CPUs + 1 LAPIC = 300. */
	ck_assert_uint_eq(s.m.dropped, (N - ACPI_MAX_CPUS) + (NOVR - ACPI_MAX_OVERRIDES));
	for (size_t i = 0; i < sizeof(s.guard); i++)
		ck_assert_uint_eq(s.guard[i], 0xa5);
	free(p);
}
END_TEST

START_TEST(madt_lapic_address_override)
{
	struct blob b = load("bochs", "APIC");
	size_t len = b.len + 12;
	uint8_t *p = malloc(len);
	memcpy(p, b.p, b.len);
	p[b.len] = 5, p[b.len + 1] = 12, p[b.len + 2] = p[b.len + 3] = 0;
	put64(p, b.len + 4, 0x123456789000ull);
	reseal(p, (uint32_t)len);
	ck_assert_msg(acpi_parse_madt(p, len, &madt, err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(madt.lapic_address, 0x123456789000ull);
	ck_assert_uint_eq(madt.ncpus, 2);
	free(p);
	free(b.p);
}
END_TEST

/* The q35 FADT cut back to what ACPI 1.0 had: no reset register, no X_ fields. */
START_TEST(fadt_revision1_short)
{
	struct blob b = load("q35", "FACP");
	uint8_t *p = exact_copy(b.p, 116);
	p[8] = 1;
	reseal(p, 116);
	ck_assert_msg(acpi_parse_fadt(p, 116, &fadt, err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(fadt.revision, 1);
	ck_assert_uint_eq(fadt.pm_timer_port, 0x608);
	ck_assert_uint_eq(fadt.pm1a_cnt, 0x604);
	ck_assert(!fadt.has_reset); /* the flag says yes, but the register is not there */
	ck_assert_uint_eq(fadt.iapc_boot_arch, 0); /* reserved before revision 2 */
	ck_assert_uint_eq(fadt.dsdt, 0x1f779000);
	free(p);

	/* Shorter than ACPI 1.0's FADT: refused, even with a good checksum. */
	p = exact_copy(b.p, 100);
	p[8] = 1;
	reseal(p, 100);
	err[0] = 0;
	ck_assert(!acpi_parse_fadt(p, 100, &fadt, err, sizeof(err)));
	ck_assert(err[0]);
	ck_assert_uint_eq(fadt.pm_timer_port, 0);
	free(p);
	free(b.p);
}
END_TEST

START_TEST(fadt_prefers_x_fields)
{
	struct blob b = load("q35", "FACP");
	put64(b.p, 208 + 4, 0x1234); /* X_PM_TMR_BLK */
	put64(b.p, 172 + 4, 0x2000); /* X_PM1a_CNT_BLK */
	put64(b.p, 140, 0x7654321000ull);
	b.p[112 + 1] |= 1; /* TMR_VAL_EXT */
	reseal(b.p, (uint32_t)b.len);
	ck_assert(acpi_parse_fadt(b.p, b.len, &fadt, err, sizeof(err)));
	ck_assert_uint_eq(fadt.pm_timer_port, 0x1234);
	ck_assert(fadt.pm_timer_32bit);
	ck_assert_uint_eq(fadt.pm1a_cnt, 0x2000);
	ck_assert_uint_eq(fadt.dsdt, 0x7654321000ull);

	/* Empty X_ fields leave the 32-bit ones in force. */
	memset(b.p + 208, 0, 12);
	memset(b.p + 172, 0, 12);
	put64(b.p, 140, 0);
	reseal(b.p, (uint32_t)b.len);
	ck_assert(acpi_parse_fadt(b.p, b.len, &fadt, err, sizeof(err)));
	ck_assert_uint_eq(fadt.pm_timer_port, 0x608);
	ck_assert_uint_eq(fadt.pm1a_cnt, 0x604);
	ck_assert_uint_eq(fadt.dsdt, 0x1f779000);

	/* A reset register in PCI configuration space is not one we can use. */
	b.p[116] = 2;
	reseal(b.p, (uint32_t)b.len);
	ck_assert(acpi_parse_fadt(b.p, b.len, &fadt, err, sizeof(err)));
	ck_assert(!fadt.has_reset);
	free(b.p);
}
END_TEST

START_TEST(hpet_in_io_space)
{
	struct blob b = load("q35", "HPET");
	b.p[40] = 1;
	reseal(b.p, (uint32_t)b.len);
	err[0] = 0;
	ck_assert(!acpi_parse_hpet(b.p, b.len, &hpet, err, sizeof(err)));
	ck_assert(err[0]);
	ck_assert_uint_eq(hpet.address, 0);
	free(b.p);
}
END_TEST

START_TEST(mcfg_hostile)
{
	struct blob b = load("q35", "MCFG");
	struct acpi_mcfg_entry e[4];
	unsigned n;

	/* Trailing bytes that are not a whole entry. */
	uint8_t *p = calloc(1, b.len + 8);
	memcpy(p, b.p, b.len);
	reseal(p, (uint32_t)b.len + 8);
	ck_assert(!acpi_parse_mcfg(p, b.len + 8, e, 4, &n, err, sizeof(err)));
	ck_assert(strstr(err, "multiple"));
	ck_assert_uint_eq(n, 0);
	free(p);

	/* Buses running backwards. */
	p = exact_copy(b.p, b.len);
	p[44 + 10] = 9, p[44 + 11] = 3;
	reseal(p, (uint32_t)b.len);
	ck_assert(!acpi_parse_mcfg(p, b.len, e, 4, &n, err, sizeof(err)));
	ck_assert(err[0]);
	free(p);

	/* Three good entries, room for two: bounded, and the table is still good. */
	p = calloc(1, 44 + 48);
	memcpy(p, b.p, 44);
	for (int i = 0; i < 3; i++) {
		memcpy(p + 44 + 16 * i, b.p + 44, 16);
		p[44 + 16 * i + 8] = (uint8_t)i; /* segment */
	}
	reseal(p, 44 + 48);
	e[2].base = 0x1111;
	ck_assert(acpi_parse_mcfg(p, 44 + 48, e, 2, &n, err, sizeof(err)));
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(e[1].segment, 1);
	ck_assert_uint_eq(e[2].base, 0x1111); /* untouched past max */
	free(p);
	free(b.p);
}
END_TEST

UNIT_SUITE(acpi_tables_suite)
{
	Suite *s = suite_create("acpi_tables");
	TCase *rec = tcase_create("recorded");
	tcase_add_test(rec, madt_q35);
	tcase_add_test(rec, madt_i440fx);
	tcase_add_test(rec, madt_bochs);
	tcase_add_test(rec, fadt_q35);
	tcase_add_test(rec, fadt_i440fx);
	tcase_add_test(rec, fadt_bochs);
	tcase_add_test(rec, hpet_everywhere);
	tcase_add_test(rec, mcfg_q35);
	tcase_add_test(rec, s5_in_every_dsdt);
	suite_add_tcase(s, rec);
	TCase *bad = tcase_create("hostile");
	tcase_add_test(bad, truncated_everywhere);
	tcase_add_test(bad, bad_checksum);
	tcase_add_test(bad, wrong_signature);
	tcase_add_test(bad, madt_entry_length_zero_or_one);
	tcase_add_test(bad, madt_entry_past_end);
	tcase_add_test(bad, madt_known_entry_too_short);
	tcase_add_test(bad, madt_unknown_types_skipped);
	tcase_add_test(bad, madt_too_many_cpus);
	tcase_add_test(bad, madt_lapic_address_override);
	tcase_add_test(bad, fadt_revision1_short);
	tcase_add_test(bad, fadt_prefers_x_fields);
	tcase_add_test(bad, hpet_in_io_space);
	tcase_add_test(bad, mcfg_hostile);
	suite_add_tcase(s, bad);
	return s;
}
