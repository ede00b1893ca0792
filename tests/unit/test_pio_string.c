/*
 * The pure half of string port I/O (vmm/core/pio_string_decode.c): prefixes
 * to address size, segment and REP; index and count arithmetic at 16, 32
 * and 64 bits with DF either way.  Encodings assembled with GNU as.
 */
#include "../../vmm/core/pio_string.h"

#include "unit.h"

#define B(...) ((const uint8_t[]){__VA_ARGS__}), sizeof((const uint8_t[]){__VA_ARGS__})

static struct pio_string_insn dec(enum cpu_mode mode, const uint8_t *p, size_t n)
{
	struct pio_string_insn d;

	ck_assert_msg(pio_string_decode(p, n, mode, &d), "not decoded");
	return d;
}

START_TEST(decode_forms)
{
	struct pio_string_insn d = dec(CPU_MODE_PROT32, B(0x6c)); /* insb */
	ck_assert(!d.out && !d.rep);
	ck_assert_uint_eq(d.len, 1);
	ck_assert_uint_eq(d.addr_size, 4);
	ck_assert_int_eq(d.seg, MMIO_SEG_DS);

	d = dec(CPU_MODE_PROT32, B(0xf3, 0x6f)); /* rep outsl */
	ck_assert(d.out && d.rep);
	ck_assert_uint_eq(d.len, 2);

	d = dec(CPU_MODE_PROT32, B(0xf3, 0x66, 0x6d)); /* rep insw */
	ck_assert(!d.out && d.rep);
	ck_assert_uint_eq(d.len, 3);

	d = dec(CPU_MODE_PROT32, B(0x64, 0xf3, 0x6e)); /* rep outsb %fs:(%esi) */
	ck_assert_int_eq(d.seg, MMIO_SEG_FS);
	ck_assert(d.out && d.rep);
	d = dec(CPU_MODE_PROT32, B(0x26, 0x6e)); /* outsb %es:(%esi) */
	ck_assert_int_eq(d.seg, MMIO_SEG_ES);
	d = dec(CPU_MODE_PROT32, B(0x2e, 0x6e));
	ck_assert_int_eq(d.seg, MMIO_SEG_CS);
	d = dec(CPU_MODE_PROT32, B(0x36, 0x6e));
	ck_assert_int_eq(d.seg, MMIO_SEG_SS);
	d = dec(CPU_MODE_PROT32, B(0x65, 0x6e));
	ck_assert_int_eq(d.seg, MMIO_SEG_GS);
	d = dec(CPU_MODE_PROT32, B(0xf2, 0x6c)); /* REPNE repeats INS too */
	ck_assert(d.rep);
}
END_TEST

START_TEST(decode_address_size)
{
	ck_assert_uint_eq(dec(CPU_MODE_REAL16, B(0x6c)).addr_size, 2);
	ck_assert_uint_eq(dec(CPU_MODE_REAL16, B(0x67, 0x6c)).addr_size, 4);
	ck_assert_uint_eq(dec(CPU_MODE_PROT16, B(0x6c)).addr_size, 2);
	ck_assert_uint_eq(dec(CPU_MODE_PROT32, B(0x67, 0xf3, 0x6c)).addr_size, 2);
	ck_assert_uint_eq(dec(CPU_MODE_LONG64, B(0x6c)).addr_size, 8);
	ck_assert_uint_eq(dec(CPU_MODE_LONG64, B(0x67, 0x6c)).addr_size, 4);
	/* REX is a prefix only in 64-bit mode: rep outsl with REX.W */
	struct pio_string_insn d = dec(CPU_MODE_LONG64, B(0xf3, 0x48, 0x6f));
	ck_assert_uint_eq(d.len, 3);
	ck_assert(d.rep && d.out);
}
END_TEST

START_TEST(decode_rejects)
{
	struct pio_string_insn d;

	ck_assert(!pio_string_decode(B(0xec), CPU_MODE_PROT32, &d));	   /* in (%dx), %al */
	ck_assert(!pio_string_decode(B(0xf3, 0xa4), CPU_MODE_PROT32, &d)); /* rep movsb */
	ck_assert(!pio_string_decode(B(0x48, 0x6c), CPU_MODE_PROT32, &d)); /* dec %eax first */
	ck_assert(!pio_string_decode(B(0xf3), CPU_MODE_PROT32, &d));	   /* truncated */
	ck_assert(!pio_string_decode(NULL, 0, CPU_MODE_PROT32, &d));
	uint8_t many[16];
	for (unsigned i = 0; i < 15; i++)
		many[i] = 0x66;
	many[15] = 0x6c; /* beyond 15 bytes */
	ck_assert(!pio_string_decode(many, sizeof(many), CPU_MODE_PROT32, &d));
	ck_assert(pio_string_decode(many + 1, 15, CPU_MODE_PROT32, &d));
	ck_assert_uint_eq(d.len, 15);
}
END_TEST

START_TEST(stepping)
{
	/* 32-bit: up and down by the element size, zero-extended. */
	ck_assert_uint_eq(pio_string_step(0x1000, 4, false, 4), 0x1004);
	ck_assert_uint_eq(pio_string_step(0x1000, 2, true, 4), 0xffe);
	ck_assert_uint_eq(pio_string_step(0xdead0000fffffffeull, 4, false, 4), 0x2);
	ck_assert_uint_eq(pio_string_step(0, 1, true, 4), 0xffffffffull);
	/* 16-bit: wraps within DI/SI, the upper bits stay. */
	ck_assert_uint_eq(pio_string_step(0x1234fffe, 2, false, 2), 0x12340000);
	ck_assert_uint_eq(pio_string_step(0x12340000, 1, true, 2), 0x1234ffff);
	ck_assert_uint_eq(pio_string_step(0x12349000, 4, false, 2), 0x12349004);
	/* 64-bit */
	ck_assert_uint_eq(pio_string_step(0xffffffffffffffffull, 1, false, 8), 0);
	ck_assert_uint_eq(pio_string_step(0x100000000ull, 4, true, 8), 0xfffffffcull);
}
END_TEST

START_TEST(counts)
{
	ck_assert_uint_eq(pio_string_get(0xabcd0005, 2), 5);
	ck_assert_uint_eq(pio_string_get(0xabcd00000005ull, 4), 5);
	ck_assert_uint_eq(pio_string_get(0xabcd00000005ull, 8), 0xabcd00000005ull);
	ck_assert_uint_eq(pio_string_put(0xabcd0005, 4, 2), 0xabcd0004);
	ck_assert_uint_eq(pio_string_put(0xffffffff00000005ull, 4, 4), 4);
	ck_assert_uint_eq(pio_string_put(0x5, 0x123456789ull, 8), 0x123456789ull);
}
END_TEST

UNIT_SUITE(pio_string_suite)
{
	Suite *s = suite_create("pio_string");
	TCase *tc = tcase_create("pure");

	tcase_add_test(tc, decode_forms);
	tcase_add_test(tc, decode_address_size);
	tcase_add_test(tc, decode_rejects);
	tcase_add_test(tc, stepping);
	tcase_add_test(tc, counts);
	suite_add_tcase(s, tc);
	return s;
}
