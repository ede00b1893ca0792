/*
 * The guest loaders (vmm/load/): Multiboot v1 images built here and a real
 * one (fixtures/multiboot/tiny.elf), synthetic bzImages, and hostile
 * variants of each, loaded into a 64 MiB guest held in a host buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vmm/loader.h>
#include <vmm/vcpu.h>

#include "unit.h"

#define MiB	 (1024 * 1024ULL)
#define MEM_SIZE (64 * MiB)

static uint8_t *ram;
static unsigned writes;
static char err[160];
static struct vcpu_regs regs;
static struct vcpu_sregs sregs;

static bool ram_write(void *ctx, uint64_t gpa, const void *buf, size_t len)
{
	(void)ctx;
	if (len > MEM_SIZE || gpa > MEM_SIZE - len)
		return false;
	memcpy(ram + gpa, buf, len);
	writes++;
	return true;
}

static struct guest_mem_ops mem = {.write = ram_write, .mem_size = MEM_SIZE};

static void setup(void)
{
	ram = malloc(MEM_SIZE);
	memset(ram, 0xcc, MEM_SIZE);
	writes = 0;
}

static void teardown(void)
{
	free(ram);
}

static uint32_t rd32(uint64_t gpa)
{
	uint32_t v;
	memcpy(&v, ram + gpa, 4);
	return v;
}

static uint64_t rd64(uint64_t gpa)
{
	uint64_t v;
	memcpy(&v, ram + gpa, 8);
	return v;
}

/* ---- e820 ---- */

START_TEST(e820_shapes)
{
	struct e820_entry e[8];
	size_t n;

	n = guest_e820(64 * MiB, e, 8);
	ck_assert_uint_eq(n, 3);
	ck_assert(e[0].addr == 0 && e[0].size == 640 * 1024 && e[0].type == E820_RAM);
	ck_assert(e[1].addr == 640 * 1024 && e[1].size == 384 * 1024 && e[1].type == E820_RESERVED);
	ck_assert(e[2].addr == MiB && e[2].size == 63 * MiB && e[2].type == E820_RAM);

	n = guest_e820(6144 * MiB, e, 8); /* 6 GiB: 3 below the hole, 3 above 4 GiB */
	ck_assert_uint_eq(n, 4);
	ck_assert(e[2].size == 3072 * MiB - MiB);
	ck_assert(e[3].addr == 4096 * MiB && e[3].size == 3072 * MiB && e[3].type == E820_RAM);

	n = guest_e820(3072 * MiB, e, 8); /* exactly up to the hole */
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(guest_e820(6144 * MiB, e, 2), 4); /* counts what it could not store */
}
END_TEST

/* ---- Multiboot ---- */

#define MB_MAGIC 0x1BADB002u

struct __attribute__((packed)) elf32_ehdr {
	uint8_t ident[16];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf32_phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};

static uint8_t img[64 * 1024];
static struct elf32_ehdr *eh = (struct elf32_ehdr *)img;
static struct elf32_phdr *ph = (struct elf32_phdr *)(img + 0x40);

static void mb_header(size_t off, uint32_t flags)
{
	uint32_t h[3] = {MB_MAGIC, flags, -(MB_MAGIC + flags)};
	memcpy(img + off, h, sizeof(h));
}

/* Two segments: text at 1 MiB (virtual 0xc0100000) with the Multiboot
 * header, data + bss at 1 MiB + 64K. */
static size_t build_elf(void)
{
	memset(img, 0, sizeof(img));
	memcpy(eh->ident, "\177ELF\1\1\1", 7);
	eh->type = 2;
	eh->machine = 3;
	eh->version = 1;
	eh->entry = 0xc0100010;
	eh->phoff = 0x40;
	eh->ehsize = sizeof(*eh);
	eh->phentsize = sizeof(*ph);
	eh->phnum = 2;
	ph[0] = (struct elf32_phdr){1, 0x1000, 0xc0100000, 0x100000, 0x1000, 0x1000, 5, 0x1000};
	ph[1] = (struct elf32_phdr){1, 0x2000, 0xc0110000, 0x110000, 0x800, 0x3000, 6, 0x1000};
	mb_header(0x1000, 0x3);
	for (int i = 0x100c; i < 0x2800; i++)
		img[i] = (uint8_t)(i * 13 + 5);
	return 0x2800;
}

