/* Which MTRR values a guest may write (vmm/core/msr_policy.c: pure,
 * unit-tested; msr.c keeps them).  Anything else is #GP (SDM 11.11). */
#ifndef VMM_CORE_MSR_POLICY_H
#define VMM_CORE_MSR_POLICY_H

#include <stdbool.h>
#include <stdint.h>

/* UC, WC, WT, WP and WB: the memory types an MTRR may hold (2, 3 and 7 up
 * are reserved; UC- is PAT's alone). */
bool mtrr_type_ok(uint8_t type);
/* IA32_MTRR_DEF_TYPE: a type, FE (bit 10) and E (bit 11); the rest reserved. */
bool mtrr_def_type_ok(uint64_t value);
/* A fixed-range MTRR: eight types, one a byte. */
bool mtrr_fixed_ok(uint64_t value);
/* IA32_MTRR_PHYSBASEn (mask false): a type and a base below MAXPHYADDR,
 * bits 11:8 reserved; IA32_MTRR_PHYSMASKn (mask true): V (bit 11) and a
 * mask below MAXPHYADDR, bits 10:0 reserved. */
bool mtrr_var_ok(bool mask, uint64_t value, unsigned maxphyaddr);

#endif
