/*
 * Multiboot v1 (the 0.6.96 specification): the kernel's header says where
 * it goes, either by its ELF32 program headers or, with header flag 16, by
 * the a.out-kludge addresses.  The information structure, its strings, the
 * memory map and the GDT go below 640K; modules go page-aligned after the
 * kernel.  Every header field is hostile: each range is checked against the
 * file, against guest RAM and against everything placed before it.
 */
#include <pallas/string.h>
#include <vmm/vcpu.h>

#include "load.h"

#define MB_MAGIC	 0x1BADB002u
#define MB_BOOT_MAGIC	 0x2BADB002u
#define MB_SEARCH	 8192 /* the header lies in the first 8 KiB, 4-byte aligned */
#define MB_F_PAGE_ALIGN	 (1u << 0)
#define MB_F_MEMORY	 (1u << 1)
#define MB_F_AOUT_KLUDGE (1u << 16)
#define MB_F_KNOWN_REQ	 (MB_F_PAGE_ALIGN | MB_F_MEMORY) /* bits 0-15 a loader must honour */
#define MB_INFO_MEM	 (1u << 0)
#define MB_INFO_CMDLINE	 (1u << 2)
#define MB_INFO_MODS	 (1u << 3)
#define MB_INFO_MMAP	 (1u << 6)
#define MB_INFO_LOADER	 (1u << 9)
#define MB_MAX_SEGMENTS	 16
#define MB_MAX_PHNUM	 64

struct mb_header {
	uint32_t magic, flags, checksum;
	uint32_t header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
};

/* The information structure up to the framebuffer fields (116 bytes). */
struct mb_info {
	uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr, drives_length, drives_addr;
	uint32_t config_table, boot_loader_name, apm_table;
	uint32_t vbe[4];
	uint8_t framebuffer[28];
};
_Static_assert(sizeof(struct mb_info) == 116, "Multiboot info layout");

struct mb_module {
	uint32_t mod_start, mod_end, string, reserved;
};

struct __attribute__((packed)) mb_mmap {
	uint32_t size; /* of the rest of the entry: 20 */
	uint64_t addr, len;
	uint32_t type;
};

