/*
 * mmio_decode / mmio_emulate.  The encodings were assembled with GNU as
 * (.code16/.code32/64-bit, Intel syntax) and their lengths checked against
 * objdump; the assembly is beside each one.
 */
#include <stdlib.h>
#include <string.h>

#include <vmm/decode.h>
#include <vmm/vcpu.h>

#include "unit.h"

#define B(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

static char err[128];

static struct mmio_insn dec_ok(enum cpu_mode mode, const uint8_t *p, size_t n)
{
	struct mmio_insn d;

	memset(err, 0, sizeof(err));
	ck_assert_msg(mmio_decode(p, n, mode, &d, err, sizeof(err)), "decode failed: %s", err);
	ck_assert_uint_le(d.len, n);
	return d;
}

static void dec_bad(enum cpu_mode mode, const uint8_t *p, size_t n, const char *why)
{
	struct mmio_insn d;

	memset(err, 0x5a, sizeof(err));
	ck_assert_msg(!mmio_decode(p, n, mode, &d, err, sizeof(err)),
		      "accepted, wanted %s (len %u of %zu)", why, d.len, n);
	ck_assert_ptr_nonnull(memchr(err, 0, sizeof(err)));
	ck_assert_msg(strstr(err, why), "'%s' lacks '%s'", err, why);
}

/* Checks the fields every case has. */
#define CHECK(d, L, OP, SIZE, REG)                   \
	do {                                         \
		ck_assert_uint_eq((d).len, (L));     \
		ck_assert_int_eq((d).op, (OP));      \
		ck_assert_uint_eq((d).size, (SIZE)); \
		ck_assert_uint_eq((d).reg, (REG));   \
	} while (0)

#define L64 CPU_MODE_LONG64
#define P32 CPU_MODE_PROT32
#define R16 CPU_MODE_REAL16

START_TEST(mov_forms_64)
{
	struct mmio_insn d;

	d = dec_ok(L64, B(0x89, 0x07)); /* mov [rdi], eax */
	CHECK(d, 2, MMIO_OP_STORE, 4, 0);
	ck_assert(!d.high_byte && !d.has_imm && d.addr_size == 8 && d.seg == MMIO_SEG_DS);
	d = dec_ok(L64, B(0x8b, 0x47, 0x10)); /* mov eax, [rdi+0x10] */
	CHECK(d, 3, MMIO_OP_LOAD, 4, 0);
	d = dec_ok(L64, B(0x4c, 0x8b, 0x0d, 0x34, 0x12, 0x00, 0x00)); /* mov r9, [rip+0x1234] */
	CHECK(d, 7, MMIO_OP_LOAD, 8, 9);
	ck_assert(d.rip_relative);
	d = dec_ok(L64, B(0x88, 0x20)); /* mov [rax], ah */
	CHECK(d, 2, MMIO_OP_STORE, 1, 0);
	ck_assert(d.high_byte);
	d = dec_ok(L64, B(0x40, 0x88, 0x30)); /* mov [rax], sil */
	CHECK(d, 3, MMIO_OP_STORE, 1, 6);
	ck_assert(!d.high_byte);
	d = dec_ok(L64, B(0x8a, 0xbc, 0x91, 0x78, 0x56, 0x34, 0x12)); /* mov bh, [rcx+rdx*4+...] */
	CHECK(d, 7, MMIO_OP_LOAD, 1, 3);
	ck_assert(d.high_byte);
	d = dec_ok(L64, B(0x64, 0x8b, 0x00)); /* mov eax, fs:[rax] */
	CHECK(d, 3, MMIO_OP_LOAD, 4, 0);
	ck_assert_int_eq(d.seg, MMIO_SEG_FS);
	d = dec_ok(L64, B(0x67, 0x89, 0x08)); /* mov [eax], ecx */
	CHECK(d, 3, MMIO_OP_STORE, 4, 1);
	ck_assert_uint_eq(d.addr_size, 4);
	d = dec_ok(L64, B(0x4c, 0x89, 0x3c, 0x25, 0x00, 0x10, 0x00, 0x00)); /* mov [0x1000], r15 */
	CHECK(d, 8, MMIO_OP_STORE, 8, 15);
	ck_assert(!d.rip_relative);
	d = dec_ok(L64, B(0x2e, 0x89, 0x07)); /* cs mov [rdi], eax: null prefix in 64-bit */
	CHECK(d, 3, MMIO_OP_STORE, 4, 0);
	ck_assert_int_eq(d.seg, MMIO_SEG_DS);
}
END_TEST

START_TEST(store_imm_64)
{
	struct mmio_insn d;

	d = dec_ok(L64, B(0x66, 0xc7, 0x03, 0x34, 0x12)); /* mov word [rbx], 0x1234 */
	CHECK(d, 5, MMIO_OP_STORE_IMM, 2, 0);
	ck_assert(d.has_imm && (d.imm & 0xffff) == 0x1234);
	d = dec_ok(L64, B(0xc7, 0x45, 0xf8, 0xef, 0xbe, 0xad, 0xde)); /* mov dword [rbp-8], .. */
	CHECK(d, 7, MMIO_OP_STORE_IMM, 4, 0);
	ck_assert_uint_eq(d.imm & 0xffffffff, 0xdeadbeef);
	d = dec_ok(L64, B(0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff)); /* mov qword [rax], -1 */
	CHECK(d, 7, MMIO_OP_STORE_IMM, 8, 0);
	ck_assert_uint_eq(d.imm, ~0ULL);
	d = dec_ok(L64, B(0x41, 0xc6, 0x04, 0x24, 0x7f)); /* mov byte [r12], 0x7f */
	CHECK(d, 5, MMIO_OP_STORE_IMM, 1, 0);
	ck_assert_uint_eq(d.imm, 0x7f);
}
END_TEST

