/*
 * Turning the firmware's memory map into boot_info.mem[].
 *
 * UEFI hands out an array of descriptors whose stride (descriptor_size) may
 * be larger than the structure we know, in any order, possibly overlapping,
 * with one entry per allocation.  The kernel wants few regions, sorted,
 * disjoint, each with one of our own types.  Where firmware entries overlap,
 * the more restrictive type wins: calling firmware memory free is a crash
 * later, calling free memory reserved only wastes it.
 */
#ifndef BOOT_MEMMAP_H
#define BOOT_MEMMAP_H

#include <stddef.h>
#include <stdint.h>

#include <pallas/boot_info.h>

/* The loader's own allocations, in the range UEFI leaves to the OS. */
#define LOADER_MEM_KERNEL    0x80000001u
#define LOADER_MEM_MODULE    0x80000002u
#define LOADER_MEM_BOOT_DATA 0x80000003u

/* EFI_MEMORY_DESCRIPTOR, version 1.  Firmware may append fields. */
struct efi_mem_desc {
	uint32_t type;
	uint32_t pad;
	uint64_t phys_start;
	uint64_t virt_start;
	uint64_t npages; /* 4 KiB pages */
	uint64_t attribute;
};

/* Which boot_mem_type an EFI memory type (or one of ours) becomes. */
uint32_t memmap_type(uint32_t efi_type);

/*
 * Converts the map_size bytes at map (descriptors desc_size apart) into at
 * most max regions at out.  On success returns 0 and sets *count and
 * *usable_bytes (the total of BOOT_MEM_USABLE, i.e. firmware_usable_bytes as
 * boot_info.h defines it).  Returns -1 with a reason in err otherwise.
 */
int memmap_convert(const void *map, size_t map_size, size_t desc_size, struct boot_mem_region *out,
		   uint32_t max, uint32_t *count, uint64_t *usable_bytes, char *err, size_t errlen);

#endif
