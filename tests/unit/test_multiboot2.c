/*
 * mb2_to_boot_info: GRUB's Multiboot2 information (MBI) as the kernel sees it.
 *
 * Each test builds an MBI tag by tag, then hands the converter a heap copy of
 * exactly the bytes it may read, so ASan reports any read past them.  Padding
 * between tags is filled with non-zero junk so that a string read past its
 * tag shows up in the result.
 */
#include <stdlib.h>
#include <string.h>

#include <pallas/multiboot2.h>

#include "unit.h"

#define MBI_PHYS    0x10000ull
#define KERNEL_PHYS 0x200000ull
#define KERNEL_SIZE 0x123456ull
#define RSDP_PHYS   0x5000ull
#define PAD	    0x5a /* junk between tags */

static uint8_t mbi[1 << 16] __attribute__((aligned(8)));
static size_t mbi_len;
static struct boot_info out;
static char err[128];
static uint8_t rsdp_buf[MB2_RSDP_MAX];
static struct mb2_kernel_image img;

static void put32(size_t off, uint32_t v)
{
	memcpy(mbi + off, &v, sizeof(v));
}

static void begin(void)
{
	memset(mbi, PAD, sizeof(mbi));
	put32(4, 0); /* reserved */
	mbi_len = 8;
	img = (struct mb2_kernel_image){KERNEL_PHYS, 0xffffffff80000000ull, KERNEL_SIZE, rsdp_buf,
					RSDP_PHYS};
	memset(rsdp_buf, 0xee, sizeof(rsdp_buf));
}

/* Appends a tag of 8 + len bytes (its size field says so), padded to 8. */
static size_t tag(uint32_t type, const void *payload, size_t len)
{
	size_t at = mbi_len;
	ck_assert_uint_lt(at + 8 + len + 8, sizeof(mbi));
	put32(at, type);
	put32(at + 4, (uint32_t)(8 + len));
	if (len)
		memcpy(mbi + at + 8, payload, len);
	mbi_len = (at + 8 + len + 7) & ~(size_t)7;
	return at;
}

/* The end tag, then total_size. */
static void end(void)
{
	tag(MB2_TAG_END, NULL, 0);
	put32(0, (uint32_t)mbi_len);
}

struct mb2_entry {
	uint64_t base, len;
	uint32_t type;
};

/* A memory map tag with entries of entry_size bytes (24 in practice). */
static size_t mmap_tag(const struct mb2_entry *e, size_t n, uint32_t entry_size)
{
	static uint8_t body[8 + 600 * 32];
	size_t stride = entry_size < 24 ? 24 : entry_size;

	ck_assert_uint_le(8 + n * stride, sizeof(body));
	memset(body, 0x77, sizeof(body));
	memcpy(body, &entry_size, 4);
	memset(body + 4, 0, 4); /* entry_version */
	for (size_t i = 0; i < n; i++) {
		uint8_t *p = body + 8 + i * stride;
		memcpy(p, &e[i].base, 8);
		memcpy(p + 8, &e[i].len, 8);
		memcpy(p + 16, &e[i].type, 4);
		memset(p + 20, 0, 4);
	}
	return tag(MB2_TAG_MMAP, body, 8 + n * stride);
}

static const struct mb2_entry pc_map[] = {
    {0x0, 0x9fc00, MB2_MEM_AVAILABLE},
    {0x9fc00, 0x400, 2},
    {0xf0000, 0x10000, 2},
    {0x100000, 0x7ee0000, MB2_MEM_AVAILABLE},
    {0x7fe0000, 0x20000, MB2_MEM_ACPI},
    {0xfffc0000, 0x40000, 2},
};

static void cmdline_tag(const char *s)
{
	tag(MB2_TAG_CMDLINE, s, strlen(s) + 1);
}

static void module_tag(uint32_t start, uint32_t endaddr, const char *name)
{
	uint8_t body[8 + 2 * BOOT_MODNAME_MAX];
	size_t n = strlen(name) + 1;

	ck_assert_uint_le(n, 2 * BOOT_MODNAME_MAX);
	memcpy(body, &start, 4);
	memcpy(body + 4, &endaddr, 4);
	memcpy(body + 8, name, n);
	tag(MB2_TAG_MODULE, body, 8 + n);
}

/* An RGB framebuffer tag as GRUB writes it (38 bytes with its header). */
static void fb_tag(uint64_t base, uint32_t pitch, uint32_t w, uint32_t h, uint8_t type)
{
	uint8_t body[30] = {0};

	memcpy(body, &base, 8);
	memcpy(body + 8, &pitch, 4);
	memcpy(body + 12, &w, 4);
	memcpy(body + 16, &h, 4);
	body[20] = 32;	 /* bpp */
	body[21] = type; /* framebuffer_type */
	body[24] = 16;	 /* red at 16, 8 bits */
	body[25] = 8;
	body[26] = 8; /* green at 8 */
	body[27] = 8;
	body[28] = 0; /* blue at 0 */
	body[29] = 8;
	tag(MB2_TAG_FRAMEBUFFER, body, sizeof(body));
}

