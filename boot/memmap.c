/* The UEFI memory map -> boot_info.mem[]; see memmap.h for the rules. */
#include <stdbool.h>

#include "fmt.h"
#include "memmap.h"

/* EFI_MEMORY_TYPE values (UEFI 2.10, table 7.10). */
enum {
	EFI_RESERVED = 0,
	EFI_LOADER_CODE = 1,
	EFI_LOADER_DATA = 2,
	EFI_BOOT_SERVICES_CODE = 3,
	EFI_BOOT_SERVICES_DATA = 4,
	EFI_RUNTIME_SERVICES_CODE = 5,
	EFI_RUNTIME_SERVICES_DATA = 6,
	EFI_CONVENTIONAL = 7,
	EFI_UNUSABLE = 8,
	EFI_ACPI_RECLAIM = 9,
	EFI_ACPI_NVS = 10,
	EFI_MMIO = 11,
	EFI_MMIO_PORT_SPACE = 12,
	EFI_PAL_CODE = 13,
	EFI_PERSISTENT = 14,
};

#define PAGE_SIZE 4096ULL
#define PAGE_MASK (PAGE_SIZE - 1)
/* Regions end below the last page of the address space (the kernel rejects a
 * region whose end wraps to 0). */
#define ADDR_LIMIT (~0ULL - PAGE_MASK)

uint32_t memmap_type(uint32_t efi_type)
{
	switch (efi_type) {
	case EFI_CONVENTIONAL:
	case EFI_BOOT_SERVICES_CODE:
	case EFI_BOOT_SERVICES_DATA:
	case EFI_LOADER_CODE:
	case EFI_LOADER_DATA:
		return BOOT_MEM_USABLE;
	case EFI_RUNTIME_SERVICES_CODE:
	case EFI_RUNTIME_SERVICES_DATA:
		return BOOT_MEM_FW_RUNTIME;
	case EFI_ACPI_RECLAIM:
		return BOOT_MEM_ACPI_RECLAIM;
	case EFI_ACPI_NVS:
		return BOOT_MEM_ACPI_NVS;
	case EFI_UNUSABLE:
		return BOOT_MEM_UNUSABLE;
	case EFI_MMIO:
	case EFI_MMIO_PORT_SPACE:
		return BOOT_MEM_MMIO;
	case EFI_PERSISTENT:
		return BOOT_MEM_PERSISTENT;
	case LOADER_MEM_KERNEL:
		return BOOT_MEM_KERNEL;
	case LOADER_MEM_MODULE:
		return BOOT_MEM_MODULE;
	case LOADER_MEM_BOOT_DATA:
		return BOOT_MEM_BOOT_DATA;
	default: /* Reserved, PalCode, Unaccepted, OEM and OS types we do not know */
		return BOOT_MEM_RESERVED;
	}
}

/*
 * How much a claim on memory restricts its use; on overlap the higher rank
 * wins.  Free memory yields to everything; our own allocations yield to
 * anything the firmware or the hardware keeps; plain "reserved" beats all.
 */
static int rank(uint32_t type)
{
	switch (type) {
	case BOOT_MEM_USABLE:
		return 0;
	case BOOT_MEM_ACPI_RECLAIM:
		return 1;
	case BOOT_MEM_BOOT_DATA:
		return 2;
	case BOOT_MEM_MODULE:
		return 3;
	case BOOT_MEM_KERNEL:
		return 4;
	case BOOT_MEM_PERSISTENT:
		return 5;
	case BOOT_MEM_FW_RUNTIME:
		return 6;
	case BOOT_MEM_ACPI_NVS:
		return 7;
	case BOOT_MEM_UNUSABLE:
		return 8;
	case BOOT_MEM_MMIO:
		return 9;
	default:
		return 10;
	}
}

/* The regions built so far: sorted by base, disjoint. */
struct regions {
	struct boot_mem_region *r;
	uint32_t n, max;
};

static uint64_t end_of(const struct boot_mem_region *r)
{
	return r->base + r->length;
}

static bool insert_at(struct regions *rs, uint32_t i, uint64_t base, uint64_t end, uint32_t type)
{
	if (rs->n == rs->max)
		return false;
	for (uint32_t j = rs->n; j > i; j--)
		rs->r[j] = rs->r[j - 1];
	rs->r[i] = (struct boot_mem_region){base, end - base, type, 0};
	rs->n++;
	return true;
}

/* Like insert_at, but grows a neighbour of the same type when one touches:
 * a full table must still take memory that extends what it has. */
