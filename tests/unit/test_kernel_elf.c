/* kernel_elf_check / kernel_elf_load: what the loader accepts as a kernel. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel_elf.h"
#include "unit.h"

#define KBASE	  0xffffffff80200000ULL
#define FILE_SIZE 0xc000

static _Alignas(4096) unsigned char img[FILE_SIZE];
static Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
static Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(Elf64_Ehdr));
static struct kelf_plan plan;
static char err[160];

static void set_phdr(int i, uint32_t flags, uint64_t off, uint64_t va, uint64_t filesz,
		     uint64_t memsz)
{
	ph[i] = (Elf64_Phdr){.p_type = PT_LOAD,
			     .p_flags = flags,
			     .p_offset = off,
			     .p_vaddr = va,
			     .p_paddr = va - 0xffffffff80000000ULL,
			     .p_filesz = filesz,
			     .p_memsz = memsz,
			     .p_align = 4096};
}

/* Shaped like the real kernel: text RX, rodata R, data+bss RW, ksyms R. */
static void build(void)
{
	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = KBASE;
	eh->e_phoff = sizeof(Elf64_Ehdr);
	eh->e_ehsize = sizeof(Elf64_Ehdr);
	eh->e_phentsize = sizeof(Elf64_Phdr);
	eh->e_phnum = 5;
	set_phdr(0, PF_R | PF_X, 0x1000, KBASE, 0x700c, 0x700c);
	set_phdr(1, PF_R, 0x9000, KBASE + 0x8000, 0x100, 0x100);
	set_phdr(2, PF_R | PF_W, 0xa000, KBASE + 0xb000, 0x3c, 0x36d38);
	set_phdr(3, PF_R, 0xb000, KBASE + 0x42000, 0x99b, 0x99b);
	ph[4] = (Elf64_Phdr){.p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W};
	for (int i = 0x1000; i < FILE_SIZE; i++)
		img[i] = (unsigned char)(i * 7 + 1);
}

static int check(size_t size)
{
	memset(err, 0, sizeof(err));
	return kernel_elf_check(img, size, &plan, err, sizeof(err));
}

static void refuse(const char *msg)
{
	ck_assert_int_eq(check(FILE_SIZE), -1);
	ck_assert_str_eq(err, msg);
}

START_TEST(accepts_kernel)
{
	build();
	ck_assert_int_eq(check(FILE_SIZE), 0);
	ck_assert_uint_eq(plan.nseg, 4);
	ck_assert_uint_eq(plan.entry, KBASE);
	ck_assert_uint_eq(plan.virt_base, KBASE);
	ck_assert_uint_eq(plan.span, 0x43000);
	ck_assert_uint_eq(plan.phys_hint, 0x200000);
	ck_assert_uint_eq(plan.seg[2].memsz, 0x36d38);
	ck_assert_uint_eq(plan.seg[2].flags, PF_R | PF_W);
	ck_assert_uint_eq(plan.seg[3].phdr, 3);
}
END_TEST

START_TEST(loads_kernel)
{
	static _Alignas(4096) unsigned char dest[0x43000];
	build();
	ck_assert_int_eq(check(FILE_SIZE), 0);
	memset(dest, 0xcc, sizeof(dest));
	kernel_elf_load(img, &plan, dest);
	ck_assert_mem_eq(dest, img + 0x1000, 0x700c);
	for (int i = 0x700c; i < 0x8000; i++)
		ck_assert_uint_eq(dest[i], 0); /* gap after text */
	ck_assert_mem_eq(dest + 0x8000, img + 0x9000, 0x100);
	ck_assert_mem_eq(dest + 0xb000, img + 0xa000, 0x3c);
	for (int i = 0xb03c; i < 0x42000; i++)
		ck_assert_uint_eq(dest[i], 0); /* bss */
	ck_assert_mem_eq(dest + 0x42000, img + 0xb000, 0x99b);
	for (int i = 0x4299b; i < 0x43000; i++)
		ck_assert_uint_eq(dest[i], 0);
}
END_TEST