static bool mb(size_t size, const char *cmdline, const struct guest_module *mods, unsigned n)
{
	struct guest_boot b = {
	    .image = img, .image_size = size, .cmdline = cmdline, .mods = mods, .nmods = n};
	memset(err, 0, sizeof(err));
	return multiboot_load(&mem, &b, &regs, &sregs, err, sizeof(err));
}

static void mb_bad(size_t size, const char *why)
{
	ck_assert_msg(!mb(size, NULL, NULL, 0), "loaded, wanted '%s'", why);
	ck_assert_msg(strstr(err, why), "'%s' lacks '%s'", err, why);
}

START_TEST(mb_elf)
{
	static const char m0[] = "module zero", m1[] = "1";
	struct guest_module mods[2] = {{m0, sizeof(m0), "mod0 arg=1"}, {m1, 1, NULL}};
	size_t size = build_elf();

	ck_assert_msg(mb(size, "console=ttyS0 quiet", mods, 2), "%s", err);
	ck_assert_int_eq(memcmp(ram + 0x100000, img + 0x1000, 0x1000), 0);
	ck_assert_int_eq(memcmp(ram + 0x110000, img + 0x2000, 0x800), 0);
	for (int i = 0x800; i < 0x3000; i++)
		ck_assert_uint_eq(ram[0x110000 + i], 0); /* bss */

	ck_assert_uint_eq(regs.rax, 0x2BADB002);
	ck_assert_uint_eq(regs.rip, 0x100010); /* the virtual entry moved to its paddr */
	ck_assert_uint_eq(regs.rflags, 0x2);
	ck_assert_uint_eq(sregs.cr0, 0x11);
	ck_assert(sregs.cr4 == 0 && sregs.efer == 0);
	ck_assert(sregs.cs.selector == 0x08 && sregs.cs.base == 0 && sregs.cs.limit == 0xffffffff);
	ck_assert_uint_eq(sregs.cs.ar, 0xc09b);
	ck_assert(sregs.ds.ar == 0xc093 && sregs.ss.ar == 0xc093 && sregs.ds.selector == 0x18);
	ck_assert(sregs.tr.ar == 0x8b && (sregs.ldtr.ar & 0x10000));
	ck_assert_uint_eq(sregs.gdt_limit, 31);
	ck_assert_uint_lt(sregs.gdt_base, 640 * 1024);
	ck_assert_uint_eq(rd64(sregs.gdt_base + 8), 0x00cf9b000000ffffULL);
	ck_assert_uint_eq(rd64(sregs.gdt_base + 0x18), 0x00cf93000000ffffULL);

	uint64_t info = regs.rbx;
	ck_assert(info >= 0x1000 && info + 116 <= 640 * 1024);
	uint32_t flags = rd32(info);
	ck_assert_uint_eq(flags, (1 << 0) | (1 << 2) | (1 << 3) | (1 << 6) | (1 << 9));
	ck_assert_uint_eq(rd32(info + 4), 640);
	ck_assert_uint_eq(rd32(info + 8), 63 * 1024);
	ck_assert_str_eq((char *)ram + rd32(info + 16), "console=ttyS0 quiet");
	ck_assert_str_eq((char *)ram + rd32(info + 64), "Pallas");

	/* The memory map: three entries of 24 bytes (size field 20). */
	uint32_t mmap = rd32(info + 48);
	ck_assert_uint_eq(rd32(info + 44), 72);
	ck_assert_uint_eq(rd32(mmap), 20);
	ck_assert(rd64(mmap + 4) == 0 && rd64(mmap + 12) == 640 * 1024 && rd32(mmap + 20) == 1);
	ck_assert(rd64(mmap + 28) == 640 * 1024 && rd32(mmap + 44) == 2);
	ck_assert(rd64(mmap + 52) == MiB && rd64(mmap + 60) == 63 * MiB && rd32(mmap + 68) == 1);

	/* Modules: page-aligned after the kernel, with their strings. */
	ck_assert_uint_eq(rd32(info + 20), 2);
	uint32_t ml = rd32(info + 24);
	uint32_t s0 = rd32(ml), e0 = rd32(ml + 4), s1 = rd32(ml + 16);
	ck_assert(s0 == 0x113000 && e0 == s0 + sizeof(m0)); /* the page after the bss */
	ck_assert(s1 >= e0 && (s1 & 0xfff) == 0 && rd32(ml + 20) == s1 + 1);
	ck_assert_str_eq((char *)ram + s0, m0);
	ck_assert_uint_eq(ram[s1], '1');
	ck_assert_str_eq((char *)ram + rd32(ml + 8), "mod0 arg=1");
	ck_assert_str_eq((char *)ram + rd32(ml + 24), "");
}
END_TEST

