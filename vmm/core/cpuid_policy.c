/* Pure CPUID rules (see cpuid_policy.h). */
#include "cpuid_policy.h"

enum cpuid_range cpuid_range_of(uint32_t leaf, uint32_t max_basic, uint32_t max_ext,
				uint32_t hv_first, uint32_t hv_last, bool intel)
{
	bool above;

	if (leaf >= hv_first && leaf <= hv_last)
		return CPUID_IN_RANGE; /* the hypervisor's own leaves */
	if (leaf < 0x80000000u)
		above = leaf > max_basic;
	else
		above = leaf > max_ext;
	if (!above)
		return CPUID_IN_RANGE;
	return intel ? CPUID_AS_MAX_BASIC : CPUID_ZERO;
}

unsigned cpuid_package_shift(unsigned nvcpus)
{
	unsigned shift = 0;

	while ((1u << shift) < nvcpus)
		shift++;
	return shift;
}

uint32_t cpuid_leaf4_eax(uint32_t host_eax, unsigned nvcpus)
{
	if (!(host_eax & 0x1f))
		return host_eax; /* type 0: no more caches */
	uint32_t ids = 1u << cpuid_package_shift(nvcpus);
	uint32_t level = (host_eax >> 5) & 7;
	uint32_t sharing = level <= 2 ? 1 : ids;

	return (host_eax & 0x3fff) | ((sharing - 1) & 0xfff) << 14 | ((ids - 1) & 0x3f) << 26;
}