static void rsdp_tag(uint32_t type, uint8_t fill, size_t len)
{
	uint8_t body[64];

	ck_assert_uint_le(len, sizeof(body));
	memset(body, fill, len);
	memcpy(body, "RSD PTR ", 8);
	tag(type, body, len);
}

/* Runs the converter on a heap copy of the first max_len bytes of mbi. */
static bool convert_len(size_t max_len)
{
	uint8_t *copy = malloc(max_len ? max_len : 1);
	ck_assert_ptr_nonnull(copy);
	memcpy(copy, mbi, max_len);
	err[0] = 0;
	memset(&out, 0xcc, sizeof(out));
	bool ok = mb2_to_boot_info(copy, MBI_PHYS, max_len, &img, &out, err, sizeof(err));
	free(copy);
	if (!ok)
		ck_assert_msg(err[0] != 0, "refused without a reason");
	return ok;
}

static bool convert(void)
{
	return convert_len(mbi_len);
}

static void refused(const char *why)
{
	ck_assert_msg(!convert(), "accepted an MBI that should be refused (%s)", why);
	ck_assert_msg(strstr(err, why), "reason \"%s\" does not mention \"%s\"", err, why);
}

/* What every accepted MBI must give: a sorted, disjoint, merged map. */
static void check_sane(void)
{
	ck_assert_uint_eq(out.magic, BOOT_INFO_MAGIC);
	ck_assert_uint_eq(out.version, BOOT_INFO_VERSION);
	ck_assert_uint_eq(out.size, sizeof(out));
	ck_assert_uint_eq(out.loader, BOOT_LOADER_MULTIBOOT2);
	ck_assert_uint_ge(out.mem_count, 1);
	ck_assert_uint_le(out.mem_count, BOOT_MEM_MAX);
	ck_assert_uint_le(out.module_count, BOOT_MODULES_MAX);
	ck_assert_ptr_nonnull(memchr(out.cmdline, 0, sizeof(out.cmdline)));
	uint64_t usable = 0;
	for (uint32_t i = 0; i < out.mem_count; i++) {
		const struct boot_mem_region *r = &out.mem[i];
		ck_assert_uint_gt(r->length, 0);
		ck_assert_uint_ge(r->base + r->length, r->base);
		ck_assert(r->type >= BOOT_MEM_USABLE && r->type <= BOOT_MEM_PERSISTENT);
		if (r->type == BOOT_MEM_USABLE || r->type == BOOT_MEM_BOOT_DATA)
			usable += r->length;
		if (i == 0)
			continue;
		const struct boot_mem_region *p = &out.mem[i - 1];
		ck_assert_msg(p->base + p->length <= r->base, "regions %u and %u overlap", i - 1,
			      i);
		ck_assert_msg(p->base + p->length < r->base || p->type != r->type,
			      "regions %u and %u are not merged", i - 1, i);
	}
	ck_assert_uint_eq(out.firmware_usable_bytes, usable);
	for (uint32_t i = 0; i < out.module_count; i++)
		ck_assert_ptr_nonnull(memchr(out.modules[i].name, 0, BOOT_MODNAME_MAX));
}

static void expect(uint32_t i, uint64_t base, uint64_t length, uint32_t type)
{
	ck_assert_uint_lt(i, out.mem_count);
	ck_assert_msg(out.mem[i].base == base && out.mem[i].length == length &&
			  out.mem[i].type == type,
		      "mem[%u] = [%#lx, +%#lx) type %u, expected [%#lx, +%#lx) type %u", i,
		      (unsigned long)out.mem[i].base, (unsigned long)out.mem[i].length,
		      out.mem[i].type, (unsigned long)base, (unsigned long)length, type);
}

/* The type of the region holding addr, 0 for a hole. */
static uint32_t type_at(uint64_t addr)
{
	for (uint32_t i = 0; i < out.mem_count; i++) {
		if (out.mem[i].base <= addr && addr - out.mem[i].base < out.mem[i].length)
			return out.mem[i].type;
	}
	return 0;
}

/* ---- A full MBI, the way GRUB hands it over on a PC. ---- */

