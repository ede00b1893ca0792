/*
 * Extended page tables: guest-physical to host-physical.  RAM is mapped with
 * 2 MiB pages where the host chunk allows, 4 KiB otherwise; everything not
 * mapped (the LAPIC, IOAPIC and other device windows) faults into the VMM as
 * an EPT violation, which becomes an MMIO exit.
 */
#include <asm/paging.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/string.h>

#include "vmx.h"

#define EPT_R	    (1ull << 0)
#define EPT_W	    (1ull << 1)
#define EPT_X	    (1ull << 2)
#define EPT_RWX	    (EPT_R | EPT_W | EPT_X)
#define EPT_WB	    (6ull << 3) /* memory type of a leaf */
#define EPT_LARGE   (1ull << 7)
#define EPTP_WB	    6ull
#define EPTP_WALK_4 (3ull << 3)
#define GPA_LIMIT   (1ull << 39) /* what one PML4 entry's worth covers... times 512 */

static uint64_t *new_table(paddr_t *pa)
{
	*pa = page_alloc(0);
	if (!*pa)
		return NULL;
	uint64_t *t = phys_to_virt(*pa);
	memset(t, 0, PAGE_SIZE);
	return t;
}

bool vmx_ept_init(struct vmx_vm *vm)
{
	paddr_t pa;

	vm->ept_pml4 = new_table(&pa);
	if (!vm->ept_pml4)
		return false;
	vm->eptp = pa | EPTP_WALK_4 | EPTP_WB;
	return true;
}

static void free_level(uint64_t *table, int level)
{
	for (int i = 0; i < 512 && level > 0; i++) {
		if ((table[i] & EPT_RWX) && !(table[i] & EPT_LARGE))
			free_level(phys_to_virt(table[i] & PTE_ADDR), level - 1);
	}
	page_free(virt_to_phys(table), 0);
}

void vmx_ept_destroy(struct vmx_vm *vm)
{
	free_level(vm->ept_pml4, 3);
}

static uint64_t *next(uint64_t *table, unsigned i)
{
	if (!(table[i] & EPT_RWX)) {
		paddr_t pa;
		if (!new_table(&pa))
			return NULL;
		table[i] = pa | EPT_RWX;
	}
	if (table[i] & EPT_LARGE)
		return NULL; /* already mapped by a large page */
	return phys_to_virt(table[i] & PTE_ADDR);
}

bool vmx_ept_map(struct vmx_vm *vm, uint64_t gpa, paddr_t hpa, uint64_t size)
{
	bool huge = size == PAGE_2M;

	if ((size != PAGE_SIZE && !huge) || !IS_ALIGNED(gpa, size) || !IS_ALIGNED(hpa, size) ||
	    gpa >= (GPA_LIMIT << 9))
		return false;
	unsigned long flags = spin_lock_irqsave(&vm->lock);
	bool ok = false;
	uint64_t *pdpt = next(vm->ept_pml4, (gpa >> 39) & 511);
	uint64_t *pd = pdpt ? next(pdpt, (gpa >> 30) & 511) : NULL;
	if (pd && huge) {
		pd[(gpa >> 21) & 511] = hpa | EPT_RWX | EPT_WB | EPT_LARGE;
		ok = true;
	} else if (pd) {
		uint64_t *pt = next(pd, (gpa >> 21) & 511);
		if (pt) {
			pt[(gpa >> 12) & 511] = hpa | EPT_RWX | EPT_WB;
			ok = true;
		}
	}
	spin_unlock_irqrestore(&vm->lock, flags);
	return ok;
}