START_TEST(movzx_movsx_64)
{
	struct mmio_insn d;

	d = dec_ok(L64, B(0x0f, 0xb6, 0x06)); /* movzx eax, byte [rsi] */
	CHECK(d, 3, MMIO_OP_LOAD, 1, 0);
	ck_assert(d.reg_size == 4 && d.ext == MMIO_EXT_ZERO);
	d = dec_ok(L64, B(0x45, 0x0f, 0xb7, 0x53, 0x08)); /* movzx r10d, word [r11+8] */
	CHECK(d, 5, MMIO_OP_LOAD, 2, 10);
	ck_assert(d.reg_size == 4 && d.ext == MMIO_EXT_ZERO);
	d = dec_ok(L64, B(0x48, 0x0f, 0xbf, 0x02)); /* movsx rax, word [rdx] */
	CHECK(d, 4, MMIO_OP_LOAD, 2, 0);
	ck_assert(d.reg_size == 8 && d.ext == MMIO_EXT_SIGN);
	d = dec_ok(L64, B(0x0f, 0xbe, 0x0a)); /* movsx ecx, byte [rdx] */
	CHECK(d, 3, MMIO_OP_LOAD, 1, 1);
	ck_assert(d.reg_size == 4 && d.ext == MMIO_EXT_SIGN);
	d = dec_ok(L64, B(0x66, 0x0f, 0xb7, 0x06)); /* movzx ax, word [rsi]: a plain load */
	CHECK(d, 4, MMIO_OP_LOAD, 2, 0);
	ck_assert(d.reg_size == 2 && d.ext == MMIO_EXT_NONE);
}
END_TEST

START_TEST(moffs)
{
	struct mmio_insn d;

	/* movabs eax, [0x1122334455667788] */
	d = dec_ok(L64, B(0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11));
	CHECK(d, 9, MMIO_OP_LOAD, 4, 0);
	/* movabs [0xfee00000], al */
	d = dec_ok(L64, B(0xa2, 0x00, 0x00, 0xe0, 0xfe, 0x00, 0x00, 0x00, 0x00));
	CHECK(d, 9, MMIO_OP_STORE, 1, 0);
	ck_assert(!d.high_byte);
	d = dec_ok(L64, B(0x67, 0xa3, 0x00, 0x00, 0xe0, 0xfe)); /* addr32 mov [0xfee00000], eax */
	CHECK(d, 6, MMIO_OP_STORE, 4, 0);
	d = dec_ok(L64, B(0x48, 0xa1, 1, 2, 3, 4, 5, 6, 7, 8)); /* movabs rax, [..] */
	CHECK(d, 10, MMIO_OP_LOAD, 8, 0);
	d = dec_ok(P32, B(0xa1, 0xb0, 0x00, 0xe0, 0xfe)); /* mov eax, ds:0xfee000b0 */
	CHECK(d, 5, MMIO_OP_LOAD, 4, 0);
	d = dec_ok(R16, B(0xa1, 0x34, 0x12)); /* mov ax, ds:0x1234 */
	CHECK(d, 3, MMIO_OP_LOAD, 2, 0);
}
END_TEST

START_TEST(alu_64)
{
	struct mmio_insn d;

	/* or dword [rax+0x300], 0x100 */
	d = dec_ok(L64, B(0x81, 0x88, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00));
	CHECK(d, 10, MMIO_OP_ALU, 4, 0);
	ck_assert(d.alu == MMIO_ALU_OR && d.mem_dst && d.has_imm && d.imm == 0x100);
	d = dec_ok(L64, B(0x80, 0x27, 0xfe)); /* and byte [rdi], 0xfe */
	CHECK(d, 3, MMIO_OP_ALU, 1, 0);
	ck_assert(d.alu == MMIO_ALU_AND && (d.imm & 0xff) == 0xfe);
	d = dec_ok(L64, B(0x4c, 0x01, 0x7c, 0x24, 0x08)); /* add [rsp+8], r15 */
	CHECK(d, 5, MMIO_OP_ALU, 8, 15);
	ck_assert(d.alu == MMIO_ALU_ADD && d.mem_dst && !d.has_imm);
	d = dec_ok(L64, B(0x2b, 0x0b)); /* sub ecx, [rbx] */
	CHECK(d, 2, MMIO_OP_ALU, 4, 1);
	ck_assert(d.alu == MMIO_ALU_SUB && !d.mem_dst);
	d = dec_ok(L64, B(0x83, 0x38, 0x05)); /* cmp dword [rax], 5 */
	CHECK(d, 3, MMIO_OP_ALU, 4, 0);
	ck_assert(d.alu == MMIO_ALU_CMP && d.imm == 5);
	d = dec_ok(L64, B(0x48, 0x83, 0x38, 0xff)); /* cmp qword [rax], -1 */
	CHECK(d, 4, MMIO_OP_ALU, 8, 0);
	ck_assert(d.imm == ~0ULL);
	d = dec_ok(L64, B(0xf6, 0x00, 0x80)); /* test byte [rax], 0x80 */
	CHECK(d, 3, MMIO_OP_ALU, 1, 0);
	ck_assert(d.alu == MMIO_ALU_TEST && (d.imm & 0xff) == 0x80);
	d = dec_ok(L64, B(0x85, 0x0a)); /* test [rdx], ecx */
	CHECK(d, 2, MMIO_OP_ALU, 4, 1);
	ck_assert(d.alu == MMIO_ALU_TEST);
	d = dec_ok(L64, B(0x66, 0xf7, 0x00, 0x01, 0x80)); /* test word [rax], 0x8001 */
	CHECK(d, 5, MMIO_OP_ALU, 2, 0);
	d = dec_ok(L64, B(0x81, 0x30, 0x00, 0x00, 0x00, 0x80)); /* xor dword [rax], 0x80000000 */
	CHECK(d, 6, MMIO_OP_ALU, 4, 0);
	ck_assert(d.alu == MMIO_ALU_XOR && (uint32_t)d.imm == 0x80000000);
	d = dec_ok(L64, B(0x87, 0x18)); /* xchg [rax], ebx */
	CHECK(d, 2, MMIO_OP_XCHG, 4, 3);
	d = dec_ok(L64, B(0x86, 0x20)); /* xchg [rax], ah */
	CHECK(d, 2, MMIO_OP_XCHG, 1, 0);
	ck_assert(d.high_byte);
	d = dec_ok(L64, B(0xf0, 0x83, 0x08, 0x01)); /* lock or dword [rax], 1 */
	CHECK(d, 4, MMIO_OP_ALU, 4, 0);
	ck_assert(d.lock && d.alu == MMIO_ALU_OR);
	d = dec_ok(L64, B(0x45, 0x3a, 0x01)); /* cmp r8b, [r9] */
	CHECK(d, 3, MMIO_OP_ALU, 1, 8);
	ck_assert(d.alu == MMIO_ALU_CMP && !d.mem_dst);
	d = dec_ok(L64, B(0x30, 0x38)); /* xor [rax], bh */
	CHECK(d, 2, MMIO_OP_ALU, 1, 3);
	ck_assert(d.alu == MMIO_ALU_XOR && d.high_byte);
	d = dec_ok(L64, B(0x0b, 0x07)); /* or eax, [rdi] */
	ck_assert(d.alu == MMIO_ALU_OR && !d.mem_dst);
	d = dec_ok(L64, B(0x21, 0x07)); /* and [rdi], eax */
	ck_assert(d.alu == MMIO_ALU_AND && d.mem_dst);
	d = dec_ok(L64, B(0x11, 0x07)); /* adc [rdi], eax */
	ck_assert(d.alu == MMIO_ALU_ADC);
	d = dec_ok(L64, B(0x1b, 0x07)); /* sbb eax, [rdi] */
	ck_assert(d.alu == MMIO_ALU_SBB);
}
END_TEST