/* ELF32, as far as loading needs it. */
#define EI_NIDENT 16
struct elf32_ehdr {
	uint8_t ident[EI_NIDENT];
	uint16_t type, machine;
	uint32_t version, entry, phoff, shoff, flags;
	uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct elf32_phdr {
	uint32_t type, offset, vaddr, paddr, filesz, memsz, flags, align;
};
#define PT_LOAD 1
#define ET_EXEC 2
#define EM_386	3

/* The kernel's loaded ranges, to check the entry point lands in one. */
struct segs {
	uint64_t start[MB_MAX_SEGMENTS], end[MB_MAX_SEGMENTS];
	unsigned n;
};

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The header's offset in the file, or -1. */
static long find_header(const uint8_t *img, size_t size)
{
	size_t limit = size < MB_SEARCH ? size : MB_SEARCH;

	for (size_t off = 0; off + 12 <= limit; off += 4) {
		uint32_t magic = rd32(img + off), flags = rd32(img + off + 4);
		if (magic == MB_MAGIC && (uint32_t)(magic + flags + rd32(img + off + 8)) == 0)
			return (long)off;
	}
	return -1;
}

bool multiboot_probe(const void *image, size_t size)
{
	return image && find_header(image, size) >= 0;
}

/* Claims, copies and zero-fills one piece of the kernel: anywhere in guest
 * RAM but page 0 and the 640K-1M hole (load_claim refuses those), so real-
 * mode test kernels linked at 0x8000 load; the loader's own structures then
 * go around it. */
static bool place_segment(struct load_ctx *c, struct segs *s, uint64_t addr, const uint8_t *src,
			  uint64_t filesz, uint64_t memsz)
{
	if (s->n == MB_MAX_SEGMENTS)
		return load_fail(c, "more than %d loadable segments", MB_MAX_SEGMENTS);
	if (!load_claim(c, addr, memsz, "kernel segment"))
		return false;
	s->start[s->n] = addr;
	s->end[s->n++] = addr + memsz;
	return load_write(c, addr, src, filesz) && load_zero(c, addr + filesz, memsz - filesz);
}

static bool entry_ok(const struct segs *s, uint64_t entry)
{
	for (unsigned i = 0; i < s->n; i++)
		if (entry >= s->start[i] && entry < s->end[i])
			return true;
	return false;
}

static bool load_aout(struct load_ctx *c, const uint8_t *img, size_t size, size_t hoff,
		      const struct mb_header *h, struct segs *s, uint32_t *entry)
{
	/* The header's file offset and header_addr pin where load_addr's bytes are. */
	if (h->load_addr > h->header_addr || h->header_addr - h->load_addr > hoff)
		return load_fail(c,
				 "a.out kludge: load_addr %#x does not precede header_addr %#x "
				 "within the file",
				 h->load_addr, h->header_addr);
	uint64_t off = hoff - (h->header_addr - h->load_addr);
	uint64_t load_end = h->load_end_addr ? h->load_end_addr : h->load_addr + (size - off);
	if (load_end <= h->load_addr)
		return load_fail(c, "a.out kludge: load_end_addr %#x is not above load_addr %#x",
				 h->load_end_addr, h->load_addr);
	uint64_t filesz = load_end - h->load_addr;
	if (filesz > size - off)
		return load_fail(c, "a.out kludge: %llu bytes to load, the file has %llu",
				 (unsigned long long)filesz, (unsigned long long)(size - off));
	uint64_t end = h->bss_end_addr ? h->bss_end_addr : load_end;
	if (end < load_end)
		return load_fail(c, "a.out kludge: bss_end_addr %#x is below load_end_addr",
				 h->bss_end_addr);
	*entry = h->entry_addr;
	return place_segment(c, s, h->load_addr, img + off, filesz, end - h->load_addr);
}

static bool load_elf(struct load_ctx *c, const uint8_t *img, size_t size, struct segs *s,
		     uint32_t *entry)
{
	struct elf32_ehdr eh;
	struct elf32_phdr ph;

	if (size < sizeof(eh))
		return load_fail(c, "not an ELF file and no a.out kludge (header flag 16)");
	memcpy(&eh, img, sizeof(eh));
	if (memcmp(eh.ident, "\177ELF", 4) != 0)
		return load_fail(c, "not an ELF file and no a.out kludge (header flag 16)");
	if (eh.ident[4] != 1 || eh.ident[5] != 1)
		return load_fail(c, "ELF: not 32-bit little-endian (class %u, data %u)",
				 eh.ident[4], eh.ident[5]);
	if (eh.type != ET_EXEC || eh.machine != EM_386)
		return load_fail(c, "ELF: not an i386 executable (type %u, machine %u)", eh.type,
				 eh.machine);
	if (eh.phnum == 0 || eh.phnum > MB_MAX_PHNUM || eh.phentsize < sizeof(ph))
		return load_fail(c, "ELF: %u program headers of %u bytes", eh.phnum, eh.phentsize);
	if (!load_range_ok(eh.phoff, (uint64_t)eh.phnum * eh.phentsize, size))
		return load_fail(c, "ELF: program headers past the end of the file");

	uint32_t ventry = eh.entry;
	bool translated = false;
	for (unsigned i = 0; i < eh.phnum; i++) {
		memcpy(&ph, img + eh.phoff + (uint64_t)i * eh.phentsize, sizeof(ph));
		if (ph.type != PT_LOAD || ph.memsz == 0)
			continue;
		if (ph.filesz > ph.memsz)
			return load_fail(c, "ELF: segment %u has filesz %#x > memsz %#x", i,
					 ph.filesz, ph.memsz);
		if (!load_range_ok(ph.offset, ph.filesz, size))
			return load_fail(c, "ELF: segment %u lies past the end of the file", i);
		/* Multiboot kernels run unpaged: p_paddr is where they go; an entry
		 * given as a virtual address is moved with its segment. */
		if (!translated && ventry >= ph.vaddr && ventry - ph.vaddr < ph.memsz) {
			*entry = ph.paddr + (ventry - ph.vaddr);
			translated = true;
		}
		if (!place_segment(c, s, ph.paddr, img + ph.offset, ph.filesz, ph.memsz))
			return false;
	}
	if (s->n == 0)
		return load_fail(c, "ELF: nothing to load");
	if (!translated)
		*entry = ventry;
	return true;
}

/* A string into the low area; its guest address in *gpa. */
static bool place_string(struct load_ctx *c, const char *str, const char *what, uint32_t *gpa)
{
	uint64_t at;
	size_t n = str ? strnlen(str, LOAD_CMDLINE_MAX + 1) : 0;

	if (n > LOAD_CMDLINE_MAX)
		return load_fail(c, "%s is longer than %d bytes", what, LOAD_CMDLINE_MAX);
	if (!load_alloc_low(c, n + 1, 1, what, &at) || !load_write(c, at, str ? str : "", n) ||
	    !load_write(c, at + n, "", 1))
		return false;
	*gpa = (uint32_t)at;
	return true;
}

static bool place_modules(struct load_ctx *c, const struct guest_boot *b, struct mb_info *info)
{
	struct mb_module mods[LOAD_MAX_MODULES];
	uint64_t end = load_claims_end(c), gpa;
	/* Above the kernel, and above 1 MiB even when the kernel is all low. */
	uint64_t at = ((end > 1 * MiB ? end : 1 * MiB) + 4095) & ~4095ULL;

	if (b->nmods == 0)
		return true;
	if (b->nmods > LOAD_MAX_MODULES || !b->mods)
		return load_fail(c, "%u modules; at most %d", b->nmods, LOAD_MAX_MODULES);
	for (unsigned i = 0; i < b->nmods; i++) {
		const struct guest_module *m = &b->mods[i];
		if (m->size && !m->data)
			return load_fail(c, "module %u has no data", i);
		/* Modules always go page-aligned: what flag 0 asks, harmless otherwise. */
		if (!load_claim(c, at, m->size ? m->size : 1, "module"))
			return false;
		if (!load_write(c, at, m->data, m->size) ||
		    !place_string(c, m->cmdline, "module command line", &mods[i].string))
			return false;
		mods[i].mod_start = (uint32_t)at;
		mods[i].mod_end = (uint32_t)(at + m->size);
		mods[i].reserved = 0;
		at = (at + m->size + 4095) & ~4095ULL;
	}
	size_t len = b->nmods * sizeof(mods[0]);
	if (!load_alloc_low(c, len, 4, "module list", &gpa) || !load_write(c, gpa, mods, len))
		return false;
	info->mods_count = b->nmods;
	info->mods_addr = (uint32_t)gpa;
	info->flags |= MB_INFO_MODS;
	return true;
}

static bool place_mmap(struct load_ctx *c, struct mb_info *info)
{
	struct e820_entry e[8];
	struct mb_mmap mm[8];
	size_t n = guest_e820(c->mem->mem_size, e, 8);
	uint64_t gpa;

	for (size_t i = 0; i < n; i++)
		mm[i] = (struct mb_mmap){
		    .size = 20, .addr = e[i].addr, .len = e[i].size, .type = e[i].type};
	if (!load_alloc_low(c, n * sizeof(mm[0]), 8, "memory map", &gpa) ||
	    !load_write(c, gpa, mm, n * sizeof(mm[0])))
		return false;
	info->mmap_addr = (uint32_t)gpa;
	info->mmap_length = (uint32_t)(n * sizeof(mm[0]));
	info->flags |= MB_INFO_MMAP;
	return true;
}

bool multiboot_load(const struct guest_mem_ops *mem, const struct guest_boot *b,
		    struct vcpu_regs *regs, struct vcpu_sregs *sregs, char *err, size_t errlen)
{
	struct load_ctx c;
	struct mb_header h;
	struct mb_info info;
	struct segs segs = {.n = 0};
	uint64_t gdt[LOAD_GDT_ENTRIES], gdt_gpa = 0, info_gpa = 0;
	uint32_t entry = 0;
	const uint8_t *img = b->image;
	size_t size = img ? b->image_size : 0;

