/* MTRR value checks (see msr_policy.h). */
#include "msr_policy.h"

bool mtrr_type_ok(uint8_t type)
{
	return type == 0 || type == 1 || type == 4 || type == 5 || type == 6;
}

bool mtrr_def_type_ok(uint64_t value)
{
	return !(value & ~0xcffull) && mtrr_type_ok((uint8_t)value);
}

bool mtrr_fixed_ok(uint64_t value)
{
	for (int i = 0; i < 8; i++)
		if (!mtrr_type_ok((uint8_t)(value >> (8 * i))))
			return false;
	return true;
}

bool mtrr_var_ok(bool mask, uint64_t value, unsigned maxphyaddr)
{
	uint64_t above = maxphyaddr >= 64 ? 0 : ~((1ull << maxphyaddr) - 1);

	if (mask)
		return !(value & (above | 0x7ff));
	return !(value & (above | 0xf00)) && mtrr_type_ok((uint8_t)value);
}
