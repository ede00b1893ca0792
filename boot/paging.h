/*
 * The page tables the kernel starts on (boot_info.h, "handoff contract"):
 * [0, top) identity-mapped and again at BOOT_DIRECT_MAP_BASE, and the kernel
 * image at its link address.  top covers the memory map, the framebuffer and
 * at least 4 GiB (the local APIC, IOAPIC and PCI windows live below it).
 */
#ifndef BOOT_PAGING_H
#define BOOT_PAGING_H

#include "kernel_elf.h"
#include "loader.h"

/* Beyond this the direct map would run into the kernel's half. */
#define PAGING_MAX_TOP (64ULL << 40)

/*
 * Builds the tables in BOOT_DATA memory from bi->mem (a snapshot of the
 * memory map), bi->fb and the kernel's placement.  Sets *cr3 and *top.
 */
EFI_STATUS paging_build(const struct boot_info *bi, const struct kelf_plan *plan, uint64_t *cr3,
			uint64_t *top);

#endif
