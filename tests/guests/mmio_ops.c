/* The instructions drivers and OS code use on MMIO, beyond plain MOV, each on
 * the LAPIC's registers and checked by reading the register back: ADD, SUB,
 * AND, OR, XOR and TEST with a memory operand; BT, BTS, BTR, BTC (LOCK too);
 * MOVS from RAM to a register and from a register to RAM; CMPS against RAM;
 * REP STOS and REP MOVS across registers (rSI, rDI and rCX as the CPU leaves
 * them).  Offsets inside a register's 16 bytes other than its first dword
 * are reserved, so only the first dword of each is checked. */
#include "lib/guest.h"

const char guest_name[] = "mmio_ops";

#define REG(off)  ((volatile uint32_t *)(LAPIC_BASE + (off)))
#define EFLAGS_CF (1u << 0)
#define EFLAGS_ZF (1u << 6)
#define LVT_MASK  (1u << 16)

static uint32_t flags_after_bt(volatile uint32_t *reg, unsigned bit, int op)
{
	uint32_t fl;

	switch (op) {
	case 0:
		asm volatile("btl %1, %2; pushf; pop %0" : "=r"(fl) : "Ir"(bit), "m"(*reg) : "cc");
		break;
	case 1:
		asm volatile("lock btsl %2, %1; pushf; pop %0"
			     : "=r"(fl), "+m"(*reg)
			     : "Ir"(bit)
			     : "cc", "memory");
		break;
	case 2:
		asm volatile("btrl %2, %1; pushf; pop %0"
			     : "=r"(fl), "+m"(*reg)
			     : "Ir"(bit)
			     : "cc", "memory");
		break;
	default:
		asm volatile("btcl %2, %1; pushf; pop %0"
			     : "=r"(fl), "+m"(*reg)
			     : "Ir"(bit)
			     : "cc", "memory");
		break;
	}
	return fl;
}

static void arithmetic(void)
{
	volatile uint32_t *init = REG(LAPIC_TMR_INIT);
	uint32_t fl;

	*init = 1000;
	asm volatile("addl $234, %0" : "+m"(*init)::"cc", "memory");
	CHECK(*init == 1234, "add: timer initial count %u, expected 1234", *init);
	asm volatile("subl $34, %0" : "+m"(*init)::"cc", "memory");
	CHECK(*init == 1200, "sub: %u", *init);
	asm volatile("orl $0x10000, %0" : "+m"(*init)::"cc", "memory");
	asm volatile("andl $0x100ff, %0" : "+m"(*init)::"cc", "memory");
	CHECK(*init == (0x10000 | (1200 & 0xff)), "or/and: %x", *init);
	asm volatile("xorl $0x10000, %0" : "+m"(*init)::"cc", "memory");
	CHECK(*init == (1200 & 0xff), "xor: %x", *init);
	asm volatile("testl $0x80, %1; pushf; pop %0" : "=r"(fl) : "m"(*init) : "cc");
	CHECK(!(fl & EFLAGS_ZF) == !!(*init & 0x80), "test: flags %x with %x", fl, *init);
	*init = 0;
	printf("add, sub, or, and, xor, test on MMIO\n");
}

static void bit_tests(void)
{
	volatile uint32_t *tpr = REG(LAPIC_TPR);

	*tpr = 0;
	CHECK(!(flags_after_bt(tpr, 5, 1) & EFLAGS_CF), "bts: CF with the bit clear");
	CHECK(*tpr == 0x20, "lock bts 5: TPR %x", *tpr);
	CHECK(flags_after_bt(tpr, 5, 0) & EFLAGS_CF, "bt: CF clear with the bit set");
	CHECK(!(flags_after_bt(tpr, 4, 3) & EFLAGS_CF), "btc: CF with the bit clear");
	CHECK(*tpr == 0x30, "btc 4: TPR %x", *tpr);
	CHECK(flags_after_bt(tpr, 5, 2) & EFLAGS_CF, "btr: CF clear with the bit set");
	CHECK(*tpr == 0x10, "btr 5: TPR %x", *tpr);
	CHECK(!(flags_after_bt(tpr, 7, 0) & EFLAGS_CF), "bt 7: CF set with the bit clear");
	*tpr = 0;
	printf("bt, lock bts, btr, btc on MMIO\n");
}

