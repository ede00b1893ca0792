/*
 * mmio_emulate: carries out what mmio_decode found, on the vCPU's register
 * file, with the device behind read/write.  Register writes follow the
 * architecture: 8- and 16-bit writes keep the rest of the register, 32-bit
 * writes zero the upper half in 64-bit mode; ALU ops set CF PF AF ZF SF OF
 * as the SDM defines them (AF, undefined after logic ops, is cleared).
 */
#include <vmm/decode.h>
#include <vmm/vcpu.h>

#include "pio_string.h"

#define FL_CF	 (1ULL << 0)
#define FL_PF	 (1ULL << 2)
#define FL_AF	 (1ULL << 4)
#define FL_ZF	 (1ULL << 6)
#define FL_SF	 (1ULL << 7)
#define FL_DF	 (1ULL << 10)
#define FL_OF	 (1ULL << 11)
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

/* vcpu_regs is in its own order; this maps the encoding's 0-15 onto it. */
static uint64_t *gpr(struct vcpu_regs *r, unsigned i)
{
	uint64_t *const map[16] = {&r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp,
				   &r->rsi, &r->rdi, &r->r8,  &r->r9,  &r->r10, &r->r11,
				   &r->r12, &r->r13, &r->r14, &r->r15};
	return map[i & 15];
}

