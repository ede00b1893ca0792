/*
 * The C half of the Multiboot2 entry (multiboot2_entry.S), run before kmain
 * on the entry's early page tables and boot stack.  It turns GRUB's MBI into
 * the struct boot_info the UEFI loader would have built and then makes the
 * state match the handoff contract the UEFI loader meets: the early direct
 * map must cover every region boot_info lists, since bootmem hands out pages
 * from the top of RAM and paging_init writes them through the direct map
 * before it switches to the kernel's own tables.
 */
#include <asm/cpu.h>
#include <asm/layout.h>
#include <asm/paging.h>
#include <pallas/console.h>
#include <pallas/kernel.h>
#include <pallas/multiboot2.h>
#include <pallas/string.h>

#define GIB	     (1ull << 30)
#define EARLY_MAPPED (4 * GIB) /* what multiboot2_entry.S maps with 2 MiB pages */
#define LOW_MEMORY   (1ull << 20)

extern const char __kernel_start[], __kernel_end[];
extern uint64_t mb2_pml4[512];

static struct boot_info mb2_boot_info;
static uint8_t mb2_rsdp[MB2_RSDP_MAX] __attribute__((aligned(16)));

const struct boot_info *mb2_start(uint64_t mbi_phys);

__attribute__((noreturn)) static void refuse(const char *why)
{
	uart_console_init();
	console_write_raw("pallas: cannot boot: multiboot2: ");
	console_write_raw(why);
	console_write_raw("\n");
	cpu_stop();
}

static bool have_1g_pages(void)
{
	uint32_t a, b, c, d;

	cpuid(0x80000000, 0, &a, &b, &c, &d);
	if (a < 0x80000001)
		return false;
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	return d & (1u << 26);
}

/* The end of the highest region or framebuffer, in whole GiB. */
static uint64_t physical_top(const struct boot_info *bi)
{
	uint64_t top = 0;

	for (uint32_t i = 0; i < bi->mem_count; i++)
		top = MAX(top, bi->mem[i].base + bi->mem[i].length);
	if (bi->fb.base && bi->fb.base + bi->fb.size > bi->fb.base)
		top = MAX(top, bi->fb.base + bi->fb.size);
	return MIN(ALIGN_UP(top, GIB), DIRECT_MAP_MAX);
}

/* A PDPT per further 512 GiB, and a page directory per GiB without 1 GiB pages. */
static uint64_t tables_needed(uint64_t top, bool gb_pages)
{
	uint64_t pdpts = (top - 1) / (512 * GIB);

	return pdpts + (gb_pages ? 0 : (top - EARLY_MAPPED) / GIB);
}

/* Maps [pa, pa + 1 GiB) at DIRECT_MAP_BASE + pa; *pool supplies zeroed tables. */
static void map_gib(uint64_t pa, bool gb_pages, uint64_t *pool)
{
	uint64_t va = DIRECT_MAP_BASE + pa;
	uint64_t *l4e = &mb2_pml4[(va >> 39) & 511];

	if (!(*l4e & PTE_P)) {
		*l4e = *pool | PTE_P | PTE_W;
		*pool += PAGE_SIZE;
	}
	uint64_t *pdpte = &pte_table(*l4e)[(va >> 30) & 511];
	if (gb_pages) {
		*pdpte = pa | PTE_P | PTE_W | PTE_PS;
		return;
	}
	uint64_t *pd = phys_to_virt(*pool);
	for (unsigned i = 0; i < 512; i++)
		pd[i] = (pa + i * PAGE_2M) | PTE_P | PTE_W | PTE_PS;
	*pdpte = *pool | PTE_P | PTE_W;
	*pool += PAGE_SIZE;
}

/*
 * The tables come from memory below 4 GiB (already mapped) marked BOOT_DATA,
 * so mm_init frees them once paging_init has switched away from them.
 */
static void extend_direct_map(struct boot_info *bi)
{
	uint64_t top = physical_top(bi);

	if (top <= EARLY_MAPPED)
		return;
	bool gb_pages = have_1g_pages();
	uint64_t need = tables_needed(top, gb_pages);
	uint64_t pool = 0;
	if (need) {
		pool = mb2_reserve_boot_data(bi, need * PAGE_SIZE, LOW_MEMORY, EARLY_MAPPED);
		if (!pool)
			refuse("no room below 4 GiB for the early page tables");
		memset(phys_to_virt(pool), 0, need * PAGE_SIZE);
	}
	for (uint64_t pa = EARLY_MAPPED; pa < top; pa += GIB)
		map_gib(pa, gb_pages, &pool);
	write_cr3(read_cr3());
}

/* Called from multiboot2_entry.S; the result goes to _start as the loader's boot_info. */
const struct boot_info *mb2_start(uint64_t mbi_phys)
{
	struct mb2_kernel_image img = {
	    .phys_base = (uint64_t)__kernel_start - KERNEL_VBASE,
	    .virt_base = (uint64_t)__kernel_start,
	    .size = (uint64_t)(__kernel_end - __kernel_start),
	    .rsdp_buf = mb2_rsdp,
	    .rsdp_buf_phys = (uint64_t)mb2_rsdp - KERNEL_VBASE,
	};
	/* Only the low 4 GiB is mapped yet; GRUB puts the MBI there. */
	size_t max_len = mbi_phys < EARLY_MAPPED ? MIN(MB2_INFO_MAX, EARLY_MAPPED - mbi_phys) : 0;
	char err[96];

	if (!mb2_to_boot_info(phys_to_virt(mbi_phys), mbi_phys, max_len, &img, &mb2_boot_info, err,
			      sizeof(err)))
		refuse(err);
	extend_direct_map(&mb2_boot_info);
	return &mb2_boot_info;
}
