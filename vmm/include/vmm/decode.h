/*
 * The MMIO instruction decoder (vmm/core/decode.c) and its emulator
 * (vmm/core/emulate.c).  When a guest touches MMIO the backend knows the
 * guest-physical address but not the access: these decode the faulting
 * instruction (hostile bytes, at most 15 of them) into size, direction,
 * register and immediate, then apply it to the register file through
 * callbacks that reach the device.  Shared by the VT-x and AMD-V backends;
 * pure functions, unit-tested and fuzzed on the host.
 */
#ifndef VMM_DECODE_H
#define VMM_DECODE_H

#include <pallas/types.h>

struct vcpu_regs;

#define MMIO_INSN_MAX 15 /* longer is #GP on hardware */

/* The mode the faulting instruction ran in: it sets default operand and
 * address sizes and whether 0x40-0x4f are REX prefixes. */
enum cpu_mode {
	CPU_MODE_REAL16,
	CPU_MODE_PROT16,
	CPU_MODE_PROT32,
	CPU_MODE_LONG64,
};

enum mmio_op {
	MMIO_OP_LOAD,	   /* reg <- mem (MOV, moffs, MOVZX, MOVSX) */
	MMIO_OP_STORE,	   /* mem <- reg */
	MMIO_OP_STORE_IMM, /* mem <- imm */
	MMIO_OP_ALU,	   /* mem op reg/imm, or reg op mem; see alu and mem_dst */
	MMIO_OP_XCHG,	   /* reg <-> mem */
	MMIO_OP_STOS,	   /* [rDI] <- rAX; rDI steps by DF */
	MMIO_OP_LODS,	   /* rAX <- [rSI]; rSI steps by DF */
	MMIO_OP_MOVS,	   /* [ES:rDI] <- [rSI]: mmio_emulate_string */
	MMIO_OP_CMPS,	   /* flags of [rSI] - [ES:rDI]: mmio_emulate_string */
	MMIO_OP_BT,	   /* CF <- the bit of mem; BTS/BTR/BTC then set, clear, flip it */
};

/* F3 / F2 on a string instruction; on MOVS, STOS and LODS both just repeat. */
enum mmio_rep { MMIO_REP_NONE, MMIO_REP_E, MMIO_REP_NE };

enum mmio_bitop { MMIO_BT, MMIO_BTS, MMIO_BTR, MMIO_BTC };

/* In the order of the group-1 ModRM reg field (80/81/83 /0../7). */
enum mmio_alu {
	MMIO_ALU_ADD,
	MMIO_ALU_OR,
	MMIO_ALU_ADC,
	MMIO_ALU_SBB,
	MMIO_ALU_AND,
	MMIO_ALU_SUB,
	MMIO_ALU_XOR,
	MMIO_ALU_CMP,
	MMIO_ALU_TEST,
};

enum mmio_ext {
	MMIO_EXT_NONE, /* the register is as wide as the access */
	MMIO_EXT_ZERO, /* MOVZX: reg_size > size */
	MMIO_EXT_SIGN, /* MOVSX */
};

/* Segment registers in their ModRM/SR encoding order; DS when no override. */
enum mmio_seg { MMIO_SEG_ES, MMIO_SEG_CS, MMIO_SEG_SS, MMIO_SEG_DS, MMIO_SEG_FS, MMIO_SEG_GS };

struct mmio_insn {
	uint8_t len; /* bytes, prefixes included: rip advances by this */
	enum mmio_op op;
	enum mmio_alu alu;     /* MMIO_OP_ALU */
	enum mmio_bitop bitop; /* MMIO_OP_BT */
	enum mmio_rep rep;     /* string instructions only */
	enum mmio_ext ext;
	uint8_t size;	  /* the memory access: 1, 2, 4 or 8 */
	uint8_t reg_size; /* the register operand: equal to size unless ext */
	uint8_t reg;	  /* 0-15 in encoding order: rax rcx rdx rbx rsp rbp rsi rdi r8.. */
	bool high_byte;	  /* reg 0-3 names AH, CH, DH, BH (byte form, no REX) */
	bool mem_dst;	  /* MMIO_OP_ALU: the memory operand is the destination */
	bool has_imm;
	uint64_t imm;	   /* sign-extended to 64 bits as the CPU does for the op */
	uint8_t addr_size; /* 2, 4 or 8: moffs width, string-op index width */
	enum mmio_seg seg;
	bool lock, rip_relative;
	enum cpu_mode mode;
};

/* Decodes insn[0..len).  false with a reason in err (always terminated when
 * errlen > 0) for truncated, over-long, invalid or unsupported instructions. */
bool mmio_decode(const uint8_t *insn, size_t len, enum cpu_mode mode, struct mmio_insn *out,
		 char *err, size_t errlen);

/* The IP after len more bytes of code in this mode: it wraps at the code
 * segment's width (16 bits, 32 bits, or none in 64-bit mode). */
uint64_t guest_rip_after(uint64_t rip, unsigned len, enum cpu_mode mode);

/* Whether d is for mmio_emulate_string (MOVS, CMPS, or a string op with
 * REP) rather than mmio_emulate. */
static inline bool mmio_is_string(const struct mmio_insn *d)
{
	return d->rep != MMIO_REP_NONE || d->op == MMIO_OP_MOVS || d->op == MMIO_OP_CMPS;
}

/* a op b at size bytes (1, 2, 4, 8), with the flags it leaves in *rflags. */
uint64_t mmio_alu_apply(enum mmio_alu op, uint64_t a, uint64_t b, unsigned size, uint64_t *rflags);

/* Applies a decoded instruction: read/write reach the device at the faulting
 * address (size 1, 2, 4 or 8), registers and arithmetic flags are updated as
 * the SDM says and rip moves past the instruction.  false (nothing changed)
 * when d is not something mmio_decode produces. */
bool mmio_emulate(const struct mmio_insn *d, struct vcpu_regs *regs,
		  uint64_t (*read)(void *ctx, unsigned size),
		  void (*write)(void *ctx, unsigned size, uint64_t v), void *ctx);

/*
 * String instructions (MOVS, CMPS, and STOS/LODS with REP) address two
 * operands, or many elements, of which the faulting one is only the first:
 * they reach memory (RAM or a device, as the caller finds) by segment and
 * offset through these.  false: the access did not happen (a fault, or
 * memory the caller cannot reach); the caller knows which.
 */
struct mmio_string_mem {
	bool (*read)(void *ctx, enum mmio_seg seg, uint64_t offset, unsigned size, uint64_t *v);
	bool (*write)(void *ctx, enum mmio_seg seg, uint64_t offset, unsigned size, uint64_t v);
};

enum mmio_string_result {
	MMIO_STRING_DONE,    /* the count is done (or there was no REP): rip moved past */
	MMIO_STRING_MORE,    /* max elements done, count left: rip stays, to run again */
	MMIO_STRING_STOPPED, /* an access failed: registers show the elements done */
	MMIO_STRING_INVALID, /* not a string instruction mmio_decode produces */
};

/* Runs up to max elements of a string instruction, with its REP count and
 * REPE/REPNE condition, updating rSI, rDI, rCX, rAX and the flags. */
enum mmio_string_result mmio_emulate_string(const struct mmio_insn *d, struct vcpu_regs *regs,
					    const struct mmio_string_mem *mem, void *ctx,
					    unsigned max);

#endif
