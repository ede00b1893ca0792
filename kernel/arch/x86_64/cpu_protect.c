/*
 * SMEP and SMAP on every CPU that has them (CPUID.(7,0):EBX bits 7 and 20):
 * the kernel then faults when it executes a user page, and when it touches
 * one outside uaccess.S's STAC/CLAC windows, so a user pointer the kernel
 * follows by mistake is a fault, not an exploit.  The BSP decides for all:
 * the CPUs of one machine are alike, and uaccess.S reads one flag.
 */
#include <asm/cpu.h>
#include <asm/cpu_protect.h>
#include <asm/uaccess.h>

#define CPUID7_EBX_SMEP (1u << 7)
#define CPUID7_EBX_SMAP (1u << 20)
#define CR4_SMEP	(1ull << 20)
#define CR4_SMAP	(1ull << 21)

bool smap_enabled;
static bool smep_enabled, decided;

void cpu_protect_init(void)
{
	if (!decided) {
		uint32_t max, b, c, d, ebx7 = 0;
		cpuid(0, 0, &max, &b, &c, &d);
		if (max >= 7)
			cpuid(7, 0, &max, &ebx7, &c, &d);
		smep_enabled = ebx7 & CPUID7_EBX_SMEP;
		smap_enabled = ebx7 & CPUID7_EBX_SMAP;
		decided = true;
	}
	uint64_t cr4 = read_cr4();
	if (smep_enabled)
		cr4 |= CR4_SMEP;
	if (smap_enabled)
		cr4 |= CR4_SMAP;
	write_cr4(cr4);
}

bool cpu_protect_smep(void)
{
	return smep_enabled;
}
