/*
 * The Linux x86 boot protocol, 64-bit entry (Documentation/arch/x86/boot.rst,
 * protocol 2.12 or later with XLF_KERNEL_64).  The real-mode setup code is
 * not run: the VMM does its job, filling the zero page (struct boot_params)
 * from the image's setup header, and enters startup_64 at the protected-mode
 * kernel's load address + 0x200 in long mode with identity-mapped page
 * tables.  Header fields are hostile; each is checked against the file and
 * against guest RAM before use.
 */
#include <pallas/string.h>
#include <vmm/vcpu.h>

#include "load.h"

/* Offsets in the image's first sector and in the zero page (the same). */
#define HDR_SETUP_SECTS	   0x1f1
#define HDR_SYSSIZE	   0x1f4
#define HDR_BOOT_FLAG	   0x1fe
#define HDR_JUMP	   0x200
#define HDR_HEADER	   0x202
#define HDR_VERSION	   0x206
#define HDR_TYPE_OF_LOADER 0x210
#define HDR_LOADFLAGS	   0x211
#define HDR_RAMDISK_IMAGE  0x218
#define HDR_RAMDISK_SIZE   0x21c
#define HDR_CMD_LINE_PTR   0x228
#define HDR_INITRD_MAX	   0x22c
#define HDR_KERNEL_ALIGN   0x230
#define HDR_RELOCATABLE	   0x234
#define HDR_XLOADFLAGS	   0x236
#define HDR_CMDLINE_SIZE   0x238
#define HDR_PREF_ADDRESS   0x258
#define HDR_INIT_SIZE	   0x260
#define HDR_END		   0x268 /* the fields this loader reads end here */
#define BP_E820_ENTRIES	   0x1e8
#define BP_HDR_MAX	   0x290 /* the setup header may not run past this */
#define BP_E820_TABLE	   0x2d0
#define BP_E820_MAX	   128
#define BP_SIZE		   4096
#define ZP_E820_MAX	   8
#define ZP_USED		   (BP_E820_TABLE + ZP_E820_MAX * 20)

#define HDRS_MAGIC	0x53726448 /* "HdrS" */
#define BOOT_FLAG	0xaa55
#define MIN_VERSION	0x020c
#define LOADED_HIGH	(1u << 0)
#define XLF_KERNEL_64	(1u << 0)
#define ENTRY_64_OFFSET 0x200
#define DEFAULT_ADDR	(16 * MiB)
#define PT_PAGES	6 /* PML4, PDPT, four page directories: 4 GiB in 2 MiB pages */

static uint16_t rd16(const uint8_t *p, size_t off)
{
	return (uint16_t)(p[off] | p[off + 1] << 8);
}

static uint32_t rd32(const uint8_t *p, size_t off)
{
	return (uint32_t)rd16(p, off) | (uint32_t)rd16(p, off + 2) << 16;
}

static uint64_t rd64(const uint8_t *p, size_t off)
{
	return (uint64_t)rd32(p, off) | (uint64_t)rd32(p, off + 4) << 32;
}

static void wr32(uint8_t *p, size_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[off + i] = (uint8_t)(v >> (8 * i));
}

static void wr64(uint8_t *p, size_t off, uint64_t v)
{
	wr32(p, off, (uint32_t)v);
	wr32(p, off + 4, (uint32_t)(v >> 32));
}

bool linux_probe(const void *image, size_t size)
{
	const uint8_t *p = image;

	return p && size >= HDR_END && rd16(p, HDR_BOOT_FLAG) == BOOT_FLAG &&
	       rd32(p, HDR_HEADER) == HDRS_MAGIC;
}

/* Where the protected-mode kernel goes: its preferred address if it fits
 * there, else (relocatable kernels only) 16 MiB rounded to its alignment. */
static bool choose_address(struct load_ctx *c, const uint8_t *img, uint64_t need, uint64_t *at)
{
	uint64_t pref = rd64(img, HDR_PREF_ADDRESS);
	uint32_t align = rd32(img, HDR_KERNEL_ALIGN);
	bool reloc = img[HDR_RELOCATABLE] != 0;

	if (pref >= 1 * MiB && load_range_ok(pref, need, c->low_end)) {
		*at = pref;
		return true;
	}
	if (!reloc)
		return load_fail(c, "kernel needs %#llx bytes at %#llx, beyond guest RAM (%#llx)",
				 (unsigned long long)need, (unsigned long long)pref,
				 (unsigned long long)c->low_end);
	if (align < 4096 || align > 1 * GiB || (align & (align - 1)))
		return load_fail(c, "kernel_alignment %#x is not a power of two in 4K..1G", align);
	*at = (DEFAULT_ADDR + align - 1) & ~((uint64_t)align - 1);
	if (!load_range_ok(*at, need, c->low_end))
		return load_fail(c, "kernel needs %#llx bytes at %#llx, beyond guest RAM (%#llx)",
				 (unsigned long long)need, (unsigned long long)*at,
				 (unsigned long long)c->low_end);
	return true;
}