START_TEST(mb_real_elf)
{
	FILE *f = fopen("tests/unit/fixtures/multiboot/tiny.elf", "rb");
	ck_assert_ptr_nonnull(f);
	size_t size = fread(img, 1, sizeof(img), f);
	fclose(f);
	ck_assert_uint_gt(size, 0);
	ck_assert(multiboot_probe(img, size));
	ck_assert(!linux_probe(img, size));
	ck_assert_msg(mb(size, NULL, NULL, 0), "%s", err);
	ck_assert_uint_eq(regs.rip, 0x10000c);
	ck_assert_uint_eq(rd32(0x100000), MB_MAGIC);
	ck_assert_str_eq((char *)ram + rd32(regs.rbx + 16), "");
	ck_assert_uint_eq(rd32(regs.rbx) & (1 << 3), 0); /* no modules */
	/* Every truncation that cuts into the segment fails cleanly; the
	 * section headers after it are not needed. */
	for (size_t n = 0; n < size; n += 7)
		ck_assert(mb(n, NULL, NULL, 0) == (n >= 0x1016));
}
END_TEST

/* A raw binary with the a.out-kludge addresses: header at file offset 0x40. */
static size_t build_aout(void)
{
	uint32_t k[5] = {0x100040, 0x100000, 0, 0x104000, 0x100060};

	memset(img, 0, sizeof(img));
	mb_header(0x40, (1u << 16) | 0x2);
	memcpy(img + 0x4c, k, sizeof(k));
	for (int i = 0x60; i < 0x1000; i++)
		img[i] = (uint8_t)i;
	return 0x1000;
}

static void aout_field(int i, uint32_t v)
{
	memcpy(img + 0x4c + 4 * i, &v, 4);
}

START_TEST(mb_aout)
{
	size_t size = build_aout();

	ck_assert_msg(mb(size, "x", NULL, 0), "%s", err);
	ck_assert_int_eq(memcmp(ram + 0x100000, img, 0x1000), 0);
	ck_assert(ram[0x101000] == 0 && ram[0x103fff] == 0 && ram[0x104000] == 0xcc);
	ck_assert_uint_eq(regs.rip, 0x100060);

	/* load_end_addr given: only that much is copied. */
	build_aout();
	aout_field(2, 0x100800);
	ck_assert_msg(mb(size, NULL, NULL, 0), "%s", err);
	ck_assert(ram[0x100800] == 0);

	build_aout();
	aout_field(1, 0x100080); /* load_addr after header_addr */
	mb_bad(size, "load_addr");
	build_aout();
	aout_field(0, 0x100100); /* would start before the file */
	mb_bad(size, "load_addr");
	build_aout();
	aout_field(2, 0x102000); /* more than the file holds */
	mb_bad(size, "the file has");
	build_aout();
	aout_field(2, 0x100800);
	aout_field(3, 0x100400); /* bss_end below load_end */
	mb_bad(size, "bss_end_addr");
	build_aout();
	aout_field(4, 0x200000); /* entry outside */
	mb_bad(size, "entry point");
	build_aout();
	aout_field(0, 0x40);
	aout_field(1, 0); /* page 0: the real-mode IVT */
	aout_field(3, 0);
	mb_bad(size, "not RAM");
	build_aout();
	aout_field(0, 0xfff00040);
	aout_field(1, 0xfff00000);
	aout_field(3, 0);
	aout_field(4, 0xfff00060);
	mb_bad(size, "past the end");
	build_aout();
	aout_field(3, 0xffffffff); /* bss to the top of 4 GiB */
	mb_bad(size, "past the end");
	build_aout();
	mb_bad(0x50, "past the end of the file"); /* kludge fields cut off */
}
END_TEST

