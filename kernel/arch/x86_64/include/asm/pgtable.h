/*
 * The user half of a page-table tree (pgtable.c): an address space's root
 * shares the kernel half with every other root: it copies the kernel root's
 * 256 top-level entries, and kernel mappings made later go only under
 * entries that exist already (paging_map_page refuses others), so the
 * kernel's mappings are the same everywhere.
 */
#ifndef ASM_PGTABLE_H
#define ASM_PGTABLE_H

#include <pallas/types.h>

/* A new root with the kernel half in place and nothing below it; 0 when
 * memory is out. */
paddr_t pgtable_create(void);
/* Frees the root and every user-half table under it (not the pages they map). */
void pgtable_destroy(paddr_t root);
/* Maps the user page at va to pa with flags (PTE_*; PTE_P and PTE_U added);
 * false when a table cannot be allocated.  Returns the old entry in *old
 * (0 if none), whose TLB entries the caller flushes. */
bool pgtable_map(paddr_t root, uintptr_t va, paddr_t pa, uint64_t flags, uint64_t *old);
/* Clears va's entry and returns it (0 if there was none). */
uint64_t pgtable_unmap(paddr_t root, uintptr_t va);
/* The first va in [va, end) whose page is mapped, or end; skips whole
 * missing tables, so a sparse range costs its mapped pages, not its size. */
uintptr_t pgtable_next_mapped(paddr_t root, uintptr_t va, uintptr_t end);
/* Clears the flags clear and sets set in va's entry if it is present;
 * returns the entry as it was (0 if none). */
uint64_t pgtable_update(paddr_t root, uintptr_t va, uint64_t clear, uint64_t set);
/* The entry that maps va, or 0. */
uint64_t pgtable_lookup(paddr_t root, uintptr_t va);
/* The kernel's own root, which kernel threads run on. */
paddr_t pgtable_kernel_root(void);

#endif