/* At the top of low RAM, under initrd_addr_max, above everything else. */
static bool place_initrd(struct load_ctx *c, const struct guest_boot *b, const uint8_t *img,
			 uint8_t *zp)
{
	uint64_t top = (uint64_t)rd32(img, HDR_INITRD_MAX) + 1;

	if (b->initrd_size == 0)
		return true;
	if (!b->initrd)
		return load_fail(c, "initramfs has no data");
	if (top > c->low_end)
		top = c->low_end;
	uint64_t floor = load_claims_end(c);
	if (b->initrd_size > top || ((top - b->initrd_size) & ~4095ULL) < floor)
		return load_fail(c, "initramfs of %zu bytes does not fit below %#llx",
				 b->initrd_size, (unsigned long long)top);
	uint64_t at = (top - b->initrd_size) & ~4095ULL;
	if (!load_claim(c, at, b->initrd_size, "initramfs") ||
	    !load_write(c, at, b->initrd, b->initrd_size))
		return false;
	wr32(zp, HDR_RAMDISK_IMAGE, (uint32_t)at);
	wr32(zp, HDR_RAMDISK_SIZE, (uint32_t)b->initrd_size);
	return true;
}

/* Identity map of the low 4 GiB with 2 MiB pages: Linux replaces it early.
 * Written 64 entries at a time to keep the kernel stack small. */
static bool place_page_tables(struct load_ctx *c, uint64_t *cr3)
{
	uint64_t pt[64], base;

	if (!load_alloc_low(c, PT_PAGES * 4096, 4096, "page tables", &base) ||
	    !load_zero(c, base, 2 * 4096))
		return false;
	pt[0] = (base + 4096) | 0x3; /* present, writable */
	if (!load_write(c, base, pt, 8))
		return false;
	for (int i = 0; i < 4; i++)
		pt[i] = (base + (2 + i) * 4096ULL) | 0x3;
	if (!load_write(c, base + 4096, pt, 4 * 8))
		return false;
	for (unsigned e = 0; e < 4 * 512; e += 64) {
		for (unsigned i = 0; i < 64; i++)
			pt[i] = (uint64_t)(e + i) * 2 * MiB | 0x83; /* PS: a 2 MiB page */
		if (!load_write(c, base + 2 * 4096 + e * 8ULL, pt, sizeof(pt)))
			return false;
	}
	*cr3 = base;
	return true;
}

bool linux_load(const struct guest_mem_ops *mem, const struct guest_boot *b, struct vcpu_regs *regs,
		struct vcpu_sregs *sregs, char *err, size_t errlen)
{
	uint8_t zp[ZP_USED]; /* the zero page up to the e820 table's used part */
	struct load_ctx c;
	const uint8_t *img = b->image;
	size_t size = img ? b->image_size : 0;
	uint64_t gdt[LOAD_GDT_ENTRIES], gdt_gpa = 0, zp_gpa = 0, cmd_gpa = 0, cr3 = 0, at = 0;

	load_init(&c, mem, err, errlen);
	if (c.low_end < 32 * MiB)
		return load_fail(&c, "guest RAM of %llu bytes is too small for Linux",
				 (unsigned long long)mem->mem_size);
	if (!linux_probe(img, size))
		return load_fail(&c, "not a bzImage (no boot flag and HdrS header)");
	uint16_t version = rd16(img, HDR_VERSION);
	if (version < MIN_VERSION)
		return load_fail(&c, "boot protocol %u.%02u; 64-bit entry needs 2.12", version >> 8,
				 version & 0xff);
	if (!(rd16(img, HDR_XLOADFLAGS) & XLF_KERNEL_64))
		return load_fail(&c, "kernel has no 64-bit entry point (XLF_KERNEL_64)");
	if (!(img[HDR_LOADFLAGS] & LOADED_HIGH))
		return load_fail(&c, "zImage (not LOADED_HIGH) is not supported");