START_TEST(strings)
{
	struct mmio_insn d;

	d = dec_ok(L64, B(0xab)); /* stosd */
	CHECK(d, 1, MMIO_OP_STOS, 4, 0);
	ck_assert_int_eq(d.seg, MMIO_SEG_ES);
	d = dec_ok(L64, B(0x48, 0xad)); /* lodsq */
	CHECK(d, 2, MMIO_OP_LODS, 8, 0);
	d = dec_ok(R16, B(0xaa)); /* stosb */
	CHECK(d, 1, MMIO_OP_STOS, 1, 0);
	ck_assert_uint_eq(d.addr_size, 2);
	ck_assert_int_eq(d.rep, MMIO_REP_NONE);
	d = dec_ok(L64, B(0xf3, 0xab)); /* rep stosd */
	CHECK(d, 2, MMIO_OP_STOS, 4, 0);
	ck_assert_int_eq(d.rep, MMIO_REP_E);
	d = dec_ok(L64, B(0xf3, 0xa4)); /* rep movsb */
	CHECK(d, 2, MMIO_OP_MOVS, 1, 0);
	ck_assert_int_eq(d.rep, MMIO_REP_E);
	ck_assert_int_eq(d.seg, MMIO_SEG_DS);
	d = dec_ok(P32, B(0x64, 0xa5)); /* movsd fs:[esi] -> es:[edi] */
	CHECK(d, 2, MMIO_OP_MOVS, 4, 0);
	ck_assert_int_eq(d.seg, MMIO_SEG_FS);
	ck_assert_int_eq(d.rep, MMIO_REP_NONE);
	d = dec_ok(L64, B(0x66, 0xa7)); /* cmpsw */
	CHECK(d, 2, MMIO_OP_CMPS, 2, 0);
	d = dec_ok(L64, B(0xf2, 0xa6)); /* repne cmpsb */
	CHECK(d, 2, MMIO_OP_CMPS, 1, 0);
	ck_assert_int_eq(d.rep, MMIO_REP_NE);
	d = dec_ok(L64, B(0x67, 0xf3, 0x48, 0xa5)); /* rep movsq with 32-bit addresses */
	CHECK(d, 4, MMIO_OP_MOVS, 8, 0);
	ck_assert_uint_eq(d.addr_size, 4);
}
END_TEST

START_TEST(bit_tests)
{
	struct mmio_insn d;

	d = dec_ok(L64, B(0x0f, 0xa3, 0x07)); /* bt [rdi], eax */
	CHECK(d, 3, MMIO_OP_BT, 4, 0);
	ck_assert(d.bitop == MMIO_BT && !d.has_imm);
	d = dec_ok(L64, B(0x48, 0x0f, 0xab, 0x0f)); /* bts [rdi], rcx */
	CHECK(d, 4, MMIO_OP_BT, 8, 1);
	ck_assert(d.bitop == MMIO_BTS);
	d = dec_ok(L64, B(0x66, 0x0f, 0xb3, 0x07)); /* btr [rdi], ax */
	CHECK(d, 4, MMIO_OP_BT, 2, 0);
	ck_assert(d.bitop == MMIO_BTR);
	d = dec_ok(L64, B(0x0f, 0xbb, 0x57, 0x08)); /* btc [rdi+8], edx */
	CHECK(d, 4, MMIO_OP_BT, 4, 2);
	ck_assert(d.bitop == MMIO_BTC);
	d = dec_ok(L64, B(0x0f, 0xba, 0x27, 0x05)); /* bt dword [rdi], 5 */
	CHECK(d, 4, MMIO_OP_BT, 4, 0);
	ck_assert(d.bitop == MMIO_BT && d.has_imm && d.imm == 5);
	d = dec_ok(L64, B(0xf0, 0x0f, 0xba, 0x3f, 0x1f)); /* lock btc dword [rdi], 31 */
	ck_assert(d.bitop == MMIO_BTC && d.imm == 31 && d.lock && d.len == 5);
	dec_bad(L64, B(0xf0, 0x0f, 0xa3, 0x07), "LOCK");	/* lock bt: #UD */
	dec_bad(L64, B(0x0f, 0xba, 0x07, 0x01), "unsupported"); /* 0f ba /0 */
}
END_TEST

