/*
 * CR0 and CR4 rules for writes the VMM sees: CR4 writes on AMD-V (no CR4
 * bit is forced there, so without this a guest's CR4 goes to VMRUN as it
 * is, and an unsupported bit fails the whole VM instead of faulting the
 * guest), and on VT-x those that touch a host-owned bit or one the guest
 * was not offered.  A CPUID that hides a feature must also make its CR4
 * bit reserved: a guest that could set CR4.OSXSAVE or CR4.PKE anyway would
 * see the host's XCR0 or share PKRU with other guests.
 */
#include "cr_policy.h"

/* leaf 1 EDX */
#define D1_VME	(1u << 1)
#define D1_DE	(1u << 2)
#define D1_PSE	(1u << 3)
#define D1_TSC	(1u << 4)
#define D1_PAE	(1u << 6)
#define D1_MCE	(1u << 7)
#define D1_PGE	(1u << 13)
#define D1_FXSR (1u << 24)
#define D1_SSE	(1u << 25)
/* leaf 1 ECX */
#define C1_PCID	 (1u << 17)
#define C1_XSAVE (1u << 26)
/* leaf 7 EBX / ECX */
#define B7_FSGSBASE (1u << 0)
#define B7_SMEP	    (1u << 7)
#define B7_SMAP	    (1u << 20)
#define C7_UMIP	    (1u << 2)
#define C7_PKU	    (1u << 3)
#define C7_LA57	    (1u << 16)

struct cr4_bit {
	uint8_t bit, leaf, reg; /* reg: 0-3 = EAX-EDX of leaf 1 or 7 */
	uint32_t mask;
};

/* CR4.PCE is always allowed: it only says whether RDPMC works outside ring 0. */
static const struct cr4_bit cr4_bits[] = {
    {0, 1, 3, D1_VME},	     {1, 1, 3, D1_VME},	  {2, 1, 3, D1_TSC},	{3, 1, 3, D1_DE},
    {4, 1, 3, D1_PSE},	     {5, 1, 3, D1_PAE},	  {6, 1, 3, D1_MCE},	{7, 1, 3, D1_PGE},
    {9, 1, 3, D1_FXSR},	     {10, 1, 3, D1_SSE},  {11, 7, 2, C7_UMIP},	{12, 7, 2, C7_LA57},
    {16, 7, 1, B7_FSGSBASE}, {17, 1, 2, C1_PCID}, {18, 1, 2, C1_XSAVE}, {20, 7, 1, B7_SMEP},
    {21, 7, 1, B7_SMAP},     {22, 7, 2, C7_PKU},
};

uint64_t cr4_allowed(const uint32_t leaf1[4], const uint32_t leaf7[4])
{
	uint64_t allowed = 1ull << 8; /* PCE */

	for (size_t i = 0; i < sizeof(cr4_bits) / sizeof(cr4_bits[0]); i++) {
		const struct cr4_bit *b = &cr4_bits[i];
		const uint32_t *leaf = b->leaf == 1 ? leaf1 : leaf7;
		if (leaf[b->reg] & b->mask)
			allowed |= 1ull << b->bit;
	}
	return allowed;
}

bool cr0_write_ok(uint64_t cr0, uint64_t cr4, uint64_t efer, bool code64)
{
	if (cr0 >> 32)
		return false; /* bits 63:32 are reserved */
	if ((cr0 & CR0_PG) && !(cr0 & CR0_PE))
		return false;
	if ((cr0 & CR0_NW) && !(cr0 & CR0_CD))
		return false;
	/* Long mode needs PAE paging; it cannot be left from 64-bit code. */
	if ((cr0 & CR0_PG) && (efer & EFER_LME) && !(cr4 & CR4_PAE))
		return false;
	if (!(cr0 & CR0_PG) && code64)
		return false;
	return true;
}

bool cr4_write_ok(uint64_t allowed, uint64_t old_cr4, uint64_t cr4, uint64_t efer, uint64_t cr3)
{
	if (cr4 & ~allowed)
		return false;
	if (efer & EFER_LMA) {
		if (!(cr4 & CR4_PAE) || ((cr4 ^ old_cr4) & CR4_LA57))
			return false;
	}
	/* PCIDE turns on only in long mode, with PCID 0 current. */
	if ((cr4 & CR4_PCIDE) && !(old_cr4 & CR4_PCIDE) && (!(efer & EFER_LMA) || (cr3 & 0xfff)))
		return false;
	return true;
}

static bool is_legacy_prefix(uint8_t b)
{
	return b == 0x66 || b == 0x67 || b == 0xf0 || b == 0xf2 || b == 0xf3 || b == 0x26 ||
	       b == 0x2e || b == 0x36 || b == 0x3e || b == 0x64 || b == 0x65;
}

/* The legacy prefixes and a REX (64-bit mode only) before an opcode: where
 * the opcode starts, with len cut to the architectural 15 bytes. */
static size_t skip_prefixes(const uint8_t *bytes, size_t *len, bool long64, uint8_t *rex)
{
	size_t i = 0;

	*rex = 0;
	if (*len > 15)
		*len = 15;
	while (i < *len && is_legacy_prefix(bytes[i]))
		i++;
	if (long64 && i < *len && (bytes[i] & 0xf0) == 0x40)
		*rex = bytes[i++];
	return i;
}

unsigned decode_mov_to_cr(const uint8_t *bytes, size_t len, bool long64, unsigned *cr,
			  unsigned *gpr)
{
	uint8_t rex;
	size_t i = skip_prefixes(bytes, &len, long64, &rex);
	if (i + 3 > len || bytes[i] != 0x0f || bytes[i + 1] != 0x22)
		return 0;
	uint8_t modrm = bytes[i + 2];
	/* The mod field is ignored: the operand is always a register. */
	*cr = ((modrm >> 3) & 7) | ((rex & 4) ? 8 : 0);
	/* AMD's other encoding of CR8: LOCK MOV CR0. */
	for (size_t p = 0; p < i; p++)
		if (bytes[p] == 0xf0)
			*cr |= 8;
	*gpr = (modrm & 7) | ((rex & 1) ? 8 : 0);
	return (unsigned)(i + 3);
}

unsigned decode_clts_lmsw(const uint8_t *bytes, size_t len, bool long64, int *lmsw_gpr)
{
	uint8_t rex;
	size_t i = skip_prefixes(bytes, &len, long64, &rex);
	if (i + 2 > len || bytes[i] != 0x0f)
		return 0;
	if (bytes[i + 1] == 0x06) {
		*lmsw_gpr = -1;
		return (unsigned)(i + 2);
	}
	if (i + 3 > len || bytes[i + 1] != 0x01)
		return 0;
	uint8_t modrm = bytes[i + 2];
	if ((modrm >> 6) != 3 || ((modrm >> 3) & 7) != 6)
		return 0;
	*lmsw_gpr = (modrm & 7) | ((rex & 1) ? 8 : 0);
	return (unsigned)(i + 3);
}

#define CR0_TS (1ull << 3)

uint64_t cr0_after_clts(uint64_t cr0)
{
	return cr0 & ~CR0_TS;
}

uint64_t cr0_after_lmsw(uint64_t cr0, uint16_t msw)
{
	return (cr0 & ~0xeull) | (msw & 0xe) | ((cr0 | msw) & 1);
}
