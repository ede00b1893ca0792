/*
 * RSDP -> XSDT (or RSDT) -> tables.  Only tables that pass their checksum and
 * lie entirely inside the direct map are ever handed out.  acpi_init then
 * runs the pure parsers over the tables the kernel needs and keeps what they
 * found in one struct acpi_platform; a bad table is logged and left out.
 */
#include <asm/paging.h>
#include <pallas/acpi.h>
#include <pallas/kernel.h>
#include <pallas/string.h>

struct rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt;
	/* ACPI 2.0+ */
	uint32_t length;
	uint64_t xsdt;
	uint8_t ext_checksum;
	uint8_t reserved[3];
} __attribute__((packed));

#define ACPI_MAX_TABLES 64

static const struct acpi_header *tables[ACPI_MAX_TABLES];
static unsigned ntables;
static const struct acpi_header *root_table;
static const void *rsdp_ptr;
static size_t rsdp_len;
static struct acpi_platform platform;

static bool sum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

/* A pointer to len bytes at physical address pa, if they are all mapped. */
static const void *map(paddr_t pa, uint64_t len)
{
	uint64_t top = paging_direct_map_top();

	if (pa == 0 || len > top || pa > top - len)
		return NULL;
	return phys_to_virt(pa);
}

static const struct acpi_header *map_table(paddr_t pa)
{
	const struct acpi_header *h = map(pa, sizeof(*h));

	if (!h)
		return NULL;
	if (h->length < sizeof(*h) || h->length > ACPI_TABLE_MAX || !map(pa, h->length)) {
		pr_warn("acpi: table at %#lx has a bad length (%u), skipped\n", pa, h->length);
		return NULL;
	}
	if (!sum_ok(h, h->length)) {
		pr_warn("acpi: %.4s at %#lx fails its checksum, skipped\n", h->signature, pa);
		return NULL;
	}
	return h;
}

static void collect(const struct acpi_header *root, size_t entry_size)
{
	size_t n = (root->length - sizeof(*root)) / entry_size;
	const uint8_t *entries = (const uint8_t *)(root + 1);

	for (size_t i = 0; i < n && ntables < ACPI_MAX_TABLES; i++) {
		uint64_t pa = 0;
		memcpy(&pa, entries + i * entry_size, entry_size); /* may be unaligned */
		const struct acpi_header *t = map_table(pa);
		if (t)
			tables[ntables++] = t;
	}
}

/* The DSDT hangs off the FADT rather than the root table; list it too.  The
 * FADT is parsed (and so checked) here already, for its DSDT address; the
 * platform's copy of it is filled later with the other tables. */
static void add_dsdt(void)
{
	const struct acpi_header *fadt = acpi_find("FACP", 0);
	struct acpi_fadt_info f;
	char err[96];

	if (!fadt || ntables == ACPI_MAX_TABLES ||
	    !acpi_parse_fadt(fadt, fadt->length, &f, err, sizeof(err)))
		return;
	const struct acpi_header *dsdt = map_table(f.dsdt);
	if (dsdt && memcmp(dsdt->signature, "DSDT", 4) == 0)
		tables[ntables++] = dsdt;
}

static void parse_madt(void)
{
	const struct acpi_header *t = acpi_find("APIC", 0);
	struct acpi_madt_info *m = &platform.madt;
	char err[96];

	if (!t) {
		pr_warn("acpi: no MADT\n");
		return;
	}
	if (!acpi_parse_madt(t, t->length, m, err, sizeof(err))) {
		pr_warn("acpi: bad MADT: %s, skipped\n", err);
		return;
	}
	platform.has_madt = true;
	unsigned enabled = 0;
	for (unsigned i = 0; i < m->ncpus; i++)
		enabled += m->cpus[i].enabled;
	pr_info("acpi: MADT: %u CPU%s (%u enabled), %u IOAPIC%s, %u override%s, %u NMI%s, "
		"LAPIC at %#lx%s\n",
		m->ncpus, m->ncpus == 1 ? "" : "s", enabled, m->nioapics,
		m->nioapics == 1 ? "" : "s", m->noverrides, m->noverrides == 1 ? "" : "s", m->nnmis,
		m->nnmis == 1 ? "" : "s", m->lapic_address, m->pcat_compat ? ", 8259 PICs" : "");
	if (m->dropped)
		pr_warn("acpi: MADT: %u entries did not fit and were dropped\n", m->dropped);
}