START_TEST(legacy_modes)
{
	struct mmio_insn d;

	d = dec_ok(P32, B(0x89, 0x07)); /* mov [edi], eax */
	CHECK(d, 2, MMIO_OP_STORE, 4, 0);
	ck_assert_uint_eq(d.addr_size, 4);
	d = dec_ok(P32, B(0x66, 0x8b, 0x43, 0x04)); /* mov ax, [ebx+4] */
	CHECK(d, 4, MMIO_OP_LOAD, 2, 0);
	/* mov dword [esp+ecx*8+0x100], 0x12345678 */
	d = dec_ok(P32, B(0xc7, 0x84, 0xcc, 0x00, 0x01, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12));
	CHECK(d, 11, MMIO_OP_STORE_IMM, 4, 0);
	ck_assert_uint_eq(d.imm, 0x12345678);
	d = dec_ok(P32, B(0x0f, 0xb7, 0x06)); /* movzx eax, word [esi] */
	CHECK(d, 3, MMIO_OP_LOAD, 2, 0);
	d = dec_ok(P32, B(0x67, 0x8a, 0x00)); /* mov al, [bx+si] */
	CHECK(d, 3, MMIO_OP_LOAD, 1, 0);
	ck_assert_uint_eq(d.addr_size, 2);
	d = dec_ok(P32, B(0x82, 0x00, 0x01)); /* add byte [eax], 1 (82 alias) */
	CHECK(d, 3, MMIO_OP_ALU, 1, 0);
	d = dec_ok(P32, B(0x26, 0x89, 0x07)); /* mov es:[edi], eax */
	ck_assert_int_eq(d.seg, MMIO_SEG_ES);
	d = dec_ok(R16, B(0x89, 0x00)); /* mov [bx+si], ax */
	CHECK(d, 2, MMIO_OP_STORE, 2, 0);
	d = dec_ok(R16, B(0x66, 0x8b, 0x05)); /* mov eax, [di] */
	CHECK(d, 3, MMIO_OP_LOAD, 4, 0);
	d = dec_ok(R16, B(0xc6, 0x46, 0x04, 0x12)); /* mov byte [bp+4], 0x12 */
	CHECK(d, 4, MMIO_OP_STORE_IMM, 1, 0);
	d = dec_ok(R16, B(0x8b, 0x86, 0x34, 0x12)); /* mov ax, [bp+0x1234] */
	CHECK(d, 4, MMIO_OP_LOAD, 2, 0);
	d = dec_ok(R16, B(0x8b, 0x06, 0x34, 0x12)); /* mov ax, [0x1234] */
	CHECK(d, 4, MMIO_OP_LOAD, 2, 0);
	d = dec_ok(R16, B(0x67, 0x8a, 0x04, 0x4b)); /* mov al, [ebx+ecx*2] */
	CHECK(d, 4, MMIO_OP_LOAD, 1, 0);
	d = dec_ok(CPU_MODE_PROT16, B(0x88, 0x26, 0x00, 0x80)); /* mov [0x8000], ah */
	CHECK(d, 4, MMIO_OP_STORE, 1, 0);
	ck_assert(d.high_byte);
}
END_TEST

START_TEST(prefix_rules)
{
	struct mmio_insn d;

	/* A REX followed by a legacy prefix is ignored: this is a 16-bit store. */
	d = dec_ok(L64, B(0x48, 0x66, 0x89, 0x07));
	CHECK(d, 4, MMIO_OP_STORE, 2, 0);
	/* REX.W wins over 0x66. */
	d = dec_ok(L64, B(0x66, 0x48, 0x89, 0x07));
	CHECK(d, 4, MMIO_OP_STORE, 8, 0);
	/* The last REX counts. */
	d = dec_ok(L64, B(0x48, 0x41, 0x89, 0x07));
	CHECK(d, 4, MMIO_OP_STORE, 4, 0);
	/* REP on a MOV is ignored. */
	d = dec_ok(L64, B(0xf3, 0x89, 0x07));
	CHECK(d, 3, MMIO_OP_STORE, 4, 0);
	/* Exactly 15 bytes: 13 prefixes and a two-byte MOV. */
	uint8_t buf[15];
	memset(buf, 0x3e, 13);
	buf[13] = 0x89;
	buf[14] = 0x07;
	d = dec_ok(P32, buf, sizeof(buf));
	ck_assert_uint_eq(d.len, 15);
	/* Trailing bytes after the instruction are not ours. */
	d = dec_ok(L64, B(0x89, 0x07, 0x90, 0x90, 0x90));
	ck_assert_uint_eq(d.len, 2);
}
END_TEST

START_TEST(hostile)
{
	struct mmio_insn d;
	uint8_t buf[32];

	dec_bad(L64, NULL, 5, "truncated");
	dec_bad(L64, buf, 0, "truncated");
	dec_bad(L64, B(0x40), "truncated");
	dec_bad(L64, B(0x89), "truncated");
	dec_bad(L64, B(0x89, 0x04), "truncated");	      /* SIB missing */
	dec_bad(L64, B(0x89, 0x05, 0x00, 0x00), "truncated"); /* disp32 cut */
	dec_bad(L64, B(0x89, 0xc0), "register operand");
	dec_bad(L64, B(0xf0, 0x89, 0x07), "LOCK");
	dec_bad(L64, B(0xf0, 0x83, 0x38, 0x05), "LOCK"); /* lock cmp */
	dec_bad(L64, B(0xf0, 0x2b, 0x0b), "LOCK");	 /* lock sub reg, mem */
	dec_bad(L64, B(0x0f, 0x0b), "unsupported");
	dec_bad(L64, B(0xc6, 0x08, 0x00), "unsupported"); /* c6 /1 */
	dec_bad(L64, B(0xf7, 0x18), "unsupported");	  /* neg */
	dec_bad(L64, B(0x82, 0x00, 0x01), "64-bit");
	dec_bad(P32, B(0x40), "unsupported");			      /* inc eax, not REX */
	dec_bad(L64, B(0xc4, 0xe1, 0x79, 0x7e, 0x07), "unsupported"); /* VEX vmovd */
	dec_bad((enum cpu_mode)7, B(0x89, 0x07), "mode");

	/* 15 prefixes, then the opcode: over the architectural limit. */
	memset(buf, 0x66, sizeof(buf));
	buf[15] = 0x89;
	buf[16] = 0x07;
	dec_bad(L64, buf, 17, "longer than 15");
	dec_bad(L64, buf, 15, "longer than 15");
	memset(buf, 0x40, sizeof(buf)); /* REX forever */
	dec_bad(L64, buf, sizeof(buf), "longer than 15");
	/* 14 prefixes and a two-byte MOV: 16 bytes. */
	memset(buf, 0x3e, 14);
	buf[14] = 0x89;
	buf[15] = 0x07;
	dec_bad(P32, buf, 16, "longer than 15");
	/* An 11-byte immediate store behind six prefixes needs 17 bytes. */
	dec_bad(L64,
		B(0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x67, 0xc7, 0x84, 0xcc, 0x00, 0x01, 0x00, 0x00,
		  0x78, 0x56, 0x34),
		"longer than 15");

	/* Every valid encoding cut short fails cleanly at each length. */
	static const struct {
		enum cpu_mode mode;
		uint8_t b[15];
		uint8_t n;
	} full[] = {
	    {L64, {0x81, 0x88, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00}, 10},
	    {L64, {0x4c, 0x8b, 0x0d, 0x34, 0x12, 0x00, 0x00}, 7},
	    {L64, {0xa1, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}, 9},
	    {P32, {0xc7, 0x84, 0xcc, 0x00, 0x01, 0x00, 0x00, 0x78, 0x56, 0x34, 0x12}, 11},
	    {R16, {0x8b, 0x86, 0x34, 0x12}, 4},
	    {L64, {0x45, 0x0f, 0xb7, 0x53, 0x08}, 5},
	};
	for (size_t i = 0; i < sizeof(full) / sizeof(full[0]); i++) {
		uint8_t *cut;
		for (size_t n = 0; n < full[i].n; n++) {
			cut = malloc(n ? n : 1); /* exact size: ASan catches an overread */
			memcpy(cut, full[i].b, n);
			ck_assert(!mmio_decode(cut, n, full[i].mode, &d, err, sizeof(err)));
			free(cut);
		}
		d = dec_ok(full[i].mode, full[i].b, full[i].n);
		ck_assert_uint_eq(d.len, full[i].n);
	}

	/* A one-byte error buffer is still terminated; errlen 0 is not touched. */
	char tiny[1] = {'x'};
	ck_assert(!mmio_decode(B(0x0f, 0x0b), L64, &d, tiny, sizeof(tiny)));
	ck_assert_int_eq(tiny[0], 0);
	ck_assert(!mmio_decode(B(0x0f, 0x0b), L64, &d, NULL, 0));
}
END_TEST

