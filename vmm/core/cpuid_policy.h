/* The parts of the guest's CPUID that follow from rules, not from the host
 * (vmm/core/cpuid_policy.c: pure, unit-tested; cpuid.c applies them). */
#ifndef VMM_CORE_CPUID_POLICY_H
#define VMM_CORE_CPUID_POLICY_H

#include <stdbool.h>
#include <stdint.h>

/* What a leaf outside the ranges the guest is told about returns: Intel's
 * CPUs give the highest basic leaf's data for any leaf above the maximum
 * basic or extended leaf (SDM, CPUID: "If a value entered for CPUID.EAX is
 * higher than the maximum input value ..."), AMD's give zeros. */
enum cpuid_range { CPUID_IN_RANGE, CPUID_AS_MAX_BASIC, CPUID_ZERO };
enum cpuid_range cpuid_range_of(uint32_t leaf, uint32_t max_basic, uint32_t max_ext,
				uint32_t hv_first, uint32_t hv_last, bool intel);

/* log2 of the smallest power of two >= n: the bits of the APIC ID that
 * number the logical processors of the one package all vCPUs share. */
unsigned cpuid_package_shift(unsigned nvcpus);

/* Leaf 4 EAX for nvcpus single-threaded cores in one package: cores per
 * package (bits 31:26), and the logical processors sharing the cache (bits
 * 25:14), one for L1 and L2, the package for L3 and beyond. */
uint32_t cpuid_leaf4_eax(uint32_t host_eax, unsigned nvcpus);

#endif
