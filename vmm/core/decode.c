/*
 * mmio_decode: the x86 instructions a guest may use on MMIO, decoded from
 * bytes the guest controls: the forms with one memory operand and a register
 * or immediate (moves, arithmetic, bit tests), and the string instructions
 * (MOVS, CMPS, STOS, LODS, with REP).  Everything else (register-only forms,
 * VEX, unknown opcodes) fails with a reason that the VM stops with.  The memory operand's address
 * is not computed (the backend knows the guest-physical address), but ModRM, SIB and displacement
 * are parsed fully because the length must be exact: rip moves by it.
 */
#include <vmm/decode.h>
#include <pallas/printk.h>
#include <pallas/string.h>

struct dec {
	const uint8_t *p;
	size_t end; /* min(len, MMIO_INSN_MAX) */
	size_t len; /* what the caller gave, to tell truncation from over-length */
	size_t pos;
	enum cpu_mode mode;
	uint8_t rex;
	bool opsize, addrsize;
	char *err;
	size_t errlen;
};

#define REX_W 0x8
#define REX_R 0x4

__attribute__((format(printf, 2, 3))) static bool fail(struct dec *d, const char *fmt, ...)
{
	va_list ap;

	if (d->errlen) {
		va_start(ap, fmt);
		kvsnprintf(d->err, d->errlen, fmt, ap);
		va_end(ap);
	}
	return false;
}

/* Reads n little-endian bytes; the 15-byte architectural limit counts too. */
static bool fetch(struct dec *d, unsigned n, uint64_t *v)
{
	if (n > d->end - d->pos) {
		if (d->end < d->len || d->pos + n > MMIO_INSN_MAX)
			return fail(d, "instruction longer than %d bytes", MMIO_INSN_MAX);
		return fail(d, "instruction truncated at byte %zu of %zu", d->pos + n, d->len);
	}
	uint64_t x = 0;
	for (unsigned i = 0; i < n; i++)
		x |= (uint64_t)d->p[d->pos + i] << (8 * i);
	d->pos += n;
	*v = x;
	return true;
}

static bool fetch8(struct dec *d, uint8_t *b)
{
	uint64_t v = 0;

	if (!fetch(d, 1, &v))
		return false;
	*b = (uint8_t)v;
	return true;
}

static bool is16(enum cpu_mode m)
{
	return m == CPU_MODE_REAL16 || m == CPU_MODE_PROT16;
}

static unsigned operand_size(const struct dec *d)
{
	if (d->mode == CPU_MODE_LONG64 && (d->rex & REX_W))
		return 8;
	return (is16(d->mode) != d->opsize) ? 2 : 4;
}

static unsigned address_size(const struct dec *d)
{
	if (d->mode == CPU_MODE_LONG64)
		return d->addrsize ? 4 : 8;
	return (is16(d->mode) != d->addrsize) ? 2 : 4;
}

/*
 * ModRM with its SIB and displacement.  Gives the reg field widened by
 * REX.R; a register (mod 3) operand is not a memory access, so it cannot be
 * what faulted on MMIO.
 */
static bool modrm(struct dec *d, struct mmio_insn *o, unsigned *reg)
{
	uint8_t m, sib;
	uint64_t disp;
	unsigned mod, rm, dispsz = 0;

	if (!fetch8(d, &m))
		return false;
	mod = m >> 6;
	rm = m & 7;
	*reg = ((m >> 3) & 7) | ((d->rex & REX_R) ? 8 : 0);
	if (mod == 3)
		return fail(d, "register operand, no memory access (ModRM %#x)", m);
	if (o->addr_size == 2) {
		/* 16-bit forms: no SIB; [bp] without displacement means disp16. */
		if (mod == 0 && rm == 6)
			dispsz = 2;
		else if (mod == 1)
			dispsz = 1;
		else if (mod == 2)
			dispsz = 2;
	} else {
		if (rm == 4) {
			if (!fetch8(d, &sib))
				return false;
			if (mod == 0 && (sib & 7) == 5)
				dispsz = 4; /* no base, disp32 */
		} else if (mod == 0 && rm == 5) {
			dispsz = 4;
			o->rip_relative = d->mode == CPU_MODE_LONG64;
		}
		if (mod == 1)
			dispsz = 1;
		else if (mod == 2)
			dispsz = 4;
	}
	return dispsz == 0 || fetch(d, dispsz, &disp);
}