static void parse_fadt(void)
{
	const struct acpi_header *t = acpi_find("FACP", 0);
	struct acpi_fadt_info *f = &platform.fadt;
	char err[96];

	if (!t) {
		pr_warn("acpi: no FADT\n");
		return;
	}
	if (!acpi_parse_fadt(t, t->length, f, err, sizeof(err))) {
		pr_warn("acpi: bad FADT: %s, skipped\n", err);
		return;
	}
	platform.has_fadt = true;
	char reset[48] = "no reset register";
	if (f->has_reset)
		ksnprintf(reset, sizeof(reset), "reset %s %#lx value %#x",
			  f->reset_reg.space == 1 ? "port" : "memory", f->reset_reg.address,
			  f->reset_value);
	pr_info("acpi: FADT rev %u: PM timer at port %#x (%s), SCI %u, PM1a_CNT %#x, %s\n",
		f->revision, f->pm_timer_port, f->pm_timer_32bit ? "32-bit" : "24-bit", f->sci_irq,
		f->pm1a_cnt, reset);
}

static void parse_hpet(void)
{
	const struct acpi_header *t = acpi_find("HPET", 0);
	char err[96];

	if (!t)
		return; /* not every machine has one; the PM timer or the TSC serve */
	if (!acpi_parse_hpet(t, t->length, &platform.hpet, err, sizeof(err))) {
		pr_warn("acpi: bad HPET: %s, skipped\n", err);
		return;
	}
	platform.has_hpet = true;
	pr_info("acpi: HPET %u at %#lx\n", platform.hpet.number, platform.hpet.address);
}

static void parse_mcfg(void)
{
	const struct acpi_header *t = acpi_find("MCFG", 0);
	char err[96];

	if (!t)
		return; /* no PCIe ECAM: PCI configuration goes through ports 0xcf8/0xcfc */
	if (!acpi_parse_mcfg(t, t->length, platform.mcfg, ACPI_MAX_MCFG, &platform.nmcfg, err,
			     sizeof(err))) {
		pr_warn("acpi: bad MCFG: %s, skipped\n", err);
		return;
	}
	for (unsigned i = 0; i < platform.nmcfg; i++) {
		const struct acpi_mcfg_entry *e = &platform.mcfg[i];
		pr_info("acpi: MCFG: segment %u buses %u-%u at %#lx\n", e->segment, e->bus_start,
			e->bus_end, e->base);
	}
}

static void find_s5(void)
{
	const struct acpi_header *dsdt = acpi_find("DSDT", 0);

	if (dsdt && acpi_find_s5((const uint8_t *)(dsdt + 1), dsdt->length - sizeof(*dsdt),
				 &platform.s5_typa, &platform.s5_typb)) {
		platform.has_s5 = true;
		pr_info("acpi: \\_S5 sleep types %u/%u\n", platform.s5_typa, platform.s5_typb);
	} else {
		pr_warn("acpi: no \\_S5 object in the DSDT\n");
	}
}

static void fill_platform(void)
{
	parse_madt();
	parse_fadt();
	parse_hpet();
	parse_mcfg();
	find_s5();
}

bool acpi_init(paddr_t rsdp_pa)
{
	const struct rsdp *r = map(rsdp_pa, 20);

	if (!r || memcmp(r->signature, "RSD PTR ", 8) != 0 || !sum_ok(r, 20)) {
		pr_warn("acpi: no valid RSDP at %#lx\n", rsdp_pa);
		return false;
	}
	const struct acpi_header *root = NULL;
	if (r->revision >= 2 && map(rsdp_pa, sizeof(*r)) && r->length >= sizeof(*r) &&
	    r->length <= 4096 && map(rsdp_pa, r->length) && sum_ok(r, r->length) && r->xsdt) {
		root = map_table(r->xsdt);
		if (root && memcmp(root->signature, "XSDT", 4) == 0)
			collect(root, 8);
		else
			root = NULL;
	}
	if (!root) {
		root = map_table(r->rsdt);
		if (!root || memcmp(root->signature, "RSDT", 4) != 0) {
			pr_warn("acpi: neither XSDT nor RSDT is usable\n");
			return false;
		}
		collect(root, 4);
	}
	add_dsdt();
	root_table = root;
	rsdp_ptr = r;
	/* The 2.0 fields count only when acpi_init checked them, i.e. used the XSDT. */
	rsdp_len = memcmp(root->signature, "XSDT", 4) == 0 ? r->length : 20;
	pr_info("acpi: %.6s, %u tables\n", r->oem_id, ntables);
	fill_platform();
	return true;
}

const struct acpi_header *acpi_find(const char *sig, unsigned index)
{
	for (unsigned i = 0; i < ntables; i++) {
		if (memcmp(tables[i]->signature, sig, 4) == 0 && index-- == 0)
			return tables[i];
	}
	return NULL;
}

const struct acpi_platform *acpi_platform(void)
{
	return &platform;
}

const void *acpi_rsdp(size_t *len)
{
	*len = rsdp_len;
	return rsdp_ptr;
}

const struct acpi_header *acpi_root(void)
{
	return root_table;
}

const struct acpi_header *acpi_table(unsigned index)
{
	return index < ntables ? tables[index] : NULL;
}
