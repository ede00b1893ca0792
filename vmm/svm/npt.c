/*
 * Nested page tables: guest-physical to host-physical, in the host's own
 * 4-level long-mode format.  The CPU walks them as user accesses, so every
 * entry carries U.  RAM is mapped with 2 MiB pages where the host chunk
 * allows, 4 KiB otherwise; what is not mapped (the LAPIC, IOAPIC and other
 * device windows) faults into the VMM as a nested page fault, an MMIO exit.
 */
#include <asm/paging.h>
#include <pallas/kernel.h>
#include <pallas/mm.h>
#include <pallas/string.h>

#include "svm.h"

#define NPT_P	  (1ull << 0)
#define NPT_RW	  (1ull << 1)
#define NPT_US	  (1ull << 2)
#define NPT_PS	  (1ull << 7)
#define NPT_FLAGS (NPT_P | NPT_RW | NPT_US)
#define GPA_LIMIT (1ull << 48)

static uint64_t *new_table(paddr_t *pa)
{
	*pa = page_alloc(0);
	if (!*pa)
		return NULL;
	uint64_t *t = phys_to_virt(*pa);
	memset(t, 0, PAGE_SIZE);
	return t;
}

bool svm_npt_init(struct svm_vm *vm)
{
	vm->npt_pml4 = new_table(&vm->npt_root);
	return vm->npt_pml4 != NULL;
}

static void free_level(uint64_t *table, int level)
{
	for (int i = 0; i < 512 && level > 0; i++) {
		if ((table[i] & NPT_P) && !(table[i] & NPT_PS))
			free_level(phys_to_virt(table[i] & PTE_ADDR), level - 1);
	}
	page_free(virt_to_phys(table), 0);
}

void svm_npt_destroy(struct svm_vm *vm)
{
	free_level(vm->npt_pml4, 3);
}

static uint64_t *next(uint64_t *table, unsigned i)
{
	if (!(table[i] & NPT_P)) {
		paddr_t pa;
		if (!new_table(&pa))
			return NULL;
		table[i] = pa | NPT_FLAGS;
	}
	if (table[i] & NPT_PS)
		return NULL; /* already mapped by a large page */
	return phys_to_virt(table[i] & PTE_ADDR);
}

bool svm_npt_map(struct svm_vm *vm, uint64_t gpa, paddr_t hpa, uint64_t size)
{
	bool huge = size == PAGE_2M;

	if ((size != PAGE_SIZE && !huge) || !IS_ALIGNED(gpa, size) || !IS_ALIGNED(hpa, size) ||
	    gpa >= GPA_LIMIT)
		return false;
	unsigned long flags = spin_lock_irqsave(&vm->lock);
	bool ok = false;
	uint64_t *pdpt = next(vm->npt_pml4, (gpa >> 39) & 511);
	uint64_t *pd = pdpt ? next(pdpt, (gpa >> 30) & 511) : NULL;
	if (pd && huge) {
		pd[(gpa >> 21) & 511] = hpa | NPT_FLAGS | NPT_PS;
		ok = true;
	} else if (pd) {
		uint64_t *pt = next(pd, (gpa >> 21) & 511);
		if (pt) {
			pt[(gpa >> 12) & 511] = hpa | NPT_FLAGS;
			ok = true;
		}
	}
	spin_unlock_irqrestore(&vm->lock, flags);
	return ok;
}
