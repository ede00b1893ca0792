/*
 * The kernel's page tables.  The loader's tables are all RWX and identity-map
 * low memory; ours map only what the kernel uses, with least privilege:
 *  - the direct map of [0, top): read-write, never executable, 2 MiB pages;
 *  - the kernel image section by section: text RX, rodata R, data RW.
 * CR0.WP makes read-only binding on the kernel itself, and EFER.NXE makes the
 * no-execute bits mean something.
 */
#include <asm/cpu.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <asm/pgtable.h>
#include <pallas/kernel.h>
#include <pallas/string.h>

extern const char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern const char __data_start[], __data_end[], __ksyms_start[], __kernel_end[];

static uint64_t *pml4;
static uint64_t direct_map_top;
static uint64_t kernel_phys_base, kernel_virt_base;

uint64_t paging_direct_map_top(void)
{
	return direct_map_top;
}

paddr_t pgtable_kernel_root(void)
{
	return virt_to_phys(pml4);
}

/* Page-table pages come from bootmem until mm_init, from the buddy after. */
static paddr_t table_page(void)
{
	if (!direct_map_top)
		return bootmem_alloc_pages(1);
	paddr_t p = page_alloc(0);
	if (!p)
		panic("paging: out of memory for a page table");
	memset(phys_to_virt(p), 0, PAGE_SIZE);
	return p;
}

/* The next-level table under entry i, created when missing. */
static uint64_t *next_table(uint64_t *table, unsigned i)
{
	if (!(table[i] & PTE_P))
		table[i] = table_page() | PTE_P | PTE_W;
	BUG_ON(table[i] & PTE_PS);
	return pte_table(table[i]);
}

static void map_2m(uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t *pdpt = next_table(pml4, pte_index(va, 3));
	uint64_t *pd = next_table(pdpt, pte_index(va, 2));
	pd[pte_index(va, 1)] = pa | flags | PTE_PS;
}

static void map_4k(uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t *pdpt = next_table(pml4, pte_index(va, 3));
	uint64_t *pd = next_table(pdpt, pte_index(va, 2));
	uint64_t *pt = next_table(pd, pte_index(va, 1));
	pt[pte_index(va, 0)] = pa | flags;
}

static void map_kernel_range(const char *start, const char *end, uint64_t flags)
{
	for (uint64_t va = (uint64_t)start; va < (uint64_t)end; va += PAGE_SIZE)
		map_4k(va, kernel_phys_base + (va - kernel_virt_base), flags);
}

/* Everything the memory map or the framebuffer mentions, and at least the
 * low 4 GiB, where the local APIC, IOAPIC and PCI windows live. */
static uint64_t physical_top(const struct boot_info *bi)
{
	uint64_t top = 4ull << 30;

	for (uint32_t i = 0; i < bi->mem_count; i++) {
		uint64_t end = bi->mem[i].base + bi->mem[i].length;
		top = MAX(top, end);
	}
	if (bi->fb.base)
		top = MAX(top, bi->fb.base + bi->fb.size);
	top = ALIGN_UP(top, PAGE_2M);
	if (top > DIRECT_MAP_MAX) {
		pr_warn("paging: physical memory above %lu TiB is not mapped\n",
			DIRECT_MAP_MAX >> 40);
		top = DIRECT_MAP_MAX;
	}
	return top;
}

void paging_init(const struct boot_info *bi)
{
	kernel_phys_base = bi->kernel_phys_base;
	kernel_virt_base = bi->kernel_virt_base;
	BUG_ON(kernel_virt_base != (uint64_t)__text_start);

	pml4 = phys_to_virt(bootmem_alloc_pages(1));
	uint64_t top = physical_top(bi);
	for (uint64_t pa = 0; pa < top; pa += PAGE_2M)
		map_2m(DIRECT_MAP_BASE + pa, pa, PTE_P | PTE_W | PTE_NX | PTE_G);

	map_kernel_range(__text_start, __text_end, PTE_P | PTE_G);
	map_kernel_range(__rodata_start, __rodata_end, PTE_P | PTE_NX | PTE_G);
	map_kernel_range(__data_start, __data_end, PTE_P | PTE_W | PTE_NX | PTE_G);
	map_kernel_range(__ksyms_start, __kernel_end, PTE_P | PTE_NX | PTE_G);

	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr4(read_cr4() & ~CR4_PGE); /* flush any global entries of the loader's */
	write_cr3(virt_to_phys(pml4));
	write_cr4(read_cr4() | CR4_PGE);
	write_cr0(read_cr0() | CR0_WP);
	direct_map_top = top;
	pr_info("paging: direct map of %lu MiB, kernel text RX, rodata R, data RW NX\n", top >> 20);
}

void paging_map_page(uintptr_t va, paddr_t pa, uint64_t flags)
{
	BUG_ON(!direct_map_top || va < KERNEL_VBASE_MIN);
	/* Address spaces copy the kernel half's top-level entries when they are
	 * made (asm/pgtable.h): a later mapping must go under one that exists
	 * (the direct map's, the kernel image's), or they would not see it. */
	BUG_ON(!(pml4[pte_index(va, 3)] & PTE_P));
	map_4k(va, pa, flags | PTE_P);
}
