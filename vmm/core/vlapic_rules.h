/*
 * The local APIC's rules that need no VM (vmm/core/vlapic_rules.c), apart
 * from the LAPIC itself so that the host unit tests can pin them down: the
 * processor and arbitration priorities, which destinations an IPI or an
 * IOAPIC message reaches, which LAPIC a lowest-priority one goes to, what
 * the ICR keeps, and the ESR's latch (Intel SDM vol. 3A ch. 11).
 */
#ifndef VMM_CORE_VLAPIC_RULES_H
#define VMM_CORE_VLAPIC_RULES_H

#include <pallas/types.h>

/* ICR low bits a write keeps and a read returns: vector, delivery mode,
 * destination mode, level, trigger mode, shorthand.  Delivery status (12)
 * reads 0: delivery is done by the time the write returns. */
#define VLAPIC_ICR_LO_RW 0x000ccfffu

#define VLAPIC_ESR_SEND_ILLEGAL (1u << 5) /* sent a vector 0-15 */
#define VLAPIC_ESR_RECV_ILLEGAL (1u << 6) /* received or raised one */

/* PPR: TPR when its class is at least that of the highest vector in service
 * (isrv, -1 for none), else that class with 0 below it. */
uint32_t vlapic_ppr(uint32_t tpr, int isrv);

/* APR: TPR when its class is at least IRRV's and above ISRV's, else the
 * highest of the three classes (irrv, isrv -1 for none). */
uint32_t vlapic_apr(uint32_t tpr, int irrv, int isrv);

/* Whether an xAPIC with this ID, LDR and DFR accepts an 8-bit destination:
 * 0xff is a broadcast in physical and in both logical models; else the ID,
 * or in logical mode the flat bit mask or the cluster (7:4) and its member
 * mask (3:0). */
bool vlapic_xapic_match(uint8_t dest, bool logical, uint8_t id, uint32_t ldr, uint32_t dfr);

/* The same for an x2APIC with this x2APIC ID and a 32-bit destination:
 * 0xffffffff is the broadcast, logical is cluster (31:16) and members (15:0). */
bool vlapic_x2apic_match(uint32_t dest, bool logical, uint32_t id);

/* Lowest-priority arbitration: of the LAPICs whose bits are in set, the index
 * of the one with the lowest APR (apr[i] for LAPIC i, the first of equals),
 * or -1 when set is empty.  Exactly one LAPIC takes the interrupt. */
int vlapic_lowest(const uint32_t *apr, uint32_t set, unsigned n);

/* The ESR: errors collect in pending; a write of the register latches them
 * into reg (what reads return) and starts collecting afresh, so back-to-back
 * writes clear it. */
struct vlapic_esr {
	uint32_t reg, pending;
};

/* Logs errors; true when any is new since the last write, which is when the
 * LVT error interrupt is raised (the write re-arms it). */
bool vlapic_esr_record(struct vlapic_esr *e, uint32_t bits);
void vlapic_esr_write(struct vlapic_esr *e);

#endif
