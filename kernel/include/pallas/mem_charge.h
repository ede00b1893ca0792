/*
 * Memory accounting (kernel/mm/mem_charge.c): a page limit and a count of
 * pages charged, with a parent that every charge also counts against, so a
 * container's limit covers all its processes and a VM's its guest RAM.  The
 * resource group that owns memory embeds one; memory objects charge the one
 * they were created with for every page they hold.
 */
#ifndef PALLAS_MEM_CHARGE_H
#define PALLAS_MEM_CHARGE_H

#include <pallas/types.h>

#define MEM_UNLIMITED UINT64_MAX

struct mem_charge {
	struct mem_charge *parent; /* NULL at the top */
	uint64_t limit;		   /* pages; MEM_UNLIMITED */
	uint64_t used;		   /* atomic */
	uint64_t peak;		   /* atomic: the most used at once */
	uint64_t refused;	   /* atomic: charges refused at this level */
};

void mem_charge_init(struct mem_charge *c, struct mem_charge *parent, uint64_t limit);
/* Charges pages to c and each ancestor, or to none of them when one of them
 * would go over its limit; NULL charges nothing and always succeeds. */
bool mem_charge(struct mem_charge *c, uint64_t pages);
void mem_uncharge(struct mem_charge *c, uint64_t pages);

#endif
