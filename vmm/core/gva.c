/*
 * Guest-virtual to guest-physical translation, by walking the guest's own
 * page tables through vm_gpa_read (the guest controls them: every entry is
 * read with bounds checks, and a walk has at most five levels).  Used to
 * fetch the instruction behind an MMIO exit, and for the memory operand of
 * string I/O, where the permissions matter too.
 */
#include <pallas/kernel.h>

#include "gva.h"
#include <vmm/vm.h>

#define CR0_PE	 (1ull << 0)
#define CR0_PG	 (1ull << 31)
#define CR4_PSE	 (1ull << 4)
#define CR4_PAE	 (1ull << 5)
#define CR4_LA57 (1ull << 12)
#define EFER_LMA (1ull << 10)
#define CR0_WP	 (1ull << 16)
#define PTE_P	 1ull
#define PTE_RW	 2ull
#define PTE_US	 4ull
#define PTE_PS	 (1ull << 7)
#define ADDR_52	 0x000ffffffffff000ull

enum cpu_mode guest_cpu_mode(const struct vcpu_sregs *s, uint64_t rflags)
{
	if (!(s->cr0 & CR0_PE) || (rflags & (1ull << 17)))
		return CPU_MODE_REAL16; /* virtual-8086 decodes like real mode */
	if ((s->efer & EFER_LMA) && (s->cs.ar & (1u << 13)))
		return CPU_MODE_LONG64;
	return (s->cs.ar & (1u << 14)) ? CPU_MODE_PROT32 : CPU_MODE_PROT16;
}

static bool read_entry(struct vm *vm, uint64_t addr, unsigned size, uint64_t *e)
{
	*e = 0;
	return vm_gpa_read(vm, addr, e, size);
}

/* *perm collects RW and US: a page allows what every level on the way allows. */
static bool walk(struct vm *vm, const struct vcpu_sregs *s, uint64_t gva, uint64_t *gpa,
		 uint64_t *perm)
{
	uint64_t e;

	*perm = PTE_RW | PTE_US;
	if (!(s->cr0 & CR0_PG)) {
		*gpa = (s->efer & EFER_LMA) ? gva : (uint32_t)gva;
		return true;
	}
	if (!(s->cr4 & CR4_PAE)) { /* two levels of 32-bit entries */
		uint32_t va = (uint32_t)gva;
		if (!read_entry(vm, (s->cr3 & 0xfffff000u) + (va >> 22) * 4, 4, &e) || !(e & PTE_P))
			return false;
		*perm &= e;
		if ((e & PTE_PS) && (s->cr4 & CR4_PSE)) {
			*gpa = ((e & 0xffc00000u) | ((e >> 13) & 0xff) << 32) + (va & 0x3fffff);
			return true;
		}
		if (!read_entry(vm, (e & 0xfffff000u) + ((va >> 12) & 1023) * 4, 4, &e) ||
		    !(e & PTE_P))
			return false;
		*perm &= e;
		*gpa = (e & 0xfffff000u) + (va & 0xfff);
		return true;
	}
	int levels;
	uint64_t table;
	if (s->efer & EFER_LMA) {
		levels = (s->cr4 & CR4_LA57) ? 5 : 4;
		table = s->cr3 & ADDR_52;
	} else { /* PAE: the PDPT comes first, four entries at CR3 */
		if (!read_entry(vm, (s->cr3 & 0xffffffe0u) + ((gva >> 30) & 3) * 8, 8, &e) ||
		    !(e & PTE_P))
			return false;
		levels = 2;
		table = e & ADDR_52;
	}
	for (int level = levels; level >= 1; level--) {
		unsigned shift = 12 + 9 * (level - 1);
		if (!read_entry(vm, table + ((gva >> shift) & 511) * 8, 8, &e) || !(e & PTE_P))
			return false;
		*perm &= e;
		if (level == 1 || ((e & PTE_PS) && level <= 3)) {
			uint64_t page_mask = (1ull << shift) - 1;
			*gpa = (e & ADDR_52 & ~page_mask) | (gva & page_mask);
			return true;
		}
		table = e & ADDR_52;
	}
	return false;
}

bool gva_to_gpa(struct vm *vm, const struct vcpu_sregs *s, uint64_t gva, uint64_t *gpa)
{
	uint64_t perm;

	return walk(vm, s, gva, gpa, &perm);
}

bool gva_to_gpa_access(struct vm *vm, const struct vcpu_sregs *s, uint64_t gva, bool write,
		       bool user, uint64_t *gpa, uint32_t *pf_error)
{
	uint64_t perm;

	*pf_error = (write ? PF_ERR_WRITE : 0) | (user ? PF_ERR_USER : 0);
	if (!walk(vm, s, gva, gpa, &perm))
		return false;
	/* Supervisor writes ignore RW unless CR0.WP. */
	bool no_write = write && !(perm & PTE_RW) && (user || (s->cr0 & CR0_WP));
	if ((user && !(perm & PTE_US)) || no_write) {
		*pf_error |= PF_ERR_PRESENT;
		return false;
	}
	return true;
}