/* A device register: what reads return, and what was written. */
struct dev {
	uint64_t value, written;
	unsigned reads, writes, rsize, wsize;
};

static uint64_t dev_read(void *ctx, unsigned size)
{
	struct dev *v = ctx;
	v->reads++;
	v->rsize = size;
	return v->value;
}

static void dev_write(void *ctx, unsigned size, uint64_t val)
{
	struct dev *v = ctx;
	v->writes++;
	v->wsize = size;
	v->written = val;
}

static struct vcpu_regs regs;
static struct dev dev;

static void run(enum cpu_mode mode, const uint8_t *p, size_t n)
{
	struct mmio_insn d = dec_ok(mode, p, n);
	uint64_t rip = regs.rip;

	ck_assert(mmio_emulate(&d, &regs, dev_read, dev_write, &dev));
	if (mode == L64)
		ck_assert_uint_eq(regs.rip, rip + d.len);
}

static void reset(uint64_t value)
{
	memset(&regs, 0, sizeof(regs));
	memset(&dev, 0, sizeof(dev));
	regs.rflags = 0x2;
	regs.rip = 0x1000;
	dev.value = value;
}

#define FL_CF 0x1
#define FL_PF 0x4
#define FL_AF 0x10
#define FL_ZF 0x40
#define FL_SF 0x80
#define FL_DF 0x400
#define FL_OF 0x800
#define ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

START_TEST(emulate_loads)
{
	reset(0x12345678);
	regs.rax = ~0ULL;
	run(L64, B(0x8b, 0x07)); /* mov eax, [rdi]: zero-extends */
	ck_assert_uint_eq(regs.rax, 0x12345678);
	ck_assert(dev.reads == 1 && dev.rsize == 4 && dev.writes == 0);

	reset(0x12345678);
	regs.rax = 0xaaaaaaaa00000000ULL;
	run(P32, B(0x8b, 0x07)); /* outside 64-bit mode the upper half is left alone */
	ck_assert_uint_eq(regs.rax, 0xaaaaaaaa12345678ULL);
	ck_assert_uint_eq(regs.rip, 0x1002);

	reset(0xbeef);
	regs.rax = 0x1111222233334444ULL;
	run(L64, B(0x66, 0x8b, 0x07)); /* mov ax, [rdi] */
	ck_assert_uint_eq(regs.rax, 0x111122223333beefULL);

	reset(0xab);
	regs.rax = 0x1122334455667788ULL;
	run(L64, B(0x8a, 0x20)); /* mov ah, [rax] */
	ck_assert_uint_eq(regs.rax, 0x112233445566ab88ULL);

	reset(0xffffffffffffffabULL); /* a device answering wider than asked */
	regs.rsi = 0x1122334455667788ULL;
	run(L64, B(0x40, 0x8a, 0x30)); /* mov sil, [rax] */
	ck_assert_uint_eq(regs.rsi, 0x11223344556677abULL);

	reset(0x8001);
	regs.r10 = ~0ULL;
	run(L64, B(0x45, 0x0f, 0xb7, 0x53, 0x08)); /* movzx r10d, word [r11+8] */
	ck_assert_uint_eq(regs.r10, 0x8001);
	ck_assert_uint_eq(dev.rsize, 2);

	reset(0x8001);
	run(L64, B(0x48, 0x0f, 0xbf, 0x02)); /* movsx rax, word [rdx] */
	ck_assert_uint_eq(regs.rax, 0xffffffffffff8001ULL);

	reset(0x80);
	regs.rcx = ~0ULL;
	run(L64, B(0x0f, 0xbe, 0x0a)); /* movsx ecx, byte [rdx] */
	ck_assert_uint_eq(regs.rcx, 0xffffff80);

	reset(0x0102030405060708ULL);
	run(L64, B(0x4c, 0x8b, 0x0d, 0x34, 0x12, 0x00, 0x00)); /* mov r9, [rip+0x1234] */
	ck_assert_uint_eq(regs.r9, 0x0102030405060708ULL);
	ck_assert_uint_eq(dev.rsize, 8);

	reset(0x55);
	regs.rbx = 0xffffffff00000077ULL;
	run(L64, B(0x87, 0x18)); /* xchg [rax], ebx */
	ck_assert_uint_eq(regs.rbx, 0x55);
	ck_assert(dev.writes == 1 && dev.written == 0x77 && dev.wsize == 4);
}
END_TEST

