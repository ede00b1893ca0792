/*
 * struct boot_info: everything a loader (the UEFI loader in boot/, later the
 * Multiboot2 entry) hands to the kernel.  It is plain data with no firmware
 * pointers, so it stays valid after ExitBootServices.  Arrays are fixed-size so
 * that neither side has to allocate or chase pointers.
 *
 * Handoff contract (loader -> kernel entry, see docs/architecture.md):
 *  - long mode, interrupts off, boot services exited;
 *  - CR3 holds loader-built tables that map
 *      [0, top)                          identity (so the loader survives the CR3 switch),
 *      [0, top)                          at BOOT_DIRECT_MAP_BASE (the kernel's direct map),
 *      every PT_LOAD segment             at its link address,
 *    where top covers every region in mem[] and the framebuffer; all RWX;
 *  - RDI = direct-map virtual address of this struct;
 *  - RSP = a 16-byte aligned stack of at least 16 KiB, in BOOT_MEM_BOOT_DATA;
 *  - everything the loader allocated for the kernel's sake is listed in mem[]
 *    with a type that says who owns it (KERNEL, MODULE, BOOT_DATA).
 *
 * Compatibility: the kernel refuses a boot_info whose magic, version or size
 * it does not know.  Bump BOOT_INFO_VERSION on any layout change.
 */
#ifndef PALLAS_BOOT_INFO_H
#define PALLAS_BOOT_INFO_H

#include <stdint.h>

#define BOOT_INFO_MAGIC	  0x4f464e4942534c50ULL /* "PLSBINFO" little-endian */
#define BOOT_INFO_VERSION 4

#define BOOT_MEM_MAX	 512
#define BOOT_MODULES_MAX 64
#define BOOT_CMDLINE_MAX 1024
#define BOOT_MODNAME_MAX 256

/* The kernel's direct map of physical memory; part of the handoff contract. */
#define BOOT_DIRECT_MAP_BASE 0xffff800000000000ULL

enum boot_mem_type {
	BOOT_MEM_USABLE = 1,	   /* free RAM */
	BOOT_MEM_RESERVED = 2,	   /* never touch */
	BOOT_MEM_ACPI_RECLAIM = 3, /* ACPI tables; usable once parsed */
	BOOT_MEM_ACPI_NVS = 4,	   /* firmware's, keep forever */
	BOOT_MEM_UNUSABLE = 5,	   /* reported bad */
	BOOT_MEM_KERNEL = 6,	   /* the loaded kernel image */
	BOOT_MEM_BOOT_DATA = 7,	   /* boot_info, loader page tables, entry stack */
	BOOT_MEM_MODULE = 8,	   /* initrd and other modules */
	BOOT_MEM_FW_RUNTIME = 9,   /* UEFI runtime services code/data */
	BOOT_MEM_MMIO = 10,	   /* firmware-reported MMIO */
	BOOT_MEM_PERSISTENT = 11,  /* NVDIMM */
};

enum boot_loader_kind {
	BOOT_LOADER_UEFI = 1,
	BOOT_LOADER_MULTIBOOT2 = 2,
};

/* Console choice from boot.cfg; the kernel command line `console=` overrides. */
#define BOOT_CONSOLE_SERIAL (1u << 0)
#define BOOT_CONSOLE_FB	    (1u << 1)

struct boot_mem_region {
	uint64_t base;
	uint64_t length;
	uint32_t type; /* enum boot_mem_type */
	uint32_t reserved;
};

struct boot_framebuffer {
	uint64_t base; /* physical; 0 when there is no linear framebuffer */
	uint64_t size; /* bytes */
	uint32_t width;
	uint32_t height;
	uint32_t pitch; /* bytes per scanline */
	uint32_t bpp;	/* bits per pixel; the kernel draws only 32 */
	uint8_t red_shift, red_bits;
	uint8_t green_shift, green_bits;
	uint8_t blue_shift, blue_bits;
	uint8_t pad[2];
};

struct boot_module {
	uint64_t base; /* physical */
	uint64_t size;
	char name[BOOT_MODNAME_MAX]; /* NUL-terminated, e.g. "initrd" */
};

struct boot_info {
	uint64_t magic;
	uint32_t version;
	uint32_t size;		   /* sizeof(struct boot_info) as the loader saw it */
	uint32_t loader;	   /* enum boot_loader_kind */
	uint32_t console;	   /* BOOT_CONSOLE_* */
	uint64_t rsdp;		   /* physical address of the ACPI RSDP, 0 if none */
	uint64_t kernel_phys_base; /* physical address of the lowest PT_LOAD vaddr */
	uint64_t kernel_virt_base; /* lowest PT_LOAD vaddr */
	uint64_t kernel_size;	   /* bytes from kernel_virt_base to end of last segment */
	/*
	 * What the firmware's final memory map marks usable: for UEFI the sum of
	 * Conventional, BootServices{Code,Data} and Loader{Code,Data} pages, not
	 * counting what the loader allocated for the kernel (KERNEL, MODULE,
	 * BOOT_DATA).  The kernel compares its own free memory against this.
	 */
	uint64_t firmware_usable_bytes;
	uint32_t mem_count;
	uint32_t module_count;
	struct boot_framebuffer fb;
	char cmdline[BOOT_CMDLINE_MAX]; /* NUL-terminated */
	struct boot_module modules[BOOT_MODULES_MAX];
	struct boot_mem_region mem[BOOT_MEM_MAX]; /* sorted by base, non-overlapping */
};

#endif