START_TEST(full_mbi)
{
	begin();
	cmdline_tag("loglevel=info ktest");
	tag(2, "GRUB 2.06", 10); /* boot loader name: not read */
	module_tag(0x400000, 0x400800, "initrd");
	module_tag(0x500000, 0x500000, "empty");
	mmap_tag(pc_map, 6, 24);
	fb_tag(0xfd000000, 4096, 1024, 768, MB2_FB_TYPE_RGB);
	rsdp_tag(MB2_TAG_ACPI_OLD, 0x11, 20);
	rsdp_tag(MB2_TAG_ACPI_NEW, 0x22, 36);
	end();
	ck_assert_msg(convert(), "refused: %s", err);
	check_sane();

	ck_assert_uint_eq(out.kernel_phys_base, KERNEL_PHYS);
	ck_assert_uint_eq(out.kernel_virt_base, 0xffffffff80000000ull);
	ck_assert_uint_eq(out.kernel_size, KERNEL_SIZE);
	ck_assert_str_eq(out.cmdline, "loglevel=info ktest");

	ck_assert_uint_eq(out.module_count, 2);
	ck_assert_uint_eq(out.modules[0].base, 0x400000);
	ck_assert_uint_eq(out.modules[0].size, 0x800);
	ck_assert_str_eq(out.modules[0].name, "initrd");
	ck_assert_uint_eq(out.modules[1].base, 0x500000);
	ck_assert_uint_eq(out.modules[1].size, 0);
	ck_assert_str_eq(out.modules[1].name, "empty");

	ck_assert_uint_eq(out.fb.base, 0xfd000000);
	ck_assert_uint_eq(out.fb.pitch, 4096);
	ck_assert_uint_eq(out.fb.width, 1024);
	ck_assert_uint_eq(out.fb.height, 768);
	ck_assert_uint_eq(out.fb.bpp, 32);
	ck_assert_uint_eq(out.fb.size, 4096ull * 768);
	ck_assert_uint_eq(out.fb.red_shift, 16);
	ck_assert_uint_eq(out.fb.red_bits, 8);
	ck_assert_uint_eq(out.fb.green_shift, 8);
	ck_assert_uint_eq(out.fb.green_bits, 8);
	ck_assert_uint_eq(out.fb.blue_shift, 0);
	ck_assert_uint_eq(out.fb.blue_bits, 8);

	/* The ACPI 2.0 copy wins, and lives in the kernel's buffer. */
	ck_assert_uint_eq(out.rsdp, RSDP_PHYS);
	ck_assert_mem_eq(rsdp_buf, "RSD PTR ", 8);
	for (size_t i = 8; i < MB2_RSDP_MAX; i++)
		ck_assert_uint_eq(rsdp_buf[i], 0x22);

	/* The MBI is well under a page: [MBI_PHYS, +4 KiB) is BOOT_DATA. */
	ck_assert_uint_le(mbi_len, 4096);
	ck_assert_uint_eq(out.mem_count, 12);
	expect(0, 0x0, 0x10000, BOOT_MEM_USABLE);
	expect(1, 0x10000, 0x1000, BOOT_MEM_BOOT_DATA);
	expect(2, 0x11000, 0x9fc00 - 0x11000, BOOT_MEM_USABLE);
	expect(3, 0x9fc00, 0x400, BOOT_MEM_RESERVED);
	expect(4, 0xf0000, 0x10000, BOOT_MEM_RESERVED);
	expect(5, 0x100000, 0x100000, BOOT_MEM_USABLE);
	expect(6, 0x200000, 0x124000, BOOT_MEM_KERNEL); /* page-rounded */
	expect(7, 0x324000, 0x400000 - 0x324000, BOOT_MEM_USABLE);
	expect(8, 0x400000, 0x1000, BOOT_MEM_MODULE);
	expect(9, 0x401000, 0x7fe0000 - 0x401000, BOOT_MEM_USABLE);
	expect(10, 0x7fe0000, 0x20000, BOOT_MEM_ACPI_RECLAIM);
	expect(11, 0xfffc0000, 0x40000, BOOT_MEM_RESERVED);
	ck_assert_uint_eq(out.firmware_usable_bytes, 0x9fc00 + 0x7ee0000 - 0x124000 - 0x1000);
}
END_TEST

START_TEST(minimal_mbi)
{
	begin();
	mmap_tag(pc_map, 1, 24);
	end();
	ck_assert_msg(convert(), "refused: %s", err);
	check_sane();
	ck_assert_str_eq(out.cmdline, "");
	ck_assert_uint_eq(out.module_count, 0);
	ck_assert_uint_eq(out.fb.base, 0);
	ck_assert_uint_eq(out.rsdp, 0);
	/* The kernel at 2 MiB lies outside the only region: nothing to carve. */
	ck_assert_uint_eq(out.mem_count, 3);
	expect(1, MBI_PHYS, 0x1000, BOOT_MEM_BOOT_DATA);
}
END_TEST

START_TEST(acpi_old_only)
{
	begin();
	mmap_tag(pc_map, 6, 24);
	rsdp_tag(MB2_TAG_ACPI_OLD, 0x11, 20);
	end();
	ck_assert_msg(convert(), "refused: %s", err);
	ck_assert_uint_eq(out.rsdp, RSDP_PHYS);
	ck_assert_mem_eq(rsdp_buf, "RSD PTR ", 8);
	for (size_t i = 8; i < 20; i++)
		ck_assert_uint_eq(rsdp_buf[i], 0x11);
	for (size_t i = 20; i < MB2_RSDP_MAX; i++)
		ck_assert_uint_eq(rsdp_buf[i], 0); /* no stale bytes past a 1.0 RSDP */
}
END_TEST

