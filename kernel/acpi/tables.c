/*
 * RSDP -> XSDT (or RSDT) -> tables.  Only tables that pass their checksum and
 * lie entirely inside the direct map are ever handed out.
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

/* The DSDT hangs off the FADT rather than the root table; list it too. */
static void add_dsdt(void)
{
	const struct acpi_header *fadt = acpi_find("FACP", 0);
	uint64_t pa = 0;

	if (!fadt || ntables == ACPI_MAX_TABLES)
		return;
	if (fadt->length >= 148)
		memcpy(&pa, (const uint8_t *)fadt + 140, 8); /* X_DSDT */
	if (!pa && fadt->length >= 44)
		memcpy(&pa, (const uint8_t *)fadt + 40, 4); /* DSDT */
	const struct acpi_header *dsdt = map_table(pa);
	if (dsdt && memcmp(dsdt->signature, "DSDT", 4) == 0)
		tables[ntables++] = dsdt;
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
	pr_info("acpi: %.6s, %u tables\n", r->oem_id, ntables);
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
