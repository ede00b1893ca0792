/* x86-64 4-level paging. */
#ifndef ASM_PAGING_H
#define ASM_PAGING_H

#include <pallas/mm.h>

#define PTE_P	 (1ull << 0)
#define PTE_W	 (1ull << 1)
#define PTE_U	 (1ull << 2)
#define PTE_PWT	 (1ull << 3)
#define PTE_PCD	 (1ull << 4)
#define PTE_PS	 (1ull << 7)
#define PTE_G	 (1ull << 8)
#define PTE_NX	 (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

/* The table an entry points at, through the direct map. */
static inline uint64_t *pte_table(uint64_t entry)
{
	return phys_to_virt(entry & PTE_ADDR);
}

/* va's index in its level-`level` table (0: the page table, 3: the PML4). */
static inline unsigned pte_index(uint64_t va, int level)
{
	return (va >> (12 + 9 * level)) & 511;
}

#define PAGE_2M	       ((uint64_t)2 << 20)
#define DIRECT_MAP_MAX ((uint64_t)64 << 40) /* the direct map's share of the kernel half */

/* Build the kernel's own page tables and switch to them. */
void paging_init(const struct boot_info *bi);
/* Bytes of physical address space the direct map covers (0 before paging_init). */
uint64_t paging_direct_map_top(void);
/* After paging_init: maps one 4 KiB page of the kernel half.  The caller
 * flushes TLBs (tlb_shootdown) when it replaces a present mapping. */
#define KERNEL_VBASE_MIN 0xffff800000000000ull
void paging_map_page(uintptr_t va, paddr_t pa, uint64_t flags);

#endif