/* A kernel linked low, as real-mode test kernels are (at 0x8000 here, and
 * 0x1000, where the loader's own structures would start): it loads, and the
 * GDT, the information and the strings go around it; modules above 1 MiB. */
START_TEST(mb_low_segments)
{
	static const char m0[] = "module";
	struct guest_module mods[1] = {{m0, sizeof(m0), "m"}};

	for (uint32_t base = 0x1000; base <= 0x8000; base += 0x7000) {
		size_t size = build_elf();
		ph[1].paddr = base; /* data + bss: 0x3000 bytes */
		ck_assert_msg(mb(size, "low", mods, 1), "%#x: %s", base, err);
		ck_assert_int_eq(memcmp(ram + base, img + 0x2000, 0x800), 0);
		uint64_t info = regs.rbx;
		ck_assert(info + 116 <= base || info >= base + 0x3000);
		ck_assert(sregs.gdt_base + 32 <= base || sregs.gdt_base >= base + 0x3000);
		uint32_t cmd = rd32(info + 16);
		ck_assert(cmd + 4 <= base || cmd >= base + 0x3000);
		ck_assert_str_eq((char *)ram + cmd, "low");
		for (uint32_t i = 0x800; i < 0x3000; i++)
			ck_assert_uint_eq(ram[base + i], 0); /* bss, untouched by the loader */
		ck_assert_uint_ge(rd32(rd32(info + 24)), 0x101000); /* after the text */
	}
}
END_TEST

START_TEST(mb_hostile)
{
	size_t size = build_elf();

	mb_bad(0, "no Multiboot header");
	img[0x1008] ^= 1; /* checksum */
	mb_bad(size, "no Multiboot header");
	build_elf();
	mb_header(0x1000, 0x7); /* wants video mode */
	mb_bad(size, "requires features");
	build_elf();
	memmove(img + 0x2000, img + 0x1000, 12); /* header past the first 8K */
	memset(img + 0x1000, 0, 12);
	mb_bad(size, "no Multiboot header");
	build_elf();
	img[4] = 2; /* ELF64 */
	mb_bad(size, "32-bit");
	build_elf();
	eh->machine = 62;
	mb_bad(size, "i386");
	build_elf();
	eh->phnum = 1000;
	mb_bad(size, "program headers");
	build_elf();
	eh->phoff = 0xfffffff0;
	mb_bad(size, "past the end of the file");
	build_elf();
	ph[1].filesz = 0x4000;
	mb_bad(size, "filesz");
	build_elf();
	ph[1].offset = 0xffffff00;
	mb_bad(size, "past the end of the file");
	build_elf();
	ph[1].paddr = 0xa0000; /* the VGA window */
	mb_bad(size, "not RAM");
	build_elf();
	ph[1].paddr = 0x9f000; /* runs into it */
	mb_bad(size, "not RAM");
	build_elf();
	ph[1].paddr = 0x800; /* page 0 */
	mb_bad(size, "not RAM");
	build_elf();
	ph[1].paddr = 0x100800; /* overlaps the text */
	mb_bad(size, "overlaps");
	build_elf();
	ph[1].paddr = 0x3fff000; /* runs past 64 MiB */
	mb_bad(size, "past the end");
	build_elf();
	ph[1].paddr = 0xfffff000;
	ph[1].memsz = 0x2000; /* wraps 32 bits */
	mb_bad(size, "past the end");
	build_elf();
	eh->entry = 0x5000;
	mb_bad(size, "entry point");
	build_elf();
	ph[0].type = ph[1].type = 0;
	mb_bad(size, "nothing to load");

	/* Command line and modules. */
	build_elf();
	char *big = malloc(5000);
	memset(big, 'a', 4999);
	big[4999] = 0;
	ck_assert(!mb(size, big, NULL, 0) && strstr(err, "longer than"));
	struct guest_module mods[LOAD_MAX_MODULES + 1] = {{0}};
	ck_assert(!mb(size, NULL, mods, LOAD_MAX_MODULES + 1) && strstr(err, "modules"));
	struct guest_module huge = {big, 80 * MiB, NULL}; /* never read: it cannot fit */
	ck_assert(!mb(size, NULL, &huge, 1) && strstr(err, "past the end"));
	struct guest_module nodata = {NULL, 10, NULL};
	ck_assert(!mb(size, NULL, &nodata, 1) && strstr(err, "no data"));
	free(big);

	/* A guest too small for anything. */
	struct guest_mem_ops tiny = mem;
	tiny.mem_size = MiB;
	struct guest_boot b = {.image = img, .image_size = size};
	ck_assert(!multiboot_load(&tiny, &b, &regs, &sregs, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "too small"));

	/* Every truncation of a good image fails cleanly or loads less. */
	for (size_t n = 0; n < size; n += 5) {
		uint8_t *cut = malloc(n ? n : 1);
		memcpy(cut, img, n);
		struct guest_boot c = {.image = cut, .image_size = n};
		multiboot_load(&mem, &c, &regs, &sregs, err, sizeof(err));
		free(cut);
	}
}
END_TEST

