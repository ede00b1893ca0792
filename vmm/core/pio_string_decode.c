/*
 * The pure half of string port I/O: which address size and segment an
 * INS/OUTS uses (its prefixes say; the exit may not), and the register
 * arithmetic of one element.
 */
#include "pio_string.h"

static uint64_t width_mask(unsigned addr_size)
{
	return addr_size >= 8 ? ~0ull : (1ull << (8 * addr_size)) - 1;
}

bool pio_string_decode(const uint8_t *insn, size_t len, enum cpu_mode mode,
		       struct pio_string_insn *out)
{
	bool addr_override = false;
	size_t i;

	*out = (struct pio_string_insn){.seg = MMIO_SEG_DS};
	for (i = 0; i < len && i < MMIO_INSN_MAX; i++) {
		uint8_t b = insn[i];
		if (b == 0x67)
			addr_override = true;
		else if (b == 0xf2 || b == 0xf3)
			out->rep = true;
		else if (b == 0x26 || b == 0x2e || b == 0x36 || b == 0x3e)
			out->seg = (enum mmio_seg)((b >> 3) & 3); /* ES CS SS DS */
		else if (b == 0x64 || b == 0x65)
			out->seg = b == 0x64 ? MMIO_SEG_FS : MMIO_SEG_GS;
		else if (b == 0x66 || b == 0xf0)
			continue; /* the exit gives the operand size */
		else if (mode == CPU_MODE_LONG64 && (b & 0xf0) == 0x40)
			continue; /* REX: nothing in it matters to INS/OUTS */
		else
			break;
	}
	if (i >= len || i >= MMIO_INSN_MAX || insn[i] < 0x6c || insn[i] > 0x6f)
		return false;
	out->out = insn[i] >= 0x6e;
	out->len = (uint8_t)(i + 1);
	switch (mode) {
	case CPU_MODE_LONG64:
		out->addr_size = addr_override ? 4 : 8;
		break;
	case CPU_MODE_PROT32:
		out->addr_size = addr_override ? 2 : 4;
		break;
	default:
		out->addr_size = addr_override ? 4 : 2;
	}
	return true;
}

uint64_t pio_string_get(uint64_t reg, unsigned addr_size)
{
	return reg & width_mask(addr_size);
}

uint64_t pio_string_put(uint64_t reg, uint64_t value, unsigned addr_size)
{
	uint64_t m = width_mask(addr_size);

	if (addr_size == 2)
		return (reg & ~m) | (value & m);
	return value & m;
}

uint64_t pio_string_step(uint64_t index, unsigned size, bool df, unsigned addr_size)
{
	uint64_t step = df ? -(uint64_t)size : size;

	return pio_string_put(index, index + step, addr_size);
}
