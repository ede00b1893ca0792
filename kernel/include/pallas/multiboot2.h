/*
 * Multiboot2 (GRUB) boot information -> struct boot_info
 * (kernel/arch/x86_64/multiboot2.c).
 *
 * The Multiboot2 Information structure (MBI) is input from a loader we do not
 * control, so the converter treats it as hostile: total_size is bounded by the
 * caller's limit, every tag is checked to lie inside it before any field is
 * read, and nothing in it is ever trusted to be terminated or well-formed.
 * The converter is pure (no hardware, no globals), so the host unit tests run
 * it on synthetic MBIs.
 */
#ifndef PALLAS_MULTIBOOT2_H
#define PALLAS_MULTIBOOT2_H

#include <pallas/boot_info.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MB2_BOOTLOADER_MAGIC 0x36d76289 /* EAX at the entry */
#define MB2_INFO_MAX	     (1u << 20) /* no real MBI comes near this */

/* MBI tag types the kernel reads. */
#define MB2_TAG_END	    0
#define MB2_TAG_CMDLINE	    1
#define MB2_TAG_MODULE	    3
#define MB2_TAG_MMAP	    6
#define MB2_TAG_FRAMEBUFFER 8
#define MB2_TAG_ACPI_OLD    14
#define MB2_TAG_ACPI_NEW    15

/* Memory map entry types. */
#define MB2_MEM_AVAILABLE 1
#define MB2_MEM_ACPI	  3
#define MB2_MEM_NVS	  4
#define MB2_MEM_BAD	  5

#define MB2_FB_TYPE_RGB 1

#define MB2_RSDP_MAX 36 /* an ACPI 2.0+ RSDP; 1.0 ones are 20 bytes */

/* Where GRUB put the kernel, and where the kernel keeps its copy of the RSDP. */
struct mb2_kernel_image {
	uint64_t phys_base; /* physical address of virt_base */
	uint64_t virt_base; /* lowest PT_LOAD address */
	uint64_t size;	    /* bytes up to the end of the last segment, bss included */
	void *rsdp_buf;	    /* MB2_RSDP_MAX bytes that outlive the MBI */
	uint64_t rsdp_buf_phys;
};

/*
 * Fills *out from the MBI at mbi (physical address mbi_phys, at most max_len
 * readable bytes).  The memory map comes out sorted, merged and with the
 * kernel image (KERNEL), the modules (MODULE) and the MBI itself (BOOT_DATA)
 * carved out of the available memory.  Returns false with a reason in err
 * when the MBI cannot be trusted.
 */
bool mb2_to_boot_info(const void *mbi, uint64_t mbi_phys, size_t max_len,
		      const struct mb2_kernel_image *img, struct boot_info *out, char *err,
		      size_t errlen);

/*
 * Takes bytes (rounded up to pages) of USABLE memory in [min, limit) out of
 * bi's memory map as BOOT_DATA, for data the kernel only needs until its own
 * page tables run.  Returns the page-aligned base, or 0 when nothing fits.
 */
uint64_t mb2_reserve_boot_data(struct boot_info *bi, uint64_t bytes, uint64_t min, uint64_t limit);

#endif