START_TEST(refuses_foreign_files)
{
	build();
	ck_assert_int_eq(check(0), -1);
	ck_assert_str_eq(err, "not an ELF file");
	ck_assert_int_eq(check(3), -1);
	ck_assert_str_eq(err, "not an ELF file");
	ck_assert_int_eq(check(40), -1);
	ck_assert_str_eq(err, "truncated ELF header (file is 40 bytes)");
	img[1] = 'e';
	refuse("not an ELF file");
	build();
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	refuse("not a 64-bit ELF file (EI_CLASS 1)");
	build();
	eh->e_ident[EI_DATA] = ELFDATA2MSB;
	refuse("not a little-endian ELF file (EI_DATA 2)");
	build();
	eh->e_version = 2;
	refuse("unknown ELF version 2");
	build();
	eh->e_ident[EI_VERSION] = 0;
	refuse("unknown ELF version 1");
	build();
	eh->e_type = ET_DYN;
	refuse("not an ELF executable (e_type 3, expected 2 ET_EXEC)");
	build();
	eh->e_machine = EM_ARM;
	refuse("not x86-64 (e_machine 0x28)");
	build();
	eh->e_machine = EM_386;
	refuse("not x86-64 (e_machine 0x3)");
}
END_TEST

START_TEST(refuses_bad_program_headers)
{
	build();
	eh->e_phentsize = 32;
	refuse("program header size is 32 bytes, expected 56");
	build();
	eh->e_phnum = 0;
	refuse("no program headers");
	build();
	eh->e_phnum = 65;
	refuse("too many program headers (65, limit 64)");
	build();
	eh->e_phnum = 0xffff; /* PN_XNUM: the count would be in a section header */
	refuse("too many program headers (65535, limit 64)");
	build();
	eh->e_phoff = FILE_SIZE - 100;
	refuse("program header table extends past end of file");
	build();
	eh->e_phoff = ~0ULL - 8;
	refuse("program header table extends past end of file");
	build();
	ck_assert_int_eq(check(64 + 56 * 4), -1);
	ck_assert_str_eq(err, "program header table extends past end of file");
}
END_TEST

START_TEST(refuses_bad_segments)
{
	build();
	ph[1].p_filesz = 0x101;
	refuse("segment 1: file size 0x101 exceeds memory size 0x100");
	build();
	ph[3].p_filesz = ph[3].p_memsz = 0x2000;
	refuse("segment 3 extends past end of file");
	build();
	ph[3].p_offset = ~0ULL - 0x10;
	refuse("segment 3 extends past end of file");
	build();
	ph[0].p_vaddr = 0x200000;
	refuse("segment 0 is not in the kernel half (vaddr 0x200000)");
	build();
	ph[0].p_vaddr = 0xffff800000000000ULL;
	refuse("segment 0 is not in the kernel half (vaddr 0xffff800000000000)");
	build();
	ph[3].p_vaddr = ~0ULL - 0x800;
	refuse("segment 3 wraps around the address space");
	build();
	ph[3].p_vaddr = 0xfffffffffffff000ULL;
	ph[3].p_memsz = ph[3].p_filesz = 0x10;
	refuse("segment 3 wraps around the address space");
	build();
	ph[2].p_memsz = ~0ULL - 1;
	refuse("segment 2 wraps around the address space");
}
END_TEST

START_TEST(refuses_bad_layout)
{
	build();
	ph[2].p_vaddr = KBASE + 0x8080; /* inside rodata */
	refuse("segment 2 (vaddr 0xffffffff80208080) overlaps or comes before segment 1");
	build();
	Elf64_Phdr t = ph[0];
	ph[0] = ph[1];
	ph[1] = t;
	refuse("segment 1 (vaddr 0xffffffff80200000) overlaps or comes before segment 0");
	build();
	for (int i = 0; i < 4; i++)
		ph[i].p_type = PT_NOTE;
	refuse("no loadable segments");
	build();
	ph[0].p_vaddr += 0x10;
	eh->e_entry += 0x10;
	refuse("segment 0 is not page aligned (vaddr 0xffffffff80200010)");
	build();
	ph[3].p_vaddr = KBASE + (256ULL << 20);
	refuse("kernel spans 257 MiB, limit 256 MiB");
}
END_TEST

START_TEST(span_limit_is_inclusive)
{
	build();
	ph[2].p_memsz = (256ULL << 20) - 0xb000;
	eh->e_phnum = 3;
	ck_assert_int_eq(check(FILE_SIZE), 0);
	ck_assert_uint_eq(plan.span, 256ULL << 20);
	ph[2].p_memsz++;
	refuse("kernel spans 257 MiB, limit 256 MiB");
}
END_TEST