START_TEST(acpi_short_or_no_buffer)
{
	begin();
	mmap_tag(pc_map, 6, 24);
	rsdp_tag(MB2_TAG_ACPI_NEW, 0x22, 19); /* shorter than any RSDP */
	end();
	ck_assert_msg(convert(), "refused: %s", err);
	ck_assert_uint_eq(out.rsdp, 0);
	ck_assert_uint_eq(rsdp_buf[0], 0xee); /* untouched */

	begin();
	mmap_tag(pc_map, 6, 24);
	rsdp_tag(MB2_TAG_ACPI_NEW, 0x22, 64); /* longer than the buffer: cut to it */
	end();
	ck_assert_msg(convert(), "refused: %s", err);
	ck_assert_uint_eq(out.rsdp, RSDP_PHYS);
	ck_assert_uint_eq(rsdp_buf[MB2_RSDP_MAX - 1], 0x22);

	begin();
	img.rsdp_buf = NULL;
	mmap_tag(pc_map, 6, 24);
	rsdp_tag(MB2_TAG_ACPI_NEW, 0x22, 36);
	end();
	ck_assert_msg(convert(), "refused: %s", err);
	ck_assert_uint_eq(out.rsdp, 0);
}
END_TEST

START_TEST(framebuffer_not_rgb_or_short)
{
	begin();
	mmap_tag(pc_map, 6, 24);
	fb_tag(0xfd000000, 4096, 1024, 768, 0); /* indexed colour */
	end();
	ck_assert_msg(convert(), "refused: %s", err);
	ck_assert_uint_eq(out.fb.base, 0);

	begin();
	mmap_tag(pc_map, 6, 24);
	uint8_t body[24] = {0};
	body[21] = MB2_FB_TYPE_RGB;
	tag(MB2_TAG_FRAMEBUFFER, body, sizeof(body)); /* no colour fields */
	end();
	ck_assert_msg(convert(), "refused: %s", err);
	ck_assert_uint_eq(out.fb.base, 0);
}
END_TEST

START_TEST(duplicates_and_unknown_tags)
{
	begin();
	tag(0x7777, "whatever", 8);
	cmdline_tag("first");
	cmdline_tag("second");
	mmap_tag(pc_map, 1, 24);
	mmap_tag(pc_map + 3, 1, 24);
	end();
	ck_assert_msg(convert(), "refused: %s", err);
	check_sane();
	ck_assert_str_eq(out.cmdline, "first");
	ck_assert_uint_eq(type_at(0x1000), BOOT_MEM_USABLE);
	ck_assert_uint_eq(type_at(0x300000), 0); /* from the ignored second map */
}
END_TEST

/* ---- The MBI header and the tag walk. ---- */

START_TEST(total_size_bad)
{
	begin();
	mmap_tag(pc_map, 6, 24);
	end();
	size_t good = mbi_len;

	put32(0, 4); /* smaller than the header */
	refused("size");
	put32(0, 8); /* a header and nothing */
	refused("size");
	put32(0, 0);
	refused("size");
	put32(0, (uint32_t)good + 8); /* more than the caller may read */
	refused("size");
	put32(0, 0xffffffff);
	refused("size");
	put32(0, (uint32_t)good);
	ck_assert(!convert_len(12)); /* the caller's limit is below any MBI */
	ck_assert_ptr_nonnull(strstr(err, "small"));
	ck_assert(!convert_len(0));
}
END_TEST

START_TEST(total_size_cuts_the_tags)
{
	begin();
	size_t at = mmap_tag(pc_map, 6, 24);
	end();
	put32(0, (uint32_t)mbi_len - 8); /* drops the end tag */
	refused("end tag");
	put32(0, (uint32_t)at + 16); /* ends inside the memory map tag */
	refused("bad size");
}
END_TEST

START_TEST(tag_past_total_size)
{
	begin();
	size_t at = mmap_tag(pc_map, 6, 24);
	end();
	put32(at + 4, (uint32_t)(mbi_len - at + 1)); /* one byte past the end */
	refused("bad size");
	put32(at + 4, 0xfffffff8);
	refused("bad size");
}
END_TEST

START_TEST(tag_size_too_small)
{
	uint32_t sizes[] = {0, 1, 7};

	for (size_t i = 0; i < 3; i++) {
		begin();
		size_t at = tag(0x7777, NULL, 0);
		mmap_tag(pc_map, 6, 24);
		end();
		put32(at + 4, sizes[i]); /* 0 would loop forever if accepted */
		refused("bad size");
	}
}
END_TEST

