/* 32-bit PAE paging over a large guest: 1 GiB touched through 2 MiB pages,
 * 2 MiB through 4 KiB pages mapped out of order, accessed/dirty bits, INVLPG
 * and a page fault with the right CR2.  Exercises the VMM's second-level
 * translation (EPT/NPT) over the whole of guest RAM, not just the image. */
#include "lib/guest.h"

const char guest_name[] = "paging";

#define MiB	     (1024u * 1024u)
#define BIG_BASE     (64 * MiB) /* 1 GiB tested from here */
#define BIG_SIZE     (1024 * MiB)
#define SMALL_PHYS   (32 * MiB) /* 2 MiB tested through 4 KiB pages */
#define SMALL_LINEAR 0xc0000000u
#define ALIAS_LINEAR 0xd0000000u /* a 2 MiB page onto BIG_BASE */
#define HOLE_LINEAR  0xc0200000u /* not present */
#define P	     1ull
#define RW	     2ull
#define ACCESSED     (1ull << 5)
#define DIRTY	     (1ull << 6)
#define PS	     (1ull << 7)

static uint64_t pdpt[4] __attribute__((aligned(32)));
static uint64_t pd[4][512] __attribute__((aligned(4096)));
static uint64_t pt[512] __attribute__((aligned(4096)));

static inline void invlpg(uint32_t a)
{
	asm volatile("invlpg (%0)" ::"r"(a) : "memory");
}

static bool read32_safe(uint32_t a, uint32_t *v)
{
	uint32_t failed = 0, x = 0;
	asm volatile("1: movl (%2), %1\n2:\n"
		     ".pushsection .extable, \"a\"\n.long 1b, 3f\n.popsection\n"
		     ".pushsection .text.fixup, \"ax\"\n3: movl $1, %0\njmp 2b\n.popsection"
		     : "+r"(failed), "+r"(x)
		     : "r"(a)
		     : "memory");
	*v = x;
	return !failed;
}

static uint64_t *pde(uint32_t linear)
{
	return &pd[linear >> 30][(linear >> 21) & 511];
}

static inline uint32_t pattern(uint32_t a)
{
	return a * 2654435761u ^ 0x5a5a5a5a;
}

void guest_main(const struct mb_info *mbi)
{
	uint64_t ram = (uint64_t)mbi->mem_upper * 1024 + MiB;
	printf("RAM below the first hole: %u MiB\n", (uint32_t)(ram >> 20));
	CHECK(ram >= BIG_BASE + BIG_SIZE, "needs 1 GiB + 64 MiB of RAM, has %u MiB",
	      (uint32_t)(ram >> 20));

	/* Identity-map all 4 GiB with 2 MiB pages, then carve out the test
	 * windows. */
	for (uint32_t i = 0; i < 4; i++) {
		pdpt[i] = (uint32_t)pd[i] | P;
		for (uint32_t j = 0; j < 512; j++)
			pd[i][j] = ((uint64_t)i << 30 | (uint64_t)j << 21) | P | RW | PS;
	}
	for (uint32_t i = 0; i < 512; i++)
		pt[i] = (SMALL_PHYS + (511 - i) * 4096u) | P | RW; /* reversed */
	*pde(SMALL_LINEAR) = (uint32_t)pt | P | RW;
	*pde(HOLE_LINEAR) = 0;
	*pde(ALIAS_LINEAR) = BIG_BASE | P | RW | PS;

	uint32_t cr0, cr4;
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	asm volatile("mov %0, %%cr4" ::"r"(cr4 | (1u << 5))); /* PAE */
	asm volatile("mov %0, %%cr3" ::"r"(pdpt));
	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	asm volatile("mov %0, %%cr0" ::"r"(cr0 | (1u << 31)) : "memory");
	printf("PAE paging on\n");

	/* 1 GiB: two words in every 4 KiB page, written then verified. */
	for (uint32_t a = BIG_BASE; a - BIG_BASE < BIG_SIZE; a += 4096) {
		*(volatile uint32_t *)a = pattern(a);
		*(volatile uint32_t *)(a + 4092) = ~pattern(a);
	}
	for (uint32_t a = BIG_BASE; a - BIG_BASE < BIG_SIZE; a += 4096) {
		uint32_t v = *(volatile uint32_t *)a, w = *(volatile uint32_t *)(a + 4092);
		CHECK(v == pattern(a) && w == ~pattern(a), "at %x read %x/%x, wrote %x/%x", a, v, w,
		      pattern(a), ~pattern(a));
	}
	printf("1 GiB through 2 MiB pages: ok\n");
	CHECK(*pde(BIG_BASE) & ACCESSED, "2 MiB PDE accessed bit clear");
	CHECK(*pde(BIG_BASE) & DIRTY, "2 MiB PDE dirty bit clear");

	/* A second 2 MiB mapping of the same frame sees the same data. */
	CHECK(*(volatile uint32_t *)ALIAS_LINEAR == pattern(BIG_BASE), "alias reads %x",
	      *(volatile uint32_t *)ALIAS_LINEAR);

	/* 4 KiB pages, reversed: linear page i is physical page 511 - i. */
	for (uint32_t i = 0; i < 512; i++)
		for (uint32_t off = 0; off < 4096; off += 512)
			*(volatile uint32_t *)(SMALL_LINEAR + i * 4096 + off) = i << 16 | off;
	for (uint32_t i = 0; i < 512; i++) {
		uint32_t phys = SMALL_PHYS + (511 - i) * 4096;
		for (uint32_t off = 0; off < 4096; off += 512) {
			uint32_t v = *(volatile uint32_t *)(phys + off);
			CHECK(v == (i << 16 | off), "page %u +%x: identity view of %x reads %x", i,
			      off, phys, v);
		}
		CHECK((pt[i] & (ACCESSED | DIRTY)) == (ACCESSED | DIRTY), "PTE %u flags %llx", i,
		      pt[i] & 0xfff);
	}
	printf("2 MiB through reversed 4 KiB pages: ok, A/D set\n");

	/* Remap one page: after INVLPG the new frame shows. */
	pt[0] = (SMALL_PHYS + 7 * 4096u) | P | RW;
	invlpg(SMALL_LINEAR);
	uint32_t v = *(volatile uint32_t *)SMALL_LINEAR;
	CHECK(v == (504u << 16), "after remap and invlpg page 0 reads %x, not %x", v, 504u << 16);

	/* A not-present page raises #PF with CR2 = the address. */
	static volatile uint32_t cr2;
	last_fixup_vector = -1;
	CHECK(!read32_safe(HOLE_LINEAR + 0x123, (uint32_t *)&v), "read of an unmapped page worked");
	asm volatile("mov %%cr2, %0" : "=r"(cr2));
	CHECK(last_fixup_vector == 14, "unmapped read raised vector %d", last_fixup_vector);
	CHECK(cr2 == HOLE_LINEAR + 0x123, "cr2 %x", cr2);
	printf("#PF at %x as expected\n", cr2);

	asm volatile("mov %0, %%cr0" ::"r"(cr0) : "memory");
}
