/*
 * The handoff page tables; see paging.h.
 *
 * The identity map and the direct map are the same translation at two
 * addresses, so they share everything below the PML4: entry 256 + i points
 * at the same PDPT as entry i.  Large pages keep the tables small: 2 MiB
 * everywhere, 1 GiB above 4 GiB when the CPU has them (below 4 GiB MMIO and
 * RAM interleave finely, and the MTRRs with them).  The kernel image gets
 * 4 KiB pages, since only its span is guaranteed to be ours.
 *
 * Firmware runs identity-mapped, so a table's physical address is also a
 * pointer to it, until the handoff switches CR3.
 */
#include <cpuid.h>

#include "alloc.h"
#include "console.h"
#include "memmap.h"
#include "paging.h"

#define PTE_P	 (1ULL << 0)
#define PTE_W	 (1ULL << 1)
#define PTE_PS	 (1ULL << 7)
#define PTE_ADDR 0x000ffffffffff000ULL

#define CR4_LA57	  (1ULL << 12)
#define CPUID_EDX_PAGE1GB (1u << 26) /* leaf 0x80000001 */

#define PML4_DIRECT_MAP ((BOOT_DIRECT_MAP_BASE >> 39) & 511)

/* Table pages carved out of one zeroed allocation, sized in advance. */
struct pool {
	uint64_t next, end;
};

static unsigned idx(uint64_t va, int level)
{
	return (va >> (12 + 9 * level)) & 511;
}

/* The table under entry i of table, created when missing; NULL if the pool
 * is empty, which would mean the size estimate below is wrong. */
static uint64_t *next_level(struct pool *pool, uint64_t *table, unsigned i)
{
	if (!(table[i] & PTE_P)) {
		if (pool->next == pool->end)
			return NULL;
		table[i] = pool->next | PTE_P | PTE_W;
		pool->next += PAGE_SIZE;
	}
	return (uint64_t *)(table[i] & PTE_ADDR);
}

static bool cpu_has_1g_pages(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(0x80000001, &a, &b, &c, &d))
		return false;
	return d & CPUID_EDX_PAGE1GB;
}

static uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static uint64_t physical_top(const struct boot_info *bi)
{
	uint64_t top = 4 * GiB;
	for (uint32_t i = 0; i < bi->mem_count; i++)
		if (bi->mem[i].base + bi->mem[i].length > top)
			top = bi->mem[i].base + bi->mem[i].length;
	if (bi->fb.base && bi->fb.base + bi->fb.size > top)
		top = bi->fb.base + bi->fb.size;
	return top;
}

/* [0, top) at address 0, with the direct map sharing the same tables. */
static bool map_physical(struct pool *pool, uint64_t *pml4, uint64_t top, bool huge)
{
	for (uint64_t pa = 0; pa < top;) {
		uint64_t *pdpt = next_level(pool, pml4, idx(pa, 3));
		if (!pdpt)
			return false;
		if (huge && pa >= 4 * GiB) {
			pdpt[idx(pa, 2)] = pa | PTE_P | PTE_W | PTE_PS;
			pa += GiB;
			continue;
		}
		uint64_t *pd = next_level(pool, pdpt, idx(pa, 2));
		if (!pd)
			return false;
		pd[idx(pa, 1)] = pa | PTE_P | PTE_W | PTE_PS;
		pa += 2 * MiB;
	}
	for (unsigned i = 0; i < idx(top - 1, 3) + 1; i++)
		pml4[PML4_DIRECT_MAP + i] = pml4[i];
	return true;
}

static bool map_kernel(struct pool *pool, uint64_t *pml4, const struct kelf_plan *plan,
		       uint64_t phys)
{
	for (uint64_t off = 0; off < plan->span; off += PAGE_SIZE) {
		uint64_t va = plan->virt_base + off;
		uint64_t *pdpt = next_level(pool, pml4, idx(va, 3));
		uint64_t *pd = pdpt ? next_level(pool, pdpt, idx(va, 2)) : NULL;
		uint64_t *pt = pd ? next_level(pool, pd, idx(va, 1)) : NULL;
		if (!pt)
			return false;
		pt[idx(va, 0)] = (phys + off) | PTE_P | PTE_W;
	}
	return true;
}

EFI_STATUS paging_build(const struct boot_info *bi, const struct kelf_plan *plan, uint64_t *cr3,
			uint64_t *top_out)
{
	if (read_cr4() & CR4_LA57) {
		con_error("the firmware runs with 5-level paging, which Pallas does not support");
		return EFI_UNSUPPORTED;
	}
	uint64_t top = (physical_top(bi) + GiB - 1) & ~(GiB - 1);
	if (top > PAGING_MAX_TOP) {
		con_error("memory reaches up to %lu GiB; the loader maps at most %llu GiB",
			  top / GiB, PAGING_MAX_TOP / GiB);
		return EFI_UNSUPPORTED;
	}

	bool huge = cpu_has_1g_pages();
	uint64_t low = top < 4 * GiB ? top : 4 * GiB;
	uint64_t pages = 1 /* PML4 */ + (top + 512 * GiB - 1) / (512 * GiB) /* PDPTs */ +
			 (huge ? low : top) / GiB /* PDs */ + 1 + plan->span / GiB + 2 +
			 plan->span / (2 * MiB) + 2 /* the kernel's */;
	uint64_t base;
	EFI_STATUS st =
	    alloc_zeroed_pages(LOADER_MEM_BOOT_DATA, pages * PAGE_SIZE, PAGE_SIZE, &base);
	if (EFI_ERROR(st)) {
		con_error("not enough memory for the page tables (need %lu KiB)",
			  pages * PAGE_SIZE / KiB);
		return st;
	}

	struct pool pool = {base + PAGE_SIZE, base + pages * PAGE_SIZE};
	uint64_t *pml4 = (uint64_t *)base;
	if (!map_physical(&pool, pml4, top, huge) ||
	    !map_kernel(&pool, pml4, plan, bi->kernel_phys_base)) {
		con_error("internal error: page table estimate of %lu pages was short", pages);
		return EFI_BUFFER_TOO_SMALL;
	}
	*cr3 = base;
	*top_out = top;
	return EFI_SUCCESS;
}