START_TEST(no_end_tag)
{
	begin();
	mmap_tag(pc_map, 6, 24);
	tag(0x7777, NULL, 0);
	put32(0, (uint32_t)mbi_len);
	refused("end tag");
}
END_TEST

/* ---- The command line. ---- */

START_TEST(cmdline_unterminated)
{
	begin();
	tag(MB2_TAG_CMDLINE, "abc", 3); /* no NUL; the padding after it is junk */
	mmap_tag(pc_map, 6, 24);
	end();
	ck_assert_msg(convert(), "refused: %s", err);
	ck_assert_str_eq(out.cmdline, "abc");

	begin();
	tag(MB2_TAG_CMDLINE, NULL, 0); /* no bytes at all */
	mmap_tag(pc_map, 6, 24);
	end();
	ck_assert_msg(convert(), "refused: %s", err);
	ck_assert_str_eq(out.cmdline, "");
}
END_TEST

START_TEST(cmdline_length_limit)
{
	char s[BOOT_CMDLINE_MAX + 1];

	memset(s, 'a', sizeof(s));
	s[BOOT_CMDLINE_MAX - 1] = 0; /* 1023 characters: fits */
	begin();
	cmdline_tag(s);
	mmap_tag(pc_map, 6, 24);
	end();
	ck_assert_msg(convert(), "refused: %s", err);
	ck_assert_uint_eq(strlen(out.cmdline), BOOT_CMDLINE_MAX - 1);

	s[BOOT_CMDLINE_MAX - 1] = 'a';
	s[BOOT_CMDLINE_MAX] = 0; /* 1024: no room for the NUL */
	begin();
	cmdline_tag(s);
	mmap_tag(pc_map, 6, 24);
	end();
	refused("too long");

	begin(); /* unterminated and too long */
	tag(MB2_TAG_CMDLINE, s, BOOT_CMDLINE_MAX);
	mmap_tag(pc_map, 6, 24);
	end();
	refused("too long");
}
END_TEST

/* ---- The memory map. ---- */

START_TEST(no_memory_map)
{
	begin();
	cmdline_tag("x");
	end();
	refused("no memory map");

	begin();
	tag(MB2_TAG_MMAP, NULL, 0); /* a header without entry_size */
	end();
	refused("no memory map");
}
END_TEST

START_TEST(mmap_entry_size_too_small)
{
	uint32_t sizes[] = {0, 8, 20, 23};

	for (size_t i = 0; i < 4; i++) {
		begin();
		mmap_tag(pc_map, 6, sizes[i]); /* 0 would divide by zero */
		end();
		refused("too small");
	}
}
END_TEST

START_TEST(mmap_entry_size_huge)
{
	uint32_t sizes[] = {0x10000, 0x80000000, 0xffffffff};

	for (size_t i = 0; i < 3; i++) {
		begin();
		mmap_tag(pc_map, 6, 24);
		end();
		put32(8 + 8, sizes[i]);		/* entry_size of the first tag */
		refused("no available memory"); /* not one entry fits in the tag */
	}
}
END_TEST

START_TEST(mmap_entry_size_larger_than_known)
{
	begin();
	mmap_tag(pc_map, 6, 40); /* a future version with 16 more bytes each */
	end();
	ck_assert_msg(convert(), "refused: %s", err);
	check_sane();
	ck_assert_uint_eq(out.mem_count, 10); /* pc_map, the MBI and the kernel */
	ck_assert_uint_eq(type_at(0x9fc00), BOOT_MEM_RESERVED);
	ck_assert_uint_eq(type_at(0x7fe0000), BOOT_MEM_ACPI_RECLAIM);
	ck_assert_uint_eq(type_at(0xfffc0000), BOOT_MEM_RESERVED);

	begin(); /* a tag whose length is not a whole number of entries */
	size_t at = mmap_tag(pc_map, 6, 24);
	put32(at + 4, 16 + 6 * 24 - 1); /* the last entry is one byte short */
	end();
	ck_assert_msg(convert(), "refused: %s", err);
	ck_assert_uint_eq(type_at(0xfffc0000), 0);
	ck_assert_uint_eq(type_at(0x7fe0000), BOOT_MEM_ACPI_RECLAIM);
}
END_TEST

START_TEST(mmap_no_available_memory)
{
	static const struct mb2_entry only_reserved[] = {
	    {0x0, 0x100000, 2},
	    {0x100000, 0x100000, MB2_MEM_ACPI},
	};
	begin();
	mmap_tag(only_reserved, 2, 24);
	end();
	refused("no available memory");

	begin();
	mmap_tag(NULL, 0, 24);
	end();
	refused("no available memory");
}
END_TEST

