/* boot_info_accept: what the kernel refuses, and what it repairs. */
#include <stdlib.h>
#include <string.h>

#include <pallas/boot.h>

#include "unit.h"

static struct boot_info *good(void)
{
	static struct boot_info bi;
	memset(&bi, 0, sizeof(bi));
	bi.magic = BOOT_INFO_MAGIC;
	bi.version = BOOT_INFO_VERSION;
	bi.size = sizeof(bi);
	bi.kernel_phys_base = 0x200000;
	bi.kernel_size = 0x100000;
	bi.mem_count = 3;
	bi.mem[0] = (struct boot_mem_region){0x0, 0x9f000, BOOT_MEM_USABLE, 0};
	bi.mem[1] = (struct boot_mem_region){0x100000, 0x7f00000, BOOT_MEM_USABLE, 0};
	bi.mem[2] = (struct boot_mem_region){0xfee00000, 0x1000, BOOT_MEM_MMIO, 0};
	strcpy(bi.cmdline, "ktest loglevel=debug");
	return &bi;
}

static struct boot_info out;
static char err[128];

START_TEST(accepts_good)
{
	ck_assert(boot_info_accept(good(), &out, err, sizeof(err)));
	ck_assert_str_eq(out.cmdline, "ktest loglevel=debug");
	ck_assert_uint_eq(out.mem_count, 3);
}
END_TEST

START_TEST(refuses_header_mismatch)
{
	struct boot_info *bi = good();
	bi->magic ^= 1;
	ck_assert(!boot_info_accept(bi, &out, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "magic"));
	bi = good();
	bi->version = BOOT_INFO_VERSION + 1; /* one the kernel does not know */
	ck_assert(!boot_info_accept(bi, &out, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "version"));
	bi = good();
	bi->size -= 8;
	ck_assert(!boot_info_accept(bi, &out, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "size"));
}
END_TEST

START_TEST(refuses_bad_memory_map)
{
	struct boot_info *bi = good();
	bi->mem_count = BOOT_MEM_MAX + 1;
	ck_assert(!boot_info_accept(bi, &out, err, sizeof(err)));
	bi = good();
	bi->mem_count = 0;
	ck_assert(!boot_info_accept(bi, &out, err, sizeof(err)));
	bi = good();
	bi->mem[1].base = 0x90000; /* overlaps region 0 */
	ck_assert(!boot_info_accept(bi, &out, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "overlap"));
	bi = good();
	bi->mem[2].length = UINT64_MAX; /* wraps */
	ck_assert(!boot_info_accept(bi, &out, err, sizeof(err)));
	bi = good();
	bi->mem[1].length = 0;
	ck_assert(!boot_info_accept(bi, &out, err, sizeof(err)));
}
END_TEST

START_TEST(repairs_what_it_can)
{
	struct boot_info *bi = good();
	bi->mem[2].type = 999;
	memset(bi->cmdline, 'x', sizeof(bi->cmdline)); /* unterminated */
	bi->fb = (struct boot_framebuffer){.base = 0x80000000,
					   .size = 4096,
					   .width = 1024,
					   .height = 768,
					   .pitch = 4096,
					   .bpp = 32};
	ck_assert(boot_info_accept(bi, &out, err, sizeof(err)));
	ck_assert_uint_eq(out.mem[2].type, BOOT_MEM_RESERVED);
	ck_assert_uint_eq(strlen(out.cmdline), BOOT_CMDLINE_MAX - 1);
	ck_assert_uint_eq(out.fb.base, 0); /* size too small for pitch*height: dropped */
}
END_TEST

START_TEST(refuses_wrapping_module)
{
	struct boot_info *bi = good();
	bi->module_count = 1;
	bi->modules[0].base = UINT64_MAX - 10;
	bi->modules[0].size = 100;
	ck_assert(!boot_info_accept(bi, &out, err, sizeof(err)));
	bi = good();
	bi->module_count = BOOT_MODULES_MAX + 1;
	ck_assert(!boot_info_accept(bi, &out, err, sizeof(err)));
}
END_TEST

UNIT_SUITE(boot_info_suite)
{
	Suite *s = suite_create("boot_info");
	TCase *tc = tcase_create("accept");
	tcase_add_test(tc, accepts_good);
	tcase_add_test(tc, refuses_header_mismatch);
	tcase_add_test(tc, refuses_bad_memory_map);
	tcase_add_test(tc, repairs_what_it_can);
	tcase_add_test(tc, refuses_wrapping_module);
	suite_add_tcase(s, tc);
	return s;
}