	load_init(&c, mem, err, errlen);
	if (c.low_end < 2 * MiB)
		return load_fail(&c, "guest RAM of %llu bytes is too small",
				 (unsigned long long)mem->mem_size);
	long hoff = find_header(img, size);
	if (hoff < 0)
		return load_fail(&c, "no Multiboot header in the first %d bytes", MB_SEARCH);
	memset(&h, 0, sizeof(h));
	memcpy(&h, img + hoff, (size_t)hoff + sizeof(h) <= size ? sizeof(h) : 12);
	if (h.flags & 0xffff & ~MB_F_KNOWN_REQ)
		return load_fail(&c, "Multiboot header requires features %#x this loader lacks",
				 h.flags & 0xffff & ~MB_F_KNOWN_REQ);
	if (h.flags & MB_F_AOUT_KLUDGE) {
		if ((size_t)hoff + sizeof(h) > size)
			return load_fail(&c, "a.out kludge fields past the end of the file");
		if (!load_aout(&c, img, size, (size_t)hoff, &h, &segs, &entry))
			return false;
	} else if (!load_elf(&c, img, size, &segs, &entry)) {
		return false;
	}
	if (!entry_ok(&segs, entry))
		return load_fail(&c, "entry point %#x is outside the loaded kernel", entry);

	/* Below 640K: the GDT, then the information and what it points to. */
	load_gdt(gdt);
	if (!load_alloc_low(&c, sizeof(gdt), 8, "GDT", &gdt_gpa) ||
	    !load_write(&c, gdt_gpa, gdt, sizeof(gdt)) ||
	    !load_alloc_low(&c, sizeof(info), 8, "Multiboot information", &info_gpa))
		return false;
	memset(&info, 0, sizeof(info));
	info.flags = MB_INFO_MEM | MB_INFO_CMDLINE | MB_INFO_LOADER;
	info.mem_lower = (uint32_t)(LOAD_LOW_END / KiB);
	info.mem_upper = (uint32_t)((c.low_end - 1 * MiB) / KiB);
	if (!place_string(&c, b->cmdline, "command line", &info.cmdline) ||
	    !place_string(&c, "Pallas", "boot loader name", &info.boot_loader_name) ||
	    !place_mmap(&c, &info) || !place_modules(&c, b, &info) ||
	    !load_write(&c, info_gpa, &info, sizeof(info)))
		return false;

	memset(regs, 0, sizeof(*regs));
	regs->rax = MB_BOOT_MAGIC;
	regs->rbx = info_gpa;
	regs->rip = entry;
	regs->rflags = 0x2;
	load_sregs_flat(sregs, false, gdt_gpa);
	sregs->cr0 = 0x11; /* PE | ET: protected mode, paging off */
	return true;
}