START_TEST(mmap_empty_and_wrapping_entries_dropped)
{
	static const struct mb2_entry e[] = {
	    {0x100000, 0x1000000, MB2_MEM_AVAILABLE},
	    {0x2000000, 0, MB2_MEM_AVAILABLE},
	    {0xfffffffffffff000ull, 0x2000, MB2_MEM_AVAILABLE},
	    {0x1000, ~0ull, 2},
	};
	begin();
	mmap_tag(e, 4, 24);
	end();
	ck_assert_msg(convert(), "refused: %s", err);
	check_sane();
	ck_assert_uint_eq(type_at(0x2000000), 0);
	ck_assert_uint_eq(type_at(0xfffffffffffff800ull), 0);
	ck_assert_uint_eq(type_at(0x100000), BOOT_MEM_USABLE);
	ck_assert_uint_eq(out.mem[out.mem_count - 1].base + out.mem[out.mem_count - 1].length,
			  0x1100000);
}
END_TEST

START_TEST(mmap_types)
{
	static const struct mb2_entry e[] = {
	    {0x100000, 0x1000, MB2_MEM_AVAILABLE},
	    {0x101000, 0x1000, 2},
	    {0x102000, 0x1000, MB2_MEM_ACPI},
	    {0x103000, 0x1000, MB2_MEM_NVS},
	    {0x104000, 0x1000, MB2_MEM_BAD},
	    {0x105000, 0x1000, 0},
	    {0x106000, 0x1000, 0xdead},
	};
	begin();
	mmap_tag(e, 7, 24);
	end();
	ck_assert_msg(convert(), "refused: %s", err);
	check_sane();
	ck_assert_uint_eq(type_at(0x100000), BOOT_MEM_USABLE);
	ck_assert_uint_eq(type_at(0x101000), BOOT_MEM_RESERVED);
	ck_assert_uint_eq(type_at(0x102000), BOOT_MEM_ACPI_RECLAIM);
	ck_assert_uint_eq(type_at(0x103000), BOOT_MEM_ACPI_NVS);
	ck_assert_uint_eq(type_at(0x104000), BOOT_MEM_UNUSABLE);
	ck_assert_uint_eq(type_at(0x105000), BOOT_MEM_RESERVED);
	ck_assert_uint_eq(type_at(0x106000), BOOT_MEM_RESERVED);
}
END_TEST

START_TEST(mmap_overlaps_keep_the_stricter_type)
{
	static const struct mb2_entry e[] = {
	    {0x3000, 0x2000, 2},		     /* reserved, listed first */
	    {0x0, 0x100000, MB2_MEM_AVAILABLE},	     /* available over all of it */
	    {0x4000, 0x2000, MB2_MEM_ACPI},	     /* reclaimable over reserved */
	    {0x8000, 0x1000, MB2_MEM_ACPI},	     /* ... and under NVS */
	    {0x8000, 0x1000, MB2_MEM_NVS},	     /* */
	    {0x20000, 0x1000, MB2_MEM_BAD},	     /* bad, then available again */
	    {0x20000, 0x1000, MB2_MEM_AVAILABLE},    /* */
	    {0x80000, 0x100000, MB2_MEM_AVAILABLE},  /* available overlapping available */
	    {0x180000, 0x80000, MB2_MEM_AVAILABLE},  /* adjacent: merged */
	    {0x300000, 0x100000, 2},		     /* reserved hole in the middle */
	    {0x200000, 0x300000, MB2_MEM_AVAILABLE}, /* */
	};
	begin();
	mmap_tag(e, sizeof(e) / sizeof(e[0]), 24);
	end();
	ck_assert_msg(convert(), "refused: %s", err);
	check_sane();
	ck_assert_uint_eq(type_at(0x2fff), BOOT_MEM_USABLE);
	ck_assert_uint_eq(type_at(0x3000), BOOT_MEM_RESERVED);
	ck_assert_uint_eq(type_at(0x4fff), BOOT_MEM_RESERVED); /* not ACPI reclaim */
	ck_assert_uint_eq(type_at(0x5000), BOOT_MEM_ACPI_RECLAIM);
	ck_assert_uint_eq(type_at(0x6000), BOOT_MEM_USABLE);
	ck_assert_uint_eq(type_at(0x8000), BOOT_MEM_ACPI_NVS);
	ck_assert_uint_eq(type_at(0x20000), BOOT_MEM_UNUSABLE);
	ck_assert_uint_eq(type_at(0x21000), BOOT_MEM_USABLE);
	/* The kernel's carve-out at 2 MiB stops where the reserved hole starts. */
	expect(out.mem_count - 4, 0x21000, 0x200000 - 0x21000, BOOT_MEM_USABLE);
	expect(out.mem_count - 3, 0x200000, 0x100000, BOOT_MEM_KERNEL);
	expect(out.mem_count - 2, 0x300000, 0x100000, BOOT_MEM_RESERVED);
	expect(out.mem_count - 1, 0x400000, 0x100000, BOOT_MEM_USABLE);
}
END_TEST

