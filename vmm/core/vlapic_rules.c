/*
 * The local APIC's priority, destination, arbitration and ESR rules, as the
 * Intel SDM vol. 3A ch. 11 states them: pure, so that the host unit tests
 * pin them down (the LAPIC, vlapic.c, applies them).
 */
#include "vlapic_msr.h"
#include "vlapic_rules.h"

static uint32_t class_of(int vector)
{
	return vector < 0 ? 0 : (uint32_t)vector & 0xf0;
}

uint32_t vlapic_ppr(uint32_t tpr, int isrv)
{
	return (tpr & 0xf0) >= class_of(isrv) ? tpr & 0xff : class_of(isrv);
}

uint32_t vlapic_apr(uint32_t tpr, int irrv, int isrv)
{
	uint32_t t = tpr & 0xf0, m = t;

	if (t >= class_of(irrv) && (isrv < 0 || t > class_of(isrv)))
		return tpr & 0xff;
	if (class_of(irrv) > m)
		m = class_of(irrv);
	if (class_of(isrv) > m)
		m = class_of(isrv);
	return m;
}

bool vlapic_xapic_match(uint8_t dest, bool logical, uint8_t id, uint32_t ldr, uint32_t dfr)
{
	uint8_t log_id = (uint8_t)(ldr >> 24);

	if (dest == 0xff)
		return true;
	if (!logical)
		return dest == id;
	if ((dfr >> 28) == 0xf) /* flat */
		return (log_id & dest) != 0;
	return (dest >> 4) == (log_id >> 4) && (log_id & dest & 0xf); /* cluster */
}

bool vlapic_x2apic_match(uint32_t dest, bool logical, uint32_t id)
{
	uint32_t ldr = x2apic_ldr(id);

	if (dest == 0xffffffffu)
		return true;
	if (!logical)
		return dest == id;
	return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
}

int vlapic_lowest(const uint32_t *apr, uint32_t set, unsigned n)
{
	int best = -1;

	for (unsigned i = 0; i < n && i < 32; i++) {
		if ((set & (1u << i)) && (best < 0 || apr[i] < apr[best]))
			best = (int)i;
	}
	return best;
}

bool vlapic_esr_record(struct vlapic_esr *e, uint32_t bits)
{
	bool fresh = (bits & ~e->pending) != 0;

	e->pending |= bits;
	return fresh;
}

void vlapic_esr_write(struct vlapic_esr *e)
{
	e->reg = e->pending;
	e->pending = 0;
}