/* Immediates are sign-extended to 64 bits; the emulator masks to the size. */
static bool immediate(struct dec *d, struct mmio_insn *o, unsigned size)
{
	uint64_t v = 0;
	unsigned n = size > 4 ? 4 : size; /* imm32 serves 64-bit operands */

	if (!fetch(d, n, &v))
		return false;
	unsigned bits = 8 * n;
	if (bits < 64 && (v >> (bits - 1)) & 1)
		v |= ~0ULL << bits;
	o->imm = v;
	o->has_imm = true;
	return true;
}

/* A byte register: without REX, 4-7 are AH CH DH BH; with any REX, SPL..DIL. */
static void byte_reg(const struct dec *d, struct mmio_insn *o, unsigned r)
{
	if (!d->rex && r >= 4 && r < 8) {
		o->reg = (uint8_t)(r - 4);
		o->high_byte = true;
	} else {
		o->reg = (uint8_t)r;
	}
}

/* Sets size and register for the byte (even opcode) or full-size form. */
static void sized_reg(const struct dec *d, struct mmio_insn *o, bool byte, unsigned r)
{
	if (byte) {
		o->size = o->reg_size = 1;
		byte_reg(d, o, r);
	} else {
		o->size = o->reg_size = (uint8_t)operand_size(d);
		o->reg = (uint8_t)r;
	}
}

static bool two_byte(struct dec *d, struct mmio_insn *o)
{
	uint8_t op;
	unsigned reg;

	if (!fetch8(d, &op))
		return false;
	switch (op) {
	case 0xa3: /* BT r/m, r */
	case 0xab: /* BTS */
	case 0xb3: /* BTR */
	case 0xbb: /* BTC */
		if (!modrm(d, o, &reg))
			return false;
		o->op = MMIO_OP_BT;
		o->bitop = (enum mmio_bitop)((op >> 3) & 3);
		o->size = o->reg_size = (uint8_t)operand_size(d);
		o->reg = (uint8_t)reg;
		return true;
	case 0xba: /* BT/BTS/BTR/BTC r/m, imm8 (/4../7) */
		if (!modrm(d, o, &reg))
			return false;
		if ((reg & 7) < 4)
			return fail(d, "unsupported instruction 0f ba /%u", reg & 7);
		o->op = MMIO_OP_BT;
		o->bitop = (enum mmio_bitop)((reg & 7) - 4);
		o->size = o->reg_size = (uint8_t)operand_size(d);
		return immediate(d, o, 1);
	case 0xb6: /* MOVZX r, r/m8 */
	case 0xb7: /* MOVZX r, r/m16 */
	case 0xbe: /* MOVSX r, r/m8 */
	case 0xbf: /* MOVSX r, r/m16 */
		if (!modrm(d, o, &reg))
			return false;
		o->op = MMIO_OP_LOAD;
		o->size = (op & 1) ? 2 : 1;
		o->reg_size = (uint8_t)operand_size(d);
		o->reg = (uint8_t)reg;
		o->ext = (op & 8) ? MMIO_EXT_SIGN : MMIO_EXT_ZERO;
		if (o->reg_size <= o->size)
			o->ext = MMIO_EXT_NONE; /* a 16-bit MOVZX of a word is a plain load */
		return true;
	default:
		return fail(d, "unsupported instruction 0f %02x", op);
	}
}