START_TEST(emulate_stores)
{
	reset(0);
	regs.rax = 0x1122334455667788ULL;
	run(L64, B(0x88, 0x20)); /* mov [rax], ah */
	ck_assert(dev.written == 0x77 && dev.wsize == 1 && dev.reads == 0);

	reset(0);
	regs.r15 = 0xfeedfacecafebeefULL;
	run(L64, B(0x4c, 0x89, 0x3c, 0x25, 0x00, 0x10, 0x00, 0x00)); /* mov [0x1000], r15 */
	ck_assert(dev.written == 0xfeedfacecafebeefULL && dev.wsize == 8);

	reset(0);
	regs.rax = 0xffffffff12345678ULL;
	run(L64, B(0x89, 0x07));
	ck_assert(dev.written == 0x12345678 && dev.wsize == 4);

	reset(0);
	run(L64, B(0x48, 0xc7, 0x00, 0xff, 0xff, 0xff, 0xff)); /* mov qword [rax], -1 */
	ck_assert(dev.written == ~0ULL && dev.wsize == 8);

	reset(0);
	run(L64, B(0x66, 0xc7, 0x03, 0x34, 0x12));
	ck_assert(dev.written == 0x1234 && dev.wsize == 2);

	reset(0);
	run(L64, B(0xc7, 0x45, 0xf8, 0xef, 0xbe, 0xad, 0xde));
	ck_assert(dev.written == 0xdeadbeef && dev.wsize == 4);

	/* stosd up and down; lodsq. */
	reset(0);
	regs.rax = 0xabcdef0123456789ULL;
	regs.rdi = 0x1000;
	run(L64, B(0xab));
	ck_assert(dev.written == 0x23456789 && regs.rdi == 0x1004);
	regs.rflags |= FL_DF;
	run(L64, B(0xab));
	ck_assert_uint_eq(regs.rdi, 0x1000);

	reset(0x1122334455667788ULL);
	regs.rsi = 0x2000;
	run(L64, B(0x48, 0xad));
	ck_assert(regs.rax == 0x1122334455667788ULL && regs.rsi == 0x2008);

	/* 16-bit: DI wraps within its 16 bits, and so does IP. */
	reset(0);
	regs.rax = 0x42;
	regs.rdi = 0x5555ffff;
	regs.rip = 0xffff;
	run(R16, B(0xaa));
	ck_assert(dev.written == 0x42 && regs.rdi == 0x55550000 && regs.rip == 0);
}
END_TEST

static uint64_t flags(void)
{
	return regs.rflags & ARITH;
}

START_TEST(emulate_flags)
{
	/* cmp dword [rax], 5 */
	reset(5);
	run(L64, B(0x83, 0x38, 0x05));
	ck_assert_uint_eq(flags(), FL_ZF | FL_PF);
	ck_assert_uint_eq(dev.writes, 0);
	reset(3);
	run(L64, B(0x83, 0x38, 0x05)); /* 3 - 5 = 0xfffffffe */
	ck_assert_uint_eq(flags(), FL_CF | FL_SF | FL_AF);
	reset(0x80000000);
	run(L64, B(0x83, 0x38, 0x01)); /* 0x7fffffff: signed overflow */
	ck_assert_uint_eq(flags(), FL_OF | FL_AF | FL_PF);

	/* add [rsp+8], r15: all ones plus one */
	reset(~0ULL);
	regs.r15 = 1;
	run(L64, B(0x4c, 0x01, 0x7c, 0x24, 0x08));
	ck_assert(dev.written == 0 && dev.wsize == 8);
	ck_assert_uint_eq(flags(), FL_CF | FL_ZF | FL_AF | FL_PF);

	/* add byte [rax], 1 via 80 /0: 0x7f + 1 */
	reset(0x7f);
	run(L64, B(0x80, 0x00, 0x01));
	ck_assert(dev.written == 0x80 && dev.wsize == 1);
	ck_assert_uint_eq(flags(), FL_OF | FL_SF | FL_AF);

	/* sub ecx, [rbx]: 10 - 3 into ecx, nothing written */
	reset(3);
	regs.rcx = 0xffffffff0000000aULL;
	run(L64, B(0x2b, 0x0b));
	ck_assert(regs.rcx == 7 && dev.writes == 0);
	ck_assert_uint_eq(flags(), 0);

	/* test byte [rax], 0x80 clears CF and OF it did not compute */
	reset(0x81);
	regs.rflags |= FL_CF | FL_OF | FL_ZF;
	run(L64, B(0xf6, 0x00, 0x80));
	ck_assert_uint_eq(flags(), FL_SF);
	ck_assert_uint_eq(dev.writes, 0);

	/* xor dword [rax], 0x80000000 */
	reset(0x80000003);
	run(L64, B(0x81, 0x30, 0x00, 0x00, 0x00, 0x80));
	ck_assert(dev.written == 3 && dev.wsize == 4);
	ck_assert_uint_eq(flags(), FL_PF);

	/* lock or dword [rax], 1 */
	reset(0x10);
	run(L64, B(0xf0, 0x83, 0x08, 0x01));
	ck_assert(dev.written == 0x11);
	ck_assert_uint_eq(flags(), FL_PF);

	/* and byte [rdi], 0xfe */
	reset(0x01);
	run(L64, B(0x80, 0x27, 0xfe));
	ck_assert(dev.written == 0 && flags() == (FL_ZF | FL_PF));

	/* adc [rdi], eax with CF in: 0xffffffff + 0 + 1 */
	reset(0xffffffff);
	regs.rflags |= FL_CF;
	run(L64, B(0x11, 0x07));
	ck_assert(dev.written == 0 && (flags() & (FL_CF | FL_ZF)) == (FL_CF | FL_ZF));

	/* sbb eax, [rdi] with CF in: 5 - 5 - 1 */
	reset(5);
	regs.rax = 5;
	regs.rflags |= FL_CF;
	run(L64, B(0x1b, 0x07));
	ck_assert(regs.rax == 0xffffffff && (flags() & (FL_CF | FL_SF)) == (FL_CF | FL_SF));

	/* cmp r8b, [r9]: reg - mem */
	reset(0x10);
	regs.r8 = 0x0f;
	run(L64, B(0x45, 0x3a, 0x01));
	ck_assert_uint_eq(flags(), FL_CF | FL_SF | FL_PF); /* 0xff, no nibble borrow */
	ck_assert_uint_eq(regs.r8, 0x0f);

	/* xor [rax], bh */
	reset(0xf0);
	regs.rbx = 0x0f00;
	run(L64, B(0x30, 0x38));
	ck_assert(dev.written == 0xff && flags() == (FL_SF | FL_PF));

	/* other rflags bits survive */
	reset(5);
	regs.rflags = 0x202 | FL_DF;
	run(L64, B(0x83, 0x38, 0x05));
	ck_assert_uint_eq(regs.rflags, 0x202 | FL_DF | FL_ZF | FL_PF);
}
END_TEST