/* ---- Linux ---- */

#define SETUP_SECTS 4
#define KSIZE	    0x2000
#define KOFF	    ((SETUP_SECTS + 1) * 512)

static void put16(size_t off, uint16_t v)
{
	memcpy(img + off, &v, 2);
}
static void put32(size_t off, uint32_t v)
{
	memcpy(img + off, &v, 4);
}
static void put64(size_t off, uint64_t v)
{
	memcpy(img + off, &v, 8);
}

static size_t build_bz(void)
{
	memset(img, 0, sizeof(img));
	img[0x1f1] = SETUP_SECTS;
	put32(0x1f4, KSIZE / 16);
	put16(0x1fe, 0xaa55);
	img[0x200] = 0xeb;
	img[0x201] = 0x66; /* the header ends at 0x268 */
	memcpy(img + 0x202, "HdrS", 4);
	put16(0x206, 0x020f);
	img[0x211] = 0x01;	  /* LOADED_HIGH */
	put32(0x22c, 0x7fffffff); /* initrd_addr_max */
	put32(0x230, 0x200000);	  /* kernel_alignment */
	img[0x234] = 1;		  /* relocatable */
	put16(0x236, 0x1 | 0x2);  /* XLF_KERNEL_64 | above 4G */
	put32(0x238, 2047);	  /* cmdline_size */
	put64(0x258, 0x1000000);  /* pref_address */
	put32(0x260, 0x100000);	  /* init_size */
	for (int i = KOFF; i < KOFF + KSIZE; i++)
		img[i] = (uint8_t)(i * 31 + 7);
	return KOFF + KSIZE;
}

static uint8_t initrd[10000];

static bool lx(size_t size, const char *cmdline, size_t initrd_size)
{
	struct guest_boot b = {.image = img,
			       .image_size = size,
			       .cmdline = cmdline,
			       .initrd = initrd,
			       .initrd_size = initrd_size};
	memset(err, 0, sizeof(err));
	return linux_load(&mem, &b, &regs, &sregs, err, sizeof(err));
}

static void lx_bad(size_t size, const char *why)
{
	ck_assert_msg(!lx(size, NULL, 0), "loaded, wanted '%s'", why);
	ck_assert_msg(strstr(err, why), "'%s' lacks '%s'", err, why);
}

