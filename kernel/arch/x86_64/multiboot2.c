/*
 * Multiboot2 boot information -> struct boot_info.  Pure: it reads only the
 * MBI it is given and writes only *out and the image's RSDP buffer, so the
 * host unit tests can feed it anything.
 *
 * The MBI is hostile input.  One pass walks the tags and checks that each
 * lies inside total_size before remembering it; only then are fields read,
 * always through rd32/rd64 with an offset already known to be in bounds.
 */
#include <pallas/kernel.h>
#include <pallas/multiboot2.h>
#include <pallas/string.h>

#define PAGE 4096ull

/* A tag known to lie inside the MBI: size bytes starting at p. */
struct tag {
	const uint8_t *p;
	uint32_t size;
};

struct mbi_tags {
	struct tag cmdline, mmap, fb, acpi_old, acpi_new;
	struct tag modules[BOOT_MODULES_MAX];
	uint32_t nmodules;
	uint32_t total;
};

static bool fail(char *err, size_t errlen, const char *why)
{
	ksnprintf(err, errlen, "%s", why);
	return false;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

/* Later duplicates of a single-instance tag are ignored: the first one wins. */
static void remember(struct tag *slot, struct tag t)
{
	if (!slot->p)
		*slot = t;
}

static bool record(struct mbi_tags *tags, uint32_t type, struct tag t, char *err, size_t errlen)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
		remember(&tags->cmdline, t);
		break;
	case MB2_TAG_MODULE:
		if (tags->nmodules == BOOT_MODULES_MAX)
			return fail(err, errlen, "more modules than the kernel takes");
		tags->modules[tags->nmodules++] = t;
		break;
	case MB2_TAG_MMAP:
		remember(&tags->mmap, t);
		break;
	case MB2_TAG_FRAMEBUFFER:
		remember(&tags->fb, t);
		break;
	case MB2_TAG_ACPI_OLD:
		remember(&tags->acpi_old, t);
		break;
	case MB2_TAG_ACPI_NEW:
		remember(&tags->acpi_new, t);
		break;
	}
	return true;
}

/* Tags start 8-byte aligned after the 8-byte header and end with an END tag. */
static bool walk_tags(const uint8_t *mbi, size_t max_len, struct mbi_tags *tags, char *err,
		      size_t errlen)
{
	memset(tags, 0, sizeof(*tags));
	if (max_len < 16)
		return fail(err, errlen, "boot information is too small");
	uint32_t total = rd32(mbi);
	if (total < 16 || total > max_len)
		return fail(err, errlen, "boot information size is out of bounds");
	tags->total = total;

	for (uint64_t off = 8; off <= total - 8;) {
		uint32_t type = rd32(mbi + off), size = rd32(mbi + off + 4);
		if (size < 8 || size > total - off)
			return fail(err, errlen, "boot information tag has a bad size");
		if (type == MB2_TAG_END)
			return true;
		if (!record(tags, type, (struct tag){mbi + off, size}, err, errlen))
			return false;
		off = ALIGN_UP(off + size, 8);
	}
	return fail(err, errlen, "boot information has no end tag");
}

/* ---- The memory map, kept sorted and non-overlapping in out->mem[]. ---- */

static uint64_t region_end(const struct boot_mem_region *r)
{
	return r->base + r->length;
}

static bool insert_region(struct boot_info *bi, uint32_t i, uint64_t base, uint64_t end,
			  uint32_t type)
{
	if (bi->mem_count == BOOT_MEM_MAX)
		return false;
	memmove(&bi->mem[i + 1], &bi->mem[i], (bi->mem_count - i) * sizeof(bi->mem[0]));
	bi->mem[i] = (struct boot_mem_region){base, end - base, type, 0};
	bi->mem_count++;
	return true;
}

/* Makes addr a region boundary if it falls strictly inside a region. */
static bool split_at(struct boot_info *bi, uint64_t addr)
{
	for (uint32_t i = 0; i < bi->mem_count; i++) {
		struct boot_mem_region *r = &bi->mem[i];
		if (r->base < addr && addr < region_end(r)) {
			uint64_t end = region_end(r);
			r->length = addr - r->base;
			return insert_region(bi, i + 1, addr, end, r->type);
		}
	}
	return true;
}

/*
 * Gives [base, end) the type.  Firmware entries (usable_only false) paint
 * over anything and fill holes; carve-outs (usable_only true) change only
 * what is USABLE, so a carve-out never turns reserved memory into something
 * the kernel will one day free.
 */
static bool paint(struct boot_info *bi, uint64_t base, uint64_t end, uint32_t type,
		  bool usable_only)
{
	if (base >= end)
		return true;
	if (!split_at(bi, base) || !split_at(bi, end))
		return false;
	uint64_t pos = base;
	uint32_t i = 0;
	for (; i < bi->mem_count && pos < end; i++) {
		struct boot_mem_region *r = &bi->mem[i];
		if (region_end(r) <= pos)
			continue;
		if (r->base >= end)
			break;
		if (!usable_only && r->base > pos) {
			if (!insert_region(bi, i, pos, r->base, type))
				return false;
			r = &bi->mem[++i];
		}
		if (!usable_only || r->type == BOOT_MEM_USABLE)
			r->type = type;
		pos = region_end(r);
	}
	if (!usable_only && pos < end)
		return insert_region(bi, i, pos, end, type);
	return true;
}