START_TEST(emulate_rejects)
{
	struct mmio_insn d = dec_ok(L64, B(0x89, 0x07));
	struct mmio_insn bad;

	reset(0);
	bad = d;
	bad.size = 3;
	ck_assert(!mmio_emulate(&bad, &regs, dev_read, dev_write, &dev));
	bad = d;
	bad.reg = 16;
	ck_assert(!mmio_emulate(&bad, &regs, dev_read, dev_write, &dev));
	bad = d;
	bad.high_byte = true; /* only for byte accesses */
	ck_assert(!mmio_emulate(&bad, &regs, dev_read, dev_write, &dev));
	bad = d;
	bad.op = (enum mmio_op)99;
	ck_assert(!mmio_emulate(&bad, &regs, dev_read, dev_write, &dev));
	bad = d;
	bad.len = 0;
	ck_assert(!mmio_emulate(&bad, &regs, dev_read, dev_write, &dev));
	ck_assert(regs.rip == 0x1000 && dev.reads == 0 && dev.writes == 0);
}
END_TEST

START_TEST(rip_wraps_at_the_code_width)
{
	ck_assert_uint_eq(guest_rip_after(0xfffe, 3, R16), 0x1);
	ck_assert_uint_eq(guest_rip_after(0x1fffe, 3, CPU_MODE_PROT16), 0x1);
	ck_assert_uint_eq(guest_rip_after(0xfffffffe, 3, P32), 0x1);
	ck_assert_uint_eq(guest_rip_after(0xfffffffe, 3, L64), 0x100000001ULL);
}
END_TEST

START_TEST(emulate_bit_tests)
{
	reset(0x10);
	run(L64, B(0x0f, 0xba, 0x27, 0x04)); /* bt dword [rdi], 4 */
	ck_assert(regs.rflags & FL_CF);
	ck_assert(dev.reads == 1 && dev.writes == 0);
	run(L64, B(0x0f, 0xba, 0x2f, 0x01)); /* bts dword [rdi], 1 */
	ck_assert(!(regs.rflags & FL_CF));
	ck_assert(dev.writes == 1 && dev.written == 0x12 && dev.wsize == 4);
	regs.rax = 36;		       /* bit 4 of this dword: the address already holds the rest */
	run(L64, B(0x0f, 0xb3, 0x07)); /* btr [rdi], eax */
	ck_assert(regs.rflags & FL_CF);
	ck_assert_uint_eq(dev.written, 0);
	regs.rflags |= FL_ZF | FL_SF;
	regs.rcx = 63;
	dev.value = 0;
	run(L64, B(0x48, 0x0f, 0xbb, 0x0f)); /* btc [rdi], rcx */
	ck_assert(!(regs.rflags & FL_CF));
	ck_assert((regs.rflags & (FL_ZF | FL_SF)) == (FL_ZF | FL_SF)); /* left alone */
	ck_assert(dev.written == 1ULL << 63 && dev.wsize == 8);
}
END_TEST

/* A flat 256-byte guest memory for the string engine, one for every segment,
 * that can refuse an offset (a fault the caller would turn into #PF). */
static struct {
	uint8_t b[256];
	uint64_t refuse; /* offset that fails; ~0 for none */
	unsigned reads, writes;
} flat;

static bool flat_read(void *ctx, enum mmio_seg seg, uint64_t off, unsigned size, uint64_t *v)
{
	(void)ctx, (void)seg;
	if (off == flat.refuse || off + size > sizeof(flat.b))
		return false;
	*v = 0;
	memcpy(v, flat.b + off, size);
	flat.reads++;
	return true;
}

static bool flat_write(void *ctx, enum mmio_seg seg, uint64_t off, unsigned size, uint64_t v)
{
	(void)ctx, (void)seg;
	if (off == flat.refuse || off + size > sizeof(flat.b))
		return false;
	memcpy(flat.b + off, &v, size);
	flat.writes++;
	return true;
}

static const struct mmio_string_mem flat_mem = {flat_read, flat_write};

static enum mmio_string_result run_string(enum cpu_mode mode, const uint8_t *p, size_t n,
					  unsigned max)
{
	struct mmio_insn d = dec_ok(mode, p, n);
	return mmio_emulate_string(&d, &regs, &flat_mem, NULL, max);
}

static void flat_reset(void)
{
	reset(0);
	for (unsigned i = 0; i < sizeof(flat.b); i++)
		flat.b[i] = (uint8_t)i;
	flat.refuse = ~0ULL;
	flat.reads = flat.writes = 0;
}

START_TEST(string_copies)
{
	flat_reset();
	regs.rsi = 0x10, regs.rdi = 0x80, regs.rcx = 5;
	ck_assert_int_eq(run_string(L64, B(0xf3, 0xa4), 16), MMIO_STRING_DONE); /* rep movsb */
	ck_assert_mem_eq(flat.b + 0x80, ((const uint8_t[]){0x10, 0x11, 0x12, 0x13, 0x14}), 5);
	ck_assert(regs.rsi == 0x15 && regs.rdi == 0x85 && regs.rcx == 0 && regs.rip == 0x1002);

	/* Backwards with DF, words, and the 16-bit index wrapping within SI/DI. */
	flat_reset();
	regs.rflags |= FL_DF;
	regs.rsi = 0xffff0020, regs.rdi = 0x40, regs.rcx = 0xabcd0002;
	ck_assert_int_eq(run_string(R16, B(0xf3, 0xa5), 16), MMIO_STRING_DONE); /* rep movsw */
	ck_assert(flat.b[0x40] == 0x20 && flat.b[0x41] == 0x21 && flat.b[0x3e] == 0x1e);
	ck_assert(regs.rsi == 0xffff001c && regs.rdi == 0x3c && regs.rcx == 0xabcd0000);
	ck_assert_uint_eq(regs.rip, 0x1002);

	/* REP STOS fills, REP LODS leaves the last element in rAX. */
	flat_reset();
	regs.rax = 0x11223344aabbccddULL, regs.rdi = 0x20, regs.rcx = 3;
	ck_assert_int_eq(run_string(L64, B(0xf3, 0xab), 16), MMIO_STRING_DONE); /* rep stosd */
	ck_assert(flat.b[0x20] == 0xdd && flat.b[0x2b] == 0xaa && flat.b[0x2c] == 0x2c);
	ck_assert_uint_eq(regs.rdi, 0x2c);
	regs.rsi = 0x20, regs.rcx = 2;
	ck_assert_int_eq(run_string(L64, B(0xf3, 0x48, 0xad), 16), MMIO_STRING_DONE);
	ck_assert_uint_eq(regs.rax, 0x2f2e2d2caabbccddULL); /* the second qword: half stored */
	ck_assert_uint_eq(regs.rsi, 0x30);

	/* A count of zero touches nothing and ends at once. */
	flat_reset();
	ck_assert_int_eq(run_string(L64, B(0xf3, 0xa4), 16), MMIO_STRING_DONE);
	ck_assert(flat.reads == 0 && flat.writes == 0 && regs.rip == 0x1002);
}
END_TEST