START_TEST(linux_bz)
{
	size_t size = build_bz();

	for (size_t i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)(i ^ 0x5a);
	ck_assert(linux_probe(img, size) && !multiboot_probe(img, size));
	ck_assert_msg(lx(size, "console=ttyS0 root=/dev/vda", sizeof(initrd)), "%s", err);
	ck_assert_int_eq(memcmp(ram + 0x1000000, img + KOFF, KSIZE), 0);
	ck_assert_uint_eq(regs.rip, 0x1000200);
	ck_assert_uint_eq(regs.rflags, 0x2);

	uint64_t zp = regs.rsi;
	ck_assert(zp >= 0x1000 && zp + 4096 <= 640 * 1024 && (zp & 0xfff) == 0);
	ck_assert_int_eq(memcmp(ram + zp + 0x202, "HdrS", 4), 0);
	ck_assert_uint_eq(ram[zp + 0x1f1], SETUP_SECTS);
	ck_assert_uint_eq(ram[zp + 0x210], 0xff);
	ck_assert_uint_eq(rd32(zp + 0x260), 0x100000);
	ck_assert_str_eq((char *)ram + rd32(zp + 0x228), "console=ttyS0 root=/dev/vda");
	ck_assert_uint_eq(ram[zp + 0x1e8], 3);
	ck_assert(rd64(zp + 0x2d0) == 0 && rd64(zp + 0x2d8) == 640 * 1024 && rd32(zp + 0x2e0) == 1);
	ck_assert(rd64(zp + 0x2e4) == 640 * 1024 && rd32(zp + 0x2f4) == 2);
	ck_assert(rd64(zp + 0x2f8) == MiB && rd64(zp + 0x300) == 63 * MiB && rd32(zp + 0x308) == 1);
	ck_assert_uint_eq(ram[zp + 0x30c], 0); /* no fourth entry */

	/* The initramfs at the top of RAM, page aligned. */
	uint32_t rd = rd32(zp + 0x218);
	ck_assert_uint_eq(rd32(zp + 0x21c), sizeof(initrd));
	ck_assert(rd % 4096 == 0 && rd + sizeof(initrd) <= MEM_SIZE && rd > MEM_SIZE - 0x4000);
	ck_assert_int_eq(memcmp(ram + rd, initrd, sizeof(initrd)), 0);

	/* Long mode with an identity map of 4 GiB in 2 MiB pages. */
	ck_assert_uint_eq(sregs.cr0, 0x80000011);
	ck_assert(sregs.cr4 == 0x20 && sregs.efer == 0x500);
	ck_assert(sregs.cs.selector == 0x10 && sregs.cs.ar == 0xa09b);
	ck_assert(sregs.ds.selector == 0x18 && sregs.ds.ar == 0xc093);
	ck_assert_uint_eq(rd64(sregs.gdt_base + 0x10), 0x00af9b000000ffffULL);
	uint64_t pml4 = sregs.cr3;
	ck_assert(pml4 % 4096 == 0 && pml4 < 640 * 1024);
	uint64_t pdpt = rd64(pml4) & ~0xfffULL;
	ck_assert_uint_eq(rd64(pml4) & 0xfff, 0x3);
	ck_assert_uint_eq(rd64(pml4 + 8), 0);
	for (int g = 0; g < 4; g++) {
		uint64_t pd = rd64(pdpt + 8 * g) & ~0xfffULL;
		ck_assert_uint_eq(rd64(pd), ((uint64_t)g * 1024 * MiB) | 0x83);
		ck_assert_uint_eq(rd64(pd + 8 * 511),
				  ((uint64_t)g * 1024 * MiB + 511 * 2 * MiB) | 0x83);
	}
	ck_assert_uint_eq(rd64(pdpt + 8 * 4), 0);
}
END_TEST