/* n disjoint available pages with a hole after each, kernel and MBI in holes. */
static void many_regions(size_t n)
{
	static struct mb2_entry e[600];

	ck_assert_uint_le(n, 600);
	for (size_t i = 0; i < n; i++)
		e[i] = (struct mb2_entry){0x100000000ull + i * 0x2000, 0x1000, MB2_MEM_AVAILABLE};
	begin();
	mmap_tag(e, n, 24);
	end();
}

START_TEST(too_many_regions)
{
	many_regions(BOOT_MEM_MAX);
	ck_assert_msg(convert(), "refused: %s", err);
	check_sane();
	ck_assert_uint_eq(out.mem_count, BOOT_MEM_MAX);

	many_regions(BOOT_MEM_MAX + 1);
	refused("too many regions");
	many_regions(600);
	refused("too many regions");
}
END_TEST

START_TEST(carve_out_needs_a_region_too_many)
{
	/* 511 regions, then splitting one for the MBI needs two more. */
	static struct mb2_entry e[BOOT_MEM_MAX];
	for (size_t i = 0; i < BOOT_MEM_MAX - 1; i++)
		e[i] = (struct mb2_entry){0x100000000ull + i * 0x2000, 0x1000, MB2_MEM_AVAILABLE};
	e[BOOT_MEM_MAX - 1] = (struct mb2_entry){0x0, 0x80000, MB2_MEM_AVAILABLE};
	begin();
	mmap_tag(e, BOOT_MEM_MAX, 24);
	end();
	refused("too many regions");
}
END_TEST

/* ---- Modules and the kernel image. ---- */

START_TEST(module_end_before_start)
{
	begin();
	mmap_tag(pc_map, 6, 24);
	module_tag(0x400000, 0x3fffff, "initrd");
	end();
	refused("ends before it starts");
}
END_TEST

START_TEST(module_tag_too_small)
{
	begin();
	mmap_tag(pc_map, 6, 24);
	uint32_t start = 0x400000;
	tag(MB2_TAG_MODULE, &start, 4); /* no end address */
	end();
	refused("too small");
}
END_TEST

START_TEST(module_name_bounded)
{
	char name[BOOT_MODNAME_MAX + 50];

	memset(name, 'm', sizeof(name));
	name[sizeof(name) - 1] = 0;
	begin();
	mmap_tag(pc_map, 6, 24);
	module_tag(0x400000, 0x401000, name);
	uint8_t body[8 + 5];
	uint32_t a = 0x500000, b = 0x501000;
	memcpy(body, &a, 4);
	memcpy(body + 4, &b, 4);
	memcpy(body + 8, "noNUL", 5); /* unterminated; junk padding follows */
	tag(MB2_TAG_MODULE, body, sizeof(body));
	end();
	ck_assert_msg(convert(), "refused: %s", err);
	check_sane();
	ck_assert_uint_eq(out.module_count, 2);
	ck_assert_uint_eq(strlen(out.modules[0].name), BOOT_MODNAME_MAX - 1);
	ck_assert_str_eq(out.modules[1].name, "noNUL");
	ck_assert_uint_eq(type_at(0x500000), BOOT_MEM_MODULE);
}
END_TEST

START_TEST(too_many_modules)
{
	begin();
	mmap_tag(pc_map, 6, 24);
	for (uint32_t i = 0; i < BOOT_MODULES_MAX; i++)
		module_tag(0x1000000 + i * 0x10000, 0x1000000 + i * 0x10000 + 0x100, "m");
	end();
	ck_assert_msg(convert(), "refused: %s", err);
	ck_assert_uint_eq(out.module_count, BOOT_MODULES_MAX);

	begin();
	mmap_tag(pc_map, 6, 24);
	for (uint32_t i = 0; i <= BOOT_MODULES_MAX; i++)
		module_tag(0x1000000 + i * 0x10000, 0x1000000 + i * 0x10000 + 0x100, "m");
	end();
	refused("more modules");
}
END_TEST

START_TEST(carve_outs_never_free_reserved_memory)
{
	begin();
	mmap_tag(pc_map, 6, 24);
	module_tag(0xf8000, 0x108000, "straddles"); /* reserved BIOS area, then RAM */
	end();
	img.phys_base = 0x7ff0000; /* inside the ACPI tables */
	img.size = 0x20000;
	ck_assert_msg(convert(), "refused: %s", err);
	check_sane();
	ck_assert_uint_eq(type_at(0xf8000), BOOT_MEM_RESERVED);
	ck_assert_uint_eq(type_at(0x100000), BOOT_MEM_MODULE);
	ck_assert_uint_eq(type_at(0x108000), BOOT_MEM_USABLE);
	ck_assert_uint_eq(type_at(0x7fe0000), BOOT_MEM_ACPI_RECLAIM);
	ck_assert_uint_eq(type_at(0x7ff0000), BOOT_MEM_ACPI_RECLAIM);
}
END_TEST

