/* What a guest may write to CR0 and CR4, and the MOV-to-CR decoder for
 * backends that exit without saying which register held the value
 * (vmm/core/cr_policy.c: pure, unit-tested). */
#ifndef VMM_CORE_CR_POLICY_H
#define VMM_CORE_CR_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CR0_PE (1ull << 0)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#define CR0_PG (1ull << 31)

#define CR4_PAE	    (1ull << 5)
#define CR4_LA57    (1ull << 12)
#define CR4_VMXE    (1ull << 13)
#define CR4_PCIDE   (1ull << 17)
#define CR4_OSXSAVE (1ull << 18)
#define CR4_PKE	    (1ull << 22)

#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)

/* The CR4 bits whose features the guest's CPUID leaves 1 and 7 (EAX..EDX)
 * offer; every other bit is reserved for it and a write of it is #GP. */
uint64_t cr4_allowed(const uint32_t leaf1[4], const uint32_t leaf7[4]);

/* Whether MOV to CR0 / CR4 with this value is legal in the current state
 * (SDM Vol. 2B MOV-Control Registers, APM Vol. 2 3.1); false means #GP. */
bool cr0_write_ok(uint64_t cr0, uint64_t cr4, uint64_t efer, bool code64);
bool cr4_write_ok(uint64_t allowed, uint64_t old_cr4, uint64_t cr4, uint64_t efer, uint64_t cr3);

/* Decodes MOV to CRn from a general register (0F 22 /r, with the prefixes
 * that may come before it) at bytes[0..len): its length, or 0 when it is
 * something else.  *cr and *gpr are the encoded numbers (REX.R, REX.B). */
unsigned decode_mov_to_cr(const uint8_t *bytes, size_t len, bool long64, unsigned *cr,
			  unsigned *gpr);

/* The other writes of CR0 that AMD-V intercepts as one: CLTS (0F 06) and
 * LMSW from a register (0F 01 /6, mod 3).  Their length, or 0; *lmsw_gpr is
 * LMSW's register, -1 for CLTS.  LMSW from memory is not decoded. */
unsigned decode_clts_lmsw(const uint8_t *bytes, size_t len, bool long64, int *lmsw_gpr);

/* CR0 after CLTS (TS cleared) or after LMSW of msw: only PE, MP, EM and TS
 * change, and PE can be set but not cleared. */
uint64_t cr0_after_clts(uint64_t cr0);
uint64_t cr0_after_lmsw(uint64_t cr0, uint16_t msw);

#endif