START_TEST(linux_placement)
{
	size_t size = build_bz();

	/* The preferred address is out of reach: relocate to 16 MiB, aligned. */
	put64(0x258, 0x100000000ULL);
	put32(0x230, 0x1000000);
	ck_assert_msg(lx(size, NULL, 0), "%s", err);
	ck_assert_uint_eq(regs.rip, 0x1000200);
	put32(0x230, 0x2000000);
	ck_assert_msg(lx(size, NULL, 0), "%s", err);
	ck_assert_uint_eq(regs.rip, 0x2000200);
	ck_assert_uint_eq(rd32(regs.rsi + 0x218), 0); /* no initramfs */
	put32(0x230, 0x3000);			      /* not a power of two */
	lx_bad(size, "kernel_alignment");
	img[0x234] = 0; /* and not relocatable */
	lx_bad(size, "beyond guest RAM");

	/* A low preferred address is honoured. */
	build_bz();
	put64(0x258, 0x200000);
	ck_assert_msg(lx(size, NULL, 0), "%s", err);
	ck_assert_uint_eq(regs.rip, 0x200200);

	/* initrd_addr_max caps the initramfs. */
	build_bz();
	put32(0x22c, 0x2ffffff);
	ck_assert_msg(lx(size, NULL, sizeof(initrd)), "%s", err);
	uint32_t rd = rd32(regs.rsi + 0x218);
	ck_assert(rd + sizeof(initrd) <= 0x3000000 && rd > 0x3000000 - 0x4000);
	put32(0x22c, 0x1000fff); /* below the kernel's end */
	ck_assert(!lx(size, NULL, sizeof(initrd)) && strstr(err, "initramfs"));
}
END_TEST

START_TEST(linux_hostile)
{
	size_t size = build_bz();

	lx_bad(0, "not a bzImage");
	lx_bad(0x200, "not a bzImage");
	img[0x202] = 'h';
	lx_bad(size, "not a bzImage");
	build_bz();
	put16(0x1fe, 0x55aa);
	lx_bad(size, "not a bzImage");
	build_bz();
	put16(0x206, 0x020b);
	lx_bad(size, "2.12");
	build_bz();
	put16(0x236, 0x2);
	lx_bad(size, "XLF_KERNEL_64");
	build_bz();
	img[0x211] = 0;
	lx_bad(size, "zImage");
	build_bz();
	img[0x1f1] = 255;
	lx_bad(size, "setup_sects");
	build_bz();
	put32(0x1f4, KSIZE / 16 + 1);
	lx_bad(size, "syssize");
	build_bz();
	put32(0x1f4, 0xffffffff);
	lx_bad(size, "syssize");
	build_bz();
	put32(0x260, KSIZE - 1);
	lx_bad(size, "init_size");
	build_bz();
	put32(0x260, 0xffffffff);
	lx_bad(size, "beyond guest RAM");
	build_bz();
	img[0x201] = 0xff; /* the header would run into the e820 table */
	lx_bad(size, "setup header");
	build_bz();
	put32(0x238, 3);
	ck_assert(!lx(size, "four", 0) && strstr(err, "command line"));
	ck_assert_msg(lx(size, "thr", 0), "%s", err);
	ck_assert(!lx(size, NULL, 60 * MiB) && strstr(err, "initramfs"));
	struct guest_boot b = {.image = img, .image_size = size, .initrd_size = 5};
	ck_assert(!linux_load(&mem, &b, &regs, &sregs, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "no data"));
	struct guest_mem_ops small = mem;
	small.mem_size = 16 * MiB;
	ck_assert(!linux_load(&small, &b, &regs, &sregs, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "too small"));

	/* Every truncation fails cleanly (syssize no longer fits). */
	build_bz();
	for (size_t n = 0; n < size; n += 3) {
		uint8_t *cut = malloc(n ? n : 1);
		memcpy(cut, img, n);
		struct guest_boot c = {.image = cut, .image_size = n};
		ck_assert(!linux_load(&mem, &c, &regs, &sregs, err, sizeof(err)));
		free(cut);
	}
}
END_TEST

UNIT_SUITE(loaders_suite)
{
	Suite *s = suite_create("loaders");
	TCase *tc = tcase_create("loaders");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, e820_shapes);
	tcase_add_test(tc, mb_elf);
	tcase_add_test(tc, mb_real_elf);
	tcase_add_test(tc, mb_aout);
	tcase_add_test(tc, mb_low_segments);
	tcase_add_test(tc, mb_hostile);
	tcase_add_test(tc, linux_bz);
	tcase_add_test(tc, linux_placement);
	tcase_add_test(tc, linux_hostile);
	suite_add_tcase(s, tc);
	return s;
}