static void merge_regions(struct boot_info *bi)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < bi->mem_count; i++) {
		struct boot_mem_region *prev = n ? &bi->mem[n - 1] : NULL;
		if (prev && prev->type == bi->mem[i].type && region_end(prev) == bi->mem[i].base)
			prev->length += bi->mem[i].length;
		else
			bi->mem[n++] = bi->mem[i];
	}
	bi->mem_count = n;
}

/* Every type returned here must be in paint_order, or its entries are dropped. */
static uint32_t mem_type(uint32_t mb2_type)
{
	switch (mb2_type) {
	case MB2_MEM_AVAILABLE:
		return BOOT_MEM_USABLE;
	case MB2_MEM_ACPI:
		return BOOT_MEM_ACPI_RECLAIM;
	case MB2_MEM_NVS:
		return BOOT_MEM_ACPI_NVS;
	case MB2_MEM_BAD:
		return BOOT_MEM_UNUSABLE;
	default:
		return BOOT_MEM_RESERVED;
	}
}

/*
 * Firmware maps may overlap.  Entries go in one type at a time, from the
 * least to the most restrictive (the order boot/memmap.c ranks them in), and
 * each type paints over the ones before it: memory that any entry reserves
 * stays reserved, and an ACPI-reclaimable entry never frees reserved or NVS
 * memory.  Empty and wrapping entries are dropped.
 */
static const uint32_t paint_order[] = {
    BOOT_MEM_USABLE, BOOT_MEM_ACPI_RECLAIM, BOOT_MEM_ACPI_NVS, BOOT_MEM_UNUSABLE, BOOT_MEM_RESERVED,
};

static bool add_firmware_map(struct boot_info *bi, struct tag t, char *err, size_t errlen)
{
	if (!t.p || t.size < 16)
		return fail(err, errlen, "no memory map from the loader");
	uint32_t entry_size = rd32(t.p + 8);
	if (entry_size < 24)
		return fail(err, errlen, "memory map entries are too small");
	uint32_t count = (t.size - 16) / entry_size;

	for (size_t pass = 0; pass < ARRAY_SIZE(paint_order); pass++) {
		for (uint32_t i = 0; i < count; i++) {
			const uint8_t *e = t.p + 16 + (size_t)i * entry_size;
			uint64_t base = rd64(e), len = rd64(e + 8);
			uint32_t type = mem_type(rd32(e + 16));
			if (len == 0 || base + len < base || type != paint_order[pass])
				continue;
			if (!paint(bi, base, base + len, type, false))
				return fail(err, errlen, "memory map has too many regions");
		}
	}
	merge_regions(bi);
	return true;
}

/* Page-rounded outwards: a page that holds any of it is not free. */
static bool carve(struct boot_info *bi, uint64_t base, uint64_t size, uint32_t type, char *err,
		  size_t errlen)
{
	if (size == 0)
		return true;
	if (base + size < base || base + size > ~0ull - PAGE)
		return fail(err, errlen, "a loaded image wraps around the address space");
	if (!paint(bi, ALIGN_DOWN(base, PAGE), ALIGN_UP(base + size, PAGE), type, true))
		return fail(err, errlen, "memory map has too many regions");
	return true;
}

/* ---- Everything else. ---- */

static bool take_cmdline(struct boot_info *bi, struct tag t, char *err, size_t errlen)
{
	if (!t.p)
		return true;
	const char *s = (const char *)t.p + 8;
	size_t len = strnlen(s, t.size - 8);
	if (len >= BOOT_CMDLINE_MAX)
		return fail(err, errlen, "kernel command line is too long");
	memcpy(bi->cmdline, s, len);
	bi->cmdline[len] = 0;
	return true;
}

static bool take_modules(struct boot_info *bi, const struct mbi_tags *tags, char *err,
			 size_t errlen)
{
	for (uint32_t i = 0; i < tags->nmodules; i++) {
		struct tag t = tags->modules[i];
		if (t.size < 16)
			return fail(err, errlen, "module tag is too small");
		uint32_t start = rd32(t.p + 8), end = rd32(t.p + 12);
		if (end < start)
			return fail(err, errlen, "module ends before it starts");
		struct boot_module *m = &bi->modules[bi->module_count++];
		m->base = start;
		m->size = end - start;
		const char *name = (const char *)t.p + 16;
		size_t len = MIN(strnlen(name, t.size - 16), (size_t)BOOT_MODNAME_MAX - 1);
		memcpy(m->name, name, len);
		m->name[len] = 0;
	}
	return true;
}

