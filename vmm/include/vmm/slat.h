/*
 * Second-level address translation: the guest-physical to host-physical page
 * tables of a VM (VT-x's EPT, AMD-V's NPT).  Both are 4-level radix trees of
 * 4 KiB tables with 2 MiB leaves at level 2, bit 7 marking a large page; they
 * differ only in which bits say "present" and which flags an entry carries,
 * so a backend describes its format and this code builds and frees the tree.
 * Whatever is not mapped faults into the VMM (EPT violation, nested page
 * fault): the device windows become MMIO exits.
 */
#ifndef VMM_SLAT_H
#define VMM_SLAT_H

#include <pallas/spinlock.h>
#include <pallas/types.h>

struct slat_format {
	uint64_t present;     /* an entry with any of these bits set is present */
	uint64_t table_flags; /* on an entry that points at the next table */
	uint64_t leaf_flags;  /* on an entry that maps a page (bit 7 added for 2 MiB) */
};

struct slat {
	const struct slat_format *fmt;
	uint64_t *pml4;
	paddr_t root; /* what the VMCS's EPTP or the VMCB's nested CR3 points at */
	spinlock_t lock;
};

bool slat_init(struct slat *s, const struct slat_format *fmt);
void slat_destroy(struct slat *s);
/* Maps [gpa, gpa + size) to hpa; size is 4 KiB or 2 MiB, both aligned. */
bool slat_map(struct slat *s, uint64_t gpa, paddr_t hpa, uint64_t size);

#endif