START_TEST(string_compares)
{
	flat_reset();
	flat.b[0x83] = 0xff; /* differs from 0x03 */
	for (unsigned i = 0; i < 8; i++)
		flat.b[0x80 + i] = (uint8_t)(i == 3 ? 0xff : i);
	regs.rsi = 0x00, regs.rdi = 0x80, regs.rcx = 8;
	ck_assert_int_eq(run_string(L64, B(0xf3, 0xa6), 16), MMIO_STRING_DONE); /* repe cmpsb */
	ck_assert(!(regs.rflags & FL_ZF) && (regs.rflags & FL_CF)); /* 0x03 - 0xff borrows */
	ck_assert(regs.rcx == 4 && regs.rsi == 4 && regs.rdi == 0x84);

	flat_reset();
	flat.b[0x85] = 0x05;
	regs.rsi = 0x00, regs.rdi = 0x80, regs.rcx = 8; /* 0x80.. differ from 0x00.. but at 5 */
	ck_assert_int_eq(run_string(L64, B(0xf2, 0xa6), 16), MMIO_STRING_DONE); /* repne */
	ck_assert(regs.rflags & FL_ZF);
	ck_assert(regs.rcx == 2 && regs.rsi == 6);

	flat_reset();
	regs.rsi = 0x10, regs.rdi = 0x10;
	ck_assert_int_eq(run_string(L64, B(0x66, 0xa7), 16), MMIO_STRING_DONE); /* cmpsw */
	ck_assert(regs.rflags & FL_ZF);
	ck_assert(regs.rsi == 0x12 && regs.rdi == 0x12 && regs.rip == 0x1002);
}
END_TEST

START_TEST(string_limits_and_faults)
{
	/* More elements than one exit takes: rip stays until the count is done. */
	flat_reset();
	regs.rsi = 0, regs.rdi = 0x80, regs.rcx = 10;
	ck_assert_int_eq(run_string(L64, B(0xf3, 0xa4), 4), MMIO_STRING_MORE);
	ck_assert(regs.rcx == 6 && regs.rdi == 0x84 && regs.rip == 0x1000);
	ck_assert_int_eq(run_string(L64, B(0xf3, 0xa4), 4), MMIO_STRING_MORE);
	ck_assert_int_eq(run_string(L64, B(0xf3, 0xa4), 4), MMIO_STRING_DONE);
	ck_assert(regs.rcx == 0 && regs.rdi == 0x8a && regs.rip == 0x1002);
	ck_assert_uint_eq(flat.b[0x89], 9);

	/* An element that cannot be reached stops with the ones before it done. */
	flat_reset();
	flat.refuse = 0x83;
	regs.rsi = 0, regs.rdi = 0x80, regs.rcx = 10;
	ck_assert_int_eq(run_string(L64, B(0xf3, 0xa4), 64), MMIO_STRING_STOPPED);
	ck_assert(regs.rcx == 7 && regs.rsi == 3 && regs.rdi == 0x83 && regs.rip == 0x1000);
	ck_assert_uint_eq(flat.writes, 3);

	/* Not a string instruction, or a damaged one. */
	struct mmio_insn d = dec_ok(L64, B(0x89, 0x07));
	ck_assert_int_eq(mmio_emulate_string(&d, &regs, &flat_mem, NULL, 4), MMIO_STRING_INVALID);
	d = dec_ok(L64, B(0xf3, 0xa4));
	d.size = 3;
	ck_assert_int_eq(mmio_emulate_string(&d, &regs, &flat_mem, NULL, 4), MMIO_STRING_INVALID);
	/* mmio_emulate leaves these to the string engine. */
	d = dec_ok(L64, B(0xf3, 0xab));
	ck_assert(!mmio_emulate(&d, &regs, dev_read, dev_write, &dev));
	d = dec_ok(L64, B(0xa5));
	ck_assert(!mmio_emulate(&d, &regs, dev_read, dev_write, &dev));
}
END_TEST

UNIT_SUITE(mmio_decode_suite)
{
	Suite *s = suite_create("mmio_decode");
	TCase *tc = tcase_create("decode");

	tcase_add_test(tc, mov_forms_64);
	tcase_add_test(tc, store_imm_64);
	tcase_add_test(tc, movzx_movsx_64);
	tcase_add_test(tc, moffs);
	tcase_add_test(tc, alu_64);
	tcase_add_test(tc, strings);
	tcase_add_test(tc, bit_tests);
	tcase_add_test(tc, legacy_modes);
	tcase_add_test(tc, prefix_rules);
	tcase_add_test(tc, hostile);
	suite_add_tcase(s, tc);
	tc = tcase_create("emulate");
	tcase_add_test(tc, emulate_loads);
	tcase_add_test(tc, emulate_stores);
	tcase_add_test(tc, emulate_flags);
	tcase_add_test(tc, emulate_rejects);
	tcase_add_test(tc, emulate_bit_tests);
	tcase_add_test(tc, rip_wraps_at_the_code_width);
	tcase_add_test(tc, string_copies);
	tcase_add_test(tc, string_compares);
	tcase_add_test(tc, string_limits_and_faults);
	suite_add_tcase(s, tc);
	return s;
}
