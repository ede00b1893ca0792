/*
 * x2APIC MSR access rules and IA32_APIC_BASE transitions, as the SDM states
 * them (Vol. 3A 10.12): pure, so that the host unit tests pin them down.
 */
#include "vlapic_msr.h"

/* Bits the guest may set in each 32-bit register; writes with others #GP. */
#define W_TPR	  0xffull
#define W_SVR	  0x3ffull /* vector, APIC enable, focus; no EOI-broadcast suppression */
#define W_LVT_TMR 0x710ffull
#define W_LVT_LOC 0x117ffull /* thermal, performance counters */
#define W_LVT_LIN 0x1f7ffull /* LINT0, LINT1 */
#define W_LVT_ERR 0x110ffull
#define W_ALL32	  0xffffffffull
#define W_DIV	  0xbull
#define W_VECTOR  0xffull
/* ICR: vector, delivery and destination mode, level, trigger, shorthand,
 * 32-bit destination; delivery status (12) is reserved in x2APIC mode. */
#define W_ICR 0xffffffff000ccfffull

enum access { NONE, RO, WO, RW };

struct x2reg {
	uint16_t reg; /* xAPIC offset */
	uint8_t access;
	uint8_t zero_only; /* writes must be 0 (EOI, ESR) */
	uint64_t writable;
};

static bool lookup(uint32_t msr, struct x2reg *r)
{
	unsigned off = msr - MSR_X2APIC_FIRST;

	*r = (struct x2reg){(uint16_t)(off << 4), NONE, 0, 0};
	if (off >= 0x10 && off < 0x28) { /* ISR, TMR, IRR */
		r->access = RO;
		return true;
	}
	if (off >= 0x32 && off <= 0x37) {
		static const uint64_t lvt[] = {W_LVT_TMR, W_LVT_LOC, W_LVT_LOC,
					       W_LVT_LIN, W_LVT_LIN, W_LVT_ERR};
		r->access = RW;
		r->writable = lvt[off - 0x32];
		return true;
	}
	switch (off) {
	case 0x02: /* ID */
	case 0x03: /* version */
	case 0x0a: /* PPR */
	case 0x0d: /* LDR, derived from the ID */
	case 0x39: /* timer current count */
		r->access = RO;
		return true;
	case 0x08:
		r->access = RW, r->writable = W_TPR;
		return true;
	case 0x0b: /* EOI */
		r->access = WO, r->zero_only = 1;
		return true;
	case 0x0f:
		r->access = RW, r->writable = W_SVR;
		return true;
	case 0x28: /* ESR: a write of 0 latches the errors */
		r->access = RW, r->zero_only = 1;
		return true;
	case 0x30:
		r->access = RW, r->writable = W_ICR;
		return true;
	case 0x38:
		r->access = RW, r->writable = W_ALL32;
		return true;
	case 0x3e:
		r->access = RW, r->writable = W_DIV;
		return true;
	case 0x3f:
		r->access = WO, r->writable = W_VECTOR;
		return true;
	}
	return false; /* APR, RRD, DFR, ICR high, CMCI (not offered) and the gaps */
}

int x2apic_msr_reg(uint32_t msr, bool write, uint64_t value)
{
	struct x2reg r;

	if (msr < MSR_X2APIC_FIRST || msr > MSR_X2APIC_LAST || !lookup(msr, &r))
		return -1;
	if (!write)
		return r.access == RO || r.access == RW ? r.reg : -1;
	if (r.access != WO && r.access != RW)
		return -1;
	if (r.zero_only ? value != 0 : (value & ~r.writable) != 0)
		return -1;
	return r.reg;
}

enum vlapic_mode vlapic_mode_of(uint64_t apic_base)
{
	bool en = apic_base & APIC_BASE_ENABLE, extd = apic_base & APIC_BASE_EXTD;

	if (!en)
		return extd ? VLAPIC_INVALID : VLAPIC_DISABLED;
	return extd ? VLAPIC_X2APIC : VLAPIC_XAPIC;
}

bool vlapic_base_write_ok(uint64_t cur, uint64_t value, uint64_t base)
{
	const uint64_t flags = APIC_BASE_BSP | APIC_BASE_EXTD | APIC_BASE_ENABLE;
	enum vlapic_mode from = vlapic_mode_of(cur), to = vlapic_mode_of(value);

	if ((value & ~flags) != base)
		return false; /* BSP is read-only: what is written there is ignored */
	if (to == VLAPIC_INVALID)
		return false;
	if (from == VLAPIC_X2APIC && to == VLAPIC_XAPIC)
		return false;
	return !(from == VLAPIC_DISABLED && to == VLAPIC_X2APIC);
}