START_TEST(kernel_image_wraps)
{
	begin();
	mmap_tag(pc_map, 6, 24);
	end();
	img.phys_base = 0xfffffffffffff000ull;
	img.size = 0x2000;
	refused("wraps");
}
END_TEST

/* ---- Random damage: refused with a reason, or a sane result. ---- */

START_TEST(random_damage)
{
	uint64_t seed = 0x9a11a5;
	unsigned accepted = 0;

	for (int round = 0; round < 3000; round++) {
		begin();
		cmdline_tag("console=serial");
		module_tag(0x400000, 0x400800, "initrd");
		mmap_tag(pc_map, 6, 24);
		fb_tag(0xfd000000, 4096, 1024, 768, MB2_FB_TYPE_RGB);
		rsdp_tag(MB2_TAG_ACPI_NEW, 0x22, 36);
		end();
		int flips = 1 + round % 4;
		for (int f = 0; f < flips; f++) {
			seed = seed * 6364136223846793005ull + 1442695040888963407ull;
			size_t at = (seed >> 33) % mbi_len;
			uint8_t v = (uint8_t)(seed >> 20);
			mbi[at] = (seed >> 28) & 1 ? v : mbi[at] ^ (uint8_t)(1u << (v & 7));
		}
		if (convert()) {
			check_sane();
			accepted++;
		}
	}
	/* Most single flips land in data that does not matter. */
	ck_assert_uint_gt(accepted, 100);
}
END_TEST

/* ---- mb2_reserve_boot_data ---- */

START_TEST(reserve_boot_data)
{
	begin();
	mmap_tag(pc_map, 6, 24);
	end();
	ck_assert_msg(convert(), "refused: %s", err);
	uint64_t before = out.firmware_usable_bytes;
	uint64_t base = mb2_reserve_boot_data(&out, 0x2001, 0x100000, 0x1000000);
	ck_assert_uint_eq(base, 0x100000);
	ck_assert_uint_eq(type_at(0x100000), BOOT_MEM_BOOT_DATA);
	ck_assert_uint_eq(type_at(0x102fff), BOOT_MEM_BOOT_DATA);
	ck_assert_uint_eq(type_at(0x103000), BOOT_MEM_USABLE);
	ck_assert_uint_eq(out.firmware_usable_bytes, before);
	/* Nothing usable that large below the limit. */
	ck_assert_uint_eq(mb2_reserve_boot_data(&out, 0x200000, 0x100000, 0x300000), 0);
	ck_assert_uint_eq(mb2_reserve_boot_data(&out, 0, 0, ~0ull), 0);
	ck_assert_uint_eq(mb2_reserve_boot_data(&out, ~0ull, 0, ~0ull), 0);
}
END_TEST

UNIT_SUITE(multiboot2_suite)
{
	Suite *s = suite_create("multiboot2");
	TCase *tc = tcase_create("well-formed");
	tcase_add_test(tc, full_mbi);
	tcase_add_test(tc, minimal_mbi);
	tcase_add_test(tc, acpi_old_only);
	tcase_add_test(tc, acpi_short_or_no_buffer);
	tcase_add_test(tc, framebuffer_not_rgb_or_short);
	tcase_add_test(tc, duplicates_and_unknown_tags);
	tcase_add_test(tc, mmap_entry_size_larger_than_known);
	tcase_add_test(tc, mmap_types);
	tcase_add_test(tc, reserve_boot_data);
	suite_add_tcase(s, tc);

	tc = tcase_create("hostile");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, total_size_bad);
	tcase_add_test(tc, total_size_cuts_the_tags);
	tcase_add_test(tc, tag_past_total_size);
	tcase_add_test(tc, tag_size_too_small);
	tcase_add_test(tc, no_end_tag);
	tcase_add_test(tc, cmdline_unterminated);
	tcase_add_test(tc, cmdline_length_limit);
	tcase_add_test(tc, no_memory_map);
	tcase_add_test(tc, mmap_entry_size_too_small);
	tcase_add_test(tc, mmap_entry_size_huge);
	tcase_add_test(tc, mmap_no_available_memory);
	tcase_add_test(tc, mmap_empty_and_wrapping_entries_dropped);
	tcase_add_test(tc, mmap_overlaps_keep_the_stricter_type);
	tcase_add_test(tc, too_many_regions);
	tcase_add_test(tc, carve_out_needs_a_region_too_many);
	tcase_add_test(tc, module_end_before_start);
	tcase_add_test(tc, module_tag_too_small);
	tcase_add_test(tc, module_name_bounded);
	tcase_add_test(tc, too_many_modules);
	tcase_add_test(tc, carve_outs_never_free_reserved_memory);
	tcase_add_test(tc, kernel_image_wraps);
	tcase_add_test(tc, random_damage);
	suite_add_tcase(s, tc);
	return s;
}