static bool place(struct regions *rs, uint32_t i, uint64_t base, uint64_t end, uint32_t type)
{
	if (i > 0 && end_of(&rs->r[i - 1]) == base && rs->r[i - 1].type == type) {
		rs->r[i - 1].length += end - base;
		return true;
	}
	if (i < rs->n && rs->r[i].base == end && rs->r[i].type == type) {
		rs->r[i].base = base;
		rs->r[i].length += end - base;
		return true;
	}
	return insert_at(rs, i, base, end, type);
}

/* Cuts region i in two at addr (strictly inside it). */
static bool split_at(struct regions *rs, uint32_t i, uint64_t addr)
{
	uint64_t end = end_of(&rs->r[i]);
	if (!insert_at(rs, i + 1, addr, end, rs->r[i].type))
		return false;
	rs->r[i].length = addr - rs->r[i].base;
	return true;
}

/*
 * Adds [base, end) of the given type: the parts nothing covers yet get the
 * type, the parts already covered get whichever type ranks higher.
 */
static bool add(struct regions *rs, uint64_t base, uint64_t end, uint32_t type)
{
	uint64_t cur = base;

	while (cur < end) {
		uint32_t i = 0;
		while (i < rs->n && end_of(&rs->r[i]) <= cur)
			i++;
		if (i == rs->n || rs->r[i].base >= end)
			return place(rs, i, cur, end, type);
		if (rs->r[i].base > cur) {
			/* A gap before region i: ours alone. */
			uint64_t gap_end = rs->r[i].base;
			if (!place(rs, i, cur, gap_end, type))
				return false;
			cur = gap_end;
			continue;
		}
		/* Region i covers cur. */
		uint64_t stop = end_of(&rs->r[i]) < end ? end_of(&rs->r[i]) : end;
		if (rank(type) > rank(rs->r[i].type)) {
			if (rs->r[i].base < cur) {
				if (!split_at(rs, i, cur))
					return false;
				i++;
			}
			if (stop < end_of(&rs->r[i]) && !split_at(rs, i, stop))
				return false;
			rs->r[i].type = type;
		}
		cur = stop;
	}
	return true;
}

/* Joins neighbours that touch and have the same type. */
static void merge(struct regions *rs)
{
	uint32_t o = 0;

	for (uint32_t i = 0; i < rs->n; i++) {
		if (o > 0 && end_of(&rs->r[o - 1]) == rs->r[i].base &&
		    rs->r[o - 1].type == rs->r[i].type)
			rs->r[o - 1].length += rs->r[i].length;
		else
			rs->r[o++] = rs->r[i];
	}
	rs->n = o;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bvsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int memmap_convert(const void *map, size_t map_size, size_t desc_size, struct boot_mem_region *out,
		   uint32_t max, uint32_t *count, uint64_t *usable_bytes, char *err, size_t errlen)
{
	struct regions rs = {out, 0, max};
	const unsigned char *p = map;

	if (desc_size < sizeof(struct efi_mem_desc))
		return fail(err, errlen, "memory map descriptor size %zu is smaller than %zu",
			    desc_size, sizeof(struct efi_mem_desc));

	for (size_t off = 0; map_size - off >= desc_size; off += desc_size) {
		struct efi_mem_desc d;
		const unsigned char *s = p + off;
		unsigned char *t = (unsigned char *)&d;
		for (size_t k = 0; k < sizeof(d); k++)
			t[k] = s[k];

		uint32_t type = memmap_type(d.type);
		uint64_t base = d.phys_start;
		uint64_t end = base >= ADDR_LIMIT || d.npages > (ADDR_LIMIT - base) / PAGE_SIZE
				   ? ADDR_LIMIT
				   : base + d.npages * PAGE_SIZE;
		/* UEFI promises 4 KiB granularity; if it breaks that promise,
		 * round free memory inwards and everything else outwards. */
		if (type == BOOT_MEM_USABLE) {
			base = base > ADDR_LIMIT - PAGE_MASK ? ADDR_LIMIT
							     : (base + PAGE_MASK) & ~PAGE_MASK;
			end &= ~PAGE_MASK;
		} else {
			base &= ~PAGE_MASK;
			end = (end + PAGE_MASK) & ~PAGE_MASK;
		}
		if (end <= base)
			continue;
		if (!add(&rs, base, end, type))
			return fail(err, errlen, "the memory map has more than %u regions", max);
		merge(&rs);
	}

	uint64_t usable = 0;
	for (uint32_t i = 0; i < rs.n; i++)
		if (rs.r[i].type == BOOT_MEM_USABLE)
			usable += rs.r[i].length;
	*count = rs.n;
	*usable_bytes = usable;
	return 0;
}
