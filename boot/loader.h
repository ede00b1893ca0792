/*
 * What the UEFI-side files of the loader share: the firmware's tables, kept
 * from efi_main's arguments, and the gnu-efi headers, set up so that EFIAPI
 * function pointers are called directly (GNU_EFI_USE_MS_ABI, see build.mk).
 */
#ifndef BOOT_LOADER_H
#define BOOT_LOADER_H

#include <efi.h>
#include <stdbool.h>
#include <stdint.h>

#include <pallas/boot_info.h>

extern EFI_HANDLE g_image;
extern EFI_SYSTEM_TABLE *g_st;
extern EFI_BOOT_SERVICES *g_bs;

#define PAGE_SIZE ((uint64_t)4096)
#define KiB	  ((uint64_t)1 << 10)
#define MiB	  ((uint64_t)1 << 20)
#define GiB	  ((uint64_t)1 << 30)

static inline uint64_t pages_for(uint64_t bytes)
{
	return (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* The direct-map address the kernel will see for a physical address. */
static inline uint64_t direct_map(uint64_t phys)
{
	return BOOT_DIRECT_MAP_BASE + phys;
}

#endif