static void strings(void)
{
	uint32_t version = lapic_read(LAPIC_VERSION), buf[4] = {0}, word = 0x87654321u;
	uint32_t *si, *di, cx, fl;

	/* RAM to a register, and a register to RAM. */
	si = &word, di = (uint32_t *)REG(LAPIC_TMR_INIT);
	asm volatile("cld; movsl" : "+S"(si), "+D"(di)::"memory");
	CHECK(lapic_read(LAPIC_TMR_INIT) == word, "movs to MMIO: %x", lapic_read(LAPIC_TMR_INIT));
	CHECK(si == &word + 1 && di == (uint32_t *)REG(LAPIC_TMR_INIT) + 1, "movs indexes");
	lapic_write(LAPIC_TMR_INIT, 0);
	si = (uint32_t *)REG(LAPIC_VERSION), di = buf;
	asm volatile("cld; movsl" : "+S"(si), "+D"(di)::"memory");
	CHECK(buf[0] == version, "movs from MMIO: %x, version %x", buf[0], version);

	/* CMPS: equal, then RAM below the register. */
	uint32_t same = version, less = version - 1;
	si = &same, di = (uint32_t *)REG(LAPIC_VERSION);
	asm volatile("cld; cmpsl; pushf; pop %2" : "+S"(si), "+D"(di), "=r"(fl)::"cc");
	CHECK(fl & EFLAGS_ZF, "cmps of equal dwords: flags %x", fl);
	si = &less, di = (uint32_t *)REG(LAPIC_VERSION);
	asm volatile("cld; cmpsl; pushf; pop %2" : "+S"(si), "+D"(di), "=r"(fl)::"cc");
	CHECK(!(fl & EFLAGS_ZF) && (fl & EFLAGS_CF), "cmps of smaller RAM: flags %x", fl);

	/* REP STOS over TPR and the reserved dwords after it. */
	di = (uint32_t *)REG(LAPIC_TPR), cx = 4;
	asm volatile("cld; rep stosl" : "+D"(di), "+c"(cx) : "a"(0x40) : "memory");
	CHECK(cx == 0 && di == (uint32_t *)REG(LAPIC_TPR) + 4, "rep stos: ecx %u", cx);
	CHECK(lapic_read(LAPIC_TPR) == 0x40, "rep stos: TPR %x", lapic_read(LAPIC_TPR));
	lapic_write(LAPIC_TPR, 0);

	/* REP MOVS from the version register's 16 bytes into RAM. */
	si = (uint32_t *)REG(LAPIC_VERSION), di = buf, cx = 4;
	buf[0] = 0;
	asm volatile("cld; rep movsl" : "+S"(si), "+D"(di), "+c"(cx)::"memory");
	CHECK(cx == 0 && di == buf + 4 && si == (uint32_t *)REG(LAPIC_VERSION) + 4,
	      "rep movs: ecx %u", cx);
	CHECK(buf[0] == version, "rep movs from MMIO: %x, version %x", buf[0], version);

	/* REP MOVS from RAM into the timer's initial count, backwards (DF). */
	uint32_t src[2] = {0x1111, 0x2222};
	si = &src[1], di = (uint32_t *)REG(LAPIC_TMR_INIT), cx = 1;
	asm volatile("std; rep movsl; cld" : "+S"(si), "+D"(di), "+c"(cx)::"memory");
	CHECK(lapic_read(LAPIC_TMR_INIT) == 0x2222, "rep movs backwards: %x",
	      lapic_read(LAPIC_TMR_INIT));
	CHECK(si == &src[0] && di == (uint32_t *)REG(LAPIC_TMR_INIT) - 1, "std rep movs indexes");
	lapic_write(LAPIC_TMR_INIT, 0);
	printf("movs both ways, cmps, rep stos, rep movs on MMIO\n");
}

void guest_main(const struct mb_info *mbi)
{
	(void)mbi;
	pic_init();
	lapic_enable();
	lapic_write(LAPIC_LVT_TMR, LVT_MASK | 0x40); /* the count runs, no interrupt */
	arithmetic();
	bit_tests();
	strings();
}