START_TEST(too_many_segments)
{
	build();
	eh->e_phnum = KELF_MAX_SEGMENTS + 1;
	for (int i = 0; i < KELF_MAX_SEGMENTS + 1; i++)
		set_phdr(i, PF_R | PF_X, 0x1000, KBASE + 0x1000 * i, 0x10, 0x10);
	refuse("too many loadable segments (limit 16)");
	eh->e_phnum = KELF_MAX_SEGMENTS;
	ck_assert_int_eq(check(FILE_SIZE), 0);
	ck_assert_uint_eq(plan.nseg, KELF_MAX_SEGMENTS);
}
END_TEST

START_TEST(empty_segments_are_skipped)
{
	build();
	ph[4] = ph[3];
	ph[3] = (Elf64_Phdr){.p_type = PT_LOAD, .p_vaddr = 0x1234}; /* memsz 0: nothing to load */
	ck_assert_int_eq(check(FILE_SIZE), 0);
	ck_assert_uint_eq(plan.nseg, 4);
	ck_assert_uint_eq(plan.seg[3].phdr, 4);
}
END_TEST

START_TEST(refuses_bad_entry)
{
	build();
	eh->e_entry = KBASE + 0x8000; /* rodata: not executable */
	refuse("entry point 0xffffffff80208000 is not in an executable segment");
	eh->e_entry = KBASE + 0x700c; /* just past text */
	refuse("entry point 0xffffffff8020700c is not in an executable segment");
	eh->e_entry = 0;
	refuse("entry point 0x0 is not in an executable segment");
	eh->e_entry = KBASE + 0x700b;
	ck_assert_int_eq(check(FILE_SIZE), 0);
}
END_TEST

START_TEST(physical_hint)
{
	build();
	ph[2].p_paddr += 0x1000; /* not the shape of the virtual layout */
	ck_assert_int_eq(check(FILE_SIZE), 0);
	ck_assert_uint_eq(plan.phys_hint, 0);
	build();
	for (int i = 0; i < 4; i++)
		ph[i].p_paddr += 0x10; /* consistent but not page aligned */
	ck_assert_int_eq(check(FILE_SIZE), 0);
	ck_assert_uint_eq(plan.phys_hint, 0);
	build();
	for (int i = 0; i < 4; i++)
		ph[i].p_paddr += (1ULL << 52) - 0x200000 - 0x1000;
	ck_assert_int_eq(check(FILE_SIZE), 0);
	ck_assert_uint_eq(plan.phys_hint, 0); /* would run past 2^52 */
}
END_TEST

/* Truncated files are refused cleanly, never read past. */
START_TEST(truncations)
{
	build();
	/* The headers end at byte 64 + 5 * 56; an exact-size heap copy lets
	 * ASan see any read past the end. */
	for (size_t n = 0; n < 1024; n++) {
		unsigned char *p = malloc(n ? n : 1);
		memcpy(p, img, n);
		ck_assert_int_eq(kernel_elf_check(p, n, &plan, err, sizeof(err)), -1);
		free(p);
	}
	/* Past the headers, one byte short of each segment's file data. */
	static const struct {
		size_t size;
		const char *msg;
	} cut[] = {
	    {0x800b, "segment 0 extends past end of file"},
	    {0x90ff, "segment 1 extends past end of file"},
	    {0xa03b, "segment 2 extends past end of file"},
	    {0xb99a, "segment 3 extends past end of file"},
	};
	for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		ck_assert_int_eq(check(cut[i].size), -1);
		ck_assert_str_eq(err, cut[i].msg);
	}
	ck_assert_int_eq(check(0xb99b), 0);
}
END_TEST

UNIT_SUITE(kernel_elf_suite)
{
	Suite *s = suite_create("kernel_elf");
	TCase *tc = tcase_create("check");
	tcase_add_test(tc, accepts_kernel);
	tcase_add_test(tc, loads_kernel);
	tcase_add_test(tc, refuses_foreign_files);
	tcase_add_test(tc, refuses_bad_program_headers);
	tcase_add_test(tc, refuses_bad_segments);
	tcase_add_test(tc, refuses_bad_layout);
	tcase_add_test(tc, span_limit_is_inclusive);
	tcase_add_test(tc, too_many_segments);
	tcase_add_test(tc, empty_segments_are_skipped);
	tcase_add_test(tc, refuses_bad_entry);
	tcase_add_test(tc, physical_hint);
	tcase_add_test(tc, truncations);
	suite_add_tcase(s, tc);
	return s;
}
