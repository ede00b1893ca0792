/*
 * VPIDs: 16-bit tags of a vCPU's TLB entries, 1..65535 (0 is the host's).
 * One is handed out per live vCPU and taken back when the vCPU is gone (after
 * its translations were flushed), so no two live vCPUs ever share one: with a
 * wrapping counter a new vCPU could get a live one's tag and see its
 * translations.  Pure: the caller holds the lock.
 */
#ifndef VMM_VMX_VPID_POOL_H
#define VMM_VMX_VPID_POOL_H

#include <stdbool.h>
#include <stdint.h>

#define VPID_COUNT 65536

struct vpid_pool {
	uint64_t used[VPID_COUNT / 64];
	uint32_t next; /* where the search for a free one starts */
};

void vpid_pool_init(struct vpid_pool *p);
/* A free VPID (1..65535), now used; 0 when all are live. */
uint16_t vpid_pool_alloc(struct vpid_pool *p);
/* Gives vpid back; false (and nothing changes) if it was not handed out. */
bool vpid_pool_free(struct vpid_pool *p, uint16_t vpid);

#endif