/* Group 1 (80 81 82 83): ALU op with memory destination and immediate. */
static bool group1(struct dec *d, struct mmio_insn *o, uint8_t op)
{
	unsigned reg;

	if (op == 0x82 && d->mode == CPU_MODE_LONG64)
		return fail(d, "opcode 82 is invalid in 64-bit mode");
	if (!modrm(d, o, &reg))
		return false;
	o->op = MMIO_OP_ALU;
	o->alu = (enum mmio_alu)(reg & 7);
	o->mem_dst = true;
	o->size = o->reg_size = (op == 0x81) ? (uint8_t)operand_size(d) : 1;
	if (op == 0x83)
		o->size = o->reg_size = (uint8_t)operand_size(d);
	return immediate(d, o, op == 0x81 ? o->size : 1);
}

static bool one_byte(struct dec *d, struct mmio_insn *o, uint8_t op)
{
	unsigned reg;
	uint64_t moffs;

	/* 00-3b: ADD OR ADC SBB AND SUB XOR CMP, the four r/m forms of each. */
	if (op < 0x40 && (op & 7) < 4) {
		if (!modrm(d, o, &reg))
			return false;
		o->op = MMIO_OP_ALU;
		o->alu = (enum mmio_alu)(op >> 3);
		o->mem_dst = (op & 2) == 0;
		sized_reg(d, o, (op & 1) == 0, reg);
		return true;
	}
	switch (op) {
	case 0x80:
	case 0x81:
	case 0x82:
	case 0x83:
		return group1(d, o, op);
	case 0x84: /* TEST r/m, r */
	case 0x85:
	case 0x86: /* XCHG r/m, r */
	case 0x87:
	case 0x88: /* MOV r/m, r */
	case 0x89:
	case 0x8a: /* MOV r, r/m */
	case 0x8b:
		if (!modrm(d, o, &reg))
			return false;
		sized_reg(d, o, (op & 1) == 0, reg);
		if (op <= 0x85) {
			o->op = MMIO_OP_ALU;
			o->alu = MMIO_ALU_TEST;
			o->mem_dst = true;
		} else if (op <= 0x87) {
			o->op = MMIO_OP_XCHG;
		} else {
			o->op = op <= 0x89 ? MMIO_OP_STORE : MMIO_OP_LOAD;
		}
		return true;
	case 0xa0: /* MOV AL, moffs8 */
	case 0xa1: /* MOV rAX, moffs */
	case 0xa2: /* MOV moffs8, AL */
	case 0xa3: /* MOV moffs, rAX */
		/* The offset is address-size wide; REX.B does not widen rAX's index. */
		if (!fetch(d, o->addr_size, &moffs))
			return false;
		o->op = op <= 0xa1 ? MMIO_OP_LOAD : MMIO_OP_STORE;
		o->size = o->reg_size = (op & 1) ? (uint8_t)operand_size(d) : 1;
		o->reg = 0;
		return true;
	case 0xa4: /* MOVS */
	case 0xa5:
	case 0xa6: /* CMPS */
	case 0xa7:
		o->op = op <= 0xa5 ? MMIO_OP_MOVS : MMIO_OP_CMPS;
		o->size = o->reg_size = (op & 1) ? (uint8_t)operand_size(d) : 1;
		o->reg = 0;
		return true; /* the source segment may be overridden; ES:rDI may not */
	case 0xaa:	     /* STOS */
	case 0xab:
	case 0xac: /* LODS */
	case 0xad:
		o->op = op <= 0xab ? MMIO_OP_STOS : MMIO_OP_LODS;
		o->size = o->reg_size = (op & 1) ? (uint8_t)operand_size(d) : 1;
		o->reg = 0;
		if (op <= 0xab)
			o->seg = MMIO_SEG_ES; /* STOS always writes ES:rDI */
		return true;
	case 0xc6: /* MOV r/m8, imm8 */
	case 0xc7: /* MOV r/m, imm16/32 */
		if (!modrm(d, o, &reg))
			return false;
		if ((reg & 7) != 0)
			return fail(d, "unsupported instruction %02x /%u", op, reg & 7);
		o->op = MMIO_OP_STORE_IMM;
		o->size = o->reg_size = (op & 1) ? (uint8_t)operand_size(d) : 1;
		return immediate(d, o, o->size);
	case 0xf6: /* TEST r/m8, imm8 (/0, and its alias /1) */
	case 0xf7:
		if (!modrm(d, o, &reg))
			return false;
		if ((reg & 7) > 1)
			return fail(d, "unsupported instruction %02x /%u", op, reg & 7);
		o->op = MMIO_OP_ALU;
		o->alu = MMIO_ALU_TEST;
		o->mem_dst = true;
		o->size = o->reg_size = (op & 1) ? (uint8_t)operand_size(d) : 1;
		return immediate(d, o, o->size);
	case 0x0f:
		return two_byte(d, o);
	default:
		return fail(d, "unsupported instruction %02x", op);
	}
}

