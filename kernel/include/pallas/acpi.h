/*
 * ACPI tables (kernel/acpi/).  Tables are firmware input: every pointer is
 * checked against the direct map, every length bounded, every checksum
 * verified; a bad table is reported and skipped.
 */
#ifndef PALLAS_ACPI_H
#define PALLAS_ACPI_H

#include <pallas/types.h>

struct acpi_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

#define ACPI_TABLE_MAX (16u << 20) /* no sane table is larger */

/* Finds the root table from the RSDP; false when there is no usable ACPI. */
bool acpi_init(paddr_t rsdp);
/* The index-th valid table with this signature, or NULL. */
const struct acpi_header *acpi_find(const char *sig, unsigned index);

/* kernel/acpi/s5.c: the \_S5 sleep type values from DSDT AML (pure, unit-tested). */
bool acpi_find_s5(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb);

/* kernel/acpi/sleep.c: enter S5 (soft off); returns only on failure. */
void acpi_poweroff(void);

/*
 * What the kernel needs to know of the platform, parsed from MADT, FADT,
 * HPET and MCFG by pure functions (kernel/acpi/{madt,fadt,hpet,mcfg}.c) that
 * the unit tests run on recorded tables.  acpi_platform() is filled in by
 * acpi_init(); a table that is absent or bad leaves its part zero (has_* false).
 */
#define ACPI_MAX_CPUS	   256
#define ACPI_MAX_IOAPICS   16
#define ACPI_MAX_OVERRIDES 32
#define ACPI_MAX_NMIS	   16
#define ACPI_MAX_MCFG	   16

struct acpi_gas {      /* Generic Address Structure */
	uint8_t space; /* 0 memory, 1 I/O port */
	uint8_t bit_width, bit_offset, access_size;
	uint64_t address;
};

struct acpi_cpu {
	uint32_t apic_id;
	uint32_t uid; /* ACPI processor UID, what NMI entries refer to */
	bool enabled; /* false: present but not usable (may be hot-added) */
	bool x2apic;  /* listed by an x2APIC entry */
};

struct acpi_ioapic {
	uint32_t id;
	uint32_t address;
	uint32_t gsi_base;
};

struct acpi_override { /* an ISA IRQ that is not identity-mapped to its GSI */
	uint8_t isa_irq;
	uint32_t gsi;
	uint16_t flags; /* MPS INTI flags: polarity bits 0-1, trigger mode bits 2-3 */
};

struct acpi_lapic_nmi {
	uint32_t uid; /* 0xffffffff: all processors */
	uint8_t lint; /* 0 or 1 */
	uint16_t flags;
};

struct acpi_madt_info {
	uint64_t lapic_address;
	bool pcat_compat; /* there is a legacy PIC pair to mask */
	unsigned ncpus, nioapics, noverrides, nnmis;
	unsigned dropped; /* entries that did not fit in the arrays below */
	struct acpi_cpu cpus[ACPI_MAX_CPUS];
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	struct acpi_override overrides[ACPI_MAX_OVERRIDES];
	struct acpi_lapic_nmi nmis[ACPI_MAX_NMIS];
};

struct acpi_fadt_info {
	uint8_t revision;
	uint32_t flags;		/* the FADT's feature flags */
	uint32_t pm_timer_port; /* 0: none */
	bool pm_timer_32bit;
	uint16_t sci_irq;
	uint16_t pm1a_cnt, pm1b_cnt;
	uint16_t smi_cmd;
	uint8_t acpi_enable;
	bool has_reset;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t iapc_boot_arch; /* bit 1: 8042 present, ... */
	uint64_t dsdt;		 /* physical address */
	uint8_t century;
};

struct acpi_hpet_info {
	uint64_t address;
	uint8_t number;
	uint16_t min_tick;
};

struct acpi_mcfg_entry {
	uint64_t base;
	uint16_t segment;
	uint8_t bus_start, bus_end;
};

struct acpi_platform {
	bool has_madt, has_fadt, has_hpet;
	struct acpi_madt_info madt;
	struct acpi_fadt_info fadt;
	struct acpi_hpet_info hpet;
	unsigned nmcfg;
	struct acpi_mcfg_entry mcfg[ACPI_MAX_MCFG];
	uint8_t s5_typa, s5_typb;
	bool has_s5;
};

const struct acpi_platform *acpi_platform(void);

/* Each parser takes one whole table (header included, len = what is mapped),
 * checks signature, length, checksum and every entry's bounds; on error it
 * writes a one-line reason to err and returns false, leaving *out zeroed. */
bool acpi_parse_madt(const void *table, size_t len, struct acpi_madt_info *out, char *err,
		     size_t errlen);
bool acpi_parse_fadt(const void *table, size_t len, struct acpi_fadt_info *out, char *err,
		     size_t errlen);
bool acpi_parse_hpet(const void *table, size_t len, struct acpi_hpet_info *out, char *err,
		     size_t errlen);
bool acpi_parse_mcfg(const void *table, size_t len, struct acpi_mcfg_entry *out, unsigned max,
		     unsigned *count, char *err, size_t errlen);

/* kernel/acpi/reset.c: reset through the FADT reset register (then 0xcf9, then
 * the keyboard controller); returns only on failure. */
void acpi_reset(void);

/* kernel/acpi/dump.c: every table (and the RSDP) as hex lines in the log, for
 * tools/acpi-record: `acpidump: SIG OFFS: <up to 32 hex bytes>`. */
void acpi_dump(void);

/* What acpi_init found, for acpi_dump: the RSDP (and its length), the root
 * table, and the index-th of all the tables it kept (NULL past the end). */
const void *acpi_rsdp(size_t *len);
const struct acpi_header *acpi_root(void);
const struct acpi_header *acpi_table(unsigned index);

#endif
