/*
 * The guest page-table walker (vmm/core/gva.c) on tables built in the fake
 * VM's RAM: no paging, 32-bit paging with 4 KiB and 4 MiB (PSE-36) pages,
 * PAE with its PDPT and 2 MiB pages, 4-level paging with 1 GiB, 2 MiB and
 * 4 KiB pages; the user and write checks with and without CR0.WP and their
 * #PF error codes; and hostile tables (entries pointing outside RAM, a
 * missing level).
 */
#include <string.h>

#include "../../vmm/core/gva.h"
#include "fake_vm.h"
#include "unit.h"

#define CR0_PE	 (1ull << 0)
#define CR0_WP	 (1ull << 16)
#define CR0_PG	 (1ull << 31)
#define CR4_PSE	 (1ull << 4)
#define CR4_PAE	 (1ull << 5)
#define EFER_LMA (1ull << 10)
#define P	 1ull
#define RW	 2ull
#define US	 4ull
#define PS	 (1ull << 7)

static struct vm *vm;

static void put32(uint64_t gpa, uint32_t v)
{
	ck_assert(vm_gpa_write(vm, gpa, &v, 4));
}

static void put64(uint64_t gpa, uint64_t v)
{
	ck_assert(vm_gpa_write(vm, gpa, &v, 8));
}

static struct vcpu_sregs paging(uint64_t cr4, uint64_t efer, uint64_t cr3)
{
	struct vcpu_sregs s;

	memset(&s, 0, sizeof(s));
	s.cr0 = CR0_PE | CR0_PG;
	s.cr4 = cr4;
	s.efer = efer;
	s.cr3 = cr3;
	return s;
}

/* Translates a supervisor read; asserts the result. */
static void maps(const struct vcpu_sregs *s, uint64_t gva, uint64_t want)
{
	uint64_t gpa = 0;
	uint32_t err = 0;

	ck_assert_msg(gva_to_gpa_access(vm, s, gva, false, false, &gpa, &err), "%#lx not mapped",
		      (unsigned long)gva);
	ck_assert_uint_eq(gpa, want);
}

static uint32_t faults(const struct vcpu_sregs *s, uint64_t gva, bool write, bool user)
{
	uint64_t gpa;
	uint32_t err = 0;

	ck_assert_msg(!gva_to_gpa_access(vm, s, gva, write, user, &gpa, &err), "%#lx mapped",
		      (unsigned long)gva);
	return err;
}

static void setup(void)
{
	vm = fake_vm_create(1, 64 << 20);
}

static void teardown(void)
{
	fake_vm_destroy(vm);
}

START_TEST(no_paging)
{
	struct vcpu_sregs s;

	memset(&s, 0, sizeof(s));
	s.cr0 = CR0_PE;
	maps(&s, 0x12345678, 0x12345678);
	maps(&s, 0x1ffffffffull, 0xffffffff); /* 32-bit linear addresses */
	ck_assert_int_eq(guest_cpu_mode(&s, 0), CPU_MODE_PROT16);
	s.cs.ar = 1u << 14;
	ck_assert_int_eq(guest_cpu_mode(&s, 0), CPU_MODE_PROT32);
	ck_assert_int_eq(guest_cpu_mode(&s, 1u << 17), CPU_MODE_REAL16); /* virtual-8086 */
}
END_TEST

START_TEST(paging_32)
{
	struct vcpu_sregs s = paging(CR4_PSE, 0, 0x1000);

	put32(0x1000 + (0x00400000 >> 22) * 4, 0x2000 | P | RW);      /* PDE -> PT at 0x2000 */
	put32(0x2000 + 5 * 4, 0x00abc000 | P | RW);		      /* 0x00405000 */
	put32(0x1000 + (0x80000000u >> 22) * 4, 0x00c00000 | P | PS); /* a 4 MiB page */
	put32(0x1000 + (0xc0000000u >> 22) * 4, 0x01000000 | (3u << 13) | P | PS); /* PSE-36 */
	maps(&s, 0x00405123, 0x00abc123);
	maps(&s, 0x80123456, 0x00d23456);
	maps(&s, 0xc0000010, 0x301000010ull);
	ck_assert_uint_eq(faults(&s, 0x00406000, false, false), 0);	      /* PTE not present */
	ck_assert_uint_eq(faults(&s, 0x40000000, true, false), PF_ERR_WRITE); /* no PDE */

	/* Without CR4.PSE the PS bit means nothing: the entry names a page
	 * table, at 0xc00000, beyond guest RAM: the walk fails there. */
	s.cr4 = 0;
	faults(&s, 0x80123456, false, false);
}
END_TEST

