/*
 * MADT ("APIC"): the interrupt controllers and the CPUs behind them.  The
 * entries are a chain of (type, length) records, and the length is the only
 * thing that moves us forward, so a length below 2 would loop forever and one
 * past the end would read beyond the table: both make the table bad.
 *
 * A CPU, IOAPIC, override or NMI beyond the arrays' capacity is counted in
 * `dropped` and not stored: the table is still good, and the machine runs on
 * what fits (a partial list is better than no interrupt routing at all).
 */
#include "parse.h"

#define MADT_LAPIC_ADDR	 36
#define MADT_FLAGS	 40
#define MADT_ENTRIES	 44
#define MADT_PCAT_COMPAT (1u << 0)

enum {
	MADT_LAPIC = 0,
	MADT_IOAPIC = 1,
	MADT_OVERRIDE = 2,
	MADT_LAPIC_NMI = 4,
	MADT_LAPIC_ADDR_OVERRIDE = 5,
	MADT_X2APIC = 9,
	MADT_X2APIC_NMI = 0xa,
};

#define LAPIC_ENABLED	    (1u << 0)
#define ACPI_UID_ALL_LEGACY 0xff
#define ACPI_UID_ALL	    0xffffffffu

/* The shortest length each known entry type can have; 0 for types we skip. */
static uint8_t min_entry_len(uint8_t type)
{
	switch (type) {
	case MADT_LAPIC:
		return 8;
	case MADT_IOAPIC:
		return 12;
	case MADT_OVERRIDE:
		return 10;
	case MADT_LAPIC_NMI:
		return 6;
	case MADT_LAPIC_ADDR_OVERRIDE:
		return 12;
	case MADT_X2APIC:
		return 16;
	case MADT_X2APIC_NMI:
		return 12;
	default:
		return 0;
	}
}

/* Firmware that lists a CPU as both LAPIC and x2APIC means one CPU, not two. */
static bool have_cpu(const struct acpi_madt_info *m, uint32_t apic_id)
{
	for (unsigned i = 0; i < m->ncpus; i++) {
		if (m->cpus[i].apic_id == apic_id)
			return true;
	}
	return false;
}

static void add_cpu(struct acpi_madt_info *m, uint32_t apic_id, uint32_t uid, uint32_t flags,
		    bool x2apic)
{
	if (have_cpu(m, apic_id))
		return;
	if (m->ncpus == ACPI_MAX_CPUS) {
		m->dropped++;
		return;
	}
	m->cpus[m->ncpus++] = (struct acpi_cpu){
	    .apic_id = apic_id,
	    .uid = uid,
	    .enabled = flags & LAPIC_ENABLED,
	    .x2apic = x2apic,
	};
}

static void add_nmi(struct acpi_madt_info *m, uint32_t uid, uint8_t lint, uint16_t flags)
{
	if (m->nnmis == ACPI_MAX_NMIS) {
		m->dropped++;
		return;
	}
	m->nmis[m->nnmis++] = (struct acpi_lapic_nmi){.uid = uid, .lint = lint, .flags = flags};
}

static void add_entry(struct acpi_madt_info *m, const uint8_t *e)
{
	switch (e[0]) {
	case MADT_LAPIC:
		add_cpu(m, e[3], e[2], acpi_rd32(e, 4), false);
		break;
	case MADT_IOAPIC:
		if (m->nioapics == ACPI_MAX_IOAPICS) {
			m->dropped++;
			break;
		}
		m->ioapics[m->nioapics++] = (struct acpi_ioapic){
		    .id = e[2], .address = acpi_rd32(e, 4), .gsi_base = acpi_rd32(e, 8)};
		break;
	case MADT_OVERRIDE:
		if (m->noverrides == ACPI_MAX_OVERRIDES) {
			m->dropped++;
			break;
		}
		m->overrides[m->noverrides++] = (struct acpi_override){
		    .isa_irq = e[3], .gsi = acpi_rd32(e, 4), .flags = acpi_rd16(e, 8)};
		break;
	case MADT_LAPIC_NMI:
		add_nmi(m, e[2] == ACPI_UID_ALL_LEGACY ? ACPI_UID_ALL : e[2], e[5],
			acpi_rd16(e, 3));
		break;
	case MADT_LAPIC_ADDR_OVERRIDE:
		m->lapic_address = acpi_rd64(e, 4);
		break;
	case MADT_X2APIC:
		add_cpu(m, acpi_rd32(e, 4), acpi_rd32(e, 12), acpi_rd32(e, 8), true);
		break;
	case MADT_X2APIC_NMI:
		add_nmi(m, acpi_rd32(e, 4), e[8], acpi_rd16(e, 2));
		break;
	}
}

bool acpi_parse_madt(const void *table, size_t len, struct acpi_madt_info *out, char *err,
		     size_t errlen)
{
	const uint8_t *p = table;
	size_t tlen;

	memset(out, 0, sizeof(*out));
	if (!acpi_check_table(table, len, "APIC", MADT_ENTRIES, &tlen, err, errlen))
		return false;
	out->lapic_address = acpi_rd32(p, MADT_LAPIC_ADDR);
	out->pcat_compat = acpi_rd32(p, MADT_FLAGS) & MADT_PCAT_COMPAT;

	/* Each pass either stops or moves off by at least 2 bytes, so this ends. */
	for (size_t off = MADT_ENTRIES; off < tlen;) {
		if (tlen - off < 2) {
			ksnprintf(err, errlen, "entry at offset %zu runs past the end", off);
			goto bad;
		}
		uint8_t type = p[off], elen = p[off + 1];
		if (elen < 2) {
			ksnprintf(err, errlen, "entry at offset %zu (type %u) has length %u", off,
				  type, elen);
			goto bad;
		}
		if (elen > tlen - off) {
			ksnprintf(err, errlen,
				  "entry at offset %zu (type %u, length %u) runs past the end", off,
				  type, elen);
			goto bad;
		}
		if (elen < min_entry_len(type)) {
			ksnprintf(err, errlen, "entry at offset %zu (type %u) is too short (%u)",
				  off, type, elen);
			goto bad;
		}
		add_entry(out, p + off);
		off += elen;
	}
	return true;
bad:
	memset(out, 0, sizeof(*out));
	return false;
}
