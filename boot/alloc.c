/* Page allocations through boot services, tracked for the failure path. */
#include "alloc.h"
#include "console.h"

/* One entry per allocation alive at once: each module, the initrd, the
 * kernel, boot_info, the stack, the page tables and the memory map, with
 * room to spare.  Full, it says so: the firmware's memory may be plentiful. */
#define MAX_LIVE (BOOT_MODULES_MAX + 16)

static struct {
	uint64_t phys;
	uint64_t pages;
} live[MAX_LIVE];
static unsigned nlive;

static void zero(uint64_t phys, uint64_t pages)
{
	uint64_t *p = (uint64_t *)phys;
	for (uint64_t i = 0; i < pages * (PAGE_SIZE / 8); i++)
		p[i] = 0;
}

static EFI_STATUS track(uint64_t phys, uint64_t pages)
{
	if (nlive == MAX_LIVE) {
		con_error("the loader's allocation table is full (%u entries)", MAX_LIVE);
		g_bs->FreePages(phys, pages);
		return EFI_OUT_OF_RESOURCES;
	}
	live[nlive].phys = phys;
	live[nlive].pages = pages;
	nlive++;
	return EFI_SUCCESS;
}

EFI_STATUS alloc_pages(uint32_t type, uint64_t bytes, uint64_t align, uint64_t *phys)
{
	uint64_t pages = pages_for(bytes ? bytes : 1);
	uint64_t extra = align / PAGE_SIZE - 1;
	EFI_PHYSICAL_ADDRESS addr = 0;

	EFI_STATUS st =
	    g_bs->AllocatePages(AllocateAnyPages, (EFI_MEMORY_TYPE)type, pages + extra, &addr);
	if (EFI_ERROR(st))
		return st;
	/* Over-allocated by align - 1 pages; hand back what the alignment skips. */
	uint64_t base = (addr + align - 1) & ~(align - 1);
	uint64_t head = (base - addr) / PAGE_SIZE;
	if (head)
		g_bs->FreePages(addr, head);
	if (extra - head)
		g_bs->FreePages(base + pages * PAGE_SIZE, extra - head);
	*phys = base;
	return track(base, pages);
}

EFI_STATUS alloc_zeroed_pages(uint32_t type, uint64_t bytes, uint64_t align, uint64_t *phys)
{
	EFI_STATUS st = alloc_pages(type, bytes, align, phys);
	if (!EFI_ERROR(st))
		zero(*phys, pages_for(bytes ? bytes : 1));
	return st;
}

EFI_STATUS alloc_pages_at(uint32_t type, uint64_t phys, uint64_t bytes)
{
	EFI_PHYSICAL_ADDRESS addr = phys;
	uint64_t pages = pages_for(bytes ? bytes : 1);

	EFI_STATUS st = g_bs->AllocatePages(AllocateAddress, (EFI_MEMORY_TYPE)type, pages, &addr);
	if (EFI_ERROR(st))
		return st;
	return track(phys, pages);
}

void alloc_free(uint64_t phys)
{
	for (unsigned i = 0; i < nlive; i++) {
		if (live[i].phys == phys) {
			g_bs->FreePages(live[i].phys, live[i].pages);
			live[i] = live[--nlive];
			return;
		}
	}
}

void alloc_release_all(void)
{
	while (nlive) {
		nlive--;
		g_bs->FreePages(live[nlive].phys, live[nlive].pages);
	}
}