START_TEST(paging_pae)
{
	struct vcpu_sregs s = paging(CR4_PAE, 0, 0x3020); /* 32-byte aligned PDPT */

	put64(0x3020 + 2 * 8, 0x4000 | P);		 /* PDPTE 2: 0x80000000.. */
	put64(0x4000 + 1 * 8, 0x5000 | P | RW);		 /* PDE 1 -> PT */
	put64(0x5000 + 3 * 8, 0x123456000ull | P | RW);	 /* above 4 GiB */
	put64(0x4000 + 4 * 8, 0x00e00000 | P | RW | PS); /* a 2 MiB page */
	maps(&s, 0x80203abc, 0x123456abcull);
	maps(&s, 0x80812345, 0x00e12345);
	faults(&s, 0x00000000, false, false); /* PDPTE 0 not present */
}
END_TEST

START_TEST(paging_4level)
{
	struct vcpu_sregs s = paging(CR4_PAE, EFER_LMA, 0x6000);
	uint64_t va = 0xffff800012345678ull; /* PML4 256, PDPT 0, PD 0x91, PT 0x145 */

	put64(0x6000 + 256 * 8, 0x7000 | P | RW);
	put64(0x7000 + 0 * 8, 0x8000 | P | RW);
	put64(0x8000 + 0x91 * 8, 0x9000 | P | RW);
	put64(0x9000 + 0x145 * 8, 0x7654321000ull | P | RW);
	maps(&s, va, 0x7654321678ull);
	put64(0x7000 + 1 * 8, 0x40000000ull | P | RW | PS); /* 1 GiB at 0xffff800040000000 */
	maps(&s, 0xffff800041234567ull, 0x41234567);
	put64(0x8000 + 0x92 * 8, 0x00600000 | P | PS); /* 2 MiB */
	maps(&s, 0xffff800012456789ull, 0x00656789);
	/* Tables outside guest RAM: the walk fails, it never reads beyond. */
	put64(0x6000 + 1 * 8, 0x7fff000000ull | P | RW);
	faults(&s, 0x0000008000000000ull, false, false);
}
END_TEST

START_TEST(permissions)
{
	struct vcpu_sregs s = paging(CR4_PAE, EFER_LMA, 0x6000);

	put64(0x6000, 0x7000 | P | RW | US);
	put64(0x7000, 0x8000 | P | RW | US);
	put64(0x8000, 0x9000 | P | RW | US);
	put64(0x9000 + 1 * 8, 0xa000 | P | US);	     /* user, read-only */
	put64(0x9000 + 2 * 8, 0xb000 | P | RW);	     /* supervisor only */
	put64(0x9000 + 3 * 8, 0xc000 | P | RW | US); /* user, writable */
	uint64_t gpa;
	uint32_t err;

	ck_assert(gva_to_gpa_access(vm, &s, 0x1000, false, true, &gpa, &err));
	ck_assert_uint_eq(faults(&s, 0x1000, true, true),
			  PF_ERR_PRESENT | PF_ERR_WRITE | PF_ERR_USER);
	/* A supervisor write to a read-only page: allowed unless CR0.WP. */
	ck_assert(gva_to_gpa_access(vm, &s, 0x1000, true, false, &gpa, &err));
	s.cr0 |= CR0_WP;
	ck_assert_uint_eq(faults(&s, 0x1000, true, false), PF_ERR_PRESENT | PF_ERR_WRITE);
	ck_assert_uint_eq(faults(&s, 0x2000, false, true), PF_ERR_PRESENT | PF_ERR_USER);
	ck_assert(gva_to_gpa_access(vm, &s, 0x2000, true, false, &gpa, &err));
	ck_assert(gva_to_gpa_access(vm, &s, 0x3000, true, true, &gpa, &err));
	ck_assert_uint_eq(gpa, 0xc000);
	/* A level above that denies user access denies it for all below. */
	put64(0x8000, 0x9000 | P | RW);
	ck_assert_uint_eq(faults(&s, 0x3000, false, true), PF_ERR_PRESENT | PF_ERR_USER);
	ck_assert_uint_eq(faults(&s, 0x4000, false, true), PF_ERR_USER); /* not present */
}
END_TEST

UNIT_SUITE(gva_suite)
{
	Suite *s = suite_create("gva");
	TCase *tc = tcase_create("walk");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, no_paging);
	tcase_add_test(tc, paging_32);
	tcase_add_test(tc, paging_pae);
	tcase_add_test(tc, paging_4level);
	tcase_add_test(tc, permissions);
	suite_add_tcase(s, tc);
	return s;
}
