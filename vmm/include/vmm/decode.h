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
};

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
	enum mmio_alu alu; /* MMIO_OP_ALU */
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

/* Applies a decoded instruction: read/write reach the device at the faulting
 * address (size 1, 2, 4 or 8), registers and arithmetic flags are updated as
 * the SDM says and rip moves past the instruction.  false (nothing changed)
 * when d is not something mmio_decode produces. */
bool mmio_emulate(const struct mmio_insn *d, struct vcpu_regs *regs,
		  uint64_t (*read)(void *ctx, unsigned size),
		  void (*write)(void *ctx, unsigned size, uint64_t v), void *ctx);

#endif