/* LOCK is legal only on a read-modify-write of memory; elsewhere it is #UD. */
static bool lock_ok(const struct mmio_insn *o)
{
	if (o->op == MMIO_OP_XCHG)
		return true;
	if (o->op == MMIO_OP_BT)
		return o->bitop != MMIO_BT;
	return o->op == MMIO_OP_ALU && o->mem_dst && o->alu != MMIO_ALU_CMP &&
	       o->alu != MMIO_ALU_TEST;
}

bool mmio_decode(const uint8_t *insn, size_t len, enum cpu_mode mode, struct mmio_insn *out,
		 char *err, size_t errlen)
{
	struct dec d = {.p = insn, .mode = mode, .err = err, .errlen = errlen};
	struct mmio_insn o;
	enum mmio_rep rep = MMIO_REP_NONE;
	uint8_t b;

	if (errlen)
		err[0] = 0;
	memset(&o, 0, sizeof(o));
	if (!insn)
		len = 0;
	d.len = len;
	d.end = len < MMIO_INSN_MAX ? len : MMIO_INSN_MAX;
	if ((unsigned)mode > CPU_MODE_LONG64)
		return fail(&d, "unknown CPU mode %d", (int)mode);
	o.seg = MMIO_SEG_DS;
	o.mode = mode;

	/* Legacy prefixes in any order; REX counts only right before the opcode. */
	for (;;) {
		if (!fetch8(&d, &b))
			return false;
		if (mode == CPU_MODE_LONG64 && (b & 0xf0) == 0x40) {
			d.rex = b;
			continue;
		}
		bool prefix = true;
		switch (b) {
		case 0x66:
			d.opsize = true;
			break;
		case 0x67:
			d.addrsize = true;
			break;
		case 0x26:
		case 0x2e:
		case 0x36:
		case 0x3e:
			/* In 64-bit mode these are null prefixes with no effect. */
			if (mode != CPU_MODE_LONG64)
				o.seg = (enum mmio_seg)((b >> 3) & 3);
			break;
		case 0x64:
			o.seg = MMIO_SEG_FS;
			break;
		case 0x65:
			o.seg = MMIO_SEG_GS;
			break;
		case 0xf0:
			o.lock = true;
			break;
		case 0xf2:
			rep = MMIO_REP_NE;
			break;
		case 0xf3:
			rep = MMIO_REP_E;
			break;
		default:
			prefix = false;
		}
		if (!prefix)
			break;
		d.rex = 0; /* a REX followed by a legacy prefix is ignored */
	}
	o.addr_size = (uint8_t)address_size(&d);
	if (!one_byte(&d, &o, b))
		return false;
	if (o.lock && !lock_ok(&o))
		return fail(&d, "LOCK prefix on an instruction that cannot take it (#UD)");
	/* REP is meaningless (ignored) on the others, but repeats a string op. */
	if (o.op == MMIO_OP_STOS || o.op == MMIO_OP_LODS || o.op == MMIO_OP_MOVS ||
	    o.op == MMIO_OP_CMPS)
		o.rep = rep;
	o.len = (uint8_t)d.pos;
	*out = o;
	return true;
}