	unsigned sects = img[HDR_SETUP_SECTS] ? img[HDR_SETUP_SECTS] : 4;
	uint64_t setup = (sects + 1ULL) * 512;
	if (setup >= size)
		return load_fail(&c, "setup_sects %u runs past the end of the file", sects);
	uint64_t ksize = size - setup;
	uint64_t syssize = (uint64_t)rd32(img, HDR_SYSSIZE) * 16;
	if (syssize == 0 || syssize > ksize)
		return load_fail(&c, "syssize says %llu bytes of kernel, the file has %llu",
				 (unsigned long long)syssize, (unsigned long long)ksize);
	uint64_t need = rd32(img, HDR_INIT_SIZE);
	if (need < ksize)
		return load_fail(&c, "init_size %#llx is smaller than the kernel (%#llx)",
				 (unsigned long long)need, (unsigned long long)ksize);
	if (!choose_address(&c, img, need, &at) || !load_claim(&c, at, need, "kernel") ||
	    !load_write(&c, at, img + setup, ksize))
		return false;

	/* The zero page starts as the image's setup header, as the protocol says. */
	memset(zp, 0, sizeof(zp));
	size_t hdr_end = HDR_HEADER + img[HDR_JUMP + 1];
	if (hdr_end < HDR_END)
		hdr_end = HDR_END;
	if (hdr_end > BP_HDR_MAX)
		return load_fail(&c, "setup header of %zu bytes runs past its place",
				 hdr_end - HDR_SETUP_SECTS);
	memcpy(zp + HDR_SETUP_SECTS, img + HDR_SETUP_SECTS, hdr_end - HDR_SETUP_SECTS);
	zp[HDR_TYPE_OF_LOADER] = 0xff; /* undefined loader */
	wr32(zp, HDR_RAMDISK_IMAGE, 0);
	wr32(zp, HDR_RAMDISK_SIZE, 0);

	struct e820_entry e[ZP_E820_MAX];
	size_t n = guest_e820(mem->mem_size, e, ZP_E820_MAX);
	if (n > ZP_E820_MAX)
		n = ZP_E820_MAX;
	zp[BP_E820_ENTRIES] = (uint8_t)n;
	for (size_t i = 0; i < n; i++) {
		wr64(zp, BP_E820_TABLE + i * 20, e[i].addr);
		wr64(zp, BP_E820_TABLE + i * 20 + 8, e[i].size);
		wr32(zp, BP_E820_TABLE + i * 20 + 16, e[i].type);
	}

	const char *cmd = b->cmdline ? b->cmdline : "";
	size_t clen = strnlen(cmd, LOAD_CMDLINE_MAX + 1);
	if (clen > LOAD_CMDLINE_MAX || clen > rd32(img, HDR_CMDLINE_SIZE))
		return load_fail(&c,
				 "command line of %zu bytes is longer than the kernel takes (%u)",
				 clen, rd32(img, HDR_CMDLINE_SIZE));

	load_gdt(gdt);
	if (!load_alloc_low(&c, sizeof(gdt), 8, "GDT", &gdt_gpa) ||
	    !load_write(&c, gdt_gpa, gdt, sizeof(gdt)) ||
	    !load_alloc_low(&c, BP_SIZE, 4096, "zero page", &zp_gpa) ||
	    !load_alloc_low(&c, clen + 1, 1, "command line", &cmd_gpa) ||
	    !load_write(&c, cmd_gpa, cmd, clen) || !load_write(&c, cmd_gpa + clen, "", 1) ||
	    !place_page_tables(&c, &cr3) || !place_initrd(&c, b, img, zp))
		return false;
	wr32(zp, HDR_CMD_LINE_PTR, (uint32_t)cmd_gpa);
	if (!load_write(&c, zp_gpa, zp, sizeof(zp)) ||
	    !load_zero(&c, zp_gpa + sizeof(zp), BP_SIZE - sizeof(zp)))
		return false;

	memset(regs, 0, sizeof(*regs));
	regs->rsi = zp_gpa;
	regs->rip = at + ENTRY_64_OFFSET;
	regs->rflags = 0x2; /* interrupts off */
	load_sregs_flat(sregs, true, gdt_gpa);
	sregs->cr0 = 0x80000011; /* PG | ET | PE */
	sregs->cr3 = cr3;
	sregs->cr4 = 0x20;   /* PAE */
	sregs->efer = 0x500; /* LME | LMA */
	return true;
}