static uint64_t mask(unsigned size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

static uint64_t sign_extend(uint64_t v, unsigned size)
{
	unsigned bits = 8 * size;

	v &= mask(size);
	if (bits < 64 && (v >> (bits - 1)) & 1)
		v |= ~0ULL << bits;
	return v;
}

static uint64_t get_reg(struct vcpu_regs *r, const struct mmio_insn *d, unsigned size)
{
	uint64_t v = *gpr(r, d->reg);

	if (d->high_byte)
		return (v >> 8) & 0xff;
	return v & mask(size);
}

static void set_gpr(struct vcpu_regs *r, unsigned reg, bool high, unsigned size, uint64_t v,
		    bool long64)
{
	uint64_t *p = gpr(r, reg);

	if (high)
		*p = (*p & ~0xff00ULL) | ((v & 0xff) << 8);
	else if (size == 8 || (size == 4 && long64))
		*p = v & mask(size); /* a 32-bit write zero-extends in 64-bit mode */
	else
		*p = (*p & ~mask(size)) | (v & mask(size));
}

static unsigned parity_even(uint64_t v)
{
	uint8_t b = (uint8_t)v;

	b ^= b >> 4;
	b ^= b >> 2;
	b ^= b >> 1;
	return !(b & 1);
}

uint64_t mmio_alu_apply(enum mmio_alu op, uint64_t a, uint64_t b, unsigned size, uint64_t *rflags)
{
	const uint64_t m = mask(size), sign = 1ULL << (8 * size - 1);
	uint64_t r, f = 0;
	uint64_t cin = (*rflags & FL_CF) ? 1 : 0;

	a &= m;
	b &= m;
	switch (op) {
	case MMIO_ALU_ADD:
	case MMIO_ALU_ADC:
		if (op == MMIO_ALU_ADD)
			cin = 0;
		r = (a + b + cin) & m;
		if (r < a || (cin && r == a))
			f |= FL_CF;
		if ((a ^ r) & (b ^ r) & sign)
			f |= FL_OF;
		f |= (a ^ b ^ r) & FL_AF;
		break;
	case MMIO_ALU_SUB:
	case MMIO_ALU_SBB:
	case MMIO_ALU_CMP:
		if (op != MMIO_ALU_SBB)
			cin = 0;
		r = (a - b - cin) & m;
		if (a < b || (cin && a == b))
			f |= FL_CF;
		if ((a ^ b) & (a ^ r) & sign)
			f |= FL_OF;
		f |= (a ^ b ^ r) & FL_AF;
		break;
	case MMIO_ALU_OR:
		r = a | b;
		break;
	case MMIO_ALU_XOR:
		r = a ^ b;
		break;
	case MMIO_ALU_AND:
	case MMIO_ALU_TEST:
	default:
		r = a & b;
		break;
	}
	if (r == 0)
		f |= FL_ZF;
	if (r & sign)
		f |= FL_SF;
	if (parity_even(r))
		f |= FL_PF;
	*rflags = (*rflags & ~FL_ARITH) | f;
	return r;
}

static bool valid(const struct mmio_insn *d)
{
	if (d->size != 1 && d->size != 2 && d->size != 4 && d->size != 8)
		return false;
	if (d->reg_size != 1 && d->reg_size != 2 && d->reg_size != 4 && d->reg_size != 8)
		return false;
	if (d->addr_size != 2 && d->addr_size != 4 && d->addr_size != 8)
		return false;
	if (d->reg > 15 || (d->high_byte && (d->reg > 3 || d->size != 1)))
		return false;
	if (d->len == 0 || d->len > MMIO_INSN_MAX || (unsigned)d->mode > CPU_MODE_LONG64)
		return false;
	if (d->ext != MMIO_EXT_NONE ? d->reg_size <= d->size : d->reg_size != d->size)
		return false;
	if (d->op == MMIO_OP_BT && d->size == 1)
		return false;
	return (unsigned)d->op <= MMIO_OP_BT && (unsigned)d->alu <= MMIO_ALU_TEST &&
	       (unsigned)d->ext <= MMIO_EXT_SIGN && (unsigned)d->bitop <= MMIO_BTC &&
	       (unsigned)d->rep <= MMIO_REP_NE;
}

/*
 * BT and friends.  The faulting address is already the operand-sized unit
 * that holds the bit (a register offset beyond the operand moves the access,
 * and the CPU reports where it went), so only the offset within it counts.
 * CF is the bit; the other flags are left as they were.
 */
static void bit_test(const struct mmio_insn *d, struct vcpu_regs *regs,
		     uint64_t (*read)(void *ctx, unsigned size),
		     void (*write)(void *ctx, unsigned size, uint64_t v), void *ctx)
{
	uint64_t v = read(ctx, d->size) & mask(d->size);
	uint64_t off = d->has_imm ? d->imm : get_reg(regs, d, d->size);
	uint64_t bit = 1ULL << (off & (8u * d->size - 1));

	regs->rflags = (regs->rflags & ~FL_CF) | ((v & bit) ? FL_CF : 0);
	if (d->bitop == MMIO_BT)
		return;
	v = d->bitop == MMIO_BTS ? v | bit : d->bitop == MMIO_BTR ? v & ~bit : v ^ bit;
	write(ctx, d->size, v);
}

uint64_t guest_rip_after(uint64_t rip, unsigned len, enum cpu_mode mode)
{
	if (mode == CPU_MODE_LONG64)
		return rip + len;
	return mode == CPU_MODE_PROT32 ? (uint32_t)(rip + len) : (uint16_t)(rip + len);
}

static void advance_rip(const struct mmio_insn *d, struct vcpu_regs *regs)
{
	regs->rip = guest_rip_after(regs->rip, d->len, d->mode);
}

/* rDI/rSI step by the access size, down when DF is set, within the address size. */
static void step_index(uint64_t *p, const struct mmio_insn *d, uint64_t rflags)
{
	*p = pio_string_step(*p, d->size, rflags & FL_DF, d->addr_size);
}

bool mmio_emulate(const struct mmio_insn *d, struct vcpu_regs *regs,
		  uint64_t (*read)(void *ctx, unsigned size),
		  void (*write)(void *ctx, unsigned size, uint64_t v), void *ctx)
{
	const bool long64 = d->mode == CPU_MODE_LONG64;
	uint64_t v, r;

	if (!valid(d) || mmio_is_string(d))
		return false; /* mmio_emulate_string's */
	switch (d->op) {
	case MMIO_OP_LOAD:
		v = read(ctx, d->size) & mask(d->size);
		if (d->ext == MMIO_EXT_SIGN)
			v = sign_extend(v, d->size);
		set_gpr(regs, d->reg, d->high_byte, d->reg_size, v, long64);
		break;
	case MMIO_OP_STORE:
		write(ctx, d->size, get_reg(regs, d, d->size));
		break;
	case MMIO_OP_STORE_IMM:
		write(ctx, d->size, d->imm & mask(d->size));
		break;
	case MMIO_OP_XCHG:
		v = read(ctx, d->size) & mask(d->size);
		write(ctx, d->size, get_reg(regs, d, d->size));
		set_gpr(regs, d->reg, d->high_byte, d->size, v, long64);
		break;
	case MMIO_OP_ALU:
		v = read(ctx, d->size);
		if (d->mem_dst) {
			uint64_t src = d->has_imm ? d->imm : get_reg(regs, d, d->size);
			r = mmio_alu_apply(d->alu, v, src, d->size, &regs->rflags);
			if (d->alu != MMIO_ALU_CMP && d->alu != MMIO_ALU_TEST)
				write(ctx, d->size, r);
		} else {
			r = mmio_alu_apply(d->alu, get_reg(regs, d, d->size), v, d->size,
					   &regs->rflags);
			if (d->alu != MMIO_ALU_CMP && d->alu != MMIO_ALU_TEST)
				set_gpr(regs, d->reg, d->high_byte, d->size, r, long64);
		}
		break;
	case MMIO_OP_STOS:
		write(ctx, d->size, regs->rax & mask(d->size));
		step_index(&regs->rdi, d, regs->rflags);
		break;
	case MMIO_OP_LODS:
		v = read(ctx, d->size) & mask(d->size);
		set_gpr(regs, 0, false, d->size, v, long64);
		step_index(&regs->rsi, d, regs->rflags);
		break;
	case MMIO_OP_BT:
		bit_test(d, regs, read, write, ctx);
		break;
	case MMIO_OP_MOVS:
	case MMIO_OP_CMPS:
		return false;
	}
	advance_rip(d, regs);
	return true;
}

/* One element of a string instruction; false if an access did not happen. */
static bool string_element(const struct mmio_insn *d, struct vcpu_regs *regs,
			   const struct mmio_string_mem *mem, void *ctx)
{
	const unsigned as = d->addr_size, size = d->size;
	uint64_t si = pio_string_get(regs->rsi, as), di = pio_string_get(regs->rdi, as);
	uint64_t a = 0, b = 0;

	switch (d->op) {
	case MMIO_OP_MOVS:
		if (!mem->read(ctx, d->seg, si, size, &a) ||
		    !mem->write(ctx, MMIO_SEG_ES, di, size, a))
			return false;
		break;
	case MMIO_OP_CMPS:
		if (!mem->read(ctx, d->seg, si, size, &a) ||
		    !mem->read(ctx, MMIO_SEG_ES, di, size, &b))
			return false;
		mmio_alu_apply(MMIO_ALU_CMP, a, b, size, &regs->rflags);
		break;
	case MMIO_OP_STOS:
		if (!mem->write(ctx, MMIO_SEG_ES, di, size, regs->rax & mask(size)))
			return false;
		break;
	default: /* LODS */
		if (!mem->read(ctx, d->seg, si, size, &a))
			return false;
		set_gpr(regs, 0, false, size, a, d->mode == CPU_MODE_LONG64);
		break;
	}
	if (d->op != MMIO_OP_STOS)
		step_index(&regs->rsi, d, regs->rflags);
	if (d->op != MMIO_OP_LODS)
		step_index(&regs->rdi, d, regs->rflags);
	return true;
}

enum mmio_string_result mmio_emulate_string(const struct mmio_insn *d, struct vcpu_regs *regs,
					    const struct mmio_string_mem *mem, void *ctx,
					    unsigned max)
{
	if (!valid(d) || (d->op != MMIO_OP_MOVS && d->op != MMIO_OP_CMPS && d->op != MMIO_OP_STOS &&
			  d->op != MMIO_OP_LODS))
		return MMIO_STRING_INVALID;
	if (d->rep == MMIO_REP_NONE) {
		if (!string_element(d, regs, mem, ctx))
			return MMIO_STRING_STOPPED;
		advance_rip(d, regs);
		return MMIO_STRING_DONE;
	}
	uint64_t count = pio_string_get(regs->rcx, d->addr_size);
	for (unsigned n = 0; count; n++) {
		if (n == max)
			return MMIO_STRING_MORE;
		if (!string_element(d, regs, mem, ctx))
			return MMIO_STRING_STOPPED;
		regs->rcx = pio_string_put(regs->rcx, --count, d->addr_size);
		/* REPE CMPS ends at the first difference, REPNE at the first match. */
		bool zf = regs->rflags & FL_ZF;
		if (d->op == MMIO_OP_CMPS && (d->rep == MMIO_REP_E ? !zf : zf))
			break;
	}
	advance_rip(d, regs);
	return MMIO_STRING_DONE;
}