/* Only direct-colour (RGB) framebuffers; the kernel cannot draw on the others. */
static void take_framebuffer(struct boot_info *bi, struct tag t)
{
	if (!t.p || t.size < 38 || t.p[29] != MB2_FB_TYPE_RGB)
		return;
	struct boot_framebuffer *fb = &bi->fb;
	fb->base = rd64(t.p + 8);
	fb->pitch = rd32(t.p + 16);
	fb->width = rd32(t.p + 20);
	fb->height = rd32(t.p + 24);
	fb->bpp = t.p[28];
	fb->size = (uint64_t)fb->pitch * fb->height;
	fb->red_shift = t.p[32];
	fb->red_bits = t.p[33];
	fb->green_shift = t.p[34];
	fb->green_bits = t.p[35];
	fb->blue_shift = t.p[36];
	fb->blue_bits = t.p[37];
}

/*
 * The ACPI tags hold a copy of the RSDP, not its address, and the MBI will be
 * freed: keep the copy in the kernel's buffer and hand out that address.
 */
static void take_rsdp(struct boot_info *bi, const struct mbi_tags *tags,
		      const struct mb2_kernel_image *img)
{
	struct tag t = tags->acpi_new.p ? tags->acpi_new : tags->acpi_old;

	if (!t.p || t.size < 8 + 20 || !img->rsdp_buf)
		return;
	size_t n = MIN((size_t)t.size - 8, (size_t)MB2_RSDP_MAX);
	memset(img->rsdp_buf, 0, MB2_RSDP_MAX);
	memcpy(img->rsdp_buf, t.p + 8, n);
	bi->rsdp = img->rsdp_buf_phys;
}

static uint64_t bytes_of(const struct boot_info *bi, uint32_t type)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; i < bi->mem_count; i++) {
		if (bi->mem[i].type == type)
			sum += bi->mem[i].length;
	}
	return sum;
}

static bool build_memory_map(struct boot_info *bi, const struct mbi_tags *tags, uint64_t mbi_phys,
			     const struct mb2_kernel_image *img, char *err, size_t errlen)
{
	if (!add_firmware_map(bi, tags->mmap, err, errlen))
		return false;
	if (!carve(bi, img->phys_base, img->size, BOOT_MEM_KERNEL, err, errlen))
		return false;
	for (uint32_t i = 0; i < bi->module_count; i++) {
		const struct boot_module *m = &bi->modules[i];
		if (!carve(bi, m->base, m->size, BOOT_MEM_MODULE, err, errlen))
			return false;
	}
	if (!carve(bi, mbi_phys, tags->total, BOOT_MEM_BOOT_DATA, err, errlen))
		return false;
	merge_regions(bi);
	/* Available memory less the kernel and modules: what the kernel may use. */
	bi->firmware_usable_bytes =
	    bytes_of(bi, BOOT_MEM_USABLE) + bytes_of(bi, BOOT_MEM_BOOT_DATA);
	if (bi->firmware_usable_bytes == 0)
		return fail(err, errlen, "memory map has no available memory");
	return true;
}

bool mb2_to_boot_info(const void *mbi, uint64_t mbi_phys, size_t max_len,
		      const struct mb2_kernel_image *img, struct boot_info *out, char *err,
		      size_t errlen)
{
	struct mbi_tags tags;

	memset(out, 0, sizeof(*out));
	out->magic = BOOT_INFO_MAGIC;
	out->version = BOOT_INFO_VERSION;
	out->size = sizeof(*out);
	out->loader = BOOT_LOADER_MULTIBOOT2;
	out->console = BOOT_CONSOLE_SERIAL | BOOT_CONSOLE_FB;
	out->kernel_phys_base = img->phys_base;
	out->kernel_virt_base = img->virt_base;
	out->kernel_size = img->size;

	if (!walk_tags(mbi, max_len, &tags, err, errlen) ||
	    !take_cmdline(out, tags.cmdline, err, errlen) || !take_modules(out, &tags, err, errlen))
		return false;
	take_framebuffer(out, tags.fb);
	take_rsdp(out, &tags, img);
	return build_memory_map(out, &tags, mbi_phys, img, err, errlen);
}

uint64_t mb2_reserve_boot_data(struct boot_info *bi, uint64_t bytes, uint64_t min, uint64_t limit)
{
	if (bytes == 0 || bytes > ~0ull - PAGE)
		return 0;
	bytes = ALIGN_UP(bytes, PAGE);
	for (uint32_t i = 0; i < bi->mem_count; i++) {
		const struct boot_mem_region *r = &bi->mem[i];
		if (r->type != BOOT_MEM_USABLE || r->base >= limit)
			continue;
		uint64_t base = MAX(ALIGN_UP(r->base, PAGE), ALIGN_UP(min, PAGE));
		uint64_t end = MIN(ALIGN_DOWN(region_end(r), PAGE), ALIGN_DOWN(limit, PAGE));
		if (base >= end || end - base < bytes)
			continue;
		if (!paint(bi, base, base + bytes, BOOT_MEM_BOOT_DATA, true))
			return 0;
		merge_regions(bi);
		return base;
	}
	return 0;
}
