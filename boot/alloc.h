/*
 * Physical pages from the firmware, in the loader's own memory types
 * (LOADER_MEM_* in memmap.h), so that the final memory map says who owns
 * them: the kernel image, a module, or boot data the kernel may reclaim.
 *
 * Every allocation is remembered, so that a failed boot can give all of it
 * back before returning to the firmware, which may try another boot option.
 */
#ifndef BOOT_ALLOC_H
#define BOOT_ALLOC_H

#include "loader.h"

/* Pages anywhere, with the base aligned to align (a power of two, at least
 * PAGE_SIZE).  Their contents are whatever was there. */
EFI_STATUS alloc_pages(uint32_t type, uint64_t bytes, uint64_t align, uint64_t *phys);

/* The same, filled with zeroes. */
EFI_STATUS alloc_zeroed_pages(uint32_t type, uint64_t bytes, uint64_t align, uint64_t *phys);

/* Pages at exactly phys (not zeroed). */
EFI_STATUS alloc_pages_at(uint32_t type, uint64_t phys, uint64_t bytes);

/* Gives back one allocation made above. */
void alloc_free(uint64_t phys);

/* Gives back everything; for the failure path. */
void alloc_release_all(void);

#endif
